/*
 * memfd.c - a memfd that a running process holds open or maps, reached
 * through /proc/PID/fd/FD, or through /proc/PID/map_files/START-END
 * (which the kernel opens only for CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE) when its descriptor is closed and its mapping
 * alone keeps it: opened once and checked on our own descriptor, then
 * reopened from it (held.c).  Reads, writes and resizes are then the
 * plain descriptor operations of fdseg.c.
 * A memfd has no name to unlink: it lives until the last holder closes
 * it and the last mapping of it goes.
 *
 * Layer: kinds (src/lib/LAYERS).
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

/*
 * No create: only memfd_create() in the holder makes one.  No remove: it
 * has no name.  No list: the /proc scan finds them.
 */
const struct shm_backend memfd_backend = {
	.stat = memfd_stat,
	.open = memfd_open,
	FDSEG_OPS,
};
