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
 *  4. write the recovery file: a header (struct shm_recovery_header)
 *     saying which key, shmid, sizes, mode and owner, then the data;
 *  5. check NATTCH once more, IPC_RMID the original (the point of no
 *     return: it frees the key; our attachment keeps the memory), create
 *     the new segment with IPC_EXCL, mode 0600 until it is filled, copy,
 *     give it the old mode and owner;
 *  6. look for processes that attached behind our back: to the original
 *     after the check (they stay on the removed segment) or to the new one
 *     while it was half filled.  IPC_RMID cannot be undone, so they are
 *     only reported;
 *  7. remove the recovery file.
 * If there is no room for both segments (kernel.shmmni, kernel.shmall),
 * the original goes first and the copy comes from the file; failing that,
 * a segment of the old size is made from it; failing that, the file stays.
 * SIGKILL cannot be blocked: it leaves the recovery file, which is why the
 * file is written before anything changes and removed after.
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

#define RECOVERY_PREFIX	"shmresize-"

static const char recovery_magic[8] = SHM_RECOVERY_MAGIC;

/* ${TMPDIR:-/tmp}: where the recovery files live. */
static const char *
recovery_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && *dir != '\0' ? dir : "/tmp";
}

/* "0x0000abcd" for a key, "id-N" for a private segment. */
static void
recovery_tag(key_t key, int id, char *buf, size_t len)
{
	if (key != IPC_PRIVATE)
		snprintf(buf, len, "0x%08x", (unsigned)key);
	else
		snprintf(buf, len, "id-%d", id);
}

/*
 * SHMTOOLS_TEST_PAUSE=POINT:MS stops a resize for MS milliseconds at POINT
 * ("create": the recovery file is made, its header not yet written;
 * "save": the data is saved, a signal may still stop the resize; "rmid":
 * after the last NATTCH check, before IPC_RMID; "copy": the new segment
 * exists, empty), so that the tests can act at that instant instead of
 * hoping to hit it.
 */
static void
test_pause(const char *point)
{
	const char *s = getenv("SHMTOOLS_TEST_PAUSE");
	size_t len = strlen(point);
	struct timespec ts;
	long ms;

	if (s == NULL || strncmp(s, point, len) != 0 || s[len] != ':')
		return;
	ms = strtol(s + len + 1, NULL, 10);
	if (ms <= 0 || ms > 60000)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
read_full_at(int fd, void *buf, size_t len, off_t off)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = SHM_ESHRUNK;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* --- recovery files ---------------------------------------------------- */

void
sysv_recovery_list_free(struct shm_recovery *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/*
 * The header's mode holds the permission bits and, for a segment of huge
 * pages, shmget()'s flags for them above (SHM_HUGETLB and the page size's
 * log2 in bits 26-31): files of older versions hold only the former.
 */
static uint64_t
recovery_pagesize(uint32_t mode)
{
	unsigned shift = (mode >> 26) & 0x3f;

	return (mode & SHM_HUGETLB) && shift != 0 ? (uint64_t)1 << shift : 0;
}

/*
 * Open recovery file name in dirfd and read its header into rec, or fail
 * (ENOENT for anything that is not ours to trust: not a regular file, a
 * symbolic link, owned by another user than the caller or root, a bad
 * header, another IPC namespace's, a name that does not match the key).
 */
static int
recovery_open(int dirfd, const char *dir, const char *name,
    struct shm_recovery *rec)
{
	struct shm_recovery_header h;
	char tag[32], want[64];
	struct stat st;
	uid_t me = geteuid();
	int fd;

	if (strncmp(name, RECOVERY_PREFIX, strlen(RECOVERY_PREFIX)) != 0) {
		errno = ENOENT;
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != me && st.st_uid != 0) ||
	    (size_t)st.st_size < sizeof(h) ||
	    read_full_at(fd, &h, sizeof(h), 0) == -1 ||
	    memcmp(h.magic, recovery_magic, sizeof(h.magic)) != 0 ||
	    h.version != SHM_RECOVERY_VERSION ||
	    h.ipcns != shm_ipcns_ino())
		goto untrusted;
	recovery_tag((key_t)h.key, h.old_id, tag, sizeof(tag));
	snprintf(want, sizeof(want), RECOVERY_PREFIX "%s-", tag);
	if (strncmp(name, want, strlen(want)) != 0)
		goto untrusted;
	memset(rec, 0, sizeof(*rec));
	if (asprintf(&rec->path, "%s/%s", dir, name) == -1) {
		rec->path = NULL;
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	rec->key = (key_t)h.key;
	rec->old_id = h.old_id;
	rec->old_size = h.old_size;
	rec->new_size = h.new_size;
	rec->mode = (mode_t)(h.mode & 0777);
	rec->pagesize = recovery_pagesize(h.mode);
	rec->uid = (uid_t)h.uid;
	rec->gid = (gid_t)h.gid;
	rec->mtime = st.st_mtime;
	rec->complete = (uint64_t)st.st_size - sizeof(h) == h.old_size;
	return fd;
untrusted:
	close(fd);
	errno = ENOENT;
	return -1;
}

static int
recovery_cmp(const void *a, const void *b)
{
	const struct shm_recovery *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * The recovery files in $TMPDIR (else /tmp) that the caller may trust,
 * oldest first: those a resize in the IPC namespace of place (NULL: the
 * default place) left when it was killed or failed.  An unreadable
 * directory is an error; an empty or missing one is no files.
 */
int
sysv_recovery_list(const struct shm_place *place, struct shm_recovery **vp,
    size_t *np)
{
	const char *dir = recovery_dir();
	struct shm_recovery *v = NULL, rec;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	*vp = NULL;
	*np = 0;
	if (place_enter(place != NULL ? place : shm_place_default()) == -1)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if ((fd = recovery_open(dirfd(d), dir, de->d_name, &rec)) == -1)
			continue;
		close(fd);
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct shm_recovery *nv = reallocarray(v, ncap,
			    sizeof(*v));

			if (nv == NULL) {
				free(rec.path);
				sysv_recovery_list_free(v, n);
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			v = nv;
			cap = ncap;
		}
		v[n++] = rec;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), recovery_cmp);
	*vp = v;
	*np = n;
	return 0;
}

/* Does recovery file rec belong to address a (by key, or by old shmid)? */
static bool
recovery_matches(const struct shm_recovery *rec, const struct shm_addr *a)
{
	if (a->by_id)
		return rec->old_id == a->id;
	return rec->key != IPC_PRIVATE && rec->key == a->key;
}

/*
 * The oldest recovery file for a, in *found (found->path NULL if none);
 * the caller frees found->path.
 */
static int
recovery_find(const struct shm_addr *a, struct shm_recovery *found)
{
	struct shm_recovery *v;
	size_t n, i;

	memset(found, 0, sizeof(*found));
	if (sysv_recovery_list(shm_addr_place(a), &v, &n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (recovery_matches(&v[i], a)) {
			*found = v[i];
			v[i].path = NULL;
			break;
		}
	sysv_recovery_list_free(v, n);
	return 0;
}

/*
 * Make the recovery file path (its last six characters XXXXXX, made
 * unique here) in dir, holding header h, mode 0600.  It appears under its
 * name only with the whole header in it: made unnamed (O_TMPFILE) and
 * linked once written, so that a SIGKILL in between leaves nothing
 * behind, not an empty file that no --recover would ever trust or
 * remove.  Where the file system has no O_TMPFILE, mkostemp(), and the
 * moment in which an empty file can be left is back.
 */
static int
recovery_create(const char *dir, char *path,
    const struct shm_recovery_header *h)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char *x = path + strlen(path) - 6, fdpath[32];
	int fd, tries, e;

	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1) {
		test_pause("create");
		if (write_full(fd, h, sizeof(*h)) == -1)
			goto fail;
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		for (tries = 0; tries < 100; tries++) {
			unsigned char r[6];
			int i;

			if (getentropy(r, sizeof(r)) == -1)
				goto fail;
			for (i = 0; i < 6; i++)
				x[i] = set[r[i] % (sizeof(set) - 1)];
			if (linkat(AT_FDCWD, fdpath, AT_FDCWD, path,
			    AT_SYMLINK_FOLLOW) == 0)
				return fd;
			if (errno != EEXIST)
				break;	/* no /proc, say: as below */
		}
		close(fd);
		memcpy(x, "XXXXXX", 6);
	}
	/* No O_TMPFILE here, or no way to name one: the plain way. */
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
		return -1;
	test_pause("create");
	if (write_full(fd, h, sizeof(*h)) == 0)
		return fd;
	e = errno;
	unlink(path);
	close(fd);
	errno = e;
	return -1;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/*
 * Save the data of the segment described by ds (attached at p) to a new
 * recovery file, mode 0600 (recovery_create), header first.  Returns its
 * descriptor and sets *path; or -1, and *path is the directory tried.
 */
static int
recovery_save(const struct shmid_ds *ds, int id, uint64_t new_size,
    uint64_t pagesize, const unsigned char *p, char **path)
{
	struct shm_recovery_header h;
	const char *dir = recovery_dir();
	char tag[32];
	int fd, e;

	recovery_tag(IPC_PERM_KEY(ds->shm_perm), id, tag, sizeof(tag));
	if (asprintf(path, "%s/" RECOVERY_PREFIX "%s-XXXXXX", dir, tag) == -1) {
		*path = NULL;
		errno = ENOMEM;
		return -1;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, recovery_magic, sizeof(h.magic));
	h.version = SHM_RECOVERY_VERSION;
	h.key = (uint32_t)IPC_PERM_KEY(ds->shm_perm);
	h.old_id = id;
	h.mode = (ds->shm_perm.mode & 0777) |
	    (pagesize != 0 ? (uint32_t)huge_shmflg(pagesize) : 0);
	h.uid = ds->shm_perm.uid;
	h.gid = ds->shm_perm.gid;
	h.old_size = ds->shm_segsz;
	h.new_size = new_size;
	h.ipcns = shm_ipcns_ino();
	if ((fd = recovery_create(dir, *path, &h)) == -1)
		goto fail;
	if (write_full(fd, p, ds->shm_segsz) == 0)
		return fd;
	e = errno;
	close(fd);
	unlink(*path);
	errno = e;
fail:
	e = errno;
	snprintf(*path, strlen(*path) + 1, "%s", dir);
	errno = e;
	return -1;
}

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
 * or (src NULL) from srcfd after the header; then given t's mode and
 * owner.  Until then its mode is 0600: nobody but its owner (and root)
 * can attach a half-filled segment.
 */
static int
make_copy(struct copy_to *t, const unsigned char *src, int srcfd, size_t len)
{
	struct shmid_ds ds;
	unsigned char *dst;
	int id, e;

	id = shmget(t->key, (size_t)t->size, IPC_CREAT | IPC_EXCL | 0600 |
	    t->hugeflg);
	if (id == -1)
		return -1;
	if ((dst = shmat(id, NULL, 0)) == (void *)-1)
		goto undo;
	test_pause("copy");
	if (src != NULL)
		memcpy(dst, src, len);
	else if (read_full_at(srcfd, dst, len,
	    (off_t)sizeof(struct shm_recovery_header)) == -1) {
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
lock_failed(key_t key, int id, struct shm_resize_result *res)
{
	char path[PATH_MAX];
	int e = errno;

	if (e != EWOULDBLOCK && e != EINTR &&
	    shm_lock_path(key, id, path, sizeof(path)) == 0)
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
	struct shmid_ds now;
	int id, e;

	if ((id = make_copy(&t, old, -1, keep)) != -1) {
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
	if ((id = make_copy(&t, NULL, fd, keep)) != -1)
		goto done;
	e = errno;
	t.size = ds->shm_segsz;
	if ((id = make_copy(&t, NULL, fd, (size_t)ds->shm_segsz)) != -1) {
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
	if ((lockfd = shm_key_lock(key, a->id, true)) == -1) {
		lock_failed(key, a->id, res);
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
	if ((fd = recovery_save(&ds, id, size, res->pagesize, old,
	    &res->saved)) == -1) {
		res->savedir = res->saved;
		res->saved = NULL;
		goto out;
	}
	/* Interrupted while saving: stop now, while nothing has changed. */
	test_pause("save");
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
	test_pause("rmid");
	if (shmctl(id, IPC_RMID, NULL) == -1)
		goto discard;
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
 * never removed, so the file was only deleted.
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
	if ((lockfd = shm_key_lock(found.key, found.old_id, true)) == -1)
		goto out;
	slash = strrchr(out->path, '/');
	*slash = '\0';
	dirfd = open(slash == out->path ? "/" : out->path,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd != -1)
		fd = recovery_open(dirfd, out->path, slash + 1, &rec);
	*slash = '/';
	if (fd == -1)
		goto out;
	out->addr.kind = SHM_SYSV;
	out->addr.key = rec.key;
	out->addr.by_id = rec.key == IPC_PRIVATE;
	out->addr.fd = -1;

	if (rec.key != IPC_PRIVATE)
		id = shmget(rec.key, 0, 0);
	else if (shmctl(rec.old_id, IPC_STAT, &ds) == 0 &&
	    !(ds.shm_perm.mode & SHM_DEST))
		id = rec.old_id;
	if (id != -1 && shmctl(id, IPC_STAT, &ds) == -1)
		goto out;
	if (id != -1 && id == rec.old_id) {
		/* The original was never removed: the file is stale. */
		out->stale = true;
		out->addr.id = id;
		if (unlink(rec.path) == -1)
			goto out;
		r = 0;
		goto out;
	}
	if (!rec.complete) {
		errno = SHM_ESHRUNK;
		goto out;
	}
	if (rec.new_size == 0 || rec.new_size > SIZE_MAX) {
		errno = EINVAL;
		goto out;
	}
	if (id != -1) {
		/* The new segment, whole or half filled, or someone's since. */
		if (ds.shm_nattch > 0 && !(flags & SHM_RESIZE_FORCE)) {
			out->busy_pid = ds.shm_lpid;
			errno = EBUSY;
			goto out;
		}
		if (shmctl(id, IPC_RMID, NULL) == -1)
			goto out;
	}
	{
		struct copy_to t = {
			rec.key, rec.new_size, rec.mode, rec.uid, rec.gid, 0,
			rec.pagesize != 0 ? huge_shmflg(rec.pagesize) : 0
		};
		size_t keep = (size_t)(rec.new_size < rec.old_size ?
		    rec.new_size : rec.old_size);

		if ((id = make_copy(&t, NULL, fd, keep)) == -1)
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
