/*
 * cols.c - programs' layer: shmls's columns, their catalogue (names,
 * -o LIST, what each needs gathered) and the text of one cell.  How the
 * cells are laid out is out.c's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cols.h"

const struct col_desc col_table[NCOLS] = {
	[COL_TYPE] =	{ "TYPE", 5, false, SHM_JSON_STRING,
			  "kind: sysv, posix, file, memfd or anon", 0 },
	[COL_ADDRESS] =	{ "ADDRESS", 12, false, SHM_JSON_STRING,
			  "address to give the other programs", 0 },
	[COL_KEY] =	{ "KEY", 10, false, SHM_JSON_STRING,
			  "System V key", 0 },
	[COL_ID] =	{ "ID", 5, true, SHM_JSON_NUMBER,
			  "System V shmid", 0 },
	[COL_NAME] =	{ "NAME", 12, false, SHM_JSON_STRING,
			  "POSIX, file or memfd name", 0 },
	[COL_SIZE] =	{ "SIZE", 5, true, SHM_JSON_NUMBER,
			  "size (bytes with --bytes and in JSON)", 0 },
	[COL_RSS] =	{ "RSS", 5, true, SHM_JSON_NUMBER,
			  "memory resident",
			  COLF_TABLE | COLF_SCAN_SOFT | COLF_SWAP },
	[COL_SWAP] =	{ "SWAP", 5, true, SHM_JSON_NUMBER,
			  "memory swapped out (? where unknown)",
			  COLF_TABLE | COLF_SWAP },
	[COL_OWNER] =	{ "OWNER", 8, false, SHM_JSON_STRING,
			  "owner's user name", 0 },
	[COL_GROUP] =	{ "GROUP", 8, false, SHM_JSON_STRING,
			  "group name", 0 },
	[COL_UID] =	{ "UID", 5, true, SHM_JSON_NUMBER,
			  "owner's user id", 0 },
	[COL_GID] =	{ "GID", 5, true, SHM_JSON_NUMBER,
			  "group id", 0 },
	[COL_CUID] =	{ "CUID", 5, true, SHM_JSON_NUMBER,
			  "creator's user id (System V)", 0 },
	[COL_CGID] =	{ "CGID", 5, true, SHM_JSON_NUMBER,
			  "creator's group id (System V)", 0 },
	[COL_PERMS] =	{ "PERMS", 9, false, SHM_JSON_STRING,
			  "permissions", 0 },
	[COL_NATTCH] =	{ "NATTCH", 6, true, SHM_JSON_NUMBER,
			  "processes attached, mapping or holding it",
			  COLF_SCAN_FD },
	[COL_PIDS] =	{ "PIDS", 8, false, SHM_JSON_ARRAY_NUMBER,
			  "those processes' ids", COLF_SCAN },
	[COL_COMMAND] =	{ "COMMAND", 10, false, SHM_JSON_ARRAY_STRING,
			  "those processes' command names", COLF_SCAN },
	[COL_CPID] =	{ "CPID", 6, true, SHM_JSON_NUMBER,
			  "creator's process id (System V)", 0 },
	[COL_LPID] =	{ "LPID", 6, true, SHM_JSON_NUMBER,
			  "last attach or detach process id (System V)", 0 },
	[COL_CTIME] =	{ "CTIME", 5, false, SHM_JSON_STRING,
			  "last change", 0 },
	[COL_ATIME] =	{ "ATIME", 5, false, SHM_JSON_STRING,
			  "last attach (System V) or access", 0 },
	[COL_DTIME] =	{ "DTIME", 5, false, SHM_JSON_STRING,
			  "last detach (System V)", 0 },
	[COL_MTIME] =	{ "MTIME", 5, false, SHM_JSON_STRING,
			  "last modification (POSIX, files, memfds)", 0 },
	[COL_STATUS] =	{ "STATUS", 6, false, SHM_JSON_STRING,
			  "dest (removed, attached), locked, deleted (unlinked), "
			  "hugetlb", COLF_SCAN_SOFT },
	[COL_IPCNS] =	{ "IPCNS", 10, true, SHM_JSON_NUMBER,
			  "IPC namespace inode (of NSPID)", 0 },
	[COL_MNTNS] =	{ "MNTNS", 10, true, SHM_JSON_NUMBER,
			  "mount namespace inode (of NSPID)", 0 },
	[COL_NSPID] =	{ "NSPID", 5, true, SHM_JSON_NUMBER,
			  "a process in the segment's place, for -N", 0 },
	[COL_CONTAINER] = { "CONTAINER", 12, false, SHM_JSON_STRING,
			  "container id from NSPID's cgroup", 0 },
};

static const int default_columns[] = {
	COL_TYPE, COL_ADDRESS, COL_SIZE, COL_OWNER, COL_PERMS, COL_NATTCH,
	COL_STATUS, COL_CTIME,
};

int
cols_by_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NCOLS; i++)
		if (strlen(col_table[i].name) == len &&
		    strncasecmp(col_table[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

void
cols_default(struct cols_list *l)
{
	memcpy(l->col, default_columns, sizeof(default_columns));
	l->n = sizeof(default_columns) / sizeof(default_columns[0]);
}

/*
 * With -A the default columns say where: NSPID and CONTAINER after TYPE
 * (first without it), unless shown already.
 */
void
cols_add_places(struct cols_list *l)
{
	static const int add[] = { COL_NSPID, COL_CONTAINER };
	size_t i, j, at = 0;

	for (i = 0; i < l->n; i++)
		if (l->col[i] == COL_TYPE)
			at = i + 1;
	for (j = 0; j < sizeof(add) / sizeof(add[0]); j++) {
		for (i = 0; i < l->n && l->col[i] != add[j]; i++)
			;
		if (i < l->n || l->n == NCOLS)
			continue;
		memmove(&l->col[at + 1], &l->col[at],
		    (l->n - at) * sizeof(l->col[0]));
		l->col[at++] = add[j];
		l->n++;
	}
}

/*
 * -o LIST: "A,B" replaces the columns, "+A,B" adds to them.  A column
 * named twice is shown once, where it was named first (JSON cannot hold
 * one key twice, and "+SIZE" asks for SIZE, shown already).  On error, returns -1 with *why, a static
 * string or one in a static buffer, and leaves l as it was.
 */
int
cols_parse(struct cols_list *l, const char *arg, const char **why)
{
	static char msg[128];
	struct cols_list nl = *l;
	const char *p = arg;
	size_t i;

	if (*p == '+')
		p++;
	else
		nl.n = 0;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		int col = cols_by_name(p, len);

		if (col == -1) {
			snprintf(msg, sizeof(msg), "unknown column '%.*s' "
			    "(see --list-columns)", (int)(len > 64 ? 64 : len), p);
			*why = msg;
			return -1;
		}
		for (i = 0; i < nl.n && nl.col[i] != col; i++)
			;
		if (i == nl.n)
			nl.col[nl.n++] = col;
		p += len;
		if (*p == ',')
			p++;
	}
	if (nl.n == 0) {
		snprintf(msg, sizeof(msg), "no columns in '%.64s'", arg);
		*why = msg;
		return -1;
	}
	*l = nl;
	return 0;
}

/*
 * Do the columns need to know which processes use what, for the kinds
 * listed?  (shm_select() knows when the filters do.)
 */
bool
cols_need_scan(const struct cols_list *l, unsigned kinds)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		int needs = col_table[l->col[i]].needs;

		if ((needs & COLF_SCAN) || ((needs & COLF_SCAN_FD) &&
		    (kinds & ~SHM_KIND_BIT(SHM_SYSV))))
			return true;
	}
	return false;
}

/* Does a column need what flag (COLF_*) says? */
static bool
cols_need(const struct cols_list *l, int flag)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (col_table[l->col[i]].needs & flag)
			return true;
	return false;
}

/* Does a column show the resident and swapped split (RSS, SWAP)? */
bool
cols_need_swap(const struct cols_list *l)
{
	return cols_need(l, COLF_SWAP);
}

/* Does a column gain from a scan that may fail (STATUS, RSS)? */
bool
cols_want_scan(const struct cols_list *l)
{
	return cols_need(l, COLF_SCAN_SOFT);
}

/* Does a column show what only the System V table has (RSS, SWAP)? */
bool
cols_need_table(const struct cols_list *l)
{
	return cols_need(l, COLF_TABLE);
}

static char *
fmt_num(long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return cli_xstrdup(buf);
}

static char *
fmt_size(const struct cols_fmt *f, uint64_t v)
{
	char buf[32];

	if (f->bytes || f->mode == COLS_JSON)
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
	else
		shm_size_human(v, buf, sizeof(buf));
	return cli_xstrdup(buf);
}

static char *
fmt_time(const struct cols_fmt *f, time_t t)
{
	char buf[64];

	if (t == 0)
		return NULL;
	shm_fmt_time(t, f->mode == COLS_JSON && !f->time_set ? SHM_TIME_ISO :
	    f->time_style, buf, sizeof(buf));
	return cli_xstrdup(buf);
}

/* One more name shown escaped, for what it holds (SHM_ESCW_*). */
static void
escaped(struct cols_fmt *f, unsigned why)
{
	f->escaped = true;
	f->escape_why |= why;
	f->nescaped++;
}

/*
 * The note that some names were shown escaped, into buf: how many, what
 * they hold, and how they are shown, e.g. "1 name holds a control
 * character or bytes that are not UTF-8; shown escaped as \NNN (--json or
 * -0 give the exact bytes)".
 */
void
cols_escape_note(const struct cols_fmt *f, char *buf, size_t len)
{
	static const struct {
		unsigned	 bit;
		const char	*what;
	} reasons[] = {
		{ SHM_ESCW_CONTROL, "a control character" },
		{ SHM_ESCW_INVALID, "bytes that are not UTF-8" },
		{ SHM_ESCW_FORMAT, "an invisible or bidirectional formatting "
		    "character" },
		{ SHM_ESCW_UNPRINTABLE, "a character that is not printable" },
		{ SHM_ESCW_BACKSLASH, "a backslash" },
	};
	const char *what[8];
	size_t i, n = 0, off;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (f->escape_why & reasons[i].bit)
			what[n++] = reasons[i].what;
	if (f->escape_why & SHM_ESCW_NONASCII)
		what[n++] = f->mode == COLS_TABLE ? "characters outside ASCII "
		    "(the locale is not UTF-8)" : "characters outside ASCII";
	if (f->escape_why & SHM_ESCW_SPECIAL)
		what[n++] = f->mode == COLS_RAW ? "a blank or quote" :
		    "a quote, $ or `";
	off = (size_t)snprintf(buf, len, "%zu name%s", f->nescaped,
	    f->nescaped == 1 ? " holds" : "s hold");
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i == 0 ? " " : i + 1 < n ? ", " : n > 2 ? ", or " : " or ",
		    what[i]);
	if (off < len)
		snprintf(buf + off, len - off, "; shown escaped as %s (--json "
		    "or -0 give the exact bytes)", f->mode == COLS_TABLE ?
		    "\\NNN" : "\\xHH");
}

/*
 * A name, or another text that anyone can choose (a user, a command).  In
 * the table it is escaped here, for people (shm_escape), so that a newline
 * or an escape sequence cannot forge rows or drive the terminal.  Raw and
 * export output escape every cell when they print it (\xHH), JSON keeps
 * the bytes, and -0 prints them as they are.
 */
static char *
fmt_text(struct cols_fmt *f, const char *s)
{
	unsigned why;
	char *p;

	switch (f->mode) {
	case COLS_TABLE:
		if ((why = shm_escape_reasons(s)) == 0)
			return cli_xstrdup(s);
		escaped(f, why);
		if ((p = shm_escape(s)) == NULL)
			cli_fatal(NULL);
		return p;
	case COLS_RAW:
	case COLS_EXPORT:
		if ((why = shm_escape_hex_reasons(s, f->mode == COLS_RAW ?
		    SHM_ESC_RAW : SHM_ESC_EXPORT)) != 0)
			escaped(f, why);
		break;
	case COLS_JSON:
	case COLS_NULL:
		break;
	}
	return cli_xstrdup(s);
}

/* Not known ("?", null in JSON), as opposed to not applicable (empty). */
static char *
fmt_unknown(const struct cols_fmt *f)
{
	return f->mode == COLS_JSON ? NULL : cli_xstrdup("?");
}

/*
 * The processes using r, their PIDS or their COMMAND names, on fp: for
 * the text of a cell, comma-separated, names escaped as fmt_text() does;
 * in JSON, the items of an array.
 */
static void
put_users(FILE *fp, struct cols_fmt *f, const struct shm_rec *r, bool comm,
    bool json)
{
	size_t i;

	for (i = 0; i < r->npids; i++) {
		char buf[64];

		if (i > 0)
			fputs(json ? ", " : ",", fp);
		if (!comm)
			fprintf(fp, "%d", (int)r->pids[i]);
		else if (proc_comm(r->pids[i], buf, sizeof(buf)) == NULL)
			fputs(json ? "\"?\"" : "?", fp);
		else if (json)
			shm_json_string(fp, buf, strlen(buf));
		else {
			char *esc = fmt_text(f, buf);

			fputs(esc, fp);
			free(esc);
		}
	}
}

/*
 * PIDS or COMMAND: the processes using r, comma-separated, and "?" when
 * there may be more that the scan could not see.  (JSON writes arrays.)
 */
static char *
fmt_users(struct cols_fmt *f, const struct shm_rec *r, bool comm)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	if (!r->users_known)
		f->hidden = true;
	if (r->npids == 0 && !r->users_known)
		return fmt_unknown(f);
	if (r->npids == 0)
		return NULL;
	if ((fp = open_memstream(&out, &len)) == NULL)
		cli_fatal(NULL);
	put_users(fp, f, r, comm, false);
	if (!r->users_known && f->mode != COLS_JSON)
		fputs(",?", fp);
	if (fclose(fp) != 0)
		cli_fatal(NULL);
	return out;
}

/* The text of one cell, or NULL for none (null in JSON); the caller frees. */
char *
cols_cell(struct cols_fmt *f, const struct shm_rec *r, int col)
{
	char buf[SHM_ADDR_BUFSZ];
	bool sysv = r->addr.kind == SHM_SYSV;
	const struct shm_place_id *where;

	switch (col) {
	case COL_TYPE:
		return cli_xstrdup(shm_kind_name(r->addr.kind));
	case COL_ADDRESS:
		if (shm_addr_format(&r->addr, buf, sizeof(buf)) >=
		    (int)sizeof(buf))
			return NULL;
		return fmt_text(f, buf);
	case COL_KEY:
		if (!sysv)
			return NULL;
		snprintf(buf, sizeof(buf), "0x%08" PRIx32, (uint32_t)r->addr.key);
		return cli_xstrdup(buf);
	case COL_ID:
		return sysv ? fmt_num(r->addr.id) : NULL;
	case COL_NAME:
		return r->addr.name != NULL ? fmt_text(f, r->addr.name) : NULL;
	case COL_SIZE:
		if (r->inode_unknown) {
			f->inode_unknown = true;
			return fmt_unknown(f);
		}
		return fmt_size(f, r->size);
	case COL_RSS:
		return r->rss < 0 ? fmt_unknown(f) : fmt_size(f, (uint64_t)r->rss);
	case COL_SWAP:
		return r->swap < 0 ? fmt_unknown(f) : fmt_size(f, (uint64_t)r->swap);
	case COL_OWNER:
		if (r->uid == SHM_UNKNOWN_ID)
			return fmt_unknown(f);
		return fmt_text(f, shm_fmt_user(r->uid, buf, sizeof(buf)));
	case COL_GROUP:
		if (r->gid == SHM_UNKNOWN_ID)
			return fmt_unknown(f);
		return fmt_text(f, shm_fmt_group(r->gid, buf, sizeof(buf)));
	case COL_UID:
		return r->uid == SHM_UNKNOWN_ID ? fmt_unknown(f) : fmt_num(r->uid);
	case COL_GID:
		return r->gid == SHM_UNKNOWN_ID ? fmt_unknown(f) : fmt_num(r->gid);
	case COL_CUID:
		return r->cuid == SHM_UNKNOWN_ID ? NULL : fmt_num(r->cuid);
	case COL_CGID:
		return r->cgid == SHM_UNKNOWN_ID ? NULL : fmt_num(r->cgid);
	case COL_PERMS:
		if (r->inode_unknown)
			return fmt_unknown(f);
		shm_fmt_perms(r->mode, f->numeric_perms, buf, sizeof(buf));
		return cli_xstrdup(buf);
	case COL_NATTCH:
		if (r->nattch >= 0)
			return fmt_num(r->nattch);
		f->hidden = true;
		return fmt_unknown(f);
	case COL_PIDS:
	case COL_COMMAND:
		return fmt_users(f, r, col == COL_COMMAND);
	case COL_CPID:
		return r->cpid > 0 ? fmt_num(r->cpid) : NULL;
	case COL_LPID:
		return r->lpid > 0 ? fmt_num(r->lpid) : NULL;
	case COL_CTIME:
		return fmt_time(f, r->ctime);
	case COL_ATIME:
		return fmt_time(f, r->atime);
	case COL_DTIME:
		return fmt_time(f, r->dtime);
	case COL_MTIME:
		return fmt_time(f, r->mtime);
	case COL_STATUS:
		shm_fmt_status(r->status, buf, sizeof(buf));
		return buf[0] != '\0' ? cli_xstrdup(buf) : NULL;
	case COL_IPCNS:
	case COL_MNTNS:
	case COL_NSPID:
	case COL_CONTAINER:
		where = shm_place_id(r->addr.place != NULL ? r->addr.place :
		    shm_place_default());
		if (col == COL_IPCNS)
			return where->ipcns != 0 ? fmt_num((long long)
			    where->ipcns) : NULL;
		if (col == COL_MNTNS)
			return where->mntns != 0 ? fmt_num((long long)
			    where->mntns) : NULL;
		if (col == COL_NSPID)
			return where->pid > 0 ? fmt_num(where->pid) : NULL;
		return where->container != NULL ?
		    cli_xstrdup(where->container) : NULL;
	}
	return NULL;
}

/*
 * PIDS or COMMAND (col) as a JSON array on fp, one item per process; null
 * when none is known and there may be some the scan could not see.
 */
void
cols_cell_array(struct cols_fmt *f, const struct shm_rec *r, int col,
    FILE *fp)
{
	if (r->npids == 0 && !r->users_known) {
		fputs("null", fp);
		return;
	}
	putc('[', fp);
	put_users(fp, f, r, col == COL_COMMAND, true);
	putc(']', fp);
}
