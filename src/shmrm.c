/*
 * shmrm - remove shared memory segments, by ADDRESS or in bulk by filter.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cols.h"
#include "out.h"

static const char usage_text[] =
"Usage: shmrm [-N PID] [-n] [-v] [-f] ADDRESS...\n"
"       shmrm [-N PID | -A] [-n] [-v] [-f] [--sysv] [--posix] [-u USER]\n"
"             [--unused] [--orphans] [--older-than DURATION]\n"
"             [--name GLOB] [--exclude GLOB] [--exclude-from FILE] [--all]\n"
"Remove shared memory segments: System V segments with IPC_RMID (freed\n"
"when the last process detaches), POSIX objects and files by unlinking.\n"
"With filters instead of ADDRESSes, remove every segment they select that\n"
"no process uses; those this user may not remove are skipped and counted.\n"
"\n"
"  -N, --namespace PID         in the IPC namespace and /dev/shm of process PID\n"
"  -A, --all-namespaces        bulk: in every IPC namespace and /dev/shm of\n"
"                              the host (who uses what: every process)\n"
"  -n, --dry-run               say what would be removed, remove nothing\n"
"  -v, --verbose               print each ADDRESS removed, and each kept, why\n"
"  -f, --force                 no error for a missing ADDRESS; in bulk, also\n"
"                              remove segments in use or of unknown use\n"
"      --sysv                  bulk: System V segments\n"
"      --posix                 bulk: POSIX objects in /dev/shm\n"
"  -u, --user USER             bulk: segments owned by USER\n"
"      --unused                bulk: segments no process uses\n"
"      --orphans               bulk: unused segments whose creator is gone\n"
"      --older-than DURATION   bulk: changed longer ago (90s, 10m, 2h, 3d)\n"
"      --name GLOB             bulk: segments named GLOB (psm_* or /psm_*,\n"
"                              0x5e00*); several: any\n"
"      --exclude GLOB          bulk: never segments named GLOB\n"
"      --exclude-from FILE     --exclude each GLOB of FILE, one a line, # a\n"
"                              comment; -FILE: may be missing\n"
"      --all                   bulk: every segment (that no process uses)\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"ADDRESS: /NAME, posix:NAME, 0xKEY, key:N, id:N, file:PATH (a memfd, an\n"
"unlinked object (deleted:PID:...) and anonymous shared memory (anon:PID:...)\n"
"live while a process holds them and cannot be removed).  See shmtools(7).\n";

enum {
	OPT_ALL = CLI_OPT_FILTER_END,
};

static const struct option longopts[] = {
	CLI_NS_LONGOPT,
	CLI_ALL_NS_LONGOPT,
	{ "dry-run",	no_argument,		NULL, 'n' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "force",	no_argument,		NULL, 'f' },
	CLI_FILTER_LONGOPTS,
	{ "all",	no_argument,		NULL, OPT_ALL },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* Everything the options say, and what a run has done so far. */
struct rm_opts {
	bool		 dry_run, verbose, force;
	bool		 bulk, all, all_ns;
	struct shm_filter filter;
	/* bulk mode's counts, and with -n its rows */
	size_t		 removed, kept, held, denied;
	size_t		 kept_use;	/* not unused, or not an orphan */
	size_t		 unknown;	/* of those kept: of unknown use */
	uint64_t	 bytes, held_bytes;
	struct shm_rec	*would;		/* shallow copies: no strings owned */
	size_t		 nwould;
};

/* "removed ADDRESS", the ADDRESS escaped: a name may hold a newline. */
static void
print_escaped(const char *what, const char *addr)
{
	char *esc = shm_escape(addr);

	printf("%s %s\n", what, esc != NULL ? esc : addr);
	free(esc);
}

static void
kept(struct rm_opts *o, const char *addr, const char *why)
{
	o->kept++;
	if (o->verbose)
		cli_warn(addr, "kept: %s", why);
}

static const char *name_of(const struct rm_opts *, const struct shm_rec *,
    const char *, char *, size_t);

/*
 * Selected by every filter but --unused or --orphans, which it fails:
 * kept, whatever -f says, and said why under -v.
 */
static void
kept_for_use(struct rm_opts *o, const struct shm_rec *r)
{
	char addr[SHM_ADDR_BUFSZ + 32], buf[128];
	bool unknown;
	const char *why = shm_kept_why(r, o->filter.orphans, buf, sizeof(buf),
	    &unknown);

	if (why == NULL)
		return;
	o->kept_use++;
	if (unknown)
		o->unknown++;
	if (o->verbose)
		cli_warn(name_of(o, r, NULL, addr, sizeof(addr)), "kept: %s",
		    why);
}

/*
 * An unlinked object that processes still map or hold: it has no name
 * left to remove, -f or not, and is freed when the last of them lets go.
 * Said whatever -v says: it is why the space is not coming back.
 */
static void
held(struct rm_opts *o, const char *addr, const struct shm_rec *r)
{
	o->held++;
	o->held_bytes += r->size;
	if (r->npids > 0)
		cli_warn(addr, "kept: unlinked already, and still mapped or "
		    "held by PID %d%s: freed when %s", (int)r->pids[0],
		    r->npids > 1 ? " and others" : "", r->npids > 1 ?
		    "they let go" : "it lets go");
	else
		cli_warn(addr, "kept: unlinked already, and still mapped or "
		    "held: freed when its holders let go");
}

/*
 * A listed segment's ADDRESS in messages; with -A, one of another place
 * says where, as the other programs take it: "-N PID ADDRESS".
 */
static void
place_addr(const struct rm_opts *o, const struct shm_rec *r, char *buf,
    size_t len)
{
	char addr[SHM_ADDR_BUFSZ];

	shm_addr_format(&r->addr, addr, sizeof(addr));
	if (o->all_ns && r->addr.place != shm_place_default() &&
	    shm_place_id(r->addr.place)->pid > 0)
		snprintf(buf, len, "-N %d %s",
		    (int)shm_place_id(r->addr.place)->pid, addr);
	else
		snprintf(buf, len, "%s", addr);
}

/*
 * arg, or where it is NULL the ADDRESS of r (place_addr) in buf: a bulk
 * removal names a segment only when it says something of it.
 */
static const char *
name_of(const struct rm_opts *o, const struct shm_rec *r, const char *arg,
    char *buf, size_t len)
{
	if (arg == NULL) {
		place_addr(o, r, buf, len);
		arg = buf;
	}
	return arg;
}

/* What is said and counted of a segment r, removed. */
static int
removed(struct rm_opts *o, const char *arg, const struct shm_rec *r)
{
	char buf[SHM_ADDR_BUFSZ + 32];

	if (r->nattch > 0)
		cli_warn(name_of(o, r, arg, buf, sizeof(buf)), "removed while "
		    "still attached: freed when the last process detaches");
	if (o->verbose)
		print_escaped("removed", name_of(o, r, arg, buf, sizeof(buf)));
	o->removed++;
	o->bytes += r->size;
	return EXIT_SUCCESS;
}

/*
 * The one removal worker, for a segment named (listed false) or found by
 * the filters (listed true, r as the listing found it).  The one rule for
 * a segment that is gone already: named, it is an error unless -f;
 * listed, someone else was faster, and it is passed over in silence.  A
 * listed segment is removed only if it still is the one listed and, but
 * with -f, still unused (shm_remove_listed).
 */
static int
remove_rec(struct rm_opts *o, const char *arg, const struct shm_rec *r,
    bool listed, int flags)
{
	int rc, e;

	if (o->dry_run) {
		if (!listed)
			print_escaped("would remove", arg);
		else
			o->would[o->nwould++] = *r;
		o->removed++;
		o->bytes += r->size;
		return EXIT_SUCCESS;
	}
	if (listed)
		rc = shm_remove_listed(r, flags | (o->force ? SHM_RM_FORCE : 0) |
		    (shm_name_changed_since(r) ? 0 : SHM_RM_SAME));
	else
		rc = shm_remove(&r->addr);
	if (rc == -1) {
		char buf[SHM_ADDR_BUFSZ + 32];

		if (errno == ENOENT && (listed || o->force))
			return EXIT_SUCCESS;
		e = errno;
		arg = name_of(o, r, arg, buf, sizeof(buf));
		errno = e;
		if (listed && errno == EBUSY)
			kept(o, arg, "attached since it was listed");
		else if (listed && errno == ESTALE)
			kept(o, arg, "replaced since it was listed");
		else {
			cli_op_fail(arg, errno, SHM_OP_REMOVE, &r->addr);
			return EXIT_OPFAIL;
		}
		return EXIT_SUCCESS;
	}
	return removed(o, arg, r);
}

/* An ADDRESS operand: looked at, then removed by the worker. */
static int
remove_one(void *ctx, const char *arg, const struct shm_addr *a)
{
	struct rm_opts *o = ctx;
	struct shm_rec rec;
	int r;

	/* Refused before anything is looked at: -f and -n alike. */
	if (shm_remove_check(a) == -1) {
		cli_op_fail(arg, errno, SHM_OP_REMOVE, a);
		return EXIT_OPFAIL;
	}
	/* Looked at and removed in one go, but in a dry run. */
	if ((o->dry_run ? shm_stat(a, &rec) : shm_remove_stat(a, &rec)) == -1) {
		if (errno == ENOENT && o->force)
			return EXIT_SUCCESS;
		cli_op_fail(arg, errno, SHM_OP_REMOVE, a);
		return EXIT_OPFAIL;
	}
	r = o->dry_run ? remove_rec(o, arg, &rec, false, 0) :
	    removed(o, arg, &rec);
	shm_rec_free(&rec);
	return r;
}

/* Milliseconds on the monotonic clock. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * How old the view of who uses a POSIX object or file may be when one is
 * removed.  Nothing counts their users but a scan of /proc, so a process
 * can start to map one after the scan.  Bulk removal watches opens
 * (watch.c) and looks again at one opened since; where it cannot watch,
 * whenever its last look is older than this (say, while stdout blocked).
 */
#define SCAN_MAX_AGE_MS	100

/*
 * Must the users of r be looked at again before it is removed?  Where
 * the library watches opens, only if its name was opened since the last
 * look (the cost stays linear in objects plus processes); else whenever
 * that look is older than SCAN_MAX_AGE_MS.
 */
static bool
look_again(const struct shm_rec *r, int64_t scanned)
{
	if (shm_open_watch_active())
		return shm_opened_since(r);
	return now_ms() - scanned > SCAN_MAX_AGE_MS;
}

/*
 * Look again at who uses v[0..n).  If the scan fails, their use becomes
 * unknown: nothing is removed on the strength of an old look.
 */
static void
rescan(struct shm_rec *v, size_t n, int64_t *when)
{
	if (shm_scan_users(cli_place(), &v, &n, false) == 0)
		*when = now_ms();
}


/* One look of a bulk removal, and what judge() needs beside the record. */
struct judging {
	struct rm_opts	*o;
	struct shm_rec	*rec;
	size_t		 left;		/* rec and those after it in its array */
	time_t		 now;
	int64_t		 scanned;	/* when users were last looked at */
	int		 flags;		/* for shm_remove_listed() */
	int		 ret;		/* the walk's first failure */
};

/*
 * Remove w->rec, a segment listed, if the filters select it and no
 * process uses it (but -f).
 */
static int
judge(struct judging *w)
{
	struct rm_opts *o = w->o;
	struct shm_rec *rec = w->rec;
	char addr[SHM_ADDR_BUFSZ + 32];

	/* Named only to say something of it: most are removed in silence. */
	if (rec->status & SHM_ST_DELETED) {
		held(o, name_of(o, rec, NULL, addr, sizeof(addr)), rec);
		return EXIT_SUCCESS;
	}
	if (rec->status & SHM_ST_DEST)
		return EXIT_SUCCESS;	/* removed already, waiting for detach */
	if (!shm_filter_match(&o->filter, rec, w->now)) {
		if (shm_may_remove(rec))
			kept_for_use(o, rec);
		return EXIT_SUCCESS;
	}
	/*
	 * Another user's segment is not ours to remove: skipped, counted
	 * in one note, and the same in a dry run.
	 */
	if (!shm_may_remove(rec)) {
		o->denied++;
		if (o->verbose)
			cli_warn(name_of(o, rec, NULL, addr, sizeof(addr)),
			    "skipped: no permission to remove it");
		return EXIT_SUCCESS;
	}
	if (!o->force && !o->dry_run && shm_use_from_scan(rec) &&
	    look_again(rec, w->scanned)) {
		shm_open_watch_reset();
		rescan(rec, w->left, &w->scanned);
	}
	if (rec->nattch != 0 && !o->force) {
		if (rec->nattch < 0)
			o->unknown++;
		kept(o, name_of(o, rec, NULL, addr, sizeof(addr)),
		    rec->nattch < 0 ?
		    "who uses it cannot be seen" : "in use");
		return EXIT_SUCCESS;
	}
	return remove_rec(o, NULL, rec, true, w->flags);
}

/* shm_sysv_walk()'s call: judge each segment as soon as it is read. */
static int
judge_walked(void *ctx, struct shm_rec *rec)
{
	struct judging *w = ctx;
	int r;

	w->rec = rec;
	w->left = 1;
	if ((r = judge(w)) != 0 && w->ret == 0)
		w->ret = r;
	return 0;
}

/*
 * A removal of System V segments alone, in one place, neither -n nor -v
 * (which list in the order of shmids): each segment judged and removed
 * as the kernel's table is read, the look it was judged by its last, as
 * ipcrm --all does.  -1 (nothing done): list and remove as ever.
 */
static int
remove_walk(struct rm_opts *o, int *ret)
{
	struct judging w = { .o = o, .flags = SHM_RM_FRESH };

	if (o->dry_run || o->verbose || o->all_ns ||
	    o->filter.kinds != SHM_KIND_BIT(SHM_SYSV))
		return -1;
	w.now = time(NULL);
	w.scanned = now_ms();
	if (shm_sysv_walk(cli_place(), judge_walked, &w) == -1) {
		if (errno != ENOSYS)
			cli_fatal("cannot list segments");
		return -1;
	}
	*ret = w.ret;
	return 0;
}

/*
 * How many were kept because who uses them cannot be seen, and what
 * would let us see: the host's PID namespace (or the word that this one
 * shares its places with no other), and every process of it.
 */
static void
unknown_note(const struct rm_opts *o)
{
	bool pidns = shm_pidns_partial(), user = !pidns || geteuid() != 0;

	cli_warn(NULL, "kept %zu of unknown use: %s%s%s", o->unknown,
	    pidns ? "processes of another PID namespace may use them; run "
	    "shmrm in the host's PID namespace, or set "
	    "SHMTOOLS_PIDNS_PRIVATE=1 if no process outside this one shares "
	    "its /dev/shm and IPC namespace" : "",
	    pidns && user ? "; " : "",
	    user ? "processes this user cannot see (another user's, hidepid) "
	    "may use them: run shmrm as root to see every process" : "");
}

/*
 * Bulk mode: remove what the filters select, but never a segment that a
 * process uses or whose use cannot be seen, unless forced.  Each is
 * removed only if it still is the segment listed and, looked at again
 * just before, still unused.
 */
static int
remove_all(struct rm_opts *o)
{
	/* The rows shmls -rb -o TYPE,ADDRESS,SIZE,OWNER,NATTCH prints. */
	static const int dry_cols[] = {
		COL_TYPE, COL_ADDRESS, COL_SIZE, COL_OWNER, COL_NATTCH
	};
	struct cols_fmt fmt = { .mode = COLS_RAW, .bytes = true };
	const struct shm_place **places = NULL, *here = cli_place();
	struct shm_filter sel = o->filter;
	struct cols_list cl;
	size_t i, n = 0, np = 1;
	struct shm_rec *v = NULL;
	struct judging w = { .o = o };
	const char *s;
	int r, ret = EXIT_SUCCESS;

	if (remove_walk(o, &ret) == 0) {
		shm_remove_listed_done();
		goto summary;
	}
	/*
	 * Selected whatever --unused and --orphans say, then judged here:
	 * an unlinked object is in use by definition, and is told about
	 * (held()) rather than passed over in silence.
	 */
	sel.unused = sel.orphans = false;
	places = o->all_ns ? cli_places_all(&np) : &here;
	/*
	 * Before the scan: what is opened after it must be seen.  Only
	 * names are opened: not for System V alone (an inotify instance
	 * costs a grace period, some 20 ms, to close).
	 */
	if (!o->force && !o->dry_run &&
	    (sel.kinds & ~SHM_KIND_BIT(SHM_SYSV)) != 0)
		shm_open_watch_start(places, np);
	/*
	 * Who uses a System V segment is the kernel's count (NATTCH): a
	 * removal of System V segments alone needs no walk of /proc.
	 */
	if (shm_select_places(places, np, &sel,
	    (sel.kinds & ~SHM_KIND_BIT(SHM_SYSV)) != 0, &v, &n, NULL) == -1)
		cli_fatal("cannot list segments");
	/* For the tests: stop between the look and the removals. */
	if ((s = getenv("SHMTOOLS_TEST_STOP")) != NULL &&
	    strcmp(s, "listed") == 0)
		raise(SIGSTOP);
	w.now = time(NULL);
	w.scanned = now_ms();
	if (o->dry_run && (o->would = calloc(n + 1, sizeof(*v))) == NULL)
		cli_fatal(NULL);
	for (i = 0; i < n; i++) {
		w.rec = &v[i];
		w.left = n - i;
		if ((r = judge(&w)) != 0 && ret == 0)
			ret = r;
	}
	shm_remove_listed_done();
	shm_open_watch_end();
	if (o->dry_run) {
		memcpy(cl.col, dry_cols, sizeof(dry_cols));
		cl.n = sizeof(dry_cols) / sizeof(dry_cols[0]);
		if (o->all_ns)
			cols_add_places(&cl);
		if (out_print_recs(&fmt, &cl, o->would, o->nwould, false) != 0)
			ret = EXIT_OPFAIL;
		free(o->would);
	}
summary:
	{
		char human[SHM_SIZE_BUFSZ];

		/*
		 * On stderr, so that stdout holds only the rows; after them,
		 * when both go to one pipe.
		 */
		fflush(stdout);
		if (o->unknown > 0)
			unknown_note(o);
		shm_size_human(o->bytes, human, sizeof(human));
		fprintf(stderr, "%s: %s %zu segment%s, %" PRIu64 " bytes (%s)",
		    getprogname(), o->dry_run ? "would remove" : "removed",
		    o->removed, o->removed == 1 ? "" : "s", o->bytes, human);
		if (o->kept > 0)
			fprintf(stderr, "; kept %zu in use or of unknown use "
			    "(-f removes them)", o->kept);
		if (o->kept_use > 0)
			fprintf(stderr, "; kept %zu %s", o->kept_use,
			    o->filter.orphans ? "in use, of unknown use or not "
			    "orphans" : "in use or of unknown use");
		if (o->held > 0) {
			shm_size_human(o->held_bytes, human, sizeof(human));
			fprintf(stderr, "; %zu unlinked object%s still held "
			    "(%s) cannot be removed", o->held,
			    o->held == 1 ? "" : "s", human);
		}
		if (o->denied > 0)
			fprintf(stderr, "; skipped %zu this user has no "
			    "permission to remove", o->denied);
		fputc('\n', stderr);
	}
	shm_rec_list_free(v, n);
	if (o->all_ns)
		shm_places_free(places, np);
	return ret;
}

int
main(int argc, char *argv[])
{
	struct rm_opts o = { 0 };
	int ch, r;

	cli_init(argv);
	shm_list_need_resident(false);	/* never shown */
	while ((ch = getopt_long(argc, argv, "N:Anvfu:hV", longopts, NULL)) != -1) {
		if (cli_filter_option(ch, optarg, &o.filter)) {
			o.bulk = true;
			continue;
		}
		switch (ch) {
		case 'N':
			cli_namespace_arg(optarg);
			break;
		case 'A':
			o.all_ns = true;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'f':
			o.force = true;
			break;
		case OPT_ALL:
			o.all = o.bulk = true;
			break;
		case 'h':
			cli_help(usage_text);
		case 'V':
			cli_version();
		default:
			cli_bad_option();
		}
	}
	argc -= optind;
	argv += optind;
	/* Everything is checked before anything is removed. */
	if (o.bulk && argc > 0)
		cli_usage("ADDRESS operands and filters exclude each other");
	if (o.all_ns && cli_namespace_given())
		cli_usage("-N and -A exclude each other");
	if (o.all_ns && !o.bulk && argc > 0)
		cli_usage("-A is for bulk mode (filters), not for ADDRESS "
		    "operands: use -N PID");
	if (o.all_ns)
		o.bulk = true;	/* what to remove is said below */
	if (!o.bulk) {
		int rc;

		if (argc > 1)
			shm_remove_batch();
		rc = cli_each_addr(argc, argv,
		    SHM_KINDS_ALL & ~SHM_KIND_BIT(SHM_MEMFD), remove_one, &o);
		shm_remove_listed_done();
		return cli_exit_status(rc);
	}
	/* --sysv or --posix alone would mean "all of that kind": say so. */
	if (!o.all && !cli_filter_narrows(&o.filter))
		cli_usage("a bulk removal needs --orphans, --unused, "
		    "--older-than, -u, --name or --all");
	if (o.filter.kinds == 0)
		o.filter.kinds = SHM_KIND_BIT(SHM_SYSV) | SHM_KIND_BIT(SHM_POSIX);
	r = remove_all(&o);
	cli_filter_free(&o.filter);
	return cli_exit_status(r);
}
