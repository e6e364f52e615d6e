/*
 * devshm.c - another process's /dev/shm, reached without waiting on it
 * for ever and taken only if it can hold POSIX objects; and any other
 * path of that process's, looked up the same way (--ftok PATH, the tmpfs
 * mounts that shmls --summary counts).
 *
 * The path walk beneath a container's root and the statfs of what it
 * finds go to whatever file system is mounted there, and a FUSE daemon
 * (or a dead NFS server) may never answer: the process that asks then
 * sleeps until it is killed.  So a short-lived child asks, and passes
 * the descriptor back over a socket (SCM_RIGHTS); past the bound
 * (SHMTOOLS_PLACE_WAIT_MS, for the tests; else PLACE_WAIT_MS) it is
 * killed, which a FUSE wait allows, or left behind where it does not,
 * and the place is one that does not answer (SHM_ENOANSWER).
 *
 * Only a tmpfs or a hugetlbfs is a /dev/shm: shm_open(3) makes nothing
 * anywhere else, while a user namespace may mount over its own /dev/shm
 * any directory it can search (a host's /etc): that is no place, and
 * nothing there is listed or removed (SHM_ENOTTMPFS).
 *
 * Layer: places (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include <linux/openat2.h>

#include "shm-private.h"

#define PLACE_WAIT_MS	2000

/* What the child says: 0 and the descriptor, or an errno value. */
struct devshm_answer {
	int	 err;
	dev_t	 dev;
	ino_t	 ino;
};

/*
 * The /dev/shm under root, never following anything planted there: a
 * container's root is its own, and a symlink from its /dev or /dev/shm
 * to a host directory must not make us list or remove what is there.
 */
static int
open_beneath(int root)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, root, SHM_DEVSHM + 1, &how,
	    sizeof(how));
}

/* Close every descriptor but a and b (a < b). */
static void
close_all_but(int a, int b)
{
	int fd;

	if (a > 0 && syscall(SYS_close_range, 0U, (unsigned)a - 1, 0U) == -1)
		for (fd = 0; fd < a; fd++)
			close(fd);
	if (b > a + 1 && syscall(SYS_close_range, (unsigned)a + 1,
	    (unsigned)b - 1, 0U) == -1)
		for (fd = a + 1; fd < b; fd++)
			close(fd);
	if (syscall(SYS_close_range, (unsigned)b + 1, ~0U, 0U) == -1)
		for (fd = b + 1; fd < 65536; fd++)
			close(fd);
}

/*
 * The child: walk, look at what is there, answer on sock.  It holds
 * nothing of ours (a pipe a caller waits on for its end, a lock) but
 * root and sock: it may outlive us, asleep in a file system.
 */
static void __attribute__((noreturn))
child(int root, int sock, const char *path)
{
	struct devshm_answer ans = { 0, 0, 0 };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &ans, sizeof(ans) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct statfs sf;
	struct stat st;
	int fd;

	close_all_but(root < sock ? root : sock, root < sock ? sock : root);
	if (path != NULL) {
		/* A path of the place's: followed as it would be there. */
		struct open_how how = {
			.flags = O_PATH | O_CLOEXEC,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};

		if ((fd = (int)syscall(SYS_openat2, root, path, &how,
		    sizeof(how))) == -1 || fstat(fd, &st) == -1)
			ans.err = errno;
	} else if ((fd = open_beneath(root)) == -1)
		ans.err = errno;
	else if (fstatfs(fd, &sf) == -1 || fstat(fd, &st) == -1)
		ans.err = errno;
	else if (sf.f_type != TMPFS_MAGIC && sf.f_type != HUGETLBFS_MAGIC)
		ans.err = SHM_ENOTTMPFS;
	if (ans.err == 0) {
		struct cmsghdr *c;

		ans.dev = st.st_dev;
		ans.ino = st.st_ino;
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	_exit(sendmsg(sock, &msg, MSG_NOSIGNAL) == -1);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for the child's answer on sock until the bound: 1, 0 past it, -1. */
static int
wait_answer(int sock)
{
	int64_t end = now_ms() +
	    shm_env_ms("SHMTOOLS_PLACE_WAIT_MS", PLACE_WAIT_MS), left;
	struct pollfd pf = { sock, POLLIN, 0 };
	int r;

	for (;;) {
		left = end - now_ms();
		if ((r = poll(&pf, 1, left < 0 ? 0 : (int)left)) > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* The descriptor the child passed in msg, or -1. */
static int
received_fd(struct msghdr *msg)
{
	struct cmsghdr *c;
	int fd = -1;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * The /dev/shm beneath root (a process's /proc/PID/root), or path as
 * the place sees it (path not NULL), as O_PATH, and its device and
 * inode.  -1 with errno: ENOENT (it has none), ELOOP
 * or ENOTDIR (a symlink, not a directory: refused), SHM_ENOTTMPFS (not
 * a tmpfs or hugetlbfs), SHM_ENOANSWER (its file system did not answer
 * within the bound), or why the child could not be made.
 */
static int
ask(int root, const char *path, dev_t *dev, ino_t *ino)
{
	struct devshm_answer ans;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &ans, sizeof(ans) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	int sv[2], fd = -1, e = 0, r;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	if (pid == 0)
		child(root, sv[1], path);
	close(sv[1]);
	if ((r = wait_answer(sv[0])) != 1) {
		e = r == 0 ? SHM_ENOANSWER : errno;
		/* Still asleep in the file system: killed, or left there. */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, WNOHANG);
		close(sv[0]);
		errno = e;
		return -1;
	}
	n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	e = errno;
	if (n > 0)
		fd = received_fd(&msg);
	close(sv[0]);
	/* It answered: all it has left to do is exit. */
	waitpid(pid, NULL, 0);
	if (n != (ssize_t)sizeof(ans)) {
		if (fd != -1)
			close(fd);
		errno = n == -1 ? e : EPROTO;
		return -1;
	}
	if (ans.err != 0 || fd == -1) {
		if (fd != -1)
			close(fd);
		errno = ans.err != 0 ? ans.err : EPROTO;
		return -1;
	}
	*dev = ans.dev;
	*ino = ans.ino;
	return fd;
}

int
devshm_open(int root, dev_t *dev, ino_t *ino)
{
	return ask(root, NULL, dev, ino);
}

/*
 * The device and inode of path as the place whose root is root sees it
 * (symlinks followed within that root, never out of it), asked within
 * the same bound: 0, or -1 with errno (SHM_ENOANSWER past the bound).
 */
int
place_root_stat(int root, const char *path, dev_t *dev, ino_t *ino)
{
	int fd;

	if ((fd = ask(root, path, dev, ino)) == -1)
		return -1;
	close(fd);
	return 0;
}

/*
 * path as the place whose root is root sees it, opened O_PATH within the
 * same bound: what is there may be anything (look at it from the cache
 * only), or -1 with errno (SHM_ENOANSWER past the bound).
 */
int
place_root_open(int root, const char *path)
{
	dev_t dev;
	ino_t ino;

	return ask(root, path, &dev, &ino);
}
