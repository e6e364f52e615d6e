/*
 * memfd.c - a memfd that a running process holds open, reached through
 * /proc/PID/fd/FD: opened once and checked on our own descriptor, then
 * reopened from it (held.c).  Reads, writes and resizes are then the
 * plain descriptor operations of posix.c.
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

/*
 * The name in a memfd's /proc/PID/fd link, "/memfd:NAME (deleted)": a
 * pointer into link and its length, or NULL if link is not a memfd's.
 */
const char *
memfd_link_name(const char *link, size_t *len)
{
	size_t plen = strlen(MEMFD_PREFIX), slen = strlen(SHM_DELETED_SUFFIX);
	size_t n = strlen(link);

	if (strncmp(link, MEMFD_PREFIX, plen) != 0)
		return NULL;
	if (n >= plen + slen && strcmp(link + n - slen, SHM_DELETED_SUFFIX) == 0)
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
 * Is our descriptor fd (an O_PATH one, held.c) a memfd?  A memfd is a
 * regular file with no link, on the internal shmem mount (or, with
 * MFD_HUGETLB, on hugetlbfs), whose link text in /proc/self/fd starts
 * "/memfd:".  Returns its name (the caller frees it), or NULL with errno.
 */
static char *
memfd_verify(int fd, const struct stat *st, const struct shm_addr *a,
    const char *target)
{
	const char *name;
	struct statfs sf;
	size_t len;

	(void)a;
	if (fstatfs(fd, &sf) == -1)
		return NULL;
	if (!S_ISREG(st->st_mode) || st->st_nlink != 0 ||
	    (name = memfd_link_name(target, &len)) == NULL ||
	    (sf.f_type == TMPFS_MAGIC ? st->st_dev != memfd_dev() :
	    sf.f_type != HUGETLBFS_MAGIC)) {
		errno = SHM_ENOTMEMFD;
		return NULL;
	}
	return strndup(name, len);
}

static int
memfd_stat(const struct shm_addr *a, struct shm_rec *info)
{
	return held_stat(a, memfd_verify, info);
}

static int
memfd_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	return held_open(a, memfd_verify, flags, SHM_ENOTMEMFD, seg);
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
