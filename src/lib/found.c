/*
 * found.c - what the /proc scan finds that no table lists: the memfds
 * processes hold or map, the POSIX objects they still map or hold
 * after an unlink, and their anonymous shared mappings, noted holder by holder during the walk and made into one
 * record per object at the end.
 *
 * Layer: engines (src/lib/LAYERS), above users.c (scan.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan.h"

/*
 * The place whose /dev/shm is on dev, or NULL: a file there with no
 * link left is an unlinked object of that place.  Places are few.
 */
const struct shm_place *
devshm_place(const struct proc_scan *scan, dev_t dev)
{
	size_t i;

	for (i = 0; i < scan->nshms; i++)
		if (scan->shms[i].dev == dev)
			return scan->shms[i].place;
	return NULL;
}

/* Note a holder in hs; -1 if out of memory. */
int
holders_add(struct holders *hs, pid_t pid, int fd, const struct stat *st,
    bool have_st, const char *name, size_t len)
{
	struct holder *h;

	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? hs->cap * 2 : 16;
		struct holder *p = reallocarray(hs->v, cap, sizeof(*p));

		if (p == NULL)
			return -1;
		hs->v = p;
		hs->cap = cap;
	}
	h = &hs->v[hs->n];
	memset(h, 0, sizeof(*h));
	h->pid = pid;
	h->fd = fd;
	h->st = *st;
	h->have_st = have_st;
	if ((h->name = strndup(name, len)) == NULL)
		return -1;
	hs->n++;
	return 0;
}

/*
 * (dev, ino), an unlinked file on a /dev/shm scanned that pid maps or holds:
 * an unlinked POSIX object, unless it is one asked about (listed by its
 * name, which it may have lost since) or a semaphore (sem.NAME, which
 * listings pass by).  Returns its users' entry, or NULL if it is not one.
 */
struct seg_users *
deleted_identity(struct proc_scan *scan, dev_t dev, ino_t ino,
    const char *name)
{
	struct seg_users *u = users_find(&scan->users, dev, ino);

	if ((u != NULL && !u->deleted) || users_asked(&scan->users, dev, ino))
		return NULL;
	if (shm_name_is_semaphore(name))
		return NULL;
	if (u == NULL && (u = users_entry(&scan->users, dev, ino)) == NULL) {
		scan_incomplete(scan);	/* out of memory */
		return NULL;
	}
	u->deleted = true;
	return u;
}

void
holders_free(struct holders *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		free(hs->v[i].name);
	free(hs->v);
	memset(hs, 0, sizeof(*hs));
}

/* By identity; then descriptors before mappings; then pid, fd, start. */
static int
holder_cmp(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	if (x->st.st_dev != y->st.st_dev)
		return x->st.st_dev < y->st.st_dev ? -1 : 1;
	if (x->st.st_ino != y->st.st_ino)
		return x->st.st_ino < y->st.st_ino ? -1 : 1;
	if ((x->fd < 0) != (y->fd < 0))
		return x->fd < 0 ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->fd != y->fd)
		return (x->fd > y->fd) - (x->fd < y->fd);
	return (x->start > y->start) - (x->start < y->start);
}

/*
 * What n holders hold (h[0] names it): its inode from a holder's
 * descriptor, or else through a mapping's map_files entry, which only
 * CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE) may follow.  Without either,
 * its size, mode, owner and times are unknown.  Its address is h[0]'s.
 */
static void
fill_held(const struct proc_scan *scan, const struct holder *h, size_t n,
    struct shm_rec *rec)
{
	const struct stat *st = NULL;
	struct stat mst;
	size_t i;
	int procfd = place_proc(scan->place);

	for (i = 0; i < n && st == NULL; i++) {
		struct shm_addr a = { .pid = h[i].pid, .fd = h[i].fd,
		    .map_start = h[i].start, .map_end = h[i].end };
		char path[96];

		if (h[i].have_st) {
			st = &h[i].st;
			break;
		}
		held_path(&a, path, sizeof(path));
		if (procfd != -1 && fstatat(procfd, path, &mst, 0) == 0 &&
		    mst.st_dev == h[i].st.st_dev &&
		    mst.st_ino == h[i].st.st_ino)
			st = &mst;
	}
	if (st != NULL)
		fd_fill_info(st, rec);
	else {
		rec->dev = h->st.st_dev;
		rec->ino = h->st.st_ino;
		rec->inode_unknown = true;
	}
	rec->addr.pid = h->pid;
	rec->addr.fd = h->fd;
	rec->addr.map_start = h->start;
	rec->addr.map_end = h->end;
}

/* A memfd, held open (memfd:PID:FD) or only mapped (memfd:PID:START-END). */
static void
fill_memfd(const struct proc_scan *scan, const struct holder *h, size_t n,
    struct shm_rec *rec)
{
	fill_held(scan, h, n, rec);
	rec->addr.kind = SHM_MEMFD;
}

/* An unlinked object, in the place whose /dev/shm it is on. */
static void
fill_deleted(const struct proc_scan *scan, const struct holder *h, size_t n,
    struct shm_rec *rec)
{
	fill_held(scan, h, n, rec);
	rec->status |= SHM_ST_DELETED;
	rec->addr.kind = SHM_POSIX;
	/* The place whose /dev/shm it is on (-A: perhaps not ours). */
	if ((rec->addr.place = devshm_place(scan, h->st.st_dev)) == NULL)
		rec->addr.place = scan->place;
}

/*
 * An anonymous shared mapping, named by a mapping (anon:PID:START-END).
 * Where its inode cannot be opened, its owner is its first mapper's (a
 * process's /proc directory is owned by its effective user), not none.
 */
static void
fill_anon(const struct proc_scan *scan, const struct holder *h, size_t n,
    struct shm_rec *rec)
{
	int procfd = place_proc(scan->place);
	struct stat st;
	char pid[16];

	fill_held(scan, h, n, rec);
	rec->addr.kind = SHM_ANON;
	if (!rec->inode_unknown || procfd == -1)
		return;
	snprintf(pid, sizeof(pid), "%d", (int)h->pid);
	if (fstatat(procfd, pid, &st, 0) == 0) {
		rec->uid = st.st_uid;
		rec->gid = st.st_gid;
	}
}

/*
 * A record for each identity among the holders, named by its first
 * holder (holder_cmp) and filled in by fill; its users from the scan.
 */
static int
holder_recs(const struct proc_scan *scan, const struct holders *hs,
    void (*fill)(const struct proc_scan *, const struct holder *, size_t,
    struct shm_rec *), struct shm_rec **v, size_t *n)
{
	struct shm_vec vec = { NULL, 0, 0 };
	size_t i, j;

	if (hs->n > 1)
		qsort(hs->v, hs->n, sizeof(*hs->v), holder_cmp);
	for (i = 0; i < hs->n; i = j) {
		const struct holder *h = &hs->v[i];
		struct shm_rec *rec;

		for (j = i + 1; j < hs->n && hs->v[j].st.st_dev == h->st.st_dev &&
		    hs->v[j].st.st_ino == h->st.st_ino; j++)
			;
		if ((rec = shm_vec_push(&vec)) == NULL)
			goto fail;
		rec->addr.place = scan->place;
		fill(scan, h, j - i, rec);
		/* Anonymous memory has no name: NULL, not "". */
		if ((rec->addr.kind != SHM_ANON &&
		    (rec->addr.name = strdup(h->name)) == NULL) ||
		    proc_scan_users(scan, rec) == -1)
			goto fail;
	}
	*v = vec.v;
	*n = vec.n;
	return 0;
fail:
	shm_rec_list_free(vec.v, vec.n);
	return -1;
}

/*
 * Every memfd some process holds or maps, once each: a memfd passed to
 * another process is one segment, named by a holder's descriptor
 * (memfd:PID:FD, lowest PID first), or, if none holds one, by a mapping
 * (memfd:PID:START-END).
 */
int
proc_scan_memfds(const struct proc_scan *scan, struct shm_rec **v, size_t *n)
{
	return holder_recs(scan, &scan->mf, fill_memfd, v, n);
}

/*
 * Every unlinked POSIX object some process maps or holds, once each:
 * named by a holder's descriptor (deleted:PID:FD, lowest PID first),
 * or, if none holds one, by a mapping (deleted:PID:START-END).
 */
int
proc_scan_deleted(const struct proc_scan *scan, struct shm_rec **v,
    size_t *n)
{
	return holder_recs(scan, &scan->del, fill_deleted, v, n);
}

/*
 * Every anonymous shared mapping some process maps, once each: the
 * inode that a parent and the children it forked after mmap() share,
 * named by its lowest mapper's mapping (anon:PID:START-END).
 */
int
proc_scan_anon(const struct proc_scan *scan, struct shm_rec **v, size_t *n)
{
	return holder_recs(scan, &scan->an, fill_anon, v, n);
}

/*
 * Did the scan see every process?  If not, what it found is not all
 * there is: a process it could not see may hold more.
 */
bool
proc_scan_complete(const struct proc_scan *scan)
{
	return scan->complete;
}
