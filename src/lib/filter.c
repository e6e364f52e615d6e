/*
 * filter.c - which segments a listing or a bulk removal means: shmls and
 * shmrm take the same filters and must agree on them.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shm-private.h"

/*
 * A DURATION: a number with an optional unit s, m, h, d or w (seconds by
 * default), e.g. "90s", "10m", "2h", "3d".
 */
int
shm_duration_parse(const char *s, time_t *out, const char **why)
{
	static const struct {
		char	 unit;
		long	 seconds;
	} units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 604800 },
	};
	const char *p = s;
	long long v = 0, mult = 1;
	size_t i;

	if (!isdigit((unsigned char)*p)) {
		*why = "malformed duration: expected a number with an "
		    "optional unit s, m, h, d or w";
		errno = EINVAL;
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (INT64_MAX - 9) / 10) {
			*why = "duration too long";
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + (*p - '0');
	}
	if (*p != '\0') {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (*p == units[i].unit)
				mult = units[i].seconds;
		if (mult == 1 && *p != 's') {
			*why = "unknown duration unit: expected s, m, h, d or w";
			errno = EINVAL;
			return -1;
		}
		if (p[1] != '\0') {
			*why = "malformed duration: junk after the unit";
			errno = EINVAL;
			return -1;
		}
	}
	if (v > (long long)(INT32_MAX) * 16 / mult) {
		*why = "duration too long";
		errno = ERANGE;
		return -1;
	}
	*out = (time_t)(v * mult);
	return 0;
}

/* A USER: a login name, or a numeric uid. */
int
shm_user_parse(const char *s, uid_t *out)
{
	struct passwd *pw;
	const char *errstr;
	long long v;

	if ((pw = getpwnam(s)) != NULL) {
		*out = pw->pw_uid;
		return 0;
	}
	v = strtonum(s, 0, UINT32_MAX - 1, &errstr);
	if (errstr != NULL) {
		errno = ENOENT;
		return -1;
	}
	*out = (uid_t)v;
	return 0;
}

/*
 * Are r's users known only from a scan of /proc?  The kernel counts a
 * System V segment's attachments itself; nobody counts those of POSIX
 * objects, files and memfds.
 */
bool
shm_use_from_scan(const struct shm_rec *r)
{
	return r->addr.kind != SHM_SYSV;
}

/* Does any filter need to know which processes use a segment? */
bool
shm_filter_needs_scan(const struct shm_filter *f)
{
	return (f->unused || f->orphans) &&
	    (f->kinds & ~SHM_KIND_BIT(SHM_SYSV)) != 0;
}

/* Known to be used by nobody.  Unknown is not zero. */
static bool
unused(const struct shm_rec *r)
{
	return r->nattch == 0;
}

/*
 * An orphan: nobody uses it and its creator is gone.  System V: NATTCH 0
 * and neither CPID nor LPID runs.  POSIX objects and files have no
 * creator on record: no process maps them or holds them open.  A memfd
 * always has a holder.
 */
bool
shm_is_orphan(const struct shm_rec *r)
{
	if (!unused(r))
		return false;
	switch (r->addr.kind) {
	case SHM_SYSV:
		/*
		 * Every segment has a creator: a CPID of 0 is one the kernel
		 * cannot number in our PID namespace (a parent's or a
		 * sibling's, sharing the IPC namespace), running or not.
		 */
		return r->cpid != 0 && !proc_alive(r->cpid) &&
		    !proc_alive(r->lpid);
	case SHM_POSIX:
	case SHM_FILE:
		return r->users_known;
	default:
		return false;
	}
}

bool
shm_filter_match(const struct shm_filter *f, const struct shm_rec *r,
    time_t now)
{
	if (!(f->kinds & SHM_KIND_BIT(r->addr.kind)))
		return false;
	if (f->has_uid && r->uid != f->uid)
		return false;
	if (f->unused && !unused(r))
		return false;
	if (f->orphans && !shm_is_orphan(r))
		return false;
	if (f->has_older && (r->ctime == 0 || now - r->ctime < f->older_than))
		return false;
	return true;
}

/* Append the records mv[0..mn) to *v, and take them. */
static int
append_recs(struct shm_rec **v, size_t *n, struct shm_rec *mv, size_t mn)
{
	struct shm_rec *nv;

	if (mn == 0) {
		free(mv);
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
 * pl[0..np).  On failure, -1, and the users of every segment not filled
 * in are unknown: an error never becomes "unused".
 */
static int
scan_users_places(const struct shm_place *const *pl, size_t np,
    struct shm_rec **v, size_t *n, unsigned find)
{
	struct proc_scan *scan;
	size_t i;
	int r = 0, e = 0;

	if ((scan = proc_scan_new(pl, np, *v, *n, find)) == NULL) {
		e = errno;
		for (i = 0; i < *n; i++)
			users_unknown(&(*v)[i]);
		errno = e;
		return -1;
	}
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
	return scan_users_places(&place, 1, v, n, find);
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
    bool scan, struct shm_rec **v, size_t *n)
{
	if (place == NULL)
		place = shm_place_default();
	return shm_select_places(&place, 1, f, scan, v, n);
}

/*
 * The same in every place of pl[0..np) (-A), each listing the kinds it
 * holds alone (shm_place_lists), with one pass over /proc for all: the
 * users of every place are among the same processes.  Memfds are the
 * processes', listed once, in pl[0].  Sorted by place, then as ever.
 */
int
shm_select_places(const struct shm_place *const *pl, size_t np,
    const struct shm_filter *f, bool scan, struct shm_rec **v, size_t *n)
{
	time_t now = time(NULL);
	size_t i, kept;

	*v = NULL;
	*n = 0;
	for (i = 0; i < np; i++)
		if (append_place(pl[i], f->kinds & shm_place_lists(pl[i]) &
		    ~SHM_KIND_BIT(SHM_MEMFD), v, n) == -1) {
			int e = errno;

			shm_rec_list_free(*v, *n);
			errno = e;
			return -1;
		}
	/*
	 * Memfds and unlinked POSIX objects are found only by the scan:
	 * memfds are what it is for; unlinked objects come with every
	 * scan that POSIX objects are listed in (those of the /dev/shm of
	 * every place that lists them, each in its place).
	 */
	if ((scan || shm_filter_needs_scan(f) ||
	    (f->kinds & SHM_KIND_BIT(SHM_MEMFD))) &&
	    scan_users_places(pl, np, v, n,
	    ((f->kinds & SHM_KIND_BIT(SHM_MEMFD)) ? SHM_FIND_MEMFDS : 0) |
	    ((f->kinds & SHM_KIND_BIT(SHM_POSIX)) ? SHM_FIND_DELETED : 0)) ==
	    -1) {
		int e = errno;

		shm_rec_list_free(*v, *n);
		errno = e;
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
