/*
 * filter.c - the filters shmls and shmrm share, and must agree on: their
 * arguments parsed (a duration, a user) and the one judgement of whether
 * a record passes them (unused, orphan, older than, owned by).
 *
 * Layer: operations (src/lib/LAYERS), below select.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
 * Could a process of the segment's owner or creator come back for it?
 * LPID is whoever attached or detached last, so any reader (nobody,
 * read-only) can put the pid of a process that has exited in place of a
 * service's that attaches on demand; but no bystander can start a process
 * as the segment's owner or creator.  Root's processes and the caller's
 * own always run, so they tell nothing: for those owners the rule is
 * CPID's and LPID's alone (as for an id the kernel did not give: it
 * always gives both).
 */
static bool
owner_runs(const struct shm_rec *r)
{
	const uid_t who[2] = { r->uid, r->cuid };
	uid_t me = shm_euid();
	int i;

	for (i = 0; i < 2; i++)
		if (who[i] != SHM_UNKNOWN_ID && who[i] != 0 && who[i] != me &&
		    proc_uid_runs(who[i]))
			return true;
	return false;
}

/*
 * An orphan: nobody uses it and its creator is gone.  System V: NATTCH 0,
 * neither CPID nor LPID runs, nor (owner_runs) any process of its owner
 * or creator but root and the caller.  POSIX objects and files have no
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
		    !proc_alive(r->lpid) && !owner_runs(r);
	case SHM_POSIX:
	case SHM_FILE:
		return r->users_known;
	default:
		return false;
	}
}

/*
 * Why r is kept by a removal of unused segments (orphans: of orphans):
 * NULL if it is not, else the reason, in buf if it names a process.
 * *unknown: kept because what it needs to know cannot be seen.
 */
const char *
shm_kept_why(const struct shm_rec *r, bool orphans, char *buf, size_t len,
    bool *unknown)
{
	*unknown = false;
	if (r->nattch > 0)
		return "in use";
	if (r->nattch < 0 || (shm_use_from_scan(r) && !r->users_known)) {
		*unknown = true;
		return "who uses it cannot be seen";
	}
	if (!orphans || shm_is_orphan(r))
		return NULL;
	if (r->addr.kind != SHM_SYSV)
		return "a memfd lives while it is held";
	if (r->cpid == 0) {
		*unknown = true;
		return "its creator is of another PID namespace: whether it "
		    "runs cannot be seen";
	}
	if (proc_alive(r->cpid) || proc_alive(r->lpid)) {
		snprintf(buf, len, "not an orphan: its %s, PID %d, runs",
		    proc_alive(r->cpid) ? "creator" : "last user",
		    (int)(proc_alive(r->cpid) ? r->cpid : r->lpid));
		return buf;
	}
	return "not an orphan: a process of its owner or creator runs";
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
	if (!shm_globs_match(f, r))
		return false;
	return true;
}

