/*
 * placesum.c - shmls -A --summary and -N PID --summary: one row per
 * place (NSPID, CONTAINER), its /dev/shm's size, use and free space, and
 * the System V segments and POSIX objects the filters select there, the
 * fullest /dev/shm first: which container's /dev/shm is about to fill.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <sys/statvfs.h>

#include "cli.h"
#include "out.h"
#include "placesum.h"

enum {
	C_NSPID, C_CONTAINER, C_SIZE, C_USED, C_FREE, C_USE, C_SYSV,
	C_SYSV_SIZE, C_POSIX, C_POSIX_SIZE, NC
};

static const struct out_text_col hdr[NC] = {
	[C_NSPID] = { "NSPID", true, SHM_JSON_NUMBER },
	[C_CONTAINER] = { "CONTAINER", false, SHM_JSON_STRING },
	[C_SIZE] = { "SIZE", true, SHM_JSON_NUMBER },
	[C_USED] = { "USED", true, SHM_JSON_NUMBER },
	[C_FREE] = { "FREE", true, SHM_JSON_NUMBER },
	[C_USE] = { "USE%", true, SHM_JSON_NUMBER },
	[C_SYSV] = { "SYSV", true, SHM_JSON_NUMBER },
	[C_SYSV_SIZE] = { "SYSV_SIZE", true, SHM_JSON_NUMBER },
	[C_POSIX] = { "POSIX", true, SHM_JSON_NUMBER },
	[C_POSIX_SIZE] = { "POSIX_SIZE", true, SHM_JSON_NUMBER },
};

/* One place's row before it is text. */
struct prow {
	const struct shm_place *pl;
	bool		 have_fs;	/* its /dev/shm answered statvfs */
	uint64_t	 size, used, avail;
	double		 use;		/* used / size; -1: unknown */
	size_t		 count[SHM_NKINDS];
	uint64_t	 bytes[SHM_NKINDS];
	size_t		 order;
};

/* What is not known: "?" (null in JSON). */
static char *
unknown_cell(const struct cols_fmt *f)
{
	return f->mode == COLS_JSON ? NULL : cli_xstrdup("?");
}

/* Fullest first; a /dev/shm of unknown use last; else as found. */
static int
fullest_first(const void *a, const void *b)
{
	const struct prow *x = a, *y = b;

	if (x->use != y->use)
		return x->use < y->use ? 1 : -1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void
row_cells(const struct cols_fmt *f, const struct prow *r, unsigned kinds,
    unsigned unseen, char **c)
{
	const struct shm_place_id *id = shm_place_id(r->pl);
	unsigned lists = shm_place_kinds(r->pl);
	static const int kind_col[2][2] = {
		{ SHM_SYSV, C_SYSV }, { SHM_POSIX, C_POSIX },
	};
	char buf[32];
	size_t i;

	c[C_NSPID] = id->pid > 0 ? out_u64((uint64_t)id->pid) : NULL;
	c[C_CONTAINER] = id->container != NULL ?
	    cli_xstrdup(id->container) : NULL;
	if (r->have_fs) {
		c[C_SIZE] = out_size(f, r->size);
		c[C_USED] = out_size(f, r->used);
		c[C_FREE] = out_size(f, r->avail);
	} else
		c[C_SIZE] = c[C_USED] = c[C_FREE] = unknown_cell(f);
	if (r->use < 0)
		c[C_USE] = unknown_cell(f);
	else {
		snprintf(buf, sizeof(buf), f->mode == COLS_JSON ? "%.2f" :
		    "%.0f%%", 100.0 * r->use);
		c[C_USE] = cli_xstrdup(buf);
	}
	for (i = 0; i < 2; i++) {
		int k = kind_col[i][0], col = kind_col[i][1];

		/*
		 * Not asked, or listed in another place (one /dev/shm or
		 * IPC namespace that two places share): none here, "-".
		 */
		if (!(kinds & lists & SHM_KIND_BIT(k))) {
			c[col] = c[col + 1] = NULL;
			continue;
		}
		/* Unknown is not zero: held by a process unseen. */
		if (unseen & SHM_KIND_BIT(k)) {
			c[col] = c[col + 1] = unknown_cell(f);
			continue;
		}
		c[col] = out_u64(r->count[k]);
		c[col + 1] = out_size(f, r->bytes[k]);
	}
}

/*
 * The rows of places pl[0..np) with the records v[0..n) the filters
 * selected in them (kinds: what they asked; unseen: the kinds that may
 * have more).  Memfds are no place's: not counted.
 */
int
placesum_print(struct cols_fmt *f, const struct shm_place *const *pl,
    size_t np, const struct shm_rec *v, size_t n, unsigned kinds,
    unsigned unseen)
{
	struct prow *rows;
	char **cells;
	struct statvfs sv;
	size_t i, j;
	int r;

	if ((rows = calloc(np + 1, sizeof(*rows))) == NULL ||
	    (cells = calloc((np + 1) * NC, sizeof(*cells))) == NULL)
		cli_fatal(NULL);
	for (i = 0; i < np; i++) {
		rows[i].pl = pl[i];
		rows[i].order = i;
		rows[i].use = -1;
		if (shm_place_statvfs(pl[i], &sv) == 0) {
			rows[i].have_fs = true;
			rows[i].size = (uint64_t)sv.f_blocks * sv.f_frsize;
			rows[i].avail = (uint64_t)sv.f_bavail * sv.f_frsize;
			rows[i].used = (uint64_t)(sv.f_blocks - sv.f_bfree) *
			    sv.f_frsize;
			if (rows[i].size > 0)
				rows[i].use = (double)rows[i].used /
				    (double)rows[i].size;
		}
	}
	for (j = 0; j < n; j++) {
		const struct shm_place *p = v[j].addr.place != NULL ?
		    v[j].addr.place : shm_place_default();

		if (v[j].addr.kind == SHM_MEMFD)
			continue;
		for (i = 0; i < np; i++)
			if (pl[i] == p || (pl[i] == NULL &&
			    p == shm_place_default()))
				break;
		if (i == np)
			continue;
		rows[i].count[v[j].addr.kind]++;
		rows[i].bytes[v[j].addr.kind] += v[j].size;
	}
	if (np > 1)
		qsort(rows, np, sizeof(*rows), fullest_first);
	for (i = 0; i < np; i++)
		row_cells(f, &rows[i], kinds, unseen, &cells[i * NC]);
	r = out_print_text(f, hdr, NC, cells, np);
	for (i = 0; i < np * NC; i++)
		free(cells[i]);
	free(cells);
	free(rows);
	return r;
}
