/*
 * shmls - list shared memory segments of every kind in one table.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/ipc.h>
#include <sys/statvfs.h>

#include "cli.h"
#include "cols.h"
#include "out.h"
#include "metrics.h"
#include "placesum.h"

enum {
	OPT_SORT = CLI_OPT_FILTER_END,
	OPT_SUMMARY,
	OPT_LIMITS,
	OPT_LIST_COLUMNS,
	OPT_TIME_FORMAT,
	OPT_METRICS,
	OPT_METRICS_OWNERS,
};

static const struct option longopts[] = {
	CLI_NS_LONGOPT,
	CLI_ALL_NS_LONGOPT,
	CLI_FILTER_LONGOPTS,
	{ "memfd",		no_argument,		NULL, CLI_OPT_MEMFD },
	{ "anon",		no_argument,		NULL, CLI_OPT_ANON },
	{ "sort",		required_argument,	NULL, OPT_SORT },
	{ "output",		required_argument,	NULL, 'o' },
	{ "list-columns",	no_argument,		NULL, OPT_LIST_COLUMNS },
	{ "json",		no_argument,		NULL, 'J' },
	{ "raw",		no_argument,		NULL, 'r' },
	{ "export",		no_argument,		NULL, 'e' },
	{ "null",		no_argument,		NULL, '0' },
	{ "noheadings",		no_argument,		NULL, 'n' },
	{ "bytes",		no_argument,		NULL, 'b' },
	{ "numeric-perms",	no_argument,		NULL, 'P' },
	{ "time-format",	required_argument,	NULL, OPT_TIME_FORMAT },
	{ "summary",		no_argument,		NULL, OPT_SUMMARY },
	{ "limits",		no_argument,		NULL, OPT_LIMITS },
	{ "metrics",		no_argument,		NULL, OPT_METRICS },
	{ "metrics-owners",	required_argument,	NULL, OPT_METRICS_OWNERS },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

/* Everything the options say. */
struct ls_opts {
	struct cols_list cols;
	struct cols_fmt	 fmt;
	struct shm_filter filter;
	int		 sort_col;	/* -1: by kind and address */
	bool		 summary, limits, metrics, owners;
	bool		 all_ns, cols_replaced;
	struct metrics_opts metrics_opts;
	const struct shm_place **places;	/* -A: every one; else ours */
	const struct shm_place *place;
	size_t		 nplaces;
	unsigned	 unseen;	/* kinds that may have more than listed:
					   the scan could not see every process */
	bool		 named;		/* ADDRESS operands: not a listing */
	bool		 shmem_unknown;	/* --summary: the unattributed rest */
	bool		 shmem_over;	/* --summary: rows above Shmem */
};

static noreturn void
usage(void)
{
	size_t i;

	fputs(
"Usage: shmls [-N PID | -A] [--sysv] [--posix] [--memfd] [--anon] [-u USER]\n"
"             [--unused] [--orphans] [--older-than DURATION] [--name GLOB]\n"
"             [--exclude GLOB] [--exclude-from FILE] [--sort COLUMN] [-o LIST]\n"
"             [-J | -r | -e | -0] [-n] [-b] [-P] [--time-format FORMAT]\n"
"       shmls [-N PID] [output options] ADDRESS...\n"
"       shmls [-N PID] --limits [-J | -r | -e] [-n] [-b]\n"
"       shmls [-N PID | -A] --summary [-J | -r | -e] [-n] [-b] [filters]\n"
"       shmls [-N PID] --summary [-J | -r | -e] [-n] [-b] ADDRESS...\n"
"       shmls [-N PID | -A] --metrics [--metrics-owners N] [filters]\n"
"List shared memory segments of every kind, with the processes using them.\n"
"\n"
"  -N, --namespace PID       in the IPC namespace and /dev/shm of process PID\n"
"  -A, --all-namespaces      in every IPC namespace and /dev/shm of the host\n"
"      --sysv                System V segments\n"
"      --posix               POSIX objects in /dev/shm, and unlinked ones held\n"
"      --memfd               memfds that processes hold\n"
"      --anon                anonymous shared memory that processes map\n"
"  -u, --user USER           segments owned by USER (name or uid)\n"
"      --unused              segments no process uses (NATTCH 0)\n"
"      --orphans             unused segments whose creator is gone\n"
"      --older-than DURATION segments changed longer ago (90s, 10m, 2h, 3d)\n"
"      --name GLOB           segments whose name (psm_* or /psm_*), path or\n"
"                            key (0x5e00*) matches GLOB; several: any\n"
"      --exclude GLOB        not the segments GLOB matches\n"
"      --exclude-from FILE   --exclude each GLOB of FILE, one a line\n"
"      --sort COLUMN         sort by COLUMN\n"
"  -o, --output LIST         columns to show; +LIST adds to the default\n"
"      --list-columns        list the columns and exit\n"
"  -J, --json                JSON output\n"
"  -r, --raw                 raw output\n"
"  -e, --export              NAME=\"value\" output\n"
"  -0, --null                one column: exact bytes, each ending in NUL\n"
"  -n, --noheadings          no header line\n"
"  -b, --bytes               sizes in bytes\n"
"  -P, --numeric-perms       permissions in octal\n"
"      --time-format FORMAT  short, full or iso\n"
"      --summary             counts and bytes per kind, as ipcs -u, and\n"
"                            where free's shared memory (Shmem) is; with\n"
"                            -A or -N, first a row per place, the fullest\n"
"                            /dev/shm first\n"
"      --limits              kernel.shm* limits and /dev/shm space, as ipcs -l\n"
"      --metrics             Prometheus text format, for node_exporter\n"
"      --metrics-owners N    owners labelled per type (default 10, 0: none)\n"
"  -h, --help                show this help\n"
"  -V, --version             show the version\n"
"\n"
"Columns:\n", stdout);
	for (i = 0; i < NCOLS; i++)
		printf("  %9s  %s\n", col_table[i].name, col_table[i].help);
	exit(cli_exit_status(EXIT_SUCCESS));
}

/* The value --sort compares for a column, where it is a number. */
static bool
sort_number(const struct shm_rec *r, int col, long long *v)
{
	switch (col) {
	case COL_TYPE:		*v = r->addr.kind; break;
	case COL_KEY:		*v = (uint32_t)r->addr.key; break;
	case COL_ID:		*v = r->addr.id; break;
	case COL_SIZE:		*v = (long long)r->size; break;
	case COL_RSS:		*v = r->rss; break;
	case COL_SWAP:		*v = r->swap; break;
	case COL_UID:		*v = r->uid; break;
	case COL_GID:		*v = r->gid; break;
	case COL_CUID:		*v = r->cuid; break;
	case COL_CGID:		*v = r->cgid; break;
	case COL_PERMS:		*v = r->mode; break;
	case COL_NATTCH:	*v = r->nattch; break;
	case COL_PIDS:		*v = r->npids ? r->pids[0] : 0; break;
	case COL_CPID:		*v = r->cpid; break;
	case COL_LPID:		*v = r->lpid; break;
	case COL_CTIME:		*v = r->ctime; break;
	case COL_ATIME:		*v = r->atime; break;
	case COL_DTIME:		*v = r->dtime; break;
	case COL_MTIME:		*v = r->mtime; break;
	case COL_STATUS:	*v = r->status; break;
	case COL_IPCNS:		*v = (long long)shm_place_id(r->addr.place)->ipcns;
				break;
	case COL_MNTNS:		*v = (long long)shm_place_id(r->addr.place)->mntns;
				break;
	case COL_NSPID:		*v = shm_place_id(r->addr.place)->pid; break;
	default:
		return false;
	}
	return true;
}

static int
column_cmp(const void *x, const void *y, void *ctx)
{
	struct ls_opts *o = ctx;
	const struct shm_rec *a = x, *b = y;
	long long va, vb;
	char *ca, *cb;
	int c;

	if (o->sort_col == COL_ADDRESS)
		return shm_rec_cmp(a, b);
	if (sort_number(a, o->sort_col, &va) &&
	    sort_number(b, o->sort_col, &vb))
		return va != vb ? (va > vb) - (va < vb) : shm_rec_cmp(a, b);
	ca = cols_cell(&o->fmt, a, o->sort_col);
	cb = cols_cell(&o->fmt, b, o->sort_col);
	c = strcmp(ca != NULL ? ca : "", cb != NULL ? cb : "");
	free(ca);
	free(cb);
	return c != 0 ? c : shm_rec_cmp(a, b);
}

static char *
xasprintf_u64(uint64_t v)
{
	return out_u64(v);
}

/* A size as the listing writes it: human, or bytes with -b and in JSON. */
static char *
size_text(const struct ls_opts *o, uint64_t v)
{
	return out_size(&o->fmt, v);
}

static void
free_cells(char **cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cells[i]);
}

/* Does not apply: "-", null in JSON. */
static char *
na_text(const struct ls_opts *o)
{
	return o->fmt.mode == COLS_JSON ? NULL : cli_xstrdup("-");
}

/* Not known: "?", null in JSON. */
static char *
unknown_text(const struct ls_opts *o)
{
	return o->fmt.mode == COLS_JSON ? NULL : cli_xstrdup("?");
}

/* --summary: how many segments of each kind, and how much memory. */
static int
print_summary(struct ls_opts *o, const struct shm_rec *v, size_t n)
{
	static const struct out_text_col hdr[] = {
		{ "TYPE", false, SHM_JSON_STRING },
		{ "COUNT", true, SHM_JSON_NUMBER },
		{ "SIZE", true, SHM_JSON_NUMBER },
		{ "RSS", true, SHM_JSON_NUMBER },
		{ "SWAP", true, SHM_JSON_NUMBER },
		{ "SHMEM", true, SHM_JSON_NUMBER },
	};
	enum { NHDR = sizeof(hdr) / sizeof(hdr[0]) };
	struct shm_shmem a;
	bool reconcile;
	size_t nc;			/* SHMEM only where it adds up */
	uint64_t size[SHM_NKINDS] = { 0 }, rss[SHM_NKINDS] = { 0 };
	uint64_t swap[SHM_NKINDS] = { 0 };
	bool swap_unknown[SHM_NKINDS] = { false };
	bool rss_unknown[SHM_NKINDS] = { false };
	bool size_unknown[SHM_NKINDS] = { false };	/* an unlinked object
							   seen only mapped */
	size_t count[SHM_NKINDS] = { 0 }, i, nrows = 0;
	char *cells[(SHM_NKINDS + 3) * NHDR];
	int k, r;

	/*
	 * The kernel's Shmem is accounted for only by a listing of all of
	 * it: no filter but the places.
	 */
	reconcile = !o->named && shm_shmem_accountable(&o->filter) &&
	    shm_shmem_account(o->places, o->nplaces, v, n, o->unseen, &a) == 0;
	nc = reconcile ? NHDR : NHDR - 1;

	for (i = 0; i < n; i++) {
		k = v[i].addr.kind;
		count[k]++;
		size[k] += v[i].size;
		if (v[i].inode_unknown)
			size_unknown[k] = true;
		/* Unknown is not zero: one unknown makes the sum unknown. */
		if (v[i].rss < 0)
			rss_unknown[k] = true;
		else
			rss[k] += (uint64_t)v[i].rss;
		if (v[i].swap < 0)
			swap_unknown[k] = true;
		else
			swap[k] += (uint64_t)v[i].swap;
	}
	for (k = 0; k < SHM_NKINDS; k++) {
		char **c = &cells[nrows * nc];
		/* Some may be held only by processes we cannot see. */
		bool unseen = (o->unseen & SHM_KIND_BIT(k)) != 0;

		/* Files are never listed, only named: no row unless named. */
		if (!(o->filter.kinds & SHM_KIND_BIT(k)) ||
		    (k == SHM_FILE && count[k] == 0))
			continue;
		c[0] = cli_xstrdup(shm_kind_name(k));
		c[1] = unseen ? unknown_text(o) : xasprintf_u64(count[k]);
		c[2] = unseen || size_unknown[k] ? unknown_text(o) :
		    size_text(o, size[k]);
		c[3] = unseen || size_unknown[k] || rss_unknown[k] ?
		    unknown_text(o) : size_text(o, rss[k]);
		c[4] = unseen || swap_unknown[k] ? unknown_text(o) :
		    size_text(o, swap[k]);
		if (reconcile)
			c[5] = a.kind[k] < 0 ? unknown_text(o) :
			    size_text(o, (uint64_t)a.kind[k]);
		if (size_unknown[k])
			o->fmt.inode_unknown = true;
		nrows++;
	}
	if (reconcile) {
		/* The other tmpfs mounts; what none of the rows holds; all. */
		static const char *const names[] = {
			"tmpfs", "unattributed", "Shmem"
		};
		int64_t b[] = { a.tmpfs, a.unattributed, (int64_t)a.total };

		for (i = 0; i < 3; i++) {
			char **c = &cells[(nrows + i) * nc];

			c[0] = cli_xstrdup(names[i]);
			c[1] = i == 0 ? xasprintf_u64(a.ntmpfs) : na_text(o);
			for (k = 2; k < 5; k++)
				c[k] = na_text(o);
			c[5] = b[i] < 0 ? unknown_text(o) :
			    size_text(o, (uint64_t)b[i]);
		}
		nrows += 3;
		o->shmem_unknown = a.unattributed < 0;
		o->shmem_over = a.over;
	}
	r = out_print_text(&o->fmt, hdr, nc, cells, nrows);
	free_cells(cells, nrows * nc);
	return r;
}

/* "42%", or "?" when the limit is not known or is 0. */
static char *
percent_text(const struct ls_opts *o, uint64_t used, uint64_t limit)
{
	char buf[32];

	if (limit == 0)
		return unknown_text(o);
	if (o->fmt.mode == COLS_JSON)
		snprintf(buf, sizeof(buf), "%.2f", 100.0 * (double)used /
		    (double)limit);
	else
		snprintf(buf, sizeof(buf), "%.0f%%", 100.0 * (double)used /
		    (double)limit);
	return cli_xstrdup(buf);
}

/*
 * --limits: what bounds a new segment, as ipcs -l does, with how much of
 * each is used, as lsipc -g does: segments against kernel.shmmni, pages
 * against kernel.shmall (whole pages per segment, as the kernel charges
 * them), the largest segment against kernel.shmmax, and /dev/shm.
 */
static int
print_limits(struct ls_opts *o)
{
	enum { L_SHMMAX, L_SHMALL, L_SHMMNI, NLIMITS };
	static const struct {
		const char	*name, *sysctl, *help;
		bool		 bytes;
	} limits[NLIMITS] = {
		[L_SHMMAX] = { "kernel.shmmax", "kernel/shmmax",
		  "largest System V segment", true },
		[L_SHMALL] = { "kernel.shmall", "kernel/shmall",
		  "pages in all System V segments", false },
		[L_SHMMNI] = { "kernel.shmmni", "kernel/shmmni",
		  "System V segments", false },
	};
	static const struct out_text_col hdr[] = {
		{ "LIMIT", false, SHM_JSON_STRING },
		{ "VALUE", true, SHM_JSON_NUMBER },
		{ "USED", true, SHM_JSON_NUMBER },
		{ "USE%", true, SHM_JSON_NUMBER },
		{ "DESCRIPTION", false, SHM_JSON_STRING },
	};
	enum { NHDR = sizeof(hdr) / sizeof(hdr[0]) };
	char *cells[(NLIMITS + 2) * NHDR];
	uint64_t used[NLIMITS] = { 0 };
	bool have_used = false;
	struct shm_rec *v;
	struct statvfs sv;
	size_t i, n, nrows = 0;
	int r;

	if (shm_list(cli_place(), SHM_KIND_BIT(SHM_SYSV), &v, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (v[i].size > used[L_SHMMAX])
				used[L_SHMMAX] = v[i].size;
			used[L_SHMALL] += shm_sysv_pages(v[i].size);
		}
		used[L_SHMMNI] = n;
		have_used = true;
		shm_rec_list_free(v, n);
	}
	for (i = 0; i < NLIMITS; i++) {
		char **c = &cells[nrows++ * NHDR];
		uint64_t val;
		bool known = shm_place_sysctl(cli_place(), limits[i].sysctl,
		    &val) == 0;

		c[0] = cli_xstrdup(limits[i].name);
		if (!known)
			c[1] = NULL;
		else if (limits[i].bytes)
			c[1] = size_text(o, val);
		else
			c[1] = xasprintf_u64(val);
		if (!have_used) {
			c[2] = unknown_text(o);
			c[3] = unknown_text(o);
		} else {
			c[2] = limits[i].bytes ? size_text(o, used[i]) :
			    xasprintf_u64(used[i]);
			c[3] = percent_text(o, used[i], known ? val : 0);
		}
		c[4] = cli_xstrdup(limits[i].help);
	}
	if (shm_place_statvfs(cli_place(), &sv) == 0) {
		uint64_t total = (uint64_t)sv.f_blocks * sv.f_frsize;
		uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
		uint64_t taken = (uint64_t)(sv.f_blocks - sv.f_bfree) *
		    sv.f_frsize;
		char **c = &cells[nrows++ * NHDR];

		c[0] = cli_xstrdup(SHM_DEVSHM " size");
		c[1] = size_text(o, total);
		c[2] = size_text(o, taken);
		c[3] = percent_text(o, taken, total);
		c[4] = cli_xstrdup("space for POSIX objects");
		c = &cells[nrows++ * NHDR];
		c[0] = cli_xstrdup(SHM_DEVSHM " free");
		c[1] = size_text(o, avail);
		c[2] = NULL;
		c[3] = NULL;
		c[4] = cli_xstrdup("space left for POSIX objects");
	}
	r = out_print_text(&o->fmt, hdr, NHDR, cells, nrows);
	free_cells(cells, nrows * NHDR);
	return r;
}

/* The records of the ADDRESS operands, each stat'ed directly. */
struct operands {
	struct shm_rec	*v;
	size_t		 n;
};

static int
stat_one(void *ctx, const char *arg, const struct shm_addr *a)
{
	struct operands *ops = ctx;

	if (shm_stat(a, &ops->v[ops->n]) == -1) {
		cli_op_fail(arg, errno, SHM_OP_STAT, a);
		return EXIT_OPFAIL;
	}
	ops->n++;
	return EXIT_SUCCESS;
}

/*
 * While an interrupted System V resize has left data in a recovery file,
 * every listing says so: the key may name a half-copied segment, or none.
 */
static void
note_recovery_files(const struct shm_place *place)
{
	struct shm_recovery *rv;
	size_t i, n;

	if (sysv_recovery_list(place, &rv, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		char addr[32], cmd[128];

		if (rv[i].key == IPC_PRIVATE)
			snprintf(addr, sizeof(addr), "id:%d", rv[i].old_id);
		else
			snprintf(addr, sizeof(addr), "0x%08x",
			    (unsigned)rv[i].key);
		/* Another place's key: the command names the place. */
		shm_recovery_command(place, rv[i].key, rv[i].old_id, cmd,
		    sizeof(cmd));
		cli_warn(addr, "a resize was interrupted: its data is in %s; "
		    "'%s' puts it back", rv[i].path, cmd);
	}
	sysv_recovery_list_free(rv, n);
}

static void
parse_options(struct ls_opts *o, int argc, char *argv[])
{
	const char *why;
	size_t i;
	int ch;

	while ((ch = getopt_long(argc, argv, "N:Au:o:Jre0nbPhV", longopts,
	    NULL)) != -1) {
		if (cli_filter_option(ch, optarg, &o->filter))
			continue;
		switch (ch) {
		case 'N':
			cli_namespace_arg(optarg);
			break;
		case 'A':
			o->all_ns = true;
			break;
		case OPT_SORT:
			if ((o->sort_col = cols_by_name(optarg,
			    strlen(optarg))) == -1)
				cli_usage("--sort '%s': unknown column (see "
				    "--list-columns)", optarg);
			break;
		case 'o':
			if (cols_parse(&o->cols, optarg, &why) == -1)
				cli_usage("%s", why);
			if (optarg[0] != '+')
				o->cols_replaced = true;
			break;
		case OPT_LIST_COLUMNS:
			for (i = 0; i < NCOLS; i++)
				printf("%-9s %s\n", col_table[i].name,
				    col_table[i].help);
			exit(cli_exit_status(EXIT_SUCCESS));
		case 'J':
		case 'r':
		case 'e':
		case '0':
			if (o->fmt.mode != COLS_TABLE)
				cli_usage("-J, -r, -e and -0 exclude each other");
			o->fmt.mode = ch == 'J' ? COLS_JSON : ch == 'r' ?
			    COLS_RAW : ch == 'e' ? COLS_EXPORT : COLS_NULL;
			break;
		case 'n':
			o->fmt.noheadings = true;
			break;
		case 'b':
			o->fmt.bytes = true;
			break;
		case 'P':
			o->fmt.numeric_perms = true;
			break;
		case OPT_TIME_FORMAT:
			if (strcmp(optarg, "short") == 0)
				o->fmt.time_style = SHM_TIME_SHORT;
			else if (strcmp(optarg, "full") == 0)
				o->fmt.time_style = SHM_TIME_FULL;
			else if (strcmp(optarg, "iso") == 0)
				o->fmt.time_style = SHM_TIME_ISO;
			else
				cli_usage("--time-format '%s': expected short, "
				    "full or iso", optarg);
			o->fmt.time_set = true;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case OPT_LIMITS:
			o->limits = true;
			break;
		case OPT_METRICS:
			o->metrics = true;
			break;
		case OPT_METRICS_OWNERS:
			if (metrics_owners_parse(optarg, &o->metrics_opts.owners,
			    &why) == -1)
				cli_usage("--metrics-owners '%s': %s", optarg,
				    why);
			o->owners = true;
			break;
		case 'h':
			usage();
		case 'V':
			cli_version();
		default:
			cli_bad_option();
		}
	}
}

/* Everything is checked before anything is looked at. */
static void
check_options(struct ls_opts *o, int argc)
{
	bool filtering = o->filter.kinds != 0 ||
	    cli_filter_narrows(&o->filter);

	if (o->summary && o->limits)
		cli_usage("--summary and --limits exclude each other");
	if (o->all_ns && cli_namespace_given())
		cli_usage("-N and -A exclude each other");
	if (o->all_ns && (argc > 0 || o->limits))
		cli_usage("-A takes no ADDRESS or --limits: use -N PID");
	if (o->metrics && (o->summary || o->limits ||
	    o->fmt.mode != COLS_TABLE || argc > 0))
		cli_usage("--metrics takes filters only: no --summary, --limits, "
		    "-J, -r, -e, -0 or ADDRESS");
	if (o->owners && !o->metrics)
		cli_usage("--metrics-owners needs --metrics");
	/*
	 * NUL ends a value, and nothing else does: with two columns a reader
	 * could not tell where one ends and the next begins.
	 */
	if (o->fmt.mode == COLS_NULL && (o->summary || o->limits))
		cli_usage("--null and --%s exclude each other", o->summary ?
		    "summary" : "limits");
	if (o->fmt.mode == COLS_NULL && o->cols.n != 1)
		cli_usage("--null needs exactly one column: -o ADDRESS");
	if (o->limits && (argc > 0 || filtering))
		cli_usage("--limits takes no ADDRESS or filter");
	if (argc > 0 && filtering)
		cli_usage("ADDRESS operands and filters exclude each other");
	if (o->filter.kinds == 0)
		o->filter.kinds = SHM_KINDS_ALL;
	if (o->all_ns && !o->cols_replaced)
		cols_add_places(&o->cols);
}

/* The kinds among records: what a listing of operands must scan for. */
static unsigned
kinds_of(const struct shm_rec *v, size_t n)
{
	unsigned kinds = 0;
	size_t i;

	for (i = 0; i < n; i++)
		kinds |= SHM_KIND_BIT(v[i].addr.kind);
	return kinds;
}

/* The records to show: the operands', or those the filters select. */
static int
select_recs(struct ls_opts *o, int argc, char *argv[], struct shm_rec **v,
    size_t *n)
{
	bool scan = cols_need_scan(&o->cols, o->filter.kinds);
	struct operands ops = { NULL, 0 };
	int ret;

	if (argc == 0 && o->all_ns) {
		if (shm_select_places(o->places, o->nplaces, &o->filter, scan, v,
		    n, &o->unseen) == -1)
			cli_fatal("cannot list segments");
		ret = EXIT_SUCCESS;
	} else if (argc == 0) {
		if (shm_select(cli_place(), &o->filter, scan, v, n,
		    &o->unseen) == -1)
			cli_fatal("cannot list segments");
		ret = EXIT_SUCCESS;
	} else {
		if ((ops.v = calloc((size_t)argc, sizeof(*ops.v))) == NULL)
			cli_fatal(NULL);
		ret = cli_each_addr(argc, argv, SHM_KINDS_ALL, stat_one, &ops);
		*v = ops.v;
		*n = ops.n;
		/* Named segments cost one call each; the table, one read. */
		if (cols_need_table(&o->cols) && shm_fill_resident(cli_place(),
		    *v, *n) == -1)
			cli_fatal("cannot read the System V table");
		/*
		 * One pass over /proc, and only when a column needs it for
		 * the kinds named: NATTCH of a key is the kernel's count.
		 */
		scan = cols_need_scan(&o->cols, kinds_of(*v, *n));
		if (scan && shm_scan_users(cli_place(), v, n, false) == -1)
			cli_fatal("cannot scan /proc");
	}
	/*
	 * hugetlb (and the RSS it makes unknown) come from an attacher's
	 * maps: asked of the processes CPID and LPID name, and only for what
	 * they cannot tell, of a scan of /proc, which may fail (a listing
	 * that needs no scan otherwise still lists without /proc).
	 */
	if (!scan && cols_want_scan(&o->cols) &&
	    !(argc == 0 && (o->filter.kinds & SHM_KINDS_FOUND)) &&
	    shm_fill_pagesize(*v, *n) > 0)
		(void)shm_scan_users(o->places[0], v, n, false);
	if (o->summary || cols_need_swap(&o->cols))
		shm_fill_swap(*v, *n);
	/* Operands are shown in the order given (shm_select sorts lists). */
	if (*n > 1 && o->sort_col != -1)
		qsort_r(*v, *n, sizeof(**v), column_cmp, o);
	return ret;
}

int
main(int argc, char *argv[])
{
	struct ls_opts o = {
		.fmt = { .time_style = SHM_TIME_SHORT }, .sort_col = -1,
		.metrics_opts = { .owners = METRICS_OWNERS_DEFAULT },
	};
	struct shm_rec *v = NULL;
	size_t i, n = 0;
	int r, ret;

	cli_init(argv);
	cols_default(&o.cols);
	parse_options(&o, argc, argv);
	argc -= optind;
	argv += optind;
	check_options(&o, argc);
	if (o.all_ns)
		o.places = cli_places_all(&o.nplaces);
	else {
		o.places = &o.place;
		o.place = cli_place();
		o.nplaces = 1;
	}
	if (o.limits)
		return cli_exit_status(print_limits(&o));
	if (o.metrics) {
		o.metrics_opts.filter = &o.filter;
		o.metrics_opts.places = o.places;
		o.metrics_opts.nplaces = o.nplaces;
		o.metrics_opts.label_places = o.all_ns;
		r = metrics_print(stdout, &o.metrics_opts);
		cli_filter_free(&o.filter);
		if (o.all_ns)
			shm_places_free(o.places, o.nplaces);
		return cli_exit_status(r);
	}

	ret = select_recs(&o, argc, argv, &v, &n);
	o.named = argc > 0;
	/*
	 * -A or -N: first a row per place, the fullest /dev/shm first;
	 * then, as in one place, a row per kind and where Shmem is.
	 */
	if (o.summary && !o.named && (o.all_ns || cli_namespace_given())) {
		o.fmt.json_key = "places";
		o.fmt.json_part = COLS_JSON_MORE;
		r = placesum_print(&o.fmt, o.places, o.nplaces, v, n,
		    o.filter.kinds, o.unseen);
		if (o.fmt.mode == COLS_TABLE)
			putchar('\n');
		o.fmt.json_key = NULL;
		o.fmt.json_part = COLS_JSON_CONT;
		if (r == 0)
			r = print_summary(&o, v, n);
	} else if (o.summary)
		r = print_summary(&o, v, n);
	else
		/*
		 * An empty listing still has its heading, as in ipcs; but
		 * ADDRESS operands that all failed print nothing.
		 */
		r = out_print_recs(&o.fmt, &o.cols, v, n, argc == 0);
	if (r != 0 && ret == 0)
		ret = r;
	/* Notes on stderr follow the rows they speak of, in one pipe too. */
	fflush(stdout);
	if (o.fmt.mode != COLS_JSON) {
		if (o.summary && o.unseen != 0)
			cli_warn(NULL, "some processes cannot be seen (another "
			    "user's, hidepid, another PID namespace): the "
			    "memfds, unlinked POSIX objects and anonymous "
			    "shared memory they alone hold are not known, and "
			    "their count and sizes are shown as ?");
		else if (o.fmt.hidden || o.unseen != 0)
			cli_warn(NULL, "some processes cannot be seen (another "
			    "user's, hidepid, another PID namespace) or hold "
			    "what /proc does not show (an io_uring, a loop "
			    "device): who uses a POSIX object, file or memfd "
			    "is shown as ?%s", o.unseen != 0 ? ", and the "
			    "memfds, unlinked POSIX objects and anonymous "
			    "shared memory they alone hold are not listed" : "");
		if (o.shmem_unknown)
			cli_warn(NULL, "what some segments hold is not known "
			    "(another user's, or held by processes that cannot "
			    "be seen), or a tmpfs mount cannot be read: the "
			    "unattributed rest of Shmem is shown as ?");
		if (o.shmem_over)
			cli_warn(NULL, "the rows hold more than Shmem: tmpfs "
			    "mounts count their pages in swap too, Shmem does "
			    "not; the unattributed rest is shown as 0");
		if (o.fmt.inode_unknown)
			cli_warn(NULL, "some unlinked objects, memfds or "
			    "anonymous shared memory are seen only mapped, and "
			    "opening another process's mapping needs "
			    "CAP_SYS_ADMIN: their size, owner and mode are "
			    "shown as ?");
		if (o.fmt.escaped) {
			char note[512];

			/*
			 * Our own words, no name in them: not escaped, so
			 * that its backslash stays one.
			 */
			cols_escape_note(&o.fmt, note, sizeof(note));
			fprintf(stderr, "%s: %s\n", getprogname(), note);
		}
	}
	if (o.filter.kinds & SHM_KIND_BIT(SHM_SYSV))
		for (i = 0; i < o.nplaces; i++)
			if (shm_place_kinds(o.places[i]) & SHM_KIND_BIT(SHM_SYSV))
				note_recovery_files(o.places[i]);
	shm_rec_list_free(v, n);
	cli_filter_free(&o.filter);
	if (o.all_ns)
		shm_places_free(o.places, o.nplaces);
	return cli_exit_status(ret);
}
