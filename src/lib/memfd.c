/*
 * memfd.c - a memfd that a running process holds open, reached through
 * /proc/PID/fd/FD.  Opening that magic link reopens the memfd itself, so
 * reads, writes and resizes are the plain descriptor operations of posix.c.
 * A memfd has no name to unlink: it lives until the last holder closes it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

#define MEMFD_PREFIX	"/memfd:"
#define DELETED_SUFFIX	" (deleted)"

static void
fd_link_path(const struct shm_addr *a, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/%d/fd/%d", (int)a->pid, a->fd);
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

/* The name of the memfd a's fd is, or NULL (SHM_ENOTMEMFD if another). */
static char *
memfd_name(const struct shm_addr *a)
{
	char path[64], target[4096];
	const char *name;
	size_t len;
	ssize_t n;

	fd_link_path(a, path, sizeof(path));
	if ((n = readlink(path, target, sizeof(target) - 1)) == -1)
		return NULL;
	target[n] = '\0';
	if ((name = memfd_link_name(target, &len)) == NULL) {
		errno = SHM_ENOTMEMFD;
		return NULL;
	}
	return strndup(name, len);
}

static int
memfd_stat(const struct shm_addr *a, struct shm_rec *info)
{
	char path[64];
	struct stat st;
	char *name;

	if ((name = memfd_name(a)) == NULL)
		return -1;
	fd_link_path(a, path, sizeof(path));
	if (stat(path, &st) == -1) {
		free(name);
		return -1;
	}
	fd_fill_info(&st, info);
	info->addr = *a;
	info->addr.name = name;
	return 0;
}

static int
memfd_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	char path[64];
	char *name;
	int fd;

	if ((name = memfd_name(a)) == NULL)
		return -1;
	free(name);
	fd_link_path(a, path, sizeof(path));
	fd = open(path, ((flags & SHM_O_RDWR) ? O_RDWR : O_RDONLY) |
	    O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return -1;
	return fd_adopt(fd, flags, seg);
}

const struct shm_backend memfd_backend = {
	.stat = memfd_stat,
	.open = memfd_open,
	.create = NULL,		/* only memfd_create() in the holder makes one */
	.pread = fd_pread,
	.pwrite = fd_pwrite,
	.resize = fd_resize,
	.close = fd_close,
	.remove = NULL,
	.list = NULL,		/* the /proc scan lists them */
};
