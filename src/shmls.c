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

#include <libsmartcols.h>

#include "cli.h"

enum {
	COL_TYPE, COL_ADDRESS, COL_KEY, COL_ID, COL_NAME, COL_SIZE, COL_RSS,
	COL_OWNER, COL_GROUP, COL_UID, COL_GID, COL_CUID, COL_CGID, COL_PERMS,
	COL_NATTCH, COL_CPID, COL_LPID, COL_CTIME, COL_ATIME, COL_DTIME,
	COL_MTIME, COL_STATUS, NCOLS
};

/* One table drives --help, --list-columns, -o and the output. */
static const struct column {
	const char	*name;
	double		 whint;
	int		 flags;
	int		 json_type;
	const char	*help;
} columns[NCOLS] = {
	[COL_TYPE] =	{ "TYPE", 5, 0, SCOLS_JSON_STRING,
			  "kind: sysv, posix, file or memfd" },
	[COL_ADDRESS] =	{ "ADDRESS", 12, 0, SCOLS_JSON_STRING,
			  "address to give the other programs" },
	[COL_KEY] =	{ "KEY", 10, 0, SCOLS_JSON_STRING,
			  "System V key" },
	[COL_ID] =	{ "ID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "System V shmid" },
	[COL_NAME] =	{ "NAME", 12, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			  "POSIX, file or memfd name" },
	[COL_SIZE] =	{ "SIZE", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "size (bytes with --bytes and in JSON)" },
	[COL_RSS] =	{ "RSS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "memory resident" },
	[COL_OWNER] =	{ "OWNER", 8, 0, SCOLS_JSON_STRING,
			  "owner's user name" },
	[COL_GROUP] =	{ "GROUP", 8, 0, SCOLS_JSON_STRING,
			  "group name" },
	[COL_UID] =	{ "UID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "owner's user id" },
	[COL_GID] =	{ "GID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "group id" },
	[COL_CUID] =	{ "CUID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "creator's user id (System V)" },
	[COL_CGID] =	{ "CGID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "creator's group id (System V)" },
	[COL_PERMS] =	{ "PERMS", 9, 0, SCOLS_JSON_STRING,
			  "permissions" },
	[COL_NATTCH] =	{ "NATTCH", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "processes attached (? where unknown)" },
	[COL_CPID] =	{ "CPID", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "creator's process id (System V)" },
	[COL_LPID] =	{ "LPID", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "last attach or detach process id (System V)" },
	[COL_CTIME] =	{ "CTIME", 5, 0, SCOLS_JSON_STRING,
			  "last change" },
	[COL_ATIME] =	{ "ATIME", 5, 0, SCOLS_JSON_STRING,
			  "last attach (System V) or access" },
	[COL_DTIME] =	{ "DTIME", 5, 0, SCOLS_JSON_STRING,
			  "last detach (System V)" },
	[COL_MTIME] =	{ "MTIME", 5, 0, SCOLS_JSON_STRING,
			  "last modification (POSIX, files, memfds)" },
	[COL_STATUS] =	{ "STATUS", 6, 0, SCOLS_JSON_STRING,
			  "dest, locked" },
};

static const int default_columns[] = {
	COL_TYPE, COL_ADDRESS, COL_SIZE, COL_OWNER, COL_PERMS, COL_NATTCH,
	COL_STATUS, COL_CTIME,
};

enum {
	OPT_SYSV = CHAR_MAX + 1,
	OPT_POSIX,
	OPT_LIST_COLUMNS,
	OPT_TIME_FORMAT,
};

static const struct option longopts[] = {
	{ "sysv",		no_argument,		NULL, OPT_SYSV },
	{ "posix",		no_argument,		NULL, OPT_POSIX },
	{ "output",		required_argument,	NULL, 'o' },
	{ "list-columns",	no_argument,		NULL, OPT_LIST_COLUMNS },
	{ "json",		no_argument,		NULL, 'J' },
	{ "raw",		no_argument,		NULL, 'r' },
	{ "export",		no_argument,		NULL, 'e' },
	{ "noheadings",		no_argument,		NULL, 'n' },
	{ "bytes",		no_argument,		NULL, 'b' },
	{ "numeric-perms",	no_argument,		NULL, 'P' },
	{ "time-format",	required_argument,	NULL, OPT_TIME_FORMAT },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

enum mode { MODE_TABLE, MODE_RAW, MODE_JSON, MODE_EXPORT };

static struct {
	int		 cols[NCOLS * 4];
	size_t		 ncols;
	enum mode	 mode;
	bool		 noheadings, bytes, numeric_perms, time_set;
	enum shm_time_style time_style;
	unsigned	 kinds;
} ls = { .time_style = SHM_TIME_SHORT };

static noreturn void
usage(void)
{
	size_t i;

	fputs(
"Usage: shmls [--sysv] [--posix] [-o LIST] [-J | -r | -e] [-n] [-b] [-P]\n"
"             [--time-format FORMAT] [ADDRESS...]\n"
"List shared memory segments: System V and POSIX, or just the ADDRESSes.\n"
"\n"
"      --sysv                System V segments\n"
"      --posix               POSIX objects in /dev/shm\n"
"  -o, --output LIST         columns to show; +LIST adds to the default\n"
"      --list-columns        list the columns and exit\n"
"  -J, --json                JSON output\n"
"  -r, --raw                 raw output\n"
"  -e, --export              NAME=\"value\" output\n"
"  -n, --noheadings          no header line\n"
"  -b, --bytes               sizes in bytes\n"
"  -P, --numeric-perms       permissions in octal\n"
"      --time-format FORMAT  short, full or iso\n"
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
 * Names are escaped (strvis) in tables, so that a newline or an escape
 * sequence in a name cannot forge rows or drive the terminal.  Raw and
 * export output are escaped by libsmartcols (\x0a), JSON strings per JSON;
 * escaping those twice would turn "\n" into "\x5cn".
 */
static char *
fmt_text(const char *s)
{
	char *p;

	if (ls.mode != MODE_TABLE)
		return xstrdup(s);
	if ((p = shm_escape(s)) == NULL)
		err(EXIT_OPFAIL, NULL);
	return p;
}

/* Not known ("?", null in JSON), as opposed to not applicable (empty). */
static char *
fmt_unknown(void)
{
	return ls.mode == MODE_JSON ? NULL : xstrdup("?");
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
		return r->nattch < 0 ? fmt_unknown() : fmt_num(r->nattch);
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
		break;
	}
	scols_table_enable_noheadings(tb, ls.noheadings);
	for (i = 0; i < ls.ncols; i++) {
		const struct column *c = &columns[ls.cols[i]];
		struct libscols_column *cl;

		cl = scols_table_new_column(tb, c->name, c->whint, c->flags);
		if (cl == NULL)
			err(EXIT_OPFAIL, NULL);
		if (ls.mode == MODE_JSON)
			scols_column_set_json_type(cl, c->json_type);
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

/* System V by id, then the others by kind and name. */
static int
rec_cmp(const void *x, const void *y)
{
	const struct shm_rec *a = x, *b = y;

	if (a->addr.kind != b->addr.kind)
		return (int)a->addr.kind - (int)b->addr.kind;
	if (a->addr.kind == SHM_SYSV)
		return (a->addr.id > b->addr.id) - (a->addr.id < b->addr.id);
	if (a->addr.kind == SHM_MEMFD && a->addr.pid != b->addr.pid)
		return (a->addr.pid > b->addr.pid) - (a->addr.pid < b->addr.pid);
	if (a->addr.kind == SHM_MEMFD)
		return (a->addr.fd > b->addr.fd) - (a->addr.fd < b->addr.fd);
	return strcmp(a->addr.name, b->addr.name);
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

int
main(int argc, char *argv[])
{
	struct libscols_table *tb;
	struct shm_rec *v;
	size_t i, n;
	int ch, ret = EXIT_SUCCESS;

	cli_init(argv);
	memcpy(ls.cols, default_columns, sizeof(default_columns));
	ls.ncols = sizeof(default_columns) / sizeof(default_columns[0]);
	while ((ch = getopt_long(argc, argv, "o:JrenbPhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_SYSV:
			ls.kinds |= SHM_KIND_BIT(SHM_SYSV);
			break;
		case OPT_POSIX:
			ls.kinds |= SHM_KIND_BIT(SHM_POSIX);
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
			ls.mode = MODE_JSON;
			break;
		case 'r':
			ls.mode = MODE_RAW;
			break;
		case 'e':
			ls.mode = MODE_EXPORT;
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
		case 'h':
			usage();
		case 'V':
			cli_version();
		default:
			cli_usage("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && ls.kinds != 0)
		cli_usage("ADDRESS operands and --sysv/--posix exclude each other");
	if (ls.kinds == 0)
		ls.kinds = SHM_KIND_BIT(SHM_SYSV) | SHM_KIND_BIT(SHM_POSIX);

	if (argc > 0) {
		if ((operands.v = calloc((size_t)argc, sizeof(*v))) == NULL)
			err(EXIT_OPFAIL, NULL);
		ret = cli_each_addr(argc, argv,
	    SHM_KINDS_ALL, stat_one);
		v = operands.v;
		n = operands.n;
	} else if (shm_list(ls.kinds, &v, &n) == -1)
		err(EXIT_OPFAIL, "cannot list segments");
	else
		qsort(v, n, sizeof(*v), rec_cmp);

	tb = new_table();
	for (i = 0; i < n; i++)
		add_row(tb, &v[i]);
	if (scols_print_table(tb) != 0 && ret == 0)
		ret = EXIT_OPFAIL;
	scols_unref_table(tb);
	shm_rec_list_free(v, n);
	return cli_exit_status(ret);
}
