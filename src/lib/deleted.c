/*
 * deleted.c - a POSIX object that was unlinked (shm_unlink, rm) while a
 * process still maps it or holds it open: its name is gone, its memory is
 * not.  It is reached through a holder, as deleted:PID:FD (/proc/PID/fd/FD)
 * or deleted:PID:START-END (/proc/PID/map_files/START-END, which the
 * kernel opens only for CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE), opened
 * once and checked on our own descriptor (held.c): a regular file with no
 * link left, on the device of the place's /dev/shm.  Reads, writes and
 * resizes are then the descriptor operations of fdseg.c.  It has no name
 * to remove: it is freed when its last holder unmaps or closes it.
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

/* The device of place's /dev/shm: what an unlinked object lives on. */
int
deleted_devshm_dev(const struct shm_place *place, dev_t *dev)
{
	struct stat st;
	int dirfd;

	if ((dirfd = place_devshm(place)) == -1 || fstat(dirfd, &st) == -1)
		return -1;
	*dev = st.st_dev;
	return 0;
}

/*
 * Is our O_PATH descriptor an unlinked object of a's place?  A regular
 * file with no link, on that /dev/shm's device, whose link text says it
 * was deleted.  Returns the name it had (the caller frees it), or NULL
 * with errno.
 */
static char *
deleted_verify(int fd, const struct stat *st, const struct shm_addr *a,
    const char *target)
{
	const char *name;
	dev_t dev;
	size_t len;

	(void)fd;
	if (deleted_devshm_dev(shm_addr_place(a), &dev) == -1)
		return NULL;
	if (!S_ISREG(st->st_mode) || st->st_nlink != 0 ||
	    st->st_dev != dev ||
	    (name = deleted_link_name(target, &len)) == NULL) {
		errno = SHM_ENOTDELETED;
		return NULL;
	}
	return strndup(name, len);
}

static int
deleted_stat(const struct shm_addr *a, struct shm_rec *info)
{
	if (held_stat(a, deleted_verify, info) == -1)
		return -1;
	info->status |= SHM_ST_DELETED;
	return 0;
}

static int
deleted_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	return held_open(a, deleted_verify, flags, SHM_ENOTDELETED, seg);
}

/*
 * No create: it had a name once, and has none now.  No remove
 * (shm_remove_check() says why).  No list: the /proc scan finds them.
 */
const struct shm_backend deleted_backend = {
	.stat = deleted_stat,
	.open = deleted_open,
	FDSEG_OPS,
};
