/*
 * test_cols.c - shmls's -o LIST: names in any case, "+LIST" adding to
 * the columns, a column named twice shown once, and what is refused.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cols.h"
#include "tap.h"

/* The names of l, comma-separated, in buf. */
static const char *
names(const struct cols_list *l, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < l->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i ? "," : "", col_table[l->col[i]].name);
	return buf;
}

int
main(void)
{
	static const struct {
		const char	*arg;
		const char	*out;	/* NULL: refused */
	} cases[] = {
		{ "TYPE,ADDRESS", "TYPE,ADDRESS" },
		{ "type,Address", "TYPE,ADDRESS" },
		{ "TYPE,TYPE", "TYPE" },
		{ "ADDRESS,TYPE,ADDRESS,SIZE,TYPE", "ADDRESS,TYPE,SIZE" },
		{ "+NAME", "TYPE,ADDRESS,SIZE,OWNER,PERMS,NATTCH,STATUS,CTIME,NAME" },
		{ "+SIZE", "TYPE,ADDRESS,SIZE,OWNER,PERMS,NATTCH,STATUS,CTIME" },
		{ "+NAME,name", "TYPE,ADDRESS,SIZE,OWNER,PERMS,NATTCH,STATUS,CTIME,NAME" },
		{ "SIZE,", "SIZE" },
		{ "NOSUCH", NULL },
		{ "TYPE,,SIZE", NULL },
		{ "TY", NULL },
		{ "", NULL },
		{ "+", "TYPE,ADDRESS,SIZE,OWNER,PERMS,NATTCH,STATUS,CTIME" },
		{ ",", NULL },
	};
	struct cols_list l, all;
	const char *why;
	char buf[512], arg[512];
	size_t i, off = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		cols_default(&l);
		why = NULL;
		r = cols_parse(&l, cases[i].arg, &why);
		if (cases[i].out == NULL) {
			if (!tap_ok(r == -1 && why != NULL, "-o '%s' refused",
			    cases[i].arg))
				tap_diag("got %s", names(&l, buf, sizeof(buf)));
			else
				tap_diag("%s", why);
			/* The list is left as it was. */
			tap_ok(l.n == 8, "-o '%s' leaves the columns",
			    cases[i].arg);
		} else if (!tap_ok(r == 0 && strcmp(names(&l, buf,
		    sizeof(buf)), cases[i].out) == 0, "-o '%s'", cases[i].arg))
			tap_diag("got %s (%s)", r == 0 ? buf : "refused",
			    r == 0 ? "" : why);
	}
	/* Every column, each twice: each once, none left out. */
	for (i = 0; i < 2 * NCOLS; i++)
		off += (size_t)snprintf(arg + off, sizeof(arg) - off, "%s%s",
		    i ? "," : "", col_table[i % NCOLS].name);
	tap_ok(cols_parse(&all, arg, &why) == 0 && all.n == NCOLS,
	    "every column twice gives each once");
	tap_ok(cols_by_name("status", 6) == COL_STATUS &&
	    cols_by_name("STATUSX", 7) == -1 && cols_by_name("STAT", 4) == -1,
	    "cols_by_name matches whole names only");
	return tap_done();
}
