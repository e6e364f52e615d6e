/*
 * sysv.c - the backend of System V shared memory segments, named by key
 * or by shmid: listed from the kernel's table, opened and created under
 * their key's lock, reached through an attached mapping of ours.  A
 * resize is a copy (sysv_resize.c).
 *
 * Layer: kinds (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/capability.h>

#include "backend.h"


/*
 * Without /proc: walk the kernel's index with SHM_STAT_ANY.  The number
 * of segments found, or -1; how many the kernel counts in *used (a
 * kernel before 4.17 has no SHM_STAT_ANY, and SHM_STAT shows only what
 * we may read).
 */
static int
sysv_list_shmctl_n(struct shm_vec *vec, unsigned long *used)
{
	struct shm_info si;
	struct shmid_ds ds;
	int maxidx, idx, id, n = 0;

	if ((maxidx = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si)) == -1)
		return -1;
	*used = (unsigned long)si.used_ids;
	for (idx = 0; idx <= maxidx; idx++) {
		struct shm_rec *rec;

		if ((id = shmctl(idx, SHM_STAT_ANY, &ds)) == -1 &&
		    (id = shmctl(idx, SHM_STAT, &ds)) == -1)
			continue;
		if ((rec = shm_vec_push(vec)) == NULL)
			return -1;
		sysv_fill_from_ds(id, &ds, rec);
		n++;
	}
	return n;
}

static int
sysv_list_shmctl(struct shm_vec *vec)
{
	unsigned long used;

	return sysv_list_shmctl_n(vec, &used) == -1 ? -1 : 0;
}

/*
 * Do listings need the RSS and SWAP of System V segments, which only
 * /proc/sysvipc/shm tells?  Without them (shmrm) the kernel's table is
 * walked with shmctl: one call a segment, against the kernel's
 * formatting of a line of text and our parsing of it.
 */
static bool list_resident = true;

void
sysv_list_resident(bool need)
{
	list_resident = need;
}

/*
 * The shmctl walk, if it saw every segment the kernel counts: 1; 0 if
 * not (the records it pushed taken back), and /proc must be read.
 */
static int
sysv_list_lean(struct shm_vec *vec)
{
	size_t before = vec->n, i;
	unsigned long used;
	int n;

	if ((n = sysv_list_shmctl_n(vec, &used)) != -1 &&
	    (unsigned long)n == used)
		return 1;
	for (i = before; i < vec->n; i++)
		shm_rec_free(&vec->v[i]);
	vec->n = before;
	return 0;
}

/*
 * Call fn on each segment of the kernel's table as it is read, with the
 * namespace's bulk lock taken first where we may (lock.c): a bulk
 * removal that judges and removes each as soon as it has looked at it,
 * so that the look is its last (SHM_RM_FRESH) and the table is read
 * once.  The place is entered already.  fn's non-zero return stops the
 * walk.  -1 with ENOSYS, before fn is called, on a kernel without
 * SHM_STAT_ANY (before 4.17), whose SHM_STAT hides what we may not read.
 */
int
sysv_walk(const struct shm_place *place,
    int (*fn)(void *, struct shm_rec *), void *ctx)
{
	struct shm_info si;
	struct shmid_ds ds;
	struct shm_rec rec;
	int maxidx, idx, id, r = 0;

	(void)lock_bulk_take(place);
	if ((maxidx = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si)) == -1)
		return -1;
	for (idx = 0; idx <= maxidx && r == 0; idx++) {
		if ((id = shmctl(idx, SHM_STAT_ANY, &ds)) == -1) {
			if (errno == EINVAL && shmctl(idx, SHM_STAT, &ds) != -1) {
				errno = ENOSYS;
				return -1;
			}
			continue;
		}
		shm_rec_init(&rec);
		sysv_fill_from_ds(id, &ds, &rec);
		rec.rss = rec.swap = -1;
		rec.addr.place = place;
		r = fn(ctx, &rec);
		shm_rec_free(&rec);
	}
	return 0;
}

/* The place is entered already: the table is its IPC namespace's. */
static int
sysv_list(const struct shm_place *place, struct shm_vec *vec)
{
	struct lines lines;
	size_t len;
	char *line;
	int r = 0;

	(void)place;
	if (!list_resident && sysv_list_lean(vec) == 1)
		return 0;
	/* In large reads: the kernel makes the table again for each. */
	if (lines_open(&lines, AT_FDCWD, PROC_SYSVIPC_SHM) == -1)
		return sysv_list_shmctl(vec);
	while ((line = lines_next(&lines, &len)) != NULL) {
		struct shm_rec *rec = shm_vec_push(vec);

		if (rec == NULL) {
			r = -1;
			break;
		}
		if (sysv_parse_proc_line(line, rec) == -1)
			vec->n--;	/* the header */
	}
	if (line == NULL && errno != 0)
		r = -1;
	lines_close(&lines);
	return r;
}

/*
 * A resize of the key was interrupted and its recovery file waits (recovery_pending()): the key names a half-filled copy, or
 * nothing, or an original a --recover will judge.  Nothing reads,
 * writes, makes or removes it until then (SHM_EPENDING).  A $TMPDIR we
 * cannot read hides nothing a resize of ours could have left there.
 */
static int
sysv_pending_in(const struct shm_addr *a, key_t key, bool covered)
{
	struct shm_recovery found;

	if ((covered ? recovery_pending_bulk(a, key, &found) :
	    recovery_pending(a, key, &found)) == -1 || found.path == NULL)
		return 0;
	free(found.path);
	errno = SHM_EPENDING;
	return -1;
}

/* The same, for a key that no bulk lock covers: $TMPDIR looked at now. */
static int
sysv_pending(const struct shm_addr *a, key_t key)
{
	return sysv_pending_in(a, key, false);
}

static int
sysv_stat(const struct shm_addr *a, struct shm_rec *rec)
{
	struct shmid_ds ds;
	int id;

	if ((id = sysv_resolve(a)) == -1 || sysv_stat_id(id, &ds) == -1) {
		/* Nothing under the key: a resize may be between two. */
		if (errno == ENOENT && !a->by_id &&
		    sysv_pending(a, a->key) == 0)
			errno = ENOENT;
		return -1;
	}
	sysv_fill_from_ds(id, &ds, rec);
	rec->rss = rec->swap = -1;	/* only the table has them:
					   shm_fill_resident() */
	return 0;
}

/*
 * IPC_RMID is the owner's, the creator's, or CAP_SYS_ADMIN's in the user
 * namespace that owns the IPC namespace (lock_sysv_admin).
 */
static bool
sysv_may_remove(const struct shm_rec *r)
{
	uid_t euid = shm_euid();

	if (r->uid == SHM_UNKNOWN_ID || r->cuid == SHM_UNKNOWN_ID)
		return true;
	return r->uid == euid || r->cuid == euid ||
	    lock_sysv_admin(shm_addr_place(&r->addr));
}

/*
 * Remove the segment a listing found, if it still is that one (same
 * shmid and key, not removed already) and, unless forced, still has no
 * process attached: the bulk removal's last look, one call.
 */
static int
sysv_remove_listed(const struct shm_rec *r, int flags)
{
	struct shmid_ds ds;
	int lockfd, rv = -1;
	bool covered;

	/*
	 * Not while a resize of its key holds the key's lock; within a
	 * bulk removal, the namespace's one lock keeps resizes off, and
	 * $TMPDIR is looked at once for all (recovery_pending_bulk()).
	 */
	lockfd = -1;
	covered = lock_bulk_covers(shm_addr_place(&r->addr), r->addr.key,
	    r->addr.id);
	if (!covered &&
	    (lockfd = shm_key_lock_owned(shm_addr_place(&r->addr),
	    r->addr.key, r->addr.id, r->uid, r->cuid, false)) == -1 &&
	    (errno == EWOULDBLOCK || errno == EINTR))
		return -1;
	if (sysv_pending_in(&r->addr, r->addr.key, covered) == -1)
		goto out;
	/* Read under the namespace's lock just now (sysv_walk): that. */
	if (covered && (flags & SHM_RM_FRESH)) {
		ds.shm_perm.mode = (r->status & SHM_ST_DEST) ? SHM_DEST : 0;
		ds.shm_nattch = (shmatt_t)r->nattch;
		IPC_PERM_KEY(ds.shm_perm) = r->addr.key;
	} else if (sysv_stat_id(r->addr.id, &ds) == -1)
		goto out;
	if (IPC_PERM_KEY(ds.shm_perm) != r->addr.key ||
	    (ds.shm_perm.mode & SHM_DEST)) {
		errno = ENOENT;		/* gone, its shmid reused */
		goto out;
	}
	if (ds.shm_nattch != 0 && !(flags & SHM_RM_FORCE)) {
		errno = EBUSY;
		goto out;
	}
	if (shmctl(r->addr.id, IPC_RMID, NULL) == -1) {
		if (errno == EINVAL || errno == EIDRM)
			errno = ENOENT;
		goto out;
	}
	rv = 0;
out:
	shm_key_unlock(lockfd);	/* keeps errno */
	return rv;
}

/* Attach once; a created segment is attached only when it is used. */
static int
sysv_attach(struct shm_seg *seg)
{
	void *p;

	if (seg->base != NULL)
		return 0;
	if (seg->size == 0) {
		errno = EINVAL;
		return -1;
	}
	p = shmat(seg->shmid, NULL, seg->writable ? 0 : SHM_RDONLY);
	if (p == (void *)-1)
		return -1;
	seg->base = p;
	return 0;
}

/*
 * Take the shared lock of the key a names, then resolve it: a resize
 * holds the lock exclusively while the key names no segment or a half
 * copied one, so what we resolve under the lock is whole.  An id: address
 * is first resolved to its key (a private segment locks by shmid), and
 * resolved again under the lock, by when a resize may have removed it.
 * A lock file we cannot open at all (no lock directory we may write) does
 * not make segments unusable: we go on unlocked.  A lock held past the
 * bound fails (EWOULDBLOCK).
 */
static int
sysv_lock_resolve(const struct shm_addr *a, int *lockfd)
{
	key_t key = a->key;
	int id;

	*lockfd = -1;
	if (a->by_id && sysv_key_of(a->id, &key) == -1)
		return -1;
	if ((*lockfd = shm_key_lock(shm_addr_place(a), key, a->id,
	    false)) == -1 &&
	    (errno == EWOULDBLOCK || errno == EINTR))
		return -1;
	if (sysv_pending(a, key) == -1) {
		shm_key_unlock(*lockfd);
		*lockfd = -1;
		return -1;
	}
	if ((id = sysv_resolve(a)) == -1) {
		shm_key_unlock(*lockfd);
		*lockfd = -1;
	}
	return id;
}

static int
sysv_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	struct shmid_ds ds;
	int id;

	seg->lockfd = -1;
	if ((id = sysv_lock_resolve(a, &seg->lockfd)) == -1)
		return -1;
	if (shmctl(id, IPC_STAT, &ds) == -1) {
		if (errno == EINVAL || errno == EIDRM)
			errno = ENOENT;
		goto fail;
	}
	seg->shmid = id;
	seg->size = ds.shm_segsz;
	seg->writable = (flags & SHM_O_RDWR) != 0;
	/* Attach now, so that a permission problem shows at open. */
	if (sysv_attach(seg) == 0)
		return 0;
fail:
	shm_key_unlock(seg->lockfd);
	seg->lockfd = -1;
	return -1;
}

static int
sysv_create(const struct shm_addr *a, uint64_t size, mode_t mode, int flags,
    struct shm_seg *seg, bool *existed)
{
	key_t key = a->by_id ? IPC_PRIVATE : a->key;
	struct shmid_ds ds;
	int id, e;

	seg->lockfd = -1;
	/* SHM_C_RESERVE: shmget already charges kernel.shmall. */
	if (size == 0 && (flags & SHM_C_REUSE) && !a->by_id) {
		/* No size asked for: any existing segment will do. */
		if (sysv_open(a, SHM_O_RDWR, seg) == -1)
			return -1;
		*existed = true;
		return 0;
	}
	if (size == 0 || size > SIZE_MAX) {
		errno = EINVAL;
		return -1;
	}
	/* A resize frees the key for a moment: do not take it then. */
	if (key != IPC_PRIVATE &&
	    (seg->lockfd = shm_key_lock(shm_addr_place(a), key, -1,
	    false)) == -1 &&
	    (errno == EWOULDBLOCK || errno == EINTR))
		return -1;
	if (key != IPC_PRIVATE && sysv_pending(a, key) == -1)
		goto fail;
	/* SHM_HUGETLB reserves the huge pages now: ENOMEM if too few. */
	id = shmget(key, (size_t)size, IPC_CREAT | IPC_EXCL | (int)mode |
	    ((flags & SHM_C_HUGE) ? huge_shmflg(huge_flags_size(flags)) : 0));
	if (id == -1 && errno == EEXIST && (flags & SHM_C_REUSE)) {
		shm_key_unlock(seg->lockfd);
		*existed = true;
		return sysv_open(a, SHM_O_RDWR, seg);
	}
	if (id == -1)
		goto fail;
	if (shmctl(id, IPC_STAT, &ds) == -1) {
		e = errno;
		shmctl(id, IPC_RMID, NULL);
		errno = e;
		goto fail;
	}
	seg->shmid = id;
	seg->size = ds.shm_segsz;
	seg->addr.kind = SHM_SYSV;
	seg->addr.id = id;
	seg->addr.key = key;
	seg->addr.by_id = key == IPC_PRIVATE;
	return 0;
fail:
	shm_key_unlock(seg->lockfd);
	seg->lockfd = -1;
	return -1;
}

/*
 * A descriptor of the attached segment's own pages, or -1: the kernel
 * hands one out only to the privileged.  For writing only through an
 * attachment made for writing, whose shmat checked that we may: the
 * descriptor reaches no further than the mapping did.
 */
static int
sysv_map_fd(struct shm_seg *seg, bool write)
{
	uintptr_t start = (uintptr_t)seg->base;
	uintptr_t page = (uintptr_t)getpagesize();
	uintptr_t end = start + (((uintptr_t)seg->size + page - 1) & ~(page - 1));
	char path[64];

	if (seg->base == NULL || (write && !seg->writable)) {
		errno = EBADF;
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
	    (unsigned long)start, (unsigned long)end);
	return open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
}

static ssize_t
sysv_pread(struct shm_seg *seg, void *buf, size_t len, uint64_t off)
{
	if (off >= seg->size)
		return 0;
	if (sysv_attach(seg) == -1)
		return -1;
	if (len > seg->size - off)
		len = (size_t)(seg->size - off);
	memcpy(buf, seg->base + off, len);
	return (ssize_t)len;
}

static ssize_t
sysv_pwrite(struct shm_seg *seg, const void *buf, size_t len, uint64_t off)
{
	if (off >= seg->size) {
		errno = ENOSPC;
		return -1;
	}
	if (sysv_attach(seg) == -1)
		return -1;
	if (len > seg->size - off)
		len = (size_t)(seg->size - off);
	memcpy(seg->base + off, buf, len);
	return (ssize_t)len;
}

static int
sysv_close(struct shm_seg *seg)
{
	int r = 0;

	if (seg->base != NULL)
		r = shmdt(seg->base);
	seg->base = NULL;
	seg->shmid = -1;
	shm_key_unlock(seg->lockfd);
	seg->lockfd = -1;
	return r;
}

/*
 * IPC_RMID only marks the segment for destruction: it goes when the last
 * process detaches, and until then it shows as "dest" with key 0.
 */
static bool remove_batch;	/* shm_remove_batch(): many at once */

void
sysv_remove_batch(bool on)
{
	remove_batch = on;
}

/*
 * Within a batch of removals by name (shm_remove_batch()), resolve a
 * under the bulk removal's namespace lock where it covers a's key, as a
 * listed one is: no lock file a key, and $TMPDIR looked at once.  -1
 * with lockfd -1 and errno 0: not covered, take the key's lock.
 */
static int
sysv_batch_resolve(const struct shm_addr *a, int *lockfd)
{
	key_t key = a->key;

	*lockfd = -1;
	errno = 0;
	if (!remove_batch)
		return -1;
	if (a->by_id && sysv_key_of(a->id, &key) == -1)
		return -1;
	if (!lock_bulk_covers(shm_addr_place(a), key, a->id)) {
		errno = 0;
		return -1;
	}
	if (sysv_pending_in(a, key, true) == -1)
		return -1;
	return sysv_resolve(a);
}

static int
sysv_remove_stat(const struct shm_addr *a, struct shm_rec *rec)
{
	struct shmid_ds ds;
	int id, lockfd, r = 0;

	if ((id = sysv_batch_resolve(a, &lockfd)) == -1 &&
	    (errno != 0 || (id = sysv_lock_resolve(a, &lockfd)) == -1))
		return -1;
	if (rec != NULL && sysv_stat_id(id, &ds) == -1)
		r = -1;
	else if (rec != NULL) {
		sysv_fill_from_ds(id, &ds, rec);
		rec->rss = rec->swap = -1;
	}
	if (r == 0 && shmctl(id, IPC_RMID, NULL) == -1) {
		if (errno == EINVAL || errno == EIDRM)
			errno = ENOENT;
		r = -1;
	}
	shm_key_unlock(lockfd);
	return r;
}

static int
sysv_remove(const struct shm_addr *a)
{
	return sysv_remove_stat(a, NULL);
}

/*
 * The pages a segment of size bytes is charged against kernel.shmall:
 * whole pages, each segment rounded up on its own.
 */
uint64_t
shm_sysv_pages(uint64_t size)
{
	static uint64_t page;

	if (page == 0) {
		long ps = sysconf(_SC_PAGESIZE);

		page = ps > 0 ? (uint64_t)ps : 4096;
	}
	return size / page + (size % page != 0);
}

int
shm_ftok(const struct shm_place *place, const char *path, int proj,
    key_t *key)
{
	struct stat st;
	dev_t dev;
	ino_t ino;

	/* ftok(3) quietly truncates proj to 8 bits; 0 is not allowed. */
	if (proj < 1 || proj > 255) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * Another place's path is its own (as nsenter --mount resolves
	 * it): the key glibc's ftok(3) makes of that file.
	 */
	if (place != NULL && place->root != -1) {
		if (place_root_stat(place->root, path, &dev, &ino) == -1)
			return -1;
		*key = (key_t)(((uint32_t)ino & 0xffff) |
		    (((uint32_t)dev & 0xff) << 16) |
		    (((uint32_t)proj & 0xff) << 24));
		return 0;
	}
	if (stat(path, &st) == -1)
		return -1;
	if ((*key = ftok(path, proj)) == -1)
		return -1;
	return 0;
}

static void *
sysv_map(struct shm_seg *seg)
{
	return sysv_attach(seg) == 0 ? seg->base : NULL;
}

const struct shm_backend sysv_backend = {
	.stat = sysv_stat,
	.open = sysv_open,
	.create = sysv_create,
	.pread = sysv_pread,
	.pwrite = sysv_pwrite,
	.map = sysv_map,
	.map_fd = sysv_map_fd,
	.copy_resize = sysv_resize_copy,	/* it cannot change size */
	.close = sysv_close,
	.remove = sysv_remove,
	.remove_stat = sysv_remove_stat,
	.remove_listed = sysv_remove_listed,
	.may_remove = sysv_may_remove,
	.list = sysv_list,
	.recover = sysv_recover,
};
