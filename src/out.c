/*
 * out.c - programs' layer: the writers of every output format, which
 * print cells that cols.c makes: the table (laid out here, in one pass
 * over the cells: a general table library measures each cell again and
 * keeps a structure per cell, which made 100,000 objects slow and large),
 * raw, export, -0 and JSON.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <langinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli.h"
#include "out.h"

char *
out_u64(uint64_t v)
{
	char *p;

	if (asprintf(&p, "%" PRIu64, v) == -1)
		cli_fatal(NULL);
	return p;
}

char *
out_size(const struct cols_fmt *f, uint64_t v)
{
	char buf[SHM_SIZE_BUFSZ];

	if (f->bytes || f->mode == COLS_JSON)
		return out_u64(v);
	shm_size_human(v, buf, sizeof(buf));
	return cli_xstrdup(buf);
}

/*
 * What the writers below print: ncols columns of nrows rows, whose cells
 * come from cell() (the caller's malloc, or NULL for none).  A column of
 * an array type is written in JSON by array(), if given.
 */
struct source {
	size_t		  ncols, nrows;
	const char	*(*name)(const struct source *, size_t);
	bool		 (*right)(const struct source *, size_t);
	size_t		 (*whint)(const struct source *, size_t);
	enum shm_json_type (*json_type)(const struct source *, size_t);
	char		*(*cell)(const struct source *, size_t, size_t);
	void		 (*array)(const struct source *, size_t, size_t, FILE *);
	struct cols_fmt	 *fmt;
	const void	 *data;
	const void	 *cols;
};

/* The columns a person sees s take: UTF-8 wide characters count two. */
static size_t
display_width(const char *s, bool utf8)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0, len;
	uint32_t cp;

	if (!utf8)
		return n;
	while (n > 0) {
		int cw;

		if (*p < 0x80) {
			w++;
			p++;
			n--;
			continue;
		}
		if ((len = shm_utf8_char(p, n, &cp)) == 0) {
			len = 1;
			cw = 1;
		} else if ((cw = wcwidth((wchar_t)cp)) < 0)
			cw = 0;
		w += (size_t)cw;
		p += len;
		n -= len;
	}
	return w;
}

static void
pad(size_t n)
{
	while (n-- > 0)
		putchar(' ');
}

/*
 * How wide a column of the table is: as its widest cell, but at least as
 * its header, and (a column with a cell wider than its header) at least
 * its width hint, as libsmartcols makes it when stdout is not a terminal.
 */
static size_t
column_width(size_t data, size_t header, size_t whint)
{
	if (data < header)
		return header;
	return data < whint && header < whint ? whint : data;
}

/* One cell of the table, padded to w; the last one only when right. */
static void
put_table_cell(const char *s, size_t sw, size_t w, bool right, bool last)
{
	if (!right) {
		fputs(s, stdout);
		if (!last)
			pad(w - sw);
	} else if (s[0] != '\0') {
		pad(w - sw);
		fputs(s, stdout);
	} else if (!last)
		pad(w);
	if (!last)
		putchar(' ');
}

/*
 * The table, laid out as libsmartcols lays it out when stdout is not a
 * terminal (column_width()), one blank between columns, the last column
 * not padded; but never cut to a terminal's width, as ls -l.  Cells are kept in
 * one buffer, NUL after each, until the widths are known.
 */
static int
print_table(const struct source *s, bool empty_heading)
{
	bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	struct cols_fmt before = *s->fmt;
	size_t *width, i, j;

	/*
	 * Two passes over the cells, the first for the widths: keeping
	 * every cell's text between them would cost more memory than all
	 * the records (100,000 rows).  The second pass finds what the first
	 * did (names escaped, unknowns), so the first's findings go.
	 */
	if ((width = calloc(s->ncols, sizeof(*width))) == NULL)
		cli_fatal(NULL);
	for (i = 0; i < s->nrows; i++)
		for (j = 0; j < s->ncols; j++) {
			char *c = s->cell(s, i, j);
			size_t w;

			if (c != NULL && *c != '\0' &&
			    (w = display_width(c, utf8)) > width[j])
				width[j] = w;
			free(c);
		}
	*s->fmt = before;
	for (j = 0; j < s->ncols; j++)
		width[j] = column_width(width[j], display_width(s->name(s, j),
		    utf8), s->whint(s, j));
	if (!s->fmt->noheadings && (s->nrows > 0 || empty_heading)) {
		for (j = 0; j < s->ncols; j++)
			put_table_cell(s->name(s, j), display_width(s->name(s,
			    j), utf8), width[j], s->right(s, j),
			    j + 1 == s->ncols);
		putchar('\n');
	}
	for (i = 0; i < s->nrows; i++) {
		for (j = 0; j < s->ncols; j++) {
			char *c = s->cell(s, i, j);
			const char *t = c != NULL ? c : "";

			put_table_cell(t, display_width(t, utf8), width[j],
			    s->right(s, j), j + 1 == s->ncols);
			free(c);
		}
		putchar('\n');
	}
	free(width);
	return ferror(stdout) ? EXIT_OPFAIL : EXIT_SUCCESS;
}

/* s on stdout, escaped for raw or export output. */
static void
put_escaped_hex(const char *s, const char *special)
{
	char *esc = shm_escape_hex(s, special);

	if (esc == NULL)
		cli_fatal(NULL);
	fputs(esc, stdout);
	free(esc);
}

/*
 * Raw, export and -0 output: raw and export escape as libsmartcols does
 * (\xHH), and quotes too, for xargs(1) and the shell; -0 lets a cell's
 * exact bytes through.
 */
static int
print_lines(const struct source *s, bool empty_heading)
{
	enum cols_mode mode = s->fmt->mode;
	size_t i, j;

	if (mode == COLS_RAW && !s->fmt->noheadings &&
	    (s->nrows > 0 || empty_heading)) {
		for (j = 0; j < s->ncols; j++)
			printf("%s%s", j > 0 ? " " : "", s->name(s, j));
		putchar('\n');
	}
	for (i = 0; i < s->nrows; i++) {
		for (j = 0; j < s->ncols; j++) {
			char *data = s->cell(s, i, j);

			if (j > 0)
				putchar(' ');
			if (mode == COLS_EXPORT)
				printf("%s=\"", s->name(s, j));
			if (data == NULL)
				;
			else if (mode == COLS_NULL)
				fputs(data, stdout);
			else
				put_escaped_hex(data, mode == COLS_RAW ?
				    SHM_ESC_RAW : SHM_ESC_EXPORT);
			if (mode == COLS_EXPORT)
				putchar('"');
			free(data);
		}
		putchar(mode == COLS_NULL ? '\0' : '\n');
	}
	return ferror(stdout) ? EXIT_OPFAIL : EXIT_SUCCESS;
}

/*
 * JSON, in the layout of libsmartcols' (which this replaces: its arrays
 * cannot be empty, "[null]" for a segment nobody uses, and its strings
 * cannot hold a name that is not UTF-8; see shm_json_string).
 */
static int
print_json(const struct source *s)
{
	size_t i, j;

	printf("%s\n   \"%s\": [", s->fmt->json_part & COLS_JSON_CONT ? "," :
	    "{", s->fmt->json_key != NULL ? s->fmt->json_key : "shm");
	for (i = 0; i < s->nrows; i++) {
		fputs(i ? ",{\n" : "\n      {\n", stdout);
		for (j = 0; j < s->ncols; j++) {
			enum shm_json_type t = s->json_type(s, j);
			const char *q;

			fputs("         \"", stdout);
			for (q = s->name(s, j); *q != '\0'; q++)
				putchar(tolower((unsigned char)*q));
			fputs("\": ", stdout);
			if (s->array != NULL && (t == SHM_JSON_ARRAY_NUMBER ||
			    t == SHM_JSON_ARRAY_STRING))
				s->array(s, i, j, stdout);
			else {
				char *data = s->cell(s, i, j);

				shm_json_value(stdout, t, data);
				free(data);
			}
			fputs(j + 1 < s->ncols ? ",\n" : "\n", stdout);
		}
		fputs("      }", stdout);
	}
	fputs(s->nrows ? "\n   ]" : "]", stdout);
	fputs(s->fmt->json_part & COLS_JSON_MORE ? "" : "\n}\n", stdout);
	return ferror(stdout) ? EXIT_OPFAIL : EXIT_SUCCESS;
}

static int
print_source(const struct source *s, bool empty_heading)
{
	switch (s->fmt->mode) {
	case COLS_TABLE:
		return print_table(s, empty_heading);
	case COLS_JSON:
		return print_json(s);
	case COLS_RAW:
	case COLS_EXPORT:
	case COLS_NULL:
		break;
	}
	return print_lines(s, empty_heading);
}

/* Records as the source. */
static const char *
rec_name(const struct source *s, size_t j)
{
	return col_table[((const struct cols_list *)s->cols)->col[j]].name;
}

static bool
rec_right(const struct source *s, size_t j)
{
	return col_table[((const struct cols_list *)s->cols)->col[j]].right;
}

static size_t
rec_whint(const struct source *s, size_t j)
{
	return col_table[((const struct cols_list *)s->cols)->col[j]].whint;
}

static enum shm_json_type
rec_json_type(const struct source *s, size_t j)
{
	return col_table[((const struct cols_list *)s->cols)->col[j]].json_type;
}

static char *
rec_cell(const struct source *s, size_t i, size_t j)
{
	return cols_cell(s->fmt, (const struct shm_rec *)s->data + i,
	    ((const struct cols_list *)s->cols)->col[j]);
}

/* PIDS or COMMAND as a JSON array. */
static void
rec_array(const struct source *s, size_t row, size_t j, FILE *fp)
{
	cols_cell_array(s->fmt, (const struct shm_rec *)s->data + row,
	    ((const struct cols_list *)s->cols)->col[j], fp);
}

int
out_print_recs(struct cols_fmt *f, const struct cols_list *l,
    const struct shm_rec *v, size_t n, bool empty_heading)
{
	struct source s = {
		.ncols = l->n, .nrows = n, .name = rec_name,
		.right = rec_right, .whint = rec_whint, .json_type = rec_json_type,
		.cell = rec_cell, .array = rec_array, .fmt = f, .data = v,
		.cols = l,
	};

	return print_source(&s, empty_heading);
}

/* A table of text as the source. */
static const char *
text_name(const struct source *s, size_t j)
{
	return ((const struct out_text_col *)s->cols)[j].name;
}

static bool
text_right(const struct source *s, size_t j)
{
	return ((const struct out_text_col *)s->cols)[j].right;
}

static size_t
text_whint(const struct source *s, size_t j)
{
	(void)s;
	(void)j;
	return 0;
}

static enum shm_json_type
text_json_type(const struct source *s, size_t j)
{
	return ((const struct out_text_col *)s->cols)[j].json_type;
}

static char *
text_cell(const struct source *s, size_t i, size_t j)
{
	const char *c = ((char *const *)s->data)[i * s->ncols + j];

	return c != NULL ? cli_xstrdup(c) : NULL;
}

int
out_print_text(struct cols_fmt *f, const struct out_text_col *cols,
    size_t ncols, char *const *cells, size_t nrows)
{
	struct source s = {
		.ncols = ncols, .nrows = nrows, .name = text_name,
		.right = text_right, .whint = text_whint, .json_type = text_json_type,
		.cell = text_cell, .fmt = f, .data = cells, .cols = cols,
	};

	return print_source(&s, true);
}
