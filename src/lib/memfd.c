/*
 * memfd.c - a memfd that a running process holds open, reached through
 * /proc/PID/fd/FD.  That magic link is opened once, as O_PATH, and what it
 * gave us is checked on our own descriptor and reopened from it: reads,
 * writes and resizes are then the plain descriptor operations of posix.c.
 * A memfd has no name to unlink: it lives until the last holder closes it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "backend.h"

#define MEMFD_PREFIX	"/memfd:"
#define DELETED_SUFFIX	" (deleted)"

/* PID/fd/FD, in the /proc of the address's place. */
static void
fd_link_path(const struct shm_addr *a, char *buf, size_t len)
{
	snprintf(buf, len, "%d/fd/%d", (int)a->pid, a->fd);
}

/*
 * The name in a memfd's /proc/PID/fd link, "/memfd:NAME (deleted)": a
 * pointer into link and its length, or NULL if link is not a memfd's.
 */
const char *
memfd_link_name(const char *link, size_t *len)
{
	size_t plen = strlen(MEMFD_PREFIX), slen = strlen(DELETED_SUFFIX);
	size_t n = strlen(link);

	if (strncmp(link, MEMFD_PREFIX, plen) != 0)
		return NULL;
	if (n >= plen + slen && strcmp(link + n - slen, DELETED_SUFFIX) == 0)
		n -= slen;
	*len = n - plen;
	return link + plen;
}

/*
 * The device that memfds live on: the kernel's internal shmem mount,
 * learnt from a memfd of our own.  0 if we cannot make one.
 */
dev_t
memfd_dev(void)
{
	static dev_t dev;
	static bool known;
	struct stat st;
	int fd;

	if (known)
		return dev;
	if ((fd = memfd_create("shmtools-probe", MFD_CLOEXEC)) != -1) {
		if (fstat(fd, &st) == 0)
			dev = st.st_dev;
		close(fd);
	}
	known = true;
	return dev;
}

/*
 * Is our descriptor fd (an O_PATH one) a memfd?  Everything is asked of
 * the descriptor itself, never of /proc/PID/fd/FD again: the holder can
 * swap its descriptor at any moment, but not ours.  A memfd is a regular
 * file with no link, on the internal shmem mount (or, with MFD_HUGETLB,
 * on hugetlbfs), whose link text in /proc/self/fd starts "/memfd:".
 * Returns its name (the caller frees it), or NULL with errno.
 */
static char *
memfd_verify(int fd, struct stat *st)
{
	char path[64], target[4096];
	const char *name;
	struct statfs sf;
	size_t len;
	ssize_t n;

	if (fstat(fd, st) == -1 || fstatfs(fd, &sf) == -1)
		return NULL;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((n = readlink(path, target, sizeof(target) - 1)) == -1)
		return NULL;
	target[n] = '\0';
	if (!S_ISREG(st->st_mode) || st->st_nlink != 0 ||
	    (name = memfd_link_name(target, &len)) == NULL ||
	    (sf.f_type == TMPFS_MAGIC ? st->st_dev != memfd_dev() :
	    sf.f_type != HUGETLBFS_MAGIC)) {
		errno = SHM_ENOTMEMFD;
		return NULL;
	}
	return strndup(name, len);
}

/*
 * Open PID's descriptor FD once, as O_PATH: that has no effect on what
 * it is (a FIFO's peer is not released, a device is not opened), and
 * gives us a descriptor of our own to check.
 */
static int
memfd_open_path(const struct shm_addr *a, struct stat *st, char **name)
{
	char path[64];
	int procfd, fd;

	if ((procfd = place_proc(shm_addr_place(a))) == -1)
		return -1;
	fd_link_path(a, path, sizeof(path));
	if ((fd = openat(procfd, path, O_PATH | O_CLOEXEC)) == -1)
		return -1;
	if ((*name = memfd_verify(fd, st)) == NULL) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int
memfd_stat(const struct shm_addr *a, struct shm_rec *info)
{
	struct stat st;
	char *name;
	int fd;

	if ((fd = memfd_open_path(a, &st, &name)) == -1)
		return -1;
	close(fd);
	fd_fill_info(&st, info);
	info->addr = *a;
	info->addr.name = name;
	return 0;
}

static int
memfd_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	struct stat st, now;
	char path[64];
	char *name;
	int pfd, fd;

	if ((pfd = memfd_open_path(a, &st, &name)) == -1)
		return -1;
	free(name);
	/* Reopen our own checked descriptor, not the holder's. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd);
	fd = open(path, ((flags & SHM_O_RDWR) ? O_RDWR : O_RDONLY) |
	    ((flags & SHM_O_NOATIME) ? O_NOATIME : 0) |
	    O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	{
		int e = errno;

		close(pfd);
		errno = e;
	}
	if (fd == -1)
		return -1;
	if (fstat(fd, &now) == -1 || now.st_dev != st.st_dev ||
	    now.st_ino != st.st_ino) {
		close(fd);
		errno = SHM_ENOTMEMFD;
		return -1;
	}
	return fd_adopt(fd, flags, seg);
}

const struct shm_backend memfd_backend = {
	.stat = memfd_stat,
	.open = memfd_open,
	.create = NULL,		/* only memfd_create() in the holder makes one */
	.pread = fd_pread,
	.pwrite = fd_pwrite,
	.resize_to = fd_resize_to,
	.grow = fd_grow,
	.ungrow = fd_ungrow,
	.close = fd_close,
	.remove = NULL,
	.list = NULL,		/* the /proc scan lists them */
};
