/*
 * anon.c - an anonymous shared mapping: mmap(MAP_SHARED | MAP_ANONYMOUS)
 * made before fork, or a MAP_SHARED map of /dev/zero (PostgreSQL's
 * shared_buffers, Python multiprocessing's heaps, pre-forking servers'
 * scoreboards).  The kernel backs each with one inode of its internal
 * shmem mount, which the parent and its children map alike and which
 * /proc/PID/maps prints as "/dev/zero (deleted)".  It is reached as
 * anon:PID:START-END through /proc/PID/map_files/START-END (which the
 * kernel opens only for CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE),
 * opened once and checked on our own descriptor (held.c): a regular
 * file with no link, on the internal shmem mount, whose link text is
 * "/dev/zero (deleted)".  Reads and writes are then the descriptor
 * operations of fdseg.c.
 * It has no name and no size of its own to change: it lives as long as
 * a mapping of it, and its size is the mapping's.  No create, no
 * remove, no resize.
 *
 * Layer: kinds (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

/*
 * Is our O_PATH descriptor the file of an anonymous shared mapping?
 * Returns an empty name (the caller frees it), or NULL with errno.
 */
static char *
anon_verify(int fd, const struct stat *st, const struct shm_addr *a,
    const char *target)
{
	dev_t dev = memfd_dev();

	(void)fd;
	(void)a;
	if (!S_ISREG(st->st_mode) || st->st_nlink != 0 || dev == 0 ||
	    st->st_dev != dev || !anon_link_is(target)) {
		errno = SHM_ENOTANON;
		return NULL;
	}
	return strdup("");
}

static int
anon_stat(const struct shm_addr *a, struct shm_rec *info)
{
	if (held_stat(a, anon_verify, info) == -1)
		return -1;
	/* It has no name: NAME is empty, not "". */
	free(info->addr.name);
	info->addr.name = NULL;
	return 0;
}

static int
anon_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	return held_open(a, anon_verify, flags, SHM_ENOTANON, seg);
}

/*
 * No create: only mmap() in its process makes one.  No remove: it has
 * no name, and lives as long as a mapping.  No truncate, grow or
 * ungrow: its size is the mapping's, and a mapping beyond the end of
 * its file would die of SIGBUS.  No list: the /proc scan finds them.
 */
const struct shm_backend anon_backend = {
	.stat = anon_stat,
	.open = anon_open,
	.pread = fd_pread,
	.pwrite = fd_pwrite,
	.close = fd_close,
};
