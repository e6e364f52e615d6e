/*
 * lock.c - the per-key lock that makes a System V resize exclusive against
 * every other use of the key through the tools, and who may hold it.
 *
 * A resize holds the key's lock exclusively; the other System V
 * operations of the tools (open, create, remove) hold it shared.  The
 * lock is flock(2) on a file named after the IPC namespace and the key,
 * so it dies with its holder: a resize killed by SIGKILL never leaves the
 * key locked.  The last holder unlinks the lock file; a process that
 * locked a file unlinked meanwhile sees it is no longer at its path and
 * starts again, so two holders never lock two different files.
 *
 * No user may delay or block an operation on a segment that it could not
 * itself change (shmtools(7)).  The files live in a directory every user
 * may create files in (/run/lock, mode 1777, or /tmp), so anyone can make
 * and flock a file of any name there; what keeps that from mattering:
 *
 *  - Only a process that could change the segment (its owner, its
 *    creator, or one whose CAP_SYS_ADMIN counts in the user namespace
 *    that owns the IPC namespace: who could resize it) opens or makes
 *    the lock file and holds the lock.  Anyone else only looks: it waits
 *    while a trusted file is locked exclusively (it learns that from
 *    /proc/locks, holding nothing), and never makes anyone wait.
 *  - A lock file is trusted only if it is a regular file of mode 0600
 *    owned by the segment's owner, its creator, or root: only they can
 *    open it, so only they can lock it.  For a key that names nothing
 *    yet (a create, or a resize between removing and making the
 *    segment) we trust root's files and our own, and pass over (never
 *    remove) a held one we cannot judge.  Root makes the file
 *    for the segment's owner (fchown), so that the owner can lock it
 *    too.  A file anyone else made, or open to others, is not a lock:
 *    it is removed when we may (root may, in the sticky directory) and
 *    replaced by ours; when we may not, it is ignored.  So "locked: a
 *    resize is in progress" means one held by someone with the right.
 *    The one thing a stranger can still do is take the name of a
 *    non-root owner's lock file first: that owner's resize then refuses,
 *    naming the file (root can remove it); nobody is made to wait.
 *
 * A bulk removal (shmrm --orphans, --all; and shmrm KEY KEY..., through
 * shm_remove_batch()) takes one lock for the whole IPC namespace
 * instead of one a segment: an OFD write lock (fcntl) on
 * shmtools-ipcINODE.lock, a file of root's, mode 0644.  A write lock
 * needs the file open for writing, so only root can take it; a resize
 * (anyone's) holds it for reading for as long as it runs.  The order
 * makes it safe: a resize takes its key's lock first and looks for the
 * namespace's file second; the bulk removal takes the namespace's lock
 * first and lists the directory second.  So a resize either waits for
 * the removal (it found the file), or its key's file was there when the
 * removal listed the directory, and that key is removed under its own
 * lock.  A reader of the file cannot hold off a removal: the removal's
 * write lock then fails at once, and it takes the key locks, as it
 * would without the namespace lock.  A file at that name that is not
 * root's is removed by root, and passed over by a resize.  A bulk removal
 * without root's rights takes the key locks.
 *
 * Nothing here waits forever: a lock that stays taken for longer than the
 * bound (SHMTOOLS_LOCK_WAIT_MS, for the tests; else LOCK_WAIT_MS) fails
 * with EWOULDBLOCK, which shm_explain() words as a resize in progress.
 *
 * Layer: places (src/lib/LAYERS): a lock belongs to a key of a place.
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
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include "backend.h"

#define LOCK_DIR	"/run/lock"
#define LOCK_DIR_ALT	"/tmp"
#define LOCK_WAIT_MS	5000
#define LOCK_POLL_MS	10
#define LOCK_OFLAGS	(O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)

/* How long one operation has waited, against the bound. */
struct waiter {
	long	 waited, bound;
};

/* Wait one poll more: 0, or -1 with EWOULDBLOCK (past the bound), EINTR. */
static int
tick(struct waiter *w)
{
	const struct timespec poll = { 0, LOCK_POLL_MS * 1000000L };

	if (w->bound < 0)
		w->bound = shm_env_ms("SHMTOOLS_LOCK_WAIT_MS", LOCK_WAIT_MS);
	if (shm_signal_pending()) {
		errno = EINTR;
		return -1;
	}
	if (w->waited >= w->bound) {
		errno = EWOULDBLOCK;
		return -1;
	}
	(void)nanosleep(&poll, NULL);
	w->waited += LOCK_POLL_MS;
	return 0;
}

/*
 * Every user must pick the same directory, or two of them would lock
 * two files: /run/lock where anyone may create files in it (Debian's
 * 1777), else /tmp (some systems keep /run/lock for root).
 */
static const char *
lock_dir(void)
{
	static const char *dir;
	struct stat st;

	if (dir == NULL)
		dir = stat(LOCK_DIR, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (st.st_mode & 01777) == 01777 ? LOCK_DIR : LOCK_DIR_ALT;
	return dir;
}

int
shm_lock_path(const struct shm_place *place, key_t key, int id, char *buf,
    size_t len)
{
	int n;

	if (key != IPC_PRIVATE)
		n = snprintf(buf, len, "%s/shmtools-ipc%llu-0x%08x.lock",
		    lock_dir(), place_ipcns_ino(place), (unsigned)key);
	else
		n = snprintf(buf, len, "%s/shmtools-ipc%llu-id-%d.lock",
		    lock_dir(), place_ipcns_ino(place), id);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The namespace's lock, a bulk removal's (see the top). */
static int
ns_lock_path(const struct shm_place *place, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/shmtools-ipc%llu.lock", lock_dir(),
	    place_ipcns_ino(place));

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Does CAP_SYS_ADMIN count for the IPC namespace of place p: is it ours
 * in the user namespace that owns it?  Root of an `unshare -r` has it
 * effective, and it counts for nothing in the host's IPC namespace.
 */
bool
lock_sysv_admin(const struct shm_place *p)
{
	static int own = -1;	/* our own place's answer, once known */
	struct stat st;
	bool r;
	int fd;

	if (p == NULL)
		p = shm_place_default();
	if (p->ipcns != -1)
		return shm_cap_counts_for(CAP_SYS_ADMIN, p->ipcns);
	if (own != -1)
		return own;
	/* Ours: the namespace we are in, unless -A took us elsewhere. */
	if ((fd = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC)) == -1)
		return shm_have_cap(CAP_SYS_ADMIN);
	if (fstat(fd, &st) == -1 ||
	    (unsigned long long)st.st_ino != place_ipcns_ino(p)) {
		close(fd);
		return shm_have_cap(CAP_SYS_ADMIN);
	}
	r = shm_cap_counts_for(CAP_SYS_ADMIN, fd);
	close(fd);
	own = r;
	return r;
}

/*
 * The owner and creator of the segment key names (shmid id when key is
 * IPC_PRIVATE), or SHM_UNKNOWN_ID when it names none: read without read
 * permission where the kernel allows, as sysv_key_of() does.
 */
static void
seg_owners(key_t key, int id, uid_t *uid, uid_t *cuid)
{
	struct shmid_ds ds;

	*uid = *cuid = SHM_UNKNOWN_ID;
	if (key != IPC_PRIVATE && (id = shmget(key, 0, 0)) == -1)
		return;
	if (sysv_stat_id(id, &ds) == 0) {
		*uid = ds.shm_perm.uid;
		*cuid = ds.shm_perm.cuid;
	}
}

/* Could we change (remove, resize) the segment of uid and cuid? */
static bool
may_change(const struct shm_place *place, uid_t uid, uid_t cuid)
{
	uid_t euid = shm_euid();

	/* A key that names nothing is anyone's to take. */
	return uid == SHM_UNKNOWN_ID || uid == euid || cuid == euid ||
	    lock_sysv_admin(place);
}

/* Is st a lock file of someone who could change the segment (the top)? */
static bool
trusted(const struct stat *st, uid_t uid, uid_t cuid)
{
	if (!S_ISREG(st->st_mode) || (st->st_mode & 077) != 0)
		return false;
	if (st->st_uid == 0)
		return true;
	if (uid == SHM_UNKNOWN_ID)
		return st->st_uid == shm_euid();
	return st->st_uid == uid || st->st_uid == cuid;
}

/*
 * One who could not change the segment holds nothing: it waits while
 * someone who could holds the lock exclusively, then goes on unlocked
 * (-1, EPERM), or fails (EWOULDBLOCK, EINTR).
 */
static int
look_only(const char *path, uid_t uid, uid_t cuid, struct waiter *w)
{
	struct stat st;

	while (lstat(path, &st) == 0 && trusted(&st, uid, cuid) &&
	    proc_flocked(&st, true))
		if (tick(w) == -1)
			return -1;
	errno = EPERM;
	return -1;
}

/*
 * Open the lock file, making it if need be, as a file we may trust; an
 * untrusted one in its place is removed if we may.  Without O_CREAT
 * first: with fs.protected_regular, O_CREAT on another user's file in a
 * sticky directory fails even when the file exists.  -1 with EACCES: a
 * trusted file we may not open (*st says which); EPERM: an untrusted
 * one we may not remove.
 */
static int
open_lock_file(const char *path, uid_t uid, uid_t cuid, struct stat *st)
{
	struct stat now;
	int fd, tries;

	for (tries = 0; tries < 5; tries++) {
		bool made = false;

		if ((fd = open(path, LOCK_OFLAGS)) == -1 && errno == ENOENT) {
			fd = open(path, LOCK_OFLAGS | O_CREAT | O_EXCL, 0600);
			if (fd == -1 && errno == EEXIST)
				continue;
			made = fd != -1;
		}
		if (fd == -1) {
			if (errno != EACCES && errno != ELOOP)
				return -1;
			if (lstat(path, st) == -1)
				continue;		/* gone meanwhile */
			if (errno == EACCES && trusted(st, uid, cuid))
				return -1;
		} else {
			if (fstat(fd, st) == -1) {
				close_keep_errno(fd);
				return -1;
			}
			/* Whatever the umask; and the owner's to lock too. */
			if (made && (st->st_mode & 0777) != 0600 &&
			    fchmod(fd, 0600) == 0)
				st->st_mode = (st->st_mode & ~0777u) | 0600;
			if (made && shm_euid() == 0 && uid != SHM_UNKNOWN_ID &&
			    uid != 0 && fchown(fd, uid, (gid_t)-1) == 0)
				st->st_uid = uid;
			if (trusted(st, uid, cuid))
				return fd;
			close(fd);
		}
		/*
		 * No lock of anyone with the right: ours replaces it.  For a
		 * key that names nothing, one held may be a resize's that
		 * we cannot judge: passed over, not removed.
		 */
		if (lstat(path, &now) == -1 || now.st_ino != st->st_ino ||
		    now.st_dev != st->st_dev)
			continue;
		if ((uid == SHM_UNKNOWN_ID && proc_flocked(st, false)) ||
		    (unlink(path) == -1 && errno != ENOENT)) {
			errno = EPERM;
			return -1;
		}
	}
	errno = EAGAIN;
	return -1;
}

/*
 * A signal the caller blocked arrived and asks it to stop: stop waiting,
 * and (sysv_resize.c) do not start what cannot be stopped.  Signals
 * whose default is not to end the process (a Ctrl-Z, a child's exit, a
 * window's new size) do not count, nor do ignored ones.
 */
bool
shm_signal_pending(void)
{
	struct sigaction sa;
	sigset_t set;
	int sig;

	if (sigpending(&set) == -1)
		return false;
	for (sig = 1; sig < NSIG; sig++) {
		switch (sig) {
		case SIGCHLD: case SIGCONT: case SIGTSTP: case SIGTTIN:
		case SIGTTOU: case SIGURG: case SIGWINCH:
			continue;
		}
		/* Ignored (SIGINT of a background job): it will not act. */
		if (sigismember(&set, sig) == 1 &&
		    (sigaction(sig, NULL, &sa) == -1 || sa.sa_handler != SIG_IGN))
			return true;
	}
	return false;
}

/* Is fd, locked, still the file at path?  Else its last holder unlinked it. */
static bool
still_linked(int fd, const char *path)
{
	struct stat fst, pst;

	return fstat(fd, &fst) == 0 && lstat(path, &pst) == 0 &&
	    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino;
}

/* A resize's read lock on the namespace's lock, and its key lock's fd. */
static int held_nsfd = -1, held_keyfd = -1;

/* Root's namespace lock file: root's, and nobody else may write it. */
static bool
ns_trusted(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_uid == 0 &&
	    (st->st_mode & 022) == 0;
}

/*
 * A resize, holding its key's lock, waits for a bulk removal at work in
 * its namespace and keeps it from starting until the resize is done (the
 * top).  No file, or one not root's: no bulk removal holds it.
 */
static int
ns_share(const struct shm_place *place, struct waiter *w)
{
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	char path[PATH_MAX];
	struct stat st;
	int fd, e;

	if (ns_lock_path(place, path, sizeof(path)) == -1)
		return 0;
again:
	if ((fd = open(path, LOCK_OFLAGS)) == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !ns_trusted(&st)) {
		close(fd);
		return 0;
	}
	while (fcntl(fd, F_OFD_SETLK, &fl) == -1) {
		if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
			close(fd);
			return 0;
		}
		if (tick(w) == -1) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
	}
	if (!still_linked(fd, path)) {
		close(fd);
		goto again;
	}
	held_nsfd = fd;
	return 0;
}

/*
 * Lock the key of the segment of owner uid and creator cuid (see the
 * top): the descriptor that holds the lock, or -1 with EWOULDBLOCK or
 * EINTR (the caller must not go on), or with another errno: not locked,
 * and the caller goes on without (a shared lock) or refuses (a resize).
 */
int
shm_key_lock_owned(const struct shm_place *place, key_t key, int id,
    uid_t uid, uid_t cuid, bool exclusive)
{
	struct waiter w = { 0, -1 };
	char path[PATH_MAX];
	struct stat st;
	int fd, e;

	if (shm_lock_path(place, key, id, path, sizeof(path)) == -1)
		return -1;
	if (!may_change(place, uid, cuid))
		return look_only(path, uid, cuid, &w);
again:
	if ((fd = open_lock_file(path, uid, cuid, &st)) == -1) {
		if (errno != EACCES)
			return -1;
		/* Trusted, but not ours to open: wait while it is held. */
		if (!proc_flocked(&st, !exclusive)) {
			errno = EACCES;
			return -1;
		}
		if (tick(&w) == -1)
			return -1;
		goto again;
	}
	while (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == -1) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    tick(&w) == -1)
			goto fail;
	}
	/* Locked a file its last holder removed meanwhile: take the new one. */
	if (!still_linked(fd, path)) {
		close(fd);
		goto again;
	}
	if (exclusive) {
		if (ns_share(place, &w) == -1)
			goto fail;
		held_keyfd = fd;
	}
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* The same, for whatever segment key (or shmid id) names now. */
int
shm_key_lock(const struct shm_place *place, key_t key, int id, bool exclusive)
{
	uid_t uid, cuid;

	seg_owners(key, id, &uid, &cuid);
	return shm_key_lock_owned(place, key, id, uid, cuid, exclusive);
}

/*
 * Let go of the lock; the last holder removes the file, so that keys
 * used once leave nothing behind.  Whoever opened it meanwhile finds it
 * unlinked once locked (still_linked) and starts again on a new one.
 * Only a holder of the exclusive lock unlinks, so two never race.
 */
void
shm_key_unlock(int fd)
{
	char path[PATH_MAX];
	int e = errno;

	if (fd < 0)
		return;
	if (fd == held_keyfd) {
		if (held_nsfd != -1)
			close(held_nsfd);
		held_nsfd = held_keyfd = -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    self_fd_link(fd, path, sizeof(path)) > 0) {
		if (still_linked(fd, path))
			(void)unlink(path);
	}
	close(fd);	/* drops the flock */
	errno = e;
}

/* --- a bulk removal's one lock ---------------------------------------------- */

static struct {
	const struct shm_place	*place;	/* the place it was asked for... */
	unsigned long long	 ino;	/* ...and its IPC namespace */
	int			 fd;	/* its namespace lock, or -1: none */
	char			 path[PATH_MAX];
	long long		*named;	/* keys, and -1 - shmids, that have */
	size_t			 nnamed;	/* a lock file: sorted */
} bulk = { NULL, 0, -1, "", NULL, 0 };

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* The keys and shmids of the place that have a lock file now. */
static int
list_key_files(const struct shm_place *place)
{
	char prefix[64];
	struct dirent *de;
	size_t plen, cap = 0;
	DIR *d;
	int r = 0;

	snprintf(prefix, sizeof(prefix), "shmtools-ipc%llu-",
	    place_ipcns_ino(place));
	plen = strlen(prefix);
	if ((d = opendir(lock_dir())) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		const char *rest = de->d_name + plen;
		unsigned key;
		int id, end = 0;
		long long v;

		if (strncmp(de->d_name, prefix, plen) != 0)
			continue;
		if (sscanf(rest, "0x%8x.lock%n", &key, &end) == 1 &&
		    rest[end] == '\0')
			v = key;
		else if (sscanf(rest, "id-%d.lock%n", &id, &end) == 1 &&
		    rest[end] == '\0')
			v = -1 - (long long)id;
		else
			continue;
		if (bulk.nnamed == cap) {
			long long *p = reallocarray(bulk.named,
			    cap = cap ? cap * 2 : 16, sizeof(*p));

			if (p == NULL) {
				r = -1;
				break;
			}
			bulk.named = p;
		}
		bulk.named[bulk.nnamed++] = v;
	}
	closedir(d);
	if (bulk.nnamed > 0)
		qsort(bulk.named, bulk.nnamed, sizeof(*bulk.named), cmp_ll);
	return r;
}

/*
 * Take the namespace's lock for a bulk removal (the top), if we have
 * root's rights there and nobody reads the file: else bulk.fd stays -1
 * and every key is locked on its own.
 */
static void
bulk_begin(const struct shm_place *place)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	const int oflags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	struct stat st;
	int fd = -1, tries;

	if (!lock_sysv_admin(place) ||
	    ns_lock_path(place, bulk.path, sizeof(bulk.path)) == -1)
		return;
	for (tries = 0; tries < 5; tries++) {
		if ((fd = open(bulk.path, oflags)) == -1 && errno == ENOENT) {
			fd = open(bulk.path, oflags | O_CREAT | O_EXCL, 0644);
			if (fd == -1 && errno == EEXIST)
				continue;
			if (fd != -1)
				(void)fchmod(fd, 0644);
		}
		if (fd == -1)
			return;
		if (fstat(fd, &st) == 0 && ns_trusted(&st)) {
			/* Taken: a resize (or a reader) has it. */
			if (fcntl(fd, F_OFD_SETLK, &fl) == -1)
				break;
			if (still_linked(fd, bulk.path)) {
				if (list_key_files(place) == 0) {
					bulk.fd = fd;
					return;
				}
				break;
			}
		} else if (unlink(bulk.path) == -1 && errno != ENOENT)
			break;		/* not root's, and here to stay */
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	if (fd != -1)
		close(fd);
}

void
lock_bulk_end(void)
{
	if (bulk.fd != -1) {
		/* Ours alone while we hold it; a resize that waits retries. */
		if (still_linked(bulk.fd, bulk.path))
			(void)unlink(bulk.path);
		close(bulk.fd);
	}
	free(bulk.named);
	bulk.named = NULL;
	bulk.nnamed = 0;
	bulk.fd = -1;
	bulk.place = NULL;
}

/*
 * Within a bulk removal: does the namespace's lock stand for key's own
 * (shmid id's, for a private segment), so that no key lock is needed?
 * Taken the first time it is asked for a place, let go when another
 * place is asked about or by lock_bulk_end().
 */
/*
 * Take the namespace's lock now, if it is not held for place already:
 * whether it was taken (else keys are locked one by one).
 */
bool
lock_bulk_take(const struct shm_place *place)
{
	if (bulk.place != place || bulk.ino != place_ipcns_ino(place)) {
		lock_bulk_end();
		bulk.place = place;
		bulk.ino = place_ipcns_ino(place);
		bulk_begin(place);
	}
	return bulk.fd != -1;
}

bool
lock_bulk_covers(const struct shm_place *place, key_t key, int id)
{
	long long v = key != IPC_PRIVATE ? (long long)(unsigned)key :
	    -1 - (long long)id;

	lock_bulk_take(place);
	/* bsearch(3) may not be given NULL, even for no element. */
	return bulk.fd != -1 && (bulk.nnamed == 0 ||
	    bsearch(&v, bulk.named, bulk.nnamed, sizeof(v), cmp_ll) == NULL);
}
