/*
 * users.c - the /proc scan's table: from a segment's identity to the
 * processes that map it or hold it open, and from there to a record's
 * PIDS and NATTCH.
 *
 * Identity: a System V segment by its IPC namespace and shmid (its
 * mappings show as "/SYSV%08x" with the shmid as inode, and a process
 * attaches only segments of the namespace it is in: shmid 0 of a
 * container is not shmid 0 of the host); everything else by device and
 * inode, whatever path reaches it (a bind mount of /dev/shm, /run/shm)
 * and however it is mapped (MAP_PRIVATE too), so that a renamed or
 * unlinked object still matches.
 *
 * Layer: engines (src/lib/LAYERS), the scan's lowest file (scan.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan.h"

/* Whether a segment asked about, or a kind found, may be on device dev. */
bool
dev_wanted(const struct proc_scan *scan, dev_t dev)
{
	size_t i;

	for (i = 0; i < scan->ndevs; i++)
		if (scan->devs[i] == dev)
			return true;
	return false;
}

/* The users of (dev, ino), or NULL if it is not in the table. */
struct seg_users *
users_find(const struct users_tab *t, dev_t dev, ino_t ino)
{
	ssize_t i = hash_get(&t->idx, (uint64_t)dev, (uint64_t)ino, 0);

	return i == -1 ? NULL : &t->v[i];
}

/*
 * Room for n identities, made once: doubling as they come would hold
 * the old table and the new together, half again the memory of the
 * largest (over 100,000 objects, 6 MB).
 */
int
users_reserve(struct users_tab *t, size_t n)
{
	struct seg_users *v;

	if (n <= t->cap)
		return hash_reserve(&t->idx, n);
	if ((v = reallocarray(t->v, n, sizeof(*v))) == NULL)
		return -1;
	t->v = v;
	t->cap = n;
	return hash_reserve(&t->idx, n);
}

/* Note record recs[i] as asked about: -1 out of memory. */
int
users_ask(struct users_tab *t, const struct shm_rec *recs, size_t i)
{
	if (i > UINT32_MAX) {
		errno = ENOMEM;
		return -1;
	}
	if (t->nasked == t->capasked) {
		size_t cap = t->capasked ? t->capasked * 2 : 256;
		uint32_t *v = reallocarray(t->asked, cap, sizeof(*v));

		if (v == NULL)
			return -1;
		t->asked = v;
		t->capasked = cap;
	}
	t->recs = recs;
	t->asked[t->nasked++] = (uint32_t)i;
	return 0;
}

static int
ident_cmp(dev_t dev, ino_t ino, const struct shm_rec *r)
{
	if (dev != r->dev)
		return dev < r->dev ? -1 : 1;
	return (ino > r->ino) - (ino < r->ino);
}

static int
asked_cmp(const void *x, const void *y, void *ctx)
{
	const struct shm_rec *recs = ctx, *b = &recs[*(const uint32_t *)y];

	return ident_cmp(recs[*(const uint32_t *)x].dev,
	    recs[*(const uint32_t *)x].ino, b);
}

/* Every identity asked is noted: sort them for users_asked(). */
void
users_ask_done(struct users_tab *t)
{
	if (t->nasked > 1)
		qsort_r(t->asked, t->nasked, sizeof(*t->asked), asked_cmp,
		    (void *)t->recs);
}

/*
 * Was (dev, ino) asked about: a record listed?  Only while the walk
 * runs: the records are the caller's, and may move after it.
 */
bool
users_asked(const struct users_tab *t, dev_t dev, ino_t ino)
{
	size_t lo = 0, hi = t->nasked;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ident_cmp(dev, ino, &t->recs[t->asked[mid]]);

		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* The entry of (dev, ino), made if need be; NULL if out of memory. */
struct seg_users *
users_entry(struct users_tab *t, dev_t dev, ino_t ino)
{
	size_t i = t->n;
	int r;

	if (t->n == t->cap && users_reserve(t, t->cap ? t->cap * 2 : 256) == -1)
		return NULL;
	if ((r = hash_put(&t->idx, (uint64_t)dev, (uint64_t)ino, 0, &i)) == -1)
		return NULL;
	if (r == 1) {
		memset(&t->v[i], 0, sizeof(t->v[i]));
		t->v[i].dev = dev;
		t->v[i].ino = ino;
		t->n++;
	}
	return &t->v[i];
}

void
users_free(struct users_tab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].pids);
	free(t->v);
	free(t->asked);
	hash_free(&t->idx);
	memset(t, 0, sizeof(*t));
}

/*
 * Note that pid uses (dev, ino); a process is counted once.  Only the
 * identities asked about are kept (a file the scan found on a device of
 * interest may be any library), unless discover says this one is a
 * segment in its own right (a System V mapping, a memfd).
 */
void
scan_add_user(struct proc_scan *scan, dev_t dev, ino_t ino, pid_t pid,
    bool discover)
{
	struct seg_users *u;

	u = discover || users_asked(&scan->users, dev, ino) ?
	    users_entry(&scan->users, dev, ino) :
	    users_find(&scan->users, dev, ino);
	if (u == NULL) {
		if (discover)
			scan_incomplete(scan);	/* out of memory */
		return;
	}
	/* One process at a time is scanned: a repeat is the last entry. */
	if (u->n > 0 && u->pids[u->n - 1] == pid)
		return;
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 4;
		pid_t *p = reallocarray(u->pids, cap, sizeof(*p));

		if (p == NULL) {
			scan_incomplete(scan);
			return;
		}
		u->pids = p;
		u->cap = cap;
	}
	u->pids[u->n++] = pid;
}

static int
pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/*
 * Fill in who uses rec: its PIDS for every kind, and its NATTCH for the
 * kinds the kernel does not count.  Where the scan was incomplete, or
 * on any failure here, its users are unknown (NATTCH -1), never none;
 * -1 on failure.
 */
int
proc_scan_users(const struct proc_scan *scan, struct shm_rec *rec)
{
	const struct seg_users *u;

	if (rec->addr.kind == SHM_SYSV)
		u = users_find(&scan->users, SYSV_DEV, sysv_ino(place_ipcns_ino(
		    shm_addr_place(&rec->addr)), rec->addr.id));
	else
		u = rec->ino != 0 ? users_find(&scan->users, rec->dev,
		    rec->ino) : NULL;
	free(rec->pids);
	rec->pids = NULL;
	rec->npids = 0;
	/* A loop device uses it: in use, by no process we could name. */
	rec->users_known = scan->complete && (u == NULL || !u->unseen);
	if (u != NULL && u->n > 0) {
		rec->pids = reallocarray(NULL, u->n, sizeof(pid_t));
		if (rec->pids == NULL) {
			rec->users_known = false;
			if (rec->addr.kind != SHM_SYSV)
				rec->nattch = -1;
			return -1;
		}
		memcpy(rec->pids, u->pids, u->n * sizeof(pid_t));
		rec->npids = u->n;
		qsort(rec->pids, rec->npids, sizeof(pid_t), pid_cmp);
	}
	if (rec->addr.kind != SHM_SYSV)
		rec->nattch = rec->users_known ? (long)rec->npids : -1;
	else if (u != NULL)
		shm_rec_sysv_pagesize(rec, u->pagesize);
	return 0;
}
