/*
 * lock.c - the per-key lock that makes a System V resize exclusive against
 * every other use of the key through the tools.
 *
 * A resize holds the key's lock exclusively; every other System V
 * operation of the tools (open, create, remove) holds it shared.  The
 * lock is flock(2) on a file named after the IPC namespace and the key,
 * so it dies with its holder: a resize killed by SIGKILL never leaves the
 * key locked.  The last holder unlinks the lock file; a process that
 * locked a file unlinked meanwhile sees it is no longer at its path and
 * starts again, so two holders never lock two different files.
 *
 * The directory is /run/lock, or /tmp where /run/lock is not open to
 * every user.  Nothing here waits forever: a lock that stays taken for longer than the
 * bound (SHMTOOLS_LOCK_WAIT_MS, for the tests; else LOCK_WAIT_MS) fails
 * with EWOULDBLOCK, which shm_explain() words as a resize in progress.
 *
 * Layer: places (src/lib/LAYERS): a lock belongs to a key of a place.
 */
#include "config.h"

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

#include "backend.h"

#define LOCK_DIR	"/run/lock"
#define LOCK_DIR_ALT	"/tmp"
#define LOCK_WAIT_MS	5000
#define LOCK_POLL_MS	10

static long
lock_wait_ms(void)
{
	const char *s = getenv("SHMTOOLS_LOCK_WAIT_MS");
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return LOCK_WAIT_MS;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > 3600000)
		return LOCK_WAIT_MS;
	return v;
}

int
shm_lock_path(const struct shm_place *place, key_t key, int id, char *buf,
    size_t len)
{
	struct stat st;
	const char *dir = LOCK_DIR;
	int n;

	/*
	 * Every user must pick the same directory, or two of them would lock
	 * two files: /run/lock where anyone may create files in it (Debian's
	 * 1777), else /tmp (some systems keep /run/lock for root).
	 */
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    (st.st_mode & 01777) != 01777)
		dir = LOCK_DIR_ALT;
	if (key != IPC_PRIVATE)
		n = snprintf(buf, len, "%s/shmtools-ipc%llu-0x%08x.lock", dir,
		    place_ipcns_ino(place), (unsigned)key);
	else
		n = snprintf(buf, len, "%s/shmtools-ipc%llu-id-%d.lock", dir,
		    place_ipcns_ino(place), id);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Open the lock file, creating it if need be.  Without O_CREAT first:
 * with fs.protected_regular, O_CREAT on another user's file in a sticky
 * directory fails even when the file exists.  Read-only is enough for
 * flock, and lets every user lock a file that someone else created.
 */
static int
open_lock_file(const char *path)
{
	const int oflags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	struct stat st;
	int fd, tries;

	for (tries = 0; tries < 5; tries++) {
		if ((fd = open(path, oflags)) != -1)
			break;
		if (errno != ENOENT)
			return -1;
		if ((fd = open(path, oflags | O_CREAT | O_EXCL, 0644)) != -1) {
			(void)fchmod(fd, 0644);	/* whatever the umask */
			break;
		}
		if (errno != EEXIST)
			return -1;
	}
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = SHM_ENOTREG;
		return -1;
	}
	return fd;
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

int
shm_key_lock(const struct shm_place *place, key_t key, int id, bool exclusive)
{
	const struct timespec poll = { 0, LOCK_POLL_MS * 1000000L };
	char path[PATH_MAX];
	long waited = 0, bound = lock_wait_ms();
	int fd, e;

	if (shm_lock_path(place, key, id, path, sizeof(path)) == -1)
		return -1;
again:
	if ((fd = open_lock_file(path)) == -1)
		return -1;
	while (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			goto fail;
		if (shm_signal_pending()) {
			errno = EINTR;
			goto fail;
		}
		if (waited >= bound) {
			errno = EWOULDBLOCK;
			goto fail;
		}
		(void)nanosleep(&poll, NULL);
		waited += LOCK_POLL_MS;
	}
	/* Locked a file its last holder removed meanwhile: take the new one. */
	if (!still_linked(fd, path)) {
		close(fd);
		goto again;
	}
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
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
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    self_fd_link(fd, path, sizeof(path)) > 0) {
		if (still_linked(fd, path))
			(void)unlink(path);
	}
	close(fd);	/* drops the flock */
	errno = e;
}
