/*
 * sysv_resize.c - resizing a System V segment, which the kernel cannot do:
 * its size is fixed at shmget().  So the data moves into a new segment
 * under the same key, mode and owner, and that must never lose it.
 *
 * The guarantee: at every instant, either the original segment holds the
 * data under its key, or the new one holds all of it, or a recovery file
 * named after the key holds it ("shmresize-0xKEY-XXXXXX" in $TMPDIR, mode
 * 0600), which sysv_recovery_list() finds and sysv_recover() puts back.
 *
 * The protocol (sysv_resize_copy):
 *  1. block every signal that can be blocked, for the whole call: a
 *     signal that arrives before the point of no return stops the resize
 *     with nothing changed, one that arrives after it waits until the key
 *     is whole again;
 *  2. lock the key exclusively, so that no tool writes the original after
 *     it was saved, or takes the key while it names no segment;
 *  3. refuse a removed (SHM_DEST) segment, one with processes attached
 *     (unless forced), a bad size, a key whose earlier resize was cut
 *     short (its recovery file is still there): nothing changed;
 *  4. for a segment of huge pages, make sure we may have them and the
 *     pool has room (check_huge_room): the kernel asks CAP_IPC_LOCK or
 *     vm.hugetlb_shm_group of whoever makes one, and the owner who runs
 *     us may lack what the service that made it had;
 *  5. write the recovery file: a header (struct shm_recovery_header)
 *     saying which key, shmid, sizes, mode and owner, and what names the
 *     IPC namespace and the original for good, then the data;
 *  6. check NATTCH once more, IPC_RMID the original (the point of no
 *     return: it frees the key; our attachment keeps the memory), create
 *     the new segment with IPC_EXCL, mode 0600 until it is filled, note
 *     it in the file's header (recovery_note_new), copy, give it the old
 *     mode and owner;
 *  7. look for processes that attached behind our back: to the original
 *     after the check (they stay on the removed segment) or to the new one
 *     while it was half filled.  IPC_RMID cannot be undone, so they are
 *     only reported;
 *  8. remove the recovery file.
 * If there is no room for both segments (kernel.shmmni, kernel.shmall),
 * the original goes first and the copy comes from the file; failing that,
 * a segment of the old size is made from it; failing that, the file stays.
 * SIGKILL cannot be blocked: it leaves the recovery file, which is why the
 * file is written before anything changes and removed after.
 *
 * Layer: kinds (src/lib/LAYERS), between recovery.c and sysv.c.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

/* --- recovery files ---------------------------------------------------- */

/* --- the copy ------------------------------------------------------------ */

struct copy_to {
	key_t		 key;
	uint64_t	 size;
	mode_t		 mode;
	uid_t		 uid;
	gid_t		 gid;
	pid_t		 late_pid;	/* out: someone attached it meanwhile */
	int		 hugeflg;	/* shmget()'s huge page flags, or 0 */
};

/*
 * A new segment under t->key of t->size, filled with len bytes from src,
 * or (src NULL) from the recovery file fd after its header (data_off);
 * then given t's mode and owner.  Until then its mode is 0600: nobody
 * but its owner (and root) can attach a half-filled segment.  The file's
 * header notes who makes it, then which it is (recovery_note_new), so
 * that what a SIGKILL leaves can be told from another namespace's.
 */
static int
make_copy(struct copy_to *t, const unsigned char *src, int fd,
    uint64_t data_off, size_t len)
{
	struct shmid_ds ds;
	unsigned char *dst;
	int id, e;

	if (fd != -1 && recovery_note_new(fd, -1) == -1)
		return -1;
	id = shmget(t->key, (size_t)t->size, IPC_CREAT | IPC_EXCL | 0600 |
	    t->hugeflg);
	if (id == -1)
		return -1;
	if (fd != -1 && recovery_note_new(fd, id) == -1)
		goto undo;
	if ((dst = shmat(id, NULL, 0)) == (void *)-1)
		goto undo;
	resize_test_pause("copy");
	if (src != NULL)
		memcpy(dst, src, len);
	else if (read_full_at(fd, dst, len, (off_t)data_off) == -1) {
		e = errno;
		shmdt(dst);
		errno = e;
		goto undo;
	}
	/* The creator is us; the owner and mode can be given back. */
	if (shmctl(id, IPC_STAT, &ds) == -1)
		goto undo_dt;
	if (ds.shm_nattch > 1)
		t->late_pid = ds.shm_lpid;
	ds.shm_perm.uid = t->uid;
	ds.shm_perm.gid = t->gid;
	ds.shm_perm.mode = t->mode;
	if (shmctl(id, IPC_SET, &ds) == -1)
		goto undo_dt;
	shmdt(dst);
	return id;
undo_dt:
	e = errno;
	shmdt(dst);
	errno = e;
undo:
	e = errno;
	shmctl(id, IPC_RMID, NULL);
	errno = e;
	return -1;
}

/*
 * Can we make a segment of size bytes of huge pages of page, while one
 * of have bytes that will be freed still holds its pages?  Asked of the
 * kernel with a private segment removed at once: EPERM (no CAP_IPC_LOCK,
 * not in vm.hugetlb_shm_group, over RLIMIT_MEMLOCK) and ENOMEM (the pool
 * short even counting have) refuse before anything changes.  Where the
 * kernel.shm* limits leave no room for the probe (ENOSPC), it cannot
 * tell: the copy then goes by way of the file, as for any segment.
 */
static int
check_huge_room(uint64_t page, uint64_t have, uint64_t size)
{
	uint64_t total, avail;
	int id;

	if ((id = shmget(IPC_PRIVATE, (size_t)size, IPC_CREAT | 0600 |
	    huge_shmflg(page))) != -1) {
		shmctl(id, IPC_RMID, NULL);
		return 0;
	}
	if (errno == ENOSPC)
		return 0;
	if (errno != ENOMEM)
		return -1;
	/* The pool counts the pages the old one frees when it goes. */
	if (shm_huge_pool(page, &total, &avail) == 0 &&
	    avail + have / page >= size / page)
		return 0;
	errno = ENOMEM;
	return -1;
}

static void
set_result(struct shm_resize_result *res, key_t key, int id)
{
	res->addr.kind = SHM_SYSV;
	res->addr.key = key;
	res->addr.id = id;
	res->addr.by_id = key == IPC_PRIVATE;
	res->addr.fd = -1;
	res->addr.name = NULL;
}

void
shm_resize_result_free(struct shm_resize_result *res)
{
	shm_addr_free(&res->addr);
	free(res->saved);
	free(res->savedir);
	free(res->lockpath);
	res->saved = res->savedir = res->lockpath = NULL;
}

/* The lock file could not be opened: say which, for the message. */
static void
lock_failed(const struct shm_addr *a, key_t key, int id,
    struct shm_resize_result *res)
{
	char path[PATH_MAX];
	int e = errno;

	if (e != EWOULDBLOCK && e != EINTR &&
	    shm_lock_path(shm_addr_place(a), key, id, path,
	    sizeof(path)) == 0)
		res->lockpath = strdup(path);
	errno = e;
}

/*
 * Resolve a under the exclusive lock and check it can be resized: 0, or
 * -1 with errno (and res->saved for SHM_EPENDING).
 */
static int
check_resizable(const struct shm_addr *a, key_t key, int sign, uint64_t n,
    int flags, struct shmid_ds *ds, uint64_t *size,
    struct shm_resize_result *res)
{
	struct shm_recovery pending;
	uint64_t shmmax;
	int id;

	if ((id = sysv_resolve(a)) == -1)
		return -1;
	if (shmctl(id, IPC_STAT, ds) == -1) {
		if (errno == EINVAL || errno == EIDRM)
			errno = ENOENT;
		return -1;
	}
	/* Removed: copying it would make a new segment nobody frees. */
	if (ds->shm_perm.mode & SHM_DEST) {
		errno = EIDRM;
		return -1;
	}
	if (IPC_PERM_KEY(ds->shm_perm) != key) {	/* replaced before we locked */
		errno = ENOENT;
		return -1;
	}
	set_result(res, key, id);
	res->old_size = ds->shm_segsz;
	if (recovery_find(&res->addr, &pending) == -1)
		return -1;
	if ((res->saved = pending.path) != NULL) {
		errno = SHM_EPENDING;
		return -1;
	}
	if (shm_size_apply(ds->shm_segsz, sign, n, size) == -1)
		return -1;
	if (*size == ds->shm_segsz)
		return 0;
	if (*size == 0 || *size > SIZE_MAX ||
	    (shm_sysctl("kernel/shmmax", &shmmax) == 0 && *size > shmmax)) {
		errno = EINVAL;
		return -1;
	}
	if (ds->shm_nattch > 0 && !(flags & SHM_RESIZE_FORCE)) {
		errno = EBUSY;
		return -1;
	}
	return 0;
}

/*
 * The copy keeps the pages the original is made of, learnt from our own
 * mapping of it (old): huge pages stay huge, of the same size, and the
 * new size must then be a whole number of them (shmresize(1)).  A page
 * size we cannot tell is not guessed: nothing is done.
 */
static int
check_pagesize(const unsigned char *old, uint64_t size,
    struct shm_resize_result *res)
{
	uint64_t page = huge_map_pagesize(old);

	if (page == 0) {
		errno = SHM_EPAGESIZE;
		return -1;
	}
	if (page <= (uint64_t)getpagesize())
		return 0;
	res->pagesize = page;
	if (size % page != 0) {
		errno = SHM_EPAGESIZE;
		return -1;
	}
	return 0;
}

/*
 * Past the point of no return: the original is removed and its memory is
 * ours (attached at old).  Put the data under the key again.
 */
static int
move_data(const struct shmid_ds *ds, int oldid, unsigned char *old,
    uint64_t size, int fd, bool force, struct shm_resize_result *res)
{
	struct copy_to t = {
		IPC_PERM_KEY(ds->shm_perm), size, ds->shm_perm.mode & 0777,
		ds->shm_perm.uid, ds->shm_perm.gid, 0,
		res->pagesize != 0 ? huge_shmflg(res->pagesize) : 0
	};
	size_t keep = (size_t)(size < ds->shm_segsz ? size : ds->shm_segsz);
	uint64_t data_off = sizeof(struct shm_recovery_header);
	struct shmid_ds now;
	int id, e;

	if ((id = make_copy(&t, old, fd, 0, keep)) != -1) {
		/*
		 * Attached to the original after our last look?  It stays
		 * there, as forced ones do; but nobody forced it.
		 */
		if (!force && shmctl(oldid, IPC_STAT, &now) == 0 &&
		    now.shm_nattch > ds->shm_nattch && now.shm_lpid != getpid()) {
			res->late_pid = now.shm_lpid;
			res->late_id = oldid;
		}
		shmdt(old);
		goto done;
	}
	/* No room for both at once: free the original, copy from the file. */
	shmdt(old);
	if ((id = make_copy(&t, NULL, fd, data_off, keep)) != -1)
		goto done;
	e = errno;
	t.size = ds->shm_segsz;
	if ((id = make_copy(&t, NULL, fd, data_off,
	    (size_t)ds->shm_segsz)) != -1) {
		set_result(res, t.key, id);
		unlink(res->saved);
		free(res->saved);
		res->saved = NULL;
	}
	/* else the data stays in res->saved */
	errno = e;
	return -1;
done:
	if (t.late_pid != 0 && res->late_pid == 0) {
		res->late_pid = t.late_pid;
		res->late_id = id;
	}
	set_result(res, t.key, id);
	unlink(res->saved);
	free(res->saved);
	res->saved = NULL;
	return 0;
}

int
sysv_resize_copy(const struct shm_addr *a, int sign, uint64_t n, int flags,
    struct shm_resize_result *res)
{
	struct shmid_ds ds, now;
	sigset_t all, saved_mask;
	unsigned char *old = NULL;
	uint64_t size = 0;
	key_t key;
	int lockfd = -1, fd = -1, id, r = -1, e;

	res->by_copy = true;
	set_result(res, a->key, a->id);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &saved_mask);

	key = a->key;
	if (a->by_id && sysv_key_of(a->id, &key) == -1)
		goto out;
	if ((lockfd = shm_key_lock(shm_addr_place(a), key, a->id,
	    true)) == -1) {
		lock_failed(a, key, a->id, res);
		goto out;
	}
	if (check_resizable(a, key, sign, n, flags, &ds, &size, res) == -1)
		goto out;
	id = res->addr.id;
	if (size == ds.shm_segsz) {
		r = 0;
		goto out;
	}
	/* Read-write: resizing is writing, as it always was. */
	if ((old = shmat(id, NULL, 0)) == (void *)-1) {
		old = NULL;
		goto out;
	}
	if (check_pagesize(old, size, res) == -1)
		goto out;
	if (res->pagesize != 0 &&
	    check_huge_room(res->pagesize, ds.shm_segsz, size) == -1) {
		res->op = SHM_OP_CREATE;
		goto out;
	}
	if ((fd = recovery_save(a, &ds, id, size, res->pagesize, old,
	    &res->saved)) == -1) {
		res->savedir = res->saved;
		res->saved = NULL;
		goto out;
	}
	/* Interrupted while saving: stop now, while nothing has changed. */
	resize_test_pause("save");
	if (shm_signal_pending()) {
		errno = EINTR;
		goto discard;
	}
	/* Who attached while we saved?  (We are one.) */
	if (shmctl(id, IPC_STAT, &now) == -1)
		goto discard;
	if (now.shm_nattch > 1 && !(flags & SHM_RESIZE_FORCE)) {
		errno = EBUSY;
		goto discard;
	}
	ds.shm_nattch = now.shm_nattch;
	resize_test_pause("rmid");
	if (shmctl(id, IPC_RMID, NULL) == -1)
		goto discard;
	resize_test_pause("gone");
	r = move_data(&ds, id, old, size, fd,
	    (flags & SHM_RESIZE_FORCE) != 0, res);
	old = NULL;
	goto out;

discard:
	e = errno;
	unlink(res->saved);
	free(res->saved);
	res->saved = NULL;
	errno = e;
out:
	e = errno;
	if (old != NULL)
		shmdt(old);
	if (fd != -1)
		close(fd);
	shm_key_unlock(lockfd);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	errno = e;
	return r;
}

/* --- recovery --------------------------------------------------------------- */

/*
 * Put the data of the oldest recovery file for a back under its key (or,
 * for a private segment, into a new one).  out->stale: the original was
 * never removed, so the file was only deleted.  The file is trusted only
 * as it is opened now, under the key's lock, in a's namespace
 * (recovery_open): what the key names then decides.  The new segment
 * the file names, half filled, is replaced; so is another segment only
 * where the namespace's id proves the file this namespace's (then it was
 * made under the key since), and never one of a file too old to say
 * which segment it made, unless forced (SHM_EOTHERSEG).
 */
int
sysv_recover(const struct shm_addr *a, int flags, struct shm_recover_result *out)
{
	struct shm_recovery found, rec;
	struct shmid_ds ds;
	char *slash;
	int dirfd = -1, fd = -1, lockfd = -1, id = -1, r = -1, e;

	memset(out, 0, sizeof(*out));
	memset(&rec, 0, sizeof(rec));
	if (recovery_find(a, &found) == -1)
		return -1;
	if ((out->path = found.path) == NULL) {
		errno = ENOENT;
		return -1;
	}
	/* Lock as a resize does; trust the file only as it is opened now. */
	if ((lockfd = shm_key_lock(shm_addr_place(a), found.key,
	    found.old_id, true)) == -1)
		goto out;
	slash = strrchr(out->path, '/');
	*slash = '\0';
	dirfd = open(slash == out->path ? "/" : out->path,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd != -1)
		fd = recovery_open(dirfd, out->path, slash + 1,
		    place_ipcns_ino(shm_addr_place(a)), &rec);
	*slash = '/';
	if (fd == -1)
		goto out;
	out->addr.kind = SHM_SYSV;
	out->addr.key = rec.key;
	out->addr.by_id = rec.key == IPC_PRIVATE;
	out->addr.fd = -1;
	out->pagesize = rec.pagesize;

	if (rec.state == REC_ORIGINAL) {
		/* The original was never removed: the file is stale. */
		out->stale = true;
		out->addr.id = rec.old_id;
		if (unlink(rec.path) == -1)
			goto out;
		r = 0;
		goto out;
	}
	if (!rec.complete) {
		errno = SHM_EINCOMPLETE;
		goto out;
	}
	if (rec.new_size == 0 || rec.new_size > SIZE_MAX) {
		errno = EINVAL;
		goto out;
	}
	if (rec.key != IPC_PRIVATE && rec.state != REC_NONE &&
	    (id = shmget(rec.key, 0, 0)) != -1) {
		if (shmctl(id, IPC_STAT, &ds) == -1)
			goto out;
		out->addr.id = id;
		/* Someone's, not the copy it names, and nothing proves ours. */
		if (rec.state == REC_OTHER && !rec.proven &&
		    !(flags & SHM_RESIZE_FORCE)) {
			errno = SHM_EOTHERSEG;
			goto out;
		}
		/* The new segment, whole or half filled, or someone's since. */
		if (ds.shm_nattch > 0 && !(flags & SHM_RESIZE_FORCE)) {
			out->busy_pid = ds.shm_lpid;
			errno = EBUSY;
			goto out;
		}
	} else
		id = -1;
	/* Huge pages we may not have: say so before the key is freed. */
	if (rec.pagesize != 0 && check_huge_room(rec.pagesize,
	    id != -1 ? ds.shm_segsz : 0, rec.new_size) == -1)
		goto out;
	if (id != -1 && shmctl(id, IPC_RMID, NULL) == -1)
		goto out;
	{
		struct copy_to t = {
			rec.key, rec.new_size, rec.mode, rec.uid, rec.gid, 0,
			rec.pagesize != 0 ? huge_shmflg(rec.pagesize) : 0
		};
		size_t keep = (size_t)(rec.new_size < rec.old_size ?
		    rec.new_size : rec.old_size);

		if ((id = make_copy(&t, NULL, fd, rec.data_off, keep)) == -1)
			goto out;
	}
	out->addr.id = id;
	if (unlink(rec.path) == -1)
		goto out;
	r = 0;
out:
	e = errno;
	if (fd != -1)
		close(fd);
	if (dirfd != -1)
		close(dirfd);
	free(rec.path);
	shm_key_unlock(lockfd);
	errno = e;
	return r;
}

void
shm_recover_result_free(struct shm_recover_result *out)
{
	free(out->path);
	out->path = NULL;
}
