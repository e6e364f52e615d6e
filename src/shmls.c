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

#include <libsmartcols.h>

#include "cli.h"
#include "metrics.h"

enum {
	COL_TYPE, COL_ADDRESS, COL_KEY, COL_ID, COL_NAME, COL_SIZE, COL_RSS,
	COL_OWNER, COL_GROUP, COL_UID, COL_GID, COL_CUID, COL_CGID, COL_PERMS,
	COL_NATTCH, COL_PIDS, COL_COMMAND, COL_CPID, COL_LPID, COL_CTIME,
	COL_ATIME, COL_DTIME, COL_MTIME, COL_STATUS, NCOLS
};

#define COLF_SCAN	0x01	/* needs the /proc scan for every kind */
#define COLF_SCAN_FD	0x02	/* needs it for POSIX objects and files */

/* One table drives --help, --list-columns, -o and the output. */
static const struct column {
	const char	*name;
	double		 whint;
	int		 flags;
	enum shm_json_type json_type;
	const char	*help;
	int		 needs;		/* COLF_* */
} columns[NCOLS] = {
	[COL_TYPE] =	{ "TYPE", 5, 0, SHM_JSON_STRING,
			  "kind: sysv, posix, file or memfd" },
	[COL_ADDRESS] =	{ "ADDRESS", 12, 0, SHM_JSON_STRING,
			  "address to give the other programs" },
	[COL_KEY] =	{ "KEY", 10, 0, SHM_JSON_STRING,
			  "System V key" },
	[COL_ID] =	{ "ID", 5, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "System V shmid" },
	[COL_NAME] =	{ "NAME", 12, SCOLS_FL_TRUNC, SHM_JSON_STRING,
			  "POSIX, file or memfd name" },
	[COL_SIZE] =	{ "SIZE", 5, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "size (bytes with --bytes and in JSON)" },
	[COL_RSS] =	{ "RSS", 5, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "memory resident" },
	[COL_OWNER] =	{ "OWNER", 8, 0, SHM_JSON_STRING,
			  "owner's user name" },
	[COL_GROUP] =	{ "GROUP", 8, 0, SHM_JSON_STRING,
			  "group name" },
	[COL_UID] =	{ "UID", 5, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "owner's user id" },
	[COL_GID] =	{ "GID", 5, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "group id" },
	[COL_CUID] =	{ "CUID", 5, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "creator's user id (System V)" },
	[COL_CGID] =	{ "CGID", 5, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "creator's group id (System V)" },
	[COL_PERMS] =	{ "PERMS", 9, 0, SHM_JSON_STRING,
			  "permissions" },
	[COL_NATTCH] =	{ "NATTCH", 6, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "processes attached, mapping or holding it", COLF_SCAN_FD },
	[COL_PIDS] =	{ "PIDS", 8, SCOLS_FL_TRUNC, SHM_JSON_ARRAY_NUMBER,
			  "those processes' ids", COLF_SCAN },
	[COL_COMMAND] =	{ "COMMAND", 10, SCOLS_FL_TRUNC, SHM_JSON_ARRAY_STRING,
			  "those processes' command names", COLF_SCAN },
	[COL_CPID] =	{ "CPID", 6, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "creator's process id (System V)" },
	[COL_LPID] =	{ "LPID", 6, SCOLS_FL_RIGHT, SHM_JSON_NUMBER,
			  "last attach or detach process id (System V)" },
	[COL_CTIME] =	{ "CTIME", 5, 0, SHM_JSON_STRING,
			  "last change" },
	[COL_ATIME] =	{ "ATIME", 5, 0, SHM_JSON_STRING,
			  "last attach (System V) or access" },
	[COL_DTIME] =	{ "DTIME", 5, 0, SHM_JSON_STRING,
			  "last detach (System V)" },
	[COL_MTIME] =	{ "MTIME", 5, 0, SHM_JSON_STRING,
			  "last modification (POSIX, files, memfds)" },
	[COL_STATUS] =	{ "STATUS", 6, 0, SHM_JSON_STRING,
			  "dest (removed, still attached), locked" },
};

static const int default_columns[] = {
	COL_TYPE, COL_ADDRESS, COL_SIZE, COL_OWNER, COL_PERMS, COL_NATTCH,
	COL_STATUS, COL_CTIME,
};

enum {
	OPT_SYSV = CHAR_MAX + 1,
	OPT_POSIX,
	OPT_MEMFD,
	OPT_UNUSED,
	OPT_ORPHANS,
	OPT_OLDER_THAN,
	OPT_SORT,
	OPT_SUMMARY,
	OPT_LIMITS,
	OPT_LIST_COLUMNS,
	OPT_TIME_FORMAT,
	OPT_METRICS,
	OPT_METRICS_OWNERS,
};

static const struct option longopts[] = {
	{ "sysv",		no_argument,		NULL, OPT_SYSV },
	{ "posix",		no_argument,		NULL, OPT_POSIX },
	{ "memfd",		no_argument,		NULL, OPT_MEMFD },
	{ "user",		required_argument,	NULL, 'u' },
	{ "unused",		no_argument,		NULL, OPT_UNUSED },
	{ "orphans",		no_argument,		NULL, OPT_ORPHANS },
	{ "older-than",		required_argument,	NULL, OPT_OLDER_THAN },
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

enum mode { MODE_TABLE, MODE_RAW, MODE_JSON, MODE_EXPORT, MODE_NULL };

static struct {
	int		 cols[NCOLS * 4];
	size_t		 ncols;
	enum mode	 mode;
	bool		 noheadings, bytes, numeric_perms, time_set;
	enum shm_time_style time_style;
	struct shm_filter filter;
	bool		 filtering;	/* a filter beyond the kinds */
	int		 sort_col;	/* -1: by kind and address */
	bool		 escaped;	/* some name was shown escaped */
	bool		 hidden;	/* some user was unknown: "?" shown */
} ls = { .time_style = SHM_TIME_SHORT, .sort_col = -1 };

static noreturn void
usage(void)
{
	size_t i;

	fputs(
"Usage: shmls [--sysv] [--posix] [--memfd] [-u USER] [--unused] [--orphans]\n"
"             [--older-than DURATION] [--sort COLUMN] [-o LIST]\n"
"             [-J | -r | -e | -0] [-n] [-b] [-P] [--time-format FORMAT]\n"
"             [ADDRESS...]\n"
"       shmls --summary | --limits [-J | -r | -e] [-n] [-b]\n"
"       shmls --metrics [--metrics-owners N] [filters]\n"
"List shared memory segments of every kind, with the processes using them.\n"
"\n"
"      --sysv                System V segments\n"
"      --posix               POSIX objects in /dev/shm\n"
"      --memfd               memfds that processes hold\n"
"  -u, --user USER           segments owned by USER (name or uid)\n"
"      --unused              segments no process uses (NATTCH 0)\n"
"      --orphans             unused segments whose creator is gone\n"
"      --older-than DURATION segments changed longer ago (90s, 10m, 2h, 3d)\n"
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
"      --summary             counts and bytes per kind, as ipcs -u\n"
"      --limits              kernel.shm* limits and /dev/shm space, as ipcs -l\n"
"      --metrics             Prometheus text format, for node_exporter\n"
"      --metrics-owners N    owners labelled per type (default 10, 0: none)\n"
"  -h, --help                show this help\n"
"  -V, --version             show the version\n"
"\n"
"Columns:\n", stdout);
	for (i = 0; i < NCOLS; i++)
		printf("  %8s  %s\n", columns[i].name, columns[i].help);
	exit(cli_exit_status(EXIT_SUCCESS));
}

static int
column_by_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NCOLS; i++)
		if (strlen(columns[i].name) == len &&
		    strncasecmp(columns[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* -o LIST: "A,B" replaces the columns, "+A,B" adds to the defaults. */
static void
parse_columns(const char *arg)
{
	const char *p = arg;

	if (*p == '+')
		p++;
	else
		ls.ncols = 0;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		int col = column_by_name(p, len);

		if (col == -1)
			cli_usage("unknown column '%.*s' (see --list-columns)",
			    (int)len, p);
		if (ls.ncols == sizeof(ls.cols) / sizeof(ls.cols[0]))
			cli_usage("too many columns");
		ls.cols[ls.ncols++] = col;
		p += len;
		if (*p == ',')
			p++;
	}
	if (ls.ncols == 0)
		cli_usage("no columns in '%s'", arg);
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		err(EXIT_OPFAIL, NULL);
	return p;
}

static char *
fmt_num(long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return xstrdup(buf);
}

static char *
fmt_unsigned(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return xstrdup(buf);
}

static char *
fmt_size(uint64_t v)
{
	char buf[32];

	if (ls.bytes || ls.mode == MODE_JSON)
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
	else
		shm_size_human(v, buf, sizeof(buf));
	return xstrdup(buf);
}

static char *
fmt_time(time_t t)
{
	char buf[64];

	if (t == 0)
		return NULL;
	shm_fmt_time(t, ls.mode == MODE_JSON && !ls.time_set ? SHM_TIME_ISO :
	    ls.time_style, buf, sizeof(buf));
	return xstrdup(buf);
}

/*
 * A name, or another text that anyone can choose (a user, a command).  In
 * the table it is escaped here, for people (shm_escape), so that a newline
 * or an escape sequence cannot forge rows or drive the terminal, and a
 * byte that is not UTF-8 cannot reach libsmartcols, which loops on one.
 * Raw and export output escape every cell when they print it (\xHH), JSON
 * keeps the bytes, and -0 prints them as they are.
 */
static char *
fmt_text(const char *s)
{
	char *p;

	switch (ls.mode) {
	case MODE_TABLE:
		if (!shm_needs_escape(s))
			return xstrdup(s);
		ls.escaped = true;
		if ((p = shm_escape(s)) == NULL)
			err(EXIT_OPFAIL, NULL);
		return p;
	case MODE_RAW:
	case MODE_EXPORT:
		if (shm_needs_escape_hex(s, ls.mode == MODE_RAW ? SHM_ESC_RAW :
		    SHM_ESC_EXPORT))
			ls.escaped = true;
		break;
	case MODE_JSON:
	case MODE_NULL:
		break;
	}
	return xstrdup(s);
}

/* Not known ("?", null in JSON), as opposed to not applicable (empty). */
static char *
fmt_unknown(void)
{
	return ls.mode == MODE_JSON ? NULL : xstrdup("?");
}

/*
 * PIDS or COMMAND: the processes using r, comma-separated, and "?" when
 * there may be more that the scan could not see.  (JSON writes arrays.)
 */
static char *
fmt_users(const struct shm_rec *r, bool comm)
{
	char *out = NULL;
	size_t len = 0, i;
	FILE *fp;

	if (!r->users_known)
		ls.hidden = true;
	if (r->npids == 0 && !r->users_known)
		return fmt_unknown();
	if (r->npids == 0)
		return NULL;
	if ((fp = open_memstream(&out, &len)) == NULL)
		err(EXIT_OPFAIL, NULL);
	for (i = 0; i < r->npids; i++) {
		char buf[64];

		if (i > 0)
			putc(',', fp);
		if (!comm)
			fprintf(fp, "%d", (int)r->pids[i]);
		else if (proc_comm(r->pids[i], buf, sizeof(buf)) != NULL) {
			char *esc = fmt_text(buf);

			fputs(esc, fp);
			free(esc);
		} else
			fputs("?", fp);
	}
	if (!r->users_known && ls.mode != MODE_JSON)
		fputs(",?", fp);
	if (fclose(fp) != 0)
		err(EXIT_OPFAIL, NULL);
	return out;
}

/* The text of one cell, or NULL for none (null in JSON). */
static char *
cell(const struct shm_rec *r, int col)
{
	char buf[SHM_ADDR_BUFSZ];
	bool sysv = r->addr.kind == SHM_SYSV;

	switch (col) {
	case COL_TYPE:
		return xstrdup(shm_kind_name(r->addr.kind));
	case COL_ADDRESS:
		if (shm_addr_format(&r->addr, buf, sizeof(buf)) >=
		    (int)sizeof(buf))
			return NULL;
		return fmt_text(buf);
	case COL_KEY:
		if (!sysv)
			return NULL;
		snprintf(buf, sizeof(buf), "0x%08" PRIx32, (uint32_t)r->addr.key);
		return xstrdup(buf);
	case COL_ID:
		return sysv ? fmt_num(r->addr.id) : NULL;
	case COL_NAME:
		return r->addr.name != NULL ? fmt_text(r->addr.name) : NULL;
	case COL_SIZE:
		return fmt_size(r->size);
	case COL_RSS:
		return r->rss < 0 ? fmt_unknown() : fmt_size((uint64_t)r->rss);
	case COL_OWNER:
		if (r->uid == SHM_UNKNOWN_ID)
			return fmt_unknown();
		return fmt_text(shm_fmt_user(r->uid, buf, sizeof(buf)));
	case COL_GROUP:
		if (r->gid == SHM_UNKNOWN_ID)
			return fmt_unknown();
		return fmt_text(shm_fmt_group(r->gid, buf, sizeof(buf)));
	case COL_UID:
		return r->uid == SHM_UNKNOWN_ID ? fmt_unknown() : fmt_num(r->uid);
	case COL_GID:
		return r->gid == SHM_UNKNOWN_ID ? fmt_unknown() : fmt_num(r->gid);
	case COL_CUID:
		return r->cuid == SHM_UNKNOWN_ID ? NULL : fmt_num(r->cuid);
	case COL_CGID:
		return r->cgid == SHM_UNKNOWN_ID ? NULL : fmt_num(r->cgid);
	case COL_PERMS:
		shm_fmt_perms(r->mode, ls.numeric_perms, buf, sizeof(buf));
		return xstrdup(buf);
	case COL_NATTCH:
		if (r->nattch >= 0)
			return fmt_num(r->nattch);
		ls.hidden = true;
		return fmt_unknown();
	case COL_PIDS:
	case COL_COMMAND:
		return fmt_users(r, col == COL_COMMAND);
	case COL_CPID:
		return r->cpid > 0 ? fmt_num(r->cpid) : NULL;
	case COL_LPID:
		return r->lpid > 0 ? fmt_num(r->lpid) : NULL;
	case COL_CTIME:
		return fmt_time(r->ctime);
	case COL_ATIME:
		return fmt_time(r->atime);
	case COL_DTIME:
		return fmt_time(r->dtime);
	case COL_MTIME:
		return fmt_time(r->mtime);
	case COL_STATUS:
		shm_fmt_status(r->status, buf, sizeof(buf));
		return buf[0] != '\0' ? xstrdup(buf) : NULL;
	}
	return NULL;
}

static struct libscols_table *
new_table(void)
{
	struct libscols_table *tb;
	size_t i;

	if ((tb = scols_new_table()) == NULL)
		err(EXIT_OPFAIL, NULL);
	switch (ls.mode) {
	case MODE_RAW:
		scols_table_enable_raw(tb, 1);
		break;
	case MODE_JSON:
		scols_table_enable_json(tb, 1);
		scols_table_set_name(tb, "shm");
		break;
	case MODE_EXPORT:
		scols_table_enable_export(tb, 1);
		break;
	case MODE_TABLE:
		/* fmt_text() has escaped the cells already. */
		scols_table_enable_noencoding(tb, 1);
		break;
	case MODE_NULL:
		break;
	}
	scols_table_enable_noheadings(tb, ls.noheadings);
	for (i = 0; i < ls.ncols; i++) {
		const struct column *c = &columns[ls.cols[i]];

		if (scols_table_new_column(tb, c->name, c->whint,
		    c->flags) == NULL)
			err(EXIT_OPFAIL, NULL);
	}
	return tb;
}

static void
add_row(struct libscols_table *tb, const struct shm_rec *r)
{
	struct libscols_line *ln;
	size_t i;

	if ((ln = scols_table_new_line(tb, NULL)) == NULL)
		err(EXIT_OPFAIL, NULL);
	for (i = 0; i < ls.ncols; i++) {
		char *data = cell(r, ls.cols[i]);

		if (data != NULL && scols_line_refer_data(ln, i, data) != 0)
			err(EXIT_OPFAIL, NULL);
	}
}

/*
 * PIDS or COMMAND as a JSON array, one item per process; null when none
 * is known and there may be some the scan could not see.
 */
static void
json_users(FILE *fp, const struct shm_rec *r, bool comm)
{
	size_t i;

	if (r->npids == 0 && !r->users_known) {
		fputs("null", fp);
		return;
	}
	putc('[', fp);
	for (i = 0; i < r->npids; i++) {
		char buf[64];

		if (i > 0)
			fputs(", ", fp);
		if (!comm)
			fprintf(fp, "%d", (int)r->pids[i]);
		else if (proc_comm(r->pids[i], buf, sizeof(buf)) != NULL)
			shm_json_string(fp, buf, strlen(buf));
		else
			fputs("\"?\"", fp);
	}
	putc(']', fp);
}

/*
 * The listing as JSON, written here rather than by libsmartcols, whose
 * arrays cannot be empty ("[null]" for a segment nobody uses) and whose
 * strings cannot hold a name that is not UTF-8 (see shm_json_string).
 */
static int
print_json(const struct shm_rec *v, size_t n)
{
	size_t i, j;

	fputs("{\n   \"shm\": [", stdout);
	for (i = 0; i < n; i++) {
		fputs(i ? ",{\n" : "\n      {\n", stdout);
		for (j = 0; j < ls.ncols; j++) {
			int col = ls.cols[j];
			const char *q;

			fputs("         \"", stdout);
			for (q = columns[col].name; *q != '\0'; q++)
				putchar(tolower((unsigned char)*q));
			fputs("\": ", stdout);
			if (col == COL_PIDS || col == COL_COMMAND)
				json_users(stdout, &v[i], col == COL_COMMAND);
			else {
				char *data = cell(&v[i], col);

				shm_json_value(stdout, columns[col].json_type,
				    data);
				free(data);
			}
			fputs(j + 1 < ls.ncols ? ",\n" : "\n", stdout);
		}
		fputs("      }", stdout);
	}
	fputs(n ? "\n   ]\n}\n" : "]\n}\n", stdout);
	return ferror(stdout) ? EXIT_OPFAIL : EXIT_SUCCESS;
}

/* s on stdout, escaped for raw or export output. */
static void
put_escaped_hex(const char *s, const char *special)
{
	char *esc = shm_escape_hex(s, special);

	if (esc == NULL)
		err(EXIT_OPFAIL, NULL);
	fputs(esc, stdout);
	free(esc);
}

/*
 * Raw, export and -0 output, written here rather than by libsmartcols:
 * its raw output leaves quotes as they are, for xargs(1) to unquote, and
 * neither lets a cell's exact bytes through.  Raw and export escape as
 * libsmartcols does (\xHH), and quotes too.
 */
static int
print_lines(const struct shm_rec *v, size_t n)
{
	size_t i, j;

	if (ls.mode == MODE_RAW && !ls.noheadings && n > 0) {
		for (j = 0; j < ls.ncols; j++)
			printf("%s%s", j > 0 ? " " : "",
			    columns[ls.cols[j]].name);
		putchar('\n');
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < ls.ncols; j++) {
			char *data = cell(&v[i], ls.cols[j]);

			if (j > 0)
				putchar(' ');
			if (ls.mode == MODE_EXPORT)
				printf("%s=\"", columns[ls.cols[j]].name);
			if (data == NULL)
				;
			else if (ls.mode == MODE_NULL)
				fputs(data, stdout);
			else
				put_escaped_hex(data, ls.mode == MODE_RAW ?
				    SHM_ESC_RAW : SHM_ESC_EXPORT);
			if (ls.mode == MODE_EXPORT)
				putchar('"');
			free(data);
		}
		putchar(ls.mode == MODE_NULL ? '\0' : '\n');
	}
	return ferror(stdout) ? EXIT_OPFAIL : EXIT_SUCCESS;
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
	default:
		return false;
	}
	return true;
}

static int
column_cmp(const void *x, const void *y)
{
	const struct shm_rec *a = x, *b = y;
	long long va, vb;
	char *ca, *cb;
	int c;

	if (ls.sort_col == COL_ADDRESS)
		return shm_rec_cmp(a, b);
	if (sort_number(a, ls.sort_col, &va) &&
	    sort_number(b, ls.sort_col, &vb))
		return va != vb ? (va > vb) - (va < vb) : shm_rec_cmp(a, b);
	ca = cell(a, ls.sort_col);
	cb = cell(b, ls.sort_col);
	c = strcmp(ca != NULL ? ca : "", cb != NULL ? cb : "");
	free(ca);
	free(cb);
	return c != 0 ? c : shm_rec_cmp(a, b);
}

/* --summary: how many segments of each kind, and how much memory. */
static int
print_summary(const struct shm_rec *v, size_t n)
{
	static const char *const hdr[] = { "TYPE", "COUNT", "SIZE", "RSS" };
	struct libscols_table *tb;
	uint64_t size[SHM_NKINDS] = { 0 }, rss[SHM_NKINDS] = { 0 };
	size_t count[SHM_NKINDS] = { 0 }, i;
	int k, r;

	for (i = 0; i < n; i++) {
		count[v[i].addr.kind]++;
		size[v[i].addr.kind] += v[i].size;
		if (v[i].rss > 0)
			rss[v[i].addr.kind] += (uint64_t)v[i].rss;
	}
	ls.ncols = 0;
	tb = new_table();
	for (i = 0; i < 4; i++) {
		struct libscols_column *cl = scols_table_new_column(tb, hdr[i],
		    0, i ? SCOLS_FL_RIGHT : 0);

		if (cl == NULL)
			err(EXIT_OPFAIL, NULL);
		if (ls.mode == MODE_JSON)
			scols_column_set_json_type(cl, i ? SCOLS_JSON_NUMBER :
			    SCOLS_JSON_STRING);
	}
	for (k = 0; k < SHM_NKINDS; k++) {
		struct libscols_line *ln;

		/* Files are never listed, only named: no row unless named. */
		if (!(ls.filter.kinds & SHM_KIND_BIT(k)) ||
		    (k == SHM_FILE && count[k] == 0))
			continue;
		if ((ln = scols_table_new_line(tb, NULL)) == NULL ||
		    scols_line_refer_data(ln, 0, xstrdup(shm_kind_name(k))) ||
		    scols_line_refer_data(ln, 1, fmt_num((long long)count[k])) ||
		    scols_line_refer_data(ln, 2, fmt_size(size[k])) ||
		    scols_line_refer_data(ln, 3, fmt_size(rss[k])))
			err(EXIT_OPFAIL, NULL);
	}
	r = scols_print_table(tb);
	scols_unref_table(tb);
	return r == 0 ? EXIT_SUCCESS : EXIT_OPFAIL;
}

/* --limits: what bounds a new segment, as ipcs -l does. */
static int
print_limits(void)
{
	static const struct {
		const char	*name, *sysctl, *help;
		bool		 bytes;
	} limits[] = {
		{ "kernel.shmmax", "kernel/shmmax",
		  "largest System V segment", true },
		{ "kernel.shmall", "kernel/shmall",
		  "pages in all System V segments", false },
		{ "kernel.shmmni", "kernel/shmmni",
		  "System V segments", false },
	};
	static const char *const hdr[] = { "LIMIT", "VALUE", "DESCRIPTION" };
	struct libscols_table *tb;
	struct statvfs sv;
	size_t i;
	int r;

	ls.ncols = 0;
	tb = new_table();
	for (i = 0; i < 3; i++) {
		struct libscols_column *cl = scols_table_new_column(tb, hdr[i],
		    0, i == 1 ? SCOLS_FL_RIGHT : 0);

		if (cl == NULL)
			err(EXIT_OPFAIL, NULL);
		if (ls.mode == MODE_JSON)
			scols_column_set_json_type(cl, i == 1 ?
			    SCOLS_JSON_NUMBER : SCOLS_JSON_STRING);
	}
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		uint64_t v;
		char *val;

		if (ln == NULL)
			err(EXIT_OPFAIL, NULL);
		if (shm_sysctl(limits[i].sysctl, &v) == -1)
			val = NULL;
		else if (limits[i].bytes)
			val = fmt_size(v);
		else
			val = fmt_unsigned(v);
		if (scols_line_refer_data(ln, 0, xstrdup(limits[i].name)) ||
		    (val != NULL && scols_line_refer_data(ln, 1, val)) ||
		    scols_line_refer_data(ln, 2, xstrdup(limits[i].help)))
			err(EXIT_OPFAIL, NULL);
	}
	if (statvfs(SHM_DEVSHM, &sv) == 0) {
		const char *names[] = { SHM_DEVSHM " size", SHM_DEVSHM " free" };
		const char *help[] = { "space for POSIX objects",
		    "space left for POSIX objects" };
		uint64_t vals[] = { (uint64_t)sv.f_blocks * sv.f_frsize,
		    (uint64_t)sv.f_bavail * sv.f_frsize };

		for (i = 0; i < 2; i++) {
			struct libscols_line *ln = scols_table_new_line(tb, NULL);

			if (ln == NULL ||
			    scols_line_refer_data(ln, 0, xstrdup(names[i])) ||
			    scols_line_refer_data(ln, 1, fmt_size(vals[i])) ||
			    scols_line_refer_data(ln, 2, xstrdup(help[i])))
				err(EXIT_OPFAIL, NULL);
		}
	}
	r = scols_print_table(tb);
	scols_unref_table(tb);
	return r == 0 ? EXIT_SUCCESS : EXIT_OPFAIL;
}

/* The records of the ADDRESS operands, each stat'ed directly. */
static struct {
	struct shm_rec	*v;
	size_t		 n;
} operands;

static int
stat_one(const char *arg, const struct shm_addr *a)
{
	if (shm_stat(a, &operands.v[operands.n]) == -1) {
		cli_op_fail(arg, errno, SHM_OP_STAT, a);
		return EXIT_OPFAIL;
	}
	operands.n++;
	return EXIT_SUCCESS;
}

/*
 * While an interrupted System V resize has left data in a recovery file,
 * every listing says so: the key may name a half-copied segment, or none.
 */
static void
note_recovery_files(void)
{
	struct shm_recovery *rv;
	size_t i, n;

	if (sysv_recovery_list(&rv, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		char addr[32];

		if (rv[i].key == IPC_PRIVATE)
			snprintf(addr, sizeof(addr), "id:%d", rv[i].old_id);
		else
			snprintf(addr, sizeof(addr), "0x%08x",
			    (unsigned)rv[i].key);
		cli_warn(addr, "a resize was interrupted: its data is in %s; "
		    "'shmresize --recover %s' puts it back", rv[i].path, addr);
	}
	sysv_recovery_list_free(rv, n);
}

/*
 * Do the columns need to know which processes use what?  (shm_select()
 * knows when the filters do.)
 */
static bool
needs_scan(void)
{
	size_t i;

	for (i = 0; i < ls.ncols; i++) {
		int needs = columns[ls.cols[i]].needs;

		if ((needs & COLF_SCAN) || ((needs & COLF_SCAN_FD) &&
		    (ls.filter.kinds & ~SHM_KIND_BIT(SHM_SYSV))))
			return true;
	}
	return false;
}

int
main(int argc, char *argv[])
{
	struct libscols_table *tb;
	struct shm_rec *v = NULL;
	bool summary = false, limits = false, metrics = false, owners = false;
	struct metrics_opts mo = { .owners = METRICS_OWNERS_DEFAULT };
	const char *why;
	size_t i, n = 0;
	int ch, r, ret = EXIT_SUCCESS;

	cli_init(argv);
	memcpy(ls.cols, default_columns, sizeof(default_columns));
	ls.ncols = sizeof(default_columns) / sizeof(default_columns[0]);
	while ((ch = getopt_long(argc, argv, "u:o:Jre0nbPhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_SYSV:
			ls.filter.kinds |= SHM_KIND_BIT(SHM_SYSV);
			break;
		case OPT_POSIX:
			ls.filter.kinds |= SHM_KIND_BIT(SHM_POSIX);
			break;
		case OPT_MEMFD:
			ls.filter.kinds |= SHM_KIND_BIT(SHM_MEMFD);
			break;
		case 'u':
			if (shm_user_parse(optarg, &ls.filter.uid) == -1)
				cli_usage("--user '%s': no such user", optarg);
			ls.filter.has_uid = ls.filtering = true;
			break;
		case OPT_UNUSED:
			ls.filter.unused = ls.filtering = true;
			break;
		case OPT_ORPHANS:
			ls.filter.orphans = ls.filtering = true;
			break;
		case OPT_OLDER_THAN:
			if (shm_duration_parse(optarg, &ls.filter.older_than,
			    &why) == -1)
				cli_usage("--older-than '%s': %s", optarg, why);
			ls.filter.has_older = ls.filtering = true;
			break;
		case OPT_SORT:
			if ((ls.sort_col = column_by_name(optarg,
			    strlen(optarg))) == -1)
				cli_usage("--sort '%s': unknown column (see "
				    "--list-columns)", optarg);
			break;
		case 'o':
			parse_columns(optarg);
			break;
		case OPT_LIST_COLUMNS:
			for (i = 0; i < NCOLS; i++)
				printf("%-8s %s\n", columns[i].name,
				    columns[i].help);
			return cli_exit_status(EXIT_SUCCESS);
		case 'J':
		case 'r':
		case 'e':
		case '0':
			if (ls.mode != MODE_TABLE)
				cli_usage("-J, -r, -e and -0 exclude each other");
			ls.mode = ch == 'J' ? MODE_JSON : ch == 'r' ? MODE_RAW :
			    ch == 'e' ? MODE_EXPORT : MODE_NULL;
			break;
		case 'n':
			ls.noheadings = true;
			break;
		case 'b':
			ls.bytes = true;
			break;
		case 'P':
			ls.numeric_perms = true;
			break;
		case OPT_TIME_FORMAT:
			if (strcmp(optarg, "short") == 0)
				ls.time_style = SHM_TIME_SHORT;
			else if (strcmp(optarg, "full") == 0)
				ls.time_style = SHM_TIME_FULL;
			else if (strcmp(optarg, "iso") == 0)
				ls.time_style = SHM_TIME_ISO;
			else
				cli_usage("--time-format '%s': expected short, "
				    "full or iso", optarg);
			ls.time_set = true;
			break;
		case OPT_SUMMARY:
			summary = true;
			break;
		case OPT_LIMITS:
			limits = true;
			break;
		case OPT_METRICS:
			metrics = true;
			break;
		case OPT_METRICS_OWNERS:
			if (metrics_owners_parse(optarg, &mo.owners, &why) == -1)
				cli_usage("--metrics-owners '%s': %s", optarg,
				    why);
			owners = true;
			break;
		case 'h':
			usage();
		case 'V':
			cli_version();
		default:
			cli_bad_option();
		}
	}
	argc -= optind;
	argv += optind;
	if (summary && limits)
		cli_usage("--summary and --limits exclude each other");
	if (metrics && (summary || limits || ls.mode != MODE_TABLE || argc > 0))
		cli_usage("--metrics takes filters only: no --summary, --limits, "
		    "-J, -r, -e, -0 or ADDRESS");
	if (owners && !metrics)
		cli_usage("--metrics-owners needs --metrics");
	/*
	 * NUL ends a value, and nothing else does: with two columns a reader
	 * could not tell where one ends and the next begins.
	 */
	if (ls.mode == MODE_NULL && (summary || limits))
		cli_usage("--null and --%s exclude each other", summary ?
		    "summary" : "limits");
	if (ls.mode == MODE_NULL && ls.ncols != 1)
		cli_usage("--null needs exactly one column: -o ADDRESS");
	if (limits && (argc > 0 || ls.filter.kinds || ls.filtering))
		cli_usage("--limits takes no ADDRESS or filter");
	if (argc > 0 && (ls.filter.kinds || ls.filtering))
		cli_usage("ADDRESS operands and filters exclude each other");
	if (ls.filter.kinds == 0)
		ls.filter.kinds = SHM_KINDS_ALL;
	if (limits)
		return cli_exit_status(print_limits());
	if (metrics) {
		mo.filter = &ls.filter;
		return cli_exit_status(metrics_print(stdout, &mo));
	}

	if (argc > 0) {
		if ((operands.v = calloc((size_t)argc, sizeof(*v))) == NULL)
			err(EXIT_OPFAIL, NULL);
		ret = cli_each_addr(argc, argv, SHM_KINDS_ALL, stat_one);
		v = operands.v;
		n = operands.n;
		/* One pass over /proc, and only when something needs it. */
		if (needs_scan() && shm_scan_users(&v, &n, false) == -1)
			err(EXIT_OPFAIL, "cannot scan /proc");
	} else if (shm_select(&ls.filter, needs_scan(), &v, &n) == -1)
		err(EXIT_OPFAIL, "cannot list segments");

	/* Operands are shown in the order given (shm_select sorts lists). */
	if (n > 1 && ls.sort_col != -1)
		qsort(v, n, sizeof(*v), column_cmp);


	if (summary) {
		ret = print_summary(v, n);
	} else if (ls.mode == MODE_JSON) {
		r = print_json(v, n);
		if (r != 0 && ret == 0)
			ret = r;
	} else {
		if (ls.mode == MODE_TABLE) {
			tb = new_table();
			for (i = 0; i < n; i++)
				add_row(tb, &v[i]);
			r = scols_print_table(tb) == 0 ? EXIT_SUCCESS :
			    EXIT_OPFAIL;
			scols_unref_table(tb);
		} else
			r = print_lines(v, n);
		if (r != 0 && ret == 0)
			ret = r;
		if (ls.hidden)
			cli_warn(NULL, "some processes cannot be seen (another "
			    "user's, hidepid, another PID namespace): who uses "
			    "a POSIX object, file or memfd is shown as ?");
		if (ls.escaped)
			cli_warn(NULL, "some names hold blanks, quotes or "
			    "control characters and are shown escaped: use "
			    "--json or -0 for their exact bytes");
	}
	if (ls.filter.kinds & SHM_KIND_BIT(SHM_SYSV))
		note_recovery_files();
	shm_rec_list_free(v, n);
	return cli_exit_status(ret);
}
