/*
 * shmrm - remove shared memory segments, by ADDRESS or in bulk by filter.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libsmartcols.h>

#include "cli.h"

static const char usage_text[] =
"Usage: shmrm [-n] [-v] [-f] ADDRESS...\n"
"       shmrm [-n] [-v] [-f] [--sysv] [--posix] [-u USER] [--unused]\n"
"             [--orphans] [--older-than DURATION] [--all]\n"
"Remove shared memory segments: System V segments with IPC_RMID (freed\n"
"when the last process detaches), POSIX objects and files by unlinking.\n"
"With filters instead of ADDRESSes, remove every segment they select that\n"
"no process uses.\n"
"\n"
"  -n, --dry-run               say what would be removed, remove nothing\n"
"  -v, --verbose               print each ADDRESS removed\n"
"  -f, --force                 no error for a missing ADDRESS; in bulk, also\n"
"                              remove segments in use or of unknown use\n"
"      --sysv                  bulk: System V segments\n"
"      --posix                 bulk: POSIX objects in /dev/shm\n"
"  -u, --user USER             bulk: segments owned by USER\n"
"      --unused                bulk: segments no process uses\n"
"      --orphans               bulk: unused segments whose creator is gone\n"
"      --older-than DURATION   bulk: changed longer ago (90s, 10m, 2h, 3d)\n"
"      --all                   bulk: every segment (that no process uses)\n"
"  -h, --help                  show this help\n"
"  -V, --version               show the version\n"
"\n"
"ADDRESS: /NAME, posix:NAME, 0xKEY, key:N, id:N, file:PATH (a memfd lives\n"
"while a process holds it and cannot be removed).  See shmtools(7).\n";

enum {
	OPT_SYSV = CHAR_MAX + 1,
	OPT_POSIX,
	OPT_UNUSED,
	OPT_ORPHANS,
	OPT_OLDER_THAN,
	OPT_ALL,
};

static const struct option longopts[] = {
	{ "dry-run",	no_argument,		NULL, 'n' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "force",	no_argument,		NULL, 'f' },
	{ "sysv",	no_argument,		NULL, OPT_SYSV },
	{ "posix",	no_argument,		NULL, OPT_POSIX },
	{ "user",	required_argument,	NULL, 'u' },
	{ "unused",	no_argument,		NULL, OPT_UNUSED },
	{ "orphans",	no_argument,		NULL, OPT_ORPHANS },
	{ "older-than",	required_argument,	NULL, OPT_OLDER_THAN },
	{ "all",	no_argument,		NULL, OPT_ALL },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

static bool dry_run, verbose, force;

/* "removed ADDRESS", the ADDRESS escaped: a name may hold a newline. */
static void
print_escaped(const char *what, const char *addr)
{
	char *esc = shm_escape(addr);

	printf("%s %s\n", what, esc != NULL ? esc : addr);
	free(esc);
}

static int
remove_one(const char *arg, const struct shm_addr *a)
{
	struct shm_rec rec;
	bool attached = false;

	if (shm_stat(a, &rec) == -1) {
		if (errno == ENOENT && force)
			return EXIT_SUCCESS;
		cli_op_fail(arg, errno, SHM_OP_REMOVE, a);
		return EXIT_OPFAIL;
	}
	attached = rec.nattch > 0;
	shm_rec_free(&rec);
	if (dry_run) {
		print_escaped("would remove", arg);
		return EXIT_SUCCESS;
	}
	if (shm_remove(a) == -1) {
		if (errno == ENOENT && force)
			return EXIT_SUCCESS;
		cli_op_fail(arg, errno, SHM_OP_REMOVE, a);
		return EXIT_OPFAIL;
	}
	if (attached)
		cli_warn(arg, "removed while still attached: freed when the "
		    "last process detaches");
	if (verbose)
		print_escaped("removed", arg);
	return EXIT_SUCCESS;
}

/* --dry-run in bulk: the rows as shmls -r prints them. */
static struct libscols_table *
dry_run_table(void)
{
	static const char *const cols[] = {
		"TYPE", "ADDRESS", "SIZE", "OWNER", "NATTCH"
	};
	struct libscols_table *tb = scols_new_table();
	size_t i;

	if (tb == NULL)
		err(EXIT_OPFAIL, NULL);
	scols_table_enable_raw(tb, 1);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (scols_table_new_column(tb, cols[i], 0, 0) == NULL)
			err(EXIT_OPFAIL, NULL);
	return tb;
}

static void
dry_run_row(struct libscols_table *tb, const struct shm_rec *r)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char addr[SHM_ADDR_BUFSZ], size[32], owner[64], nattch[32];

	shm_addr_format(&r->addr, addr, sizeof(addr));
	snprintf(size, sizeof(size), "%" PRIu64, r->size);
	shm_fmt_user(r->uid, owner, sizeof(owner));
	if (r->nattch < 0)
		snprintf(nattch, sizeof(nattch), "?");
	else
		snprintf(nattch, sizeof(nattch), "%ld", r->nattch);
	if (ln == NULL ||
	    scols_line_set_data(ln, 0, shm_kind_name(r->addr.kind)) ||
	    scols_line_set_data(ln, 1, addr) ||
	    scols_line_set_data(ln, 2, size) ||
	    scols_line_set_data(ln, 3, owner) ||
	    scols_line_set_data(ln, 4, nattch))
		err(EXIT_OPFAIL, NULL);
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
 * can start to map one after the scan: bulk removal looks again whenever
 * its last look is older than this (say, while stdout blocked).
 */
#define SCAN_MAX_AGE_MS	100

/*
 * Look again at who uses v[0..n).  If the scan fails, their use becomes
 * unknown: nothing is removed on the strength of an old look.
 */
static void
rescan(struct shm_rec *v, size_t n, int64_t *when)
{
	if (shm_scan_users(shm_place_default(), &v, &n, false) == 0)
		*when = now_ms();
}

static void
kept(const char *addr, const char *why, size_t *count)
{
	(*count)++;
	if (verbose)
		cli_warn(addr, "kept: %s", why);
}

/*
 * Bulk mode: remove what the filters select, but never a segment that a
 * process uses or whose use cannot be seen, unless forced.  Each is
 * removed only if it still is the segment listed and, looked at again
 * just before, still unused.
 */
static int
remove_all(const struct shm_filter *f)
{
	struct libscols_table *tb = NULL;
	uint64_t bytes = 0;
	size_t i, n, removed = 0, nkept = 0;
	struct shm_rec *v;
	int64_t scanned;
	int ret = EXIT_SUCCESS;

	if (shm_select(shm_place_default(), f, true, &v, &n) == -1)
		err(EXIT_OPFAIL, "cannot list segments");
	scanned = now_ms();
	if (dry_run)
		tb = dry_run_table();
	for (i = 0; i < n; i++) {
		struct shm_rec *r = &v[i];
		char addr[SHM_ADDR_BUFSZ];

		shm_addr_format(&r->addr, addr, sizeof(addr));
		if (r->status & SHM_ST_DEST)
			continue;	/* removed already, waiting for detach */
		if (!force && !dry_run && r->addr.kind != SHM_SYSV &&
		    now_ms() - scanned > SCAN_MAX_AGE_MS)
			rescan(r, n - i, &scanned);
		if (r->nattch != 0 && !force) {
			kept(addr, r->nattch < 0 ? "who uses it cannot be seen" :
			    "in use", &nkept);
			continue;
		}
		if (dry_run) {
			dry_run_row(tb, r);
			removed++;
			bytes += r->size;
			continue;
		}
		if (shm_remove_listed(r, force ? SHM_RM_FORCE : 0) == -1) {
			if (errno == ENOENT)
				continue;	/* someone else was faster */
			if (errno == EBUSY)
				kept(addr, "attached since it was listed", &nkept);
			else if (errno == ESTALE)
				kept(addr, "replaced since it was listed", &nkept);
			else {
				cli_op_fail(addr, errno, SHM_OP_REMOVE, &r->addr);
				ret = EXIT_OPFAIL;
			}
			continue;
		}
		if (verbose)
			print_escaped("removed", addr);
		removed++;
		bytes += r->size;
	}
	if (tb != NULL) {
		if (scols_print_table(tb) != 0)
			ret = EXIT_OPFAIL;
		scols_unref_table(tb);
	}
	{
		char human[SHM_SIZE_BUFSZ];

		/*
		 * On stderr, so that stdout holds only the rows; after them,
		 * when both go to one pipe.
		 */
		fflush(stdout);
		shm_size_human(bytes, human, sizeof(human));
		fprintf(stderr, "%s: %s %zu segment%s, %" PRIu64 " bytes (%s)",
		    getprogname(), dry_run ?
		    "would remove" : "removed", removed, removed == 1 ? "" :
		    "s", bytes, human);
		if (nkept > 0)
			fprintf(stderr, "; kept %zu in use or of unknown use "
			    "(-f removes them)", nkept);
		fputc('\n', stderr);
	}
	shm_rec_list_free(v, n);
	return ret;
}

int
main(int argc, char *argv[])
{
	struct shm_filter f = { 0 };
	const char *why;
	bool bulk = false, all = false;
	int ch;

	cli_init(argv);
	while ((ch = getopt_long(argc, argv, "nvfu:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry_run = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'f':
			force = true;
			break;
		case OPT_SYSV:
			f.kinds |= SHM_KIND_BIT(SHM_SYSV);
			bulk = true;
			break;
		case OPT_POSIX:
			f.kinds |= SHM_KIND_BIT(SHM_POSIX);
			bulk = true;
			break;
		case 'u':
			if (shm_user_parse(optarg, &f.uid) == -1)
				cli_usage("--user '%s': no such user", optarg);
			f.has_uid = bulk = true;
			break;
		case OPT_UNUSED:
			f.unused = bulk = true;
			break;
		case OPT_ORPHANS:
			f.orphans = bulk = true;
			break;
		case OPT_OLDER_THAN:
			if (shm_duration_parse(optarg, &f.older_than, &why) == -1)
				cli_usage("--older-than '%s': %s", optarg, why);
			f.has_older = bulk = true;
			break;
		case OPT_ALL:
			all = bulk = true;
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
	if (bulk && argc > 0)
		cli_usage("ADDRESS operands and filters exclude each other");
	if (!bulk)
		return cli_exit_status(cli_each_addr(argc, argv,
		    SHM_KINDS_ALL & ~SHM_KIND_BIT(SHM_MEMFD), remove_one));
	/* --sysv or --posix alone would mean "all of that kind": say so. */
	if (!all && !f.unused && !f.orphans && !f.has_uid && !f.has_older)
		cli_usage("a bulk removal needs --orphans, --unused, "
		    "--older-than, -u or --all");
	if (f.kinds == 0)
		f.kinds = SHM_KIND_BIT(SHM_SYSV) | SHM_KIND_BIT(SHM_POSIX);
	return cli_exit_status(remove_all(&f));
}
