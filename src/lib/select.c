/*
 * select.c - the segments a listing or a bulk removal means: every
 * segment of the kinds asked in one place or in every place (-A), who
 * uses each from one scan of /proc where a column or a filter needs it,
 * and what the filters keep.
 *
 * Layer: operations (src/lib/LAYERS), above filter.c.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shm-private.h"

/* Append the records mv[0..mn) to *v, and take them. */
static int
append_recs(struct shm_rec **v, size_t *n, struct shm_rec *mv, size_t mn)
{
	struct shm_rec *nv;

	if (mn == 0) {
		free(mv);
		return 0;
	}
	/* The first: taken as it is, not copied (twice the memory). */
	if (*n == 0) {
		free(*v);
		*v = mv;
		*n = mn;
		return 0;
	}
	if ((nv = reallocarray(*v, *n + mn, sizeof(**v))) == NULL) {
		shm_rec_list_free(mv, mn);
		return -1;
	}
	memcpy(nv + *n, mv, mn * sizeof(*mv));
	free(mv);
	*v = nv;
	*n += mn;
	return 0;
}

/* Append what a scan found (its memfds, its unlinked objects) to *v. */
static int
append_found(const struct proc_scan *scan, int (*found)(const struct
    proc_scan *, struct shm_rec **, size_t *), struct shm_rec **v, size_t *n)
{
	struct shm_rec *mv;
	size_t mn;

	if (found(scan, &mv, &mn) == -1)
		return -1;
	return append_recs(v, n, mv, mn);
}

/* Who uses r is unknown (the scan failed before it got to r). */
static void
users_unknown(struct shm_rec *r)
{
	free(r->pids);
	r->pids = NULL;
	r->npids = 0;
	r->users_known = false;
	if (r->addr.kind != SHM_SYSV)
		r->nattch = -1;
}

/*
 * Fill in who uses each of v[0..n) with one pass over the /proc of pl[0]
 * (NULL: the default place); with SHM_FIND_MEMFDS in find, append every
 * memfd some process holds, with SHM_FIND_DELETED every unlinked POSIX
 * object some process maps or holds on the /dev/shm of one of
 * pl[0..np), with SHM_FIND_ANON every anonymous shared mapping.  On failure, -1, and the users of every segment not filled
 * in are unknown: an error never becomes "unused".  Unless unseen is
 * NULL, the kinds of what find asked for are added to it when the scan
 * could not see every process: one of those may hold more.
 */
static int
scan_users_places(const struct shm_place *const *pl, size_t np,
    struct shm_rec **v, size_t *n, unsigned find, unsigned *unseen)
{
	unsigned found = ((find & SHM_FIND_MEMFDS) ?
	    SHM_KIND_BIT(SHM_MEMFD) : 0) | ((find & SHM_FIND_DELETED) ?
	    SHM_KIND_BIT(SHM_POSIX) : 0) | ((find & SHM_FIND_ANON) ?
	    SHM_KIND_BIT(SHM_ANON) : 0);
	struct proc_scan *scan;
	size_t i;
	int r = 0, e = 0;

	if ((scan = proc_scan_new(pl, np, *v, *n, find)) == NULL) {
		for (i = 0; i < *n; i++)
			users_unknown(&(*v)[i]);
		if (unseen != NULL)
			*unseen |= found;
		return -1;
	}
	if (unseen != NULL && !proc_scan_complete(scan))
		*unseen |= found;
	for (i = 0; i < *n; i++)
		if (proc_scan_users(scan, &(*v)[i]) == -1 && r == 0) {
			r = -1;
			e = errno;
		}
	if ((find & SHM_FIND_MEMFDS) &&
	    append_found(scan, proc_scan_memfds, v, n) == -1 && r == 0) {
		r = -1;
		e = errno;
	}
	if ((find & SHM_FIND_DELETED) &&
	    append_found(scan, proc_scan_deleted, v, n) == -1 && r == 0) {
		r = -1;
		e = errno;
	}
	if ((find & SHM_FIND_ANON) &&
	    append_found(scan, proc_scan_anon, v, n) == -1 && r == 0) {
		r = -1;
		e = errno;
	}
	proc_scan_free(scan);
	if (r == -1)
		errno = e;
	return r;
}

/* The same for one place (NULL: the default place). */
int
shm_scan_users(const struct shm_place *place, struct shm_rec **v, size_t *n,
    unsigned find)
{
	return scan_users_places(&place, 1, v, n, find, NULL);
}

/* Append the records of what place lists of kinds to *v. */
static int
append_place(const struct shm_place *place, unsigned kinds,
    struct shm_rec **v, size_t *n)
{
	struct shm_rec *pv;
	size_t pn;

	if (kinds == 0)
		return 0;
	if (shm_list(place, kinds, &pv, &pn) == -1)
		return -1;
	return append_recs(v, n, pv, pn);
}

/*
 * Every segment f selects in place (NULL: the default place), as an
 * array the caller frees.  With scan (or when a filter needs it), who
 * uses each is filled in.
 */
int
shm_select(const struct shm_place *place, const struct shm_filter *f,
    bool scan, struct shm_rec **v, size_t *n, unsigned *unseen)
{
	if (place == NULL)
		place = shm_place_default();
	return shm_select_places(&place, 1, f, scan, v, n, unseen);
}

/*
 * The same in every place of pl[0..np) (-A), each listing the kinds it
 * holds alone (shm_place_lists), with one pass over /proc for all: the
 * users of every place are among the same processes.  Memfds and
 * anonymous shared mappings are the processes', listed once, in pl[0].  Sorted by place, then as ever.
 * unseen (unless NULL): the kinds that may have more (shm.h).
 */
int
shm_select_places(const struct shm_place *const *pl, size_t np,
    const struct shm_filter *f, bool scan, struct shm_rec **v, size_t *n,
    unsigned *unseen)
{
	time_t now = time(NULL);
	size_t i, kept;

	*v = NULL;
	*n = 0;
	if (unseen != NULL)
		*unseen = 0;
	for (i = 0; i < np; i++)
		if (append_place(pl[i], f->kinds & shm_place_kinds(pl[i]) &
		    ~SHM_KINDS_FOUND, v, n) == -1) {
			shm_rec_list_free(*v, *n);
			return -1;
		}
	/*
	 * Memfds and unlinked POSIX objects are found only by the scan:
	 * memfds are what it is for; unlinked objects come with every
	 * scan that POSIX objects are listed in (those of the /dev/shm of
	 * every place that lists them, each in its place).
	 */
	if ((scan || shm_filter_needs_scan(f) ||
	    (f->kinds & SHM_KINDS_FOUND)) &&
	    scan_users_places(pl, np, v, n,
	    ((f->kinds & SHM_KIND_BIT(SHM_MEMFD)) ? SHM_FIND_MEMFDS : 0) |
	    ((f->kinds & SHM_KIND_BIT(SHM_ANON)) ? SHM_FIND_ANON : 0) |
	    ((f->kinds & SHM_KIND_BIT(SHM_POSIX)) ? SHM_FIND_DELETED : 0),
	    unseen) == -1) {
		shm_rec_list_free(*v, *n);
		return -1;
	}
	for (i = kept = 0; i < *n; i++) {
		if (!shm_filter_match(f, &(*v)[i], now)) {
			shm_rec_free(&(*v)[i]);
			continue;
		}
		(*v)[kept++] = (*v)[i];
	}
	*n = kept;
	if (kept > 1)
		qsort(*v, kept, sizeof(**v), shm_rec_cmp);
	return 0;
}
