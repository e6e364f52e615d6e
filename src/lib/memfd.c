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
 * The memfd's name from the fd's link text "/memfd:NAME (deleted)", or
 * NULL with errno SHM_ENOTMEMFD when the fd is something else.
 */
static char *
memfd_name(const struct shm_addr *a)
{
	char path[64], target[4096];
	size_t slen = strlen(DELETED_SUFFIX);
	ssize_t n;

	fd_link_path(a, path, sizeof(path));
	if ((n = readlink(path, target, sizeof(target) - 1)) == -1)
		return NULL;
	target[n] = '\0';
	if (strncmp(target, MEMFD_PREFIX, strlen(MEMFD_PREFIX)) != 0) {
		errno = SHM_ENOTMEMFD;
		return NULL;
	}
	if ((size_t)n >= slen && strcmp(target + n - slen, DELETED_SUFFIX) == 0)
		target[n - slen] = '\0';
	return strdup(target + strlen(MEMFD_PREFIX));
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
