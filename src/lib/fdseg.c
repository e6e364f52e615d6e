/*
 * fdseg.c - what every kind reached through a descriptor of its own
 * shares (POSIX objects, files, memfds, unlinked objects): a record from
 * the file's stat, taking a descriptor into an open segment, reading and
 * writing at an offset, and changing its size.
 *
 * Layer: kinds (src/lib/LAYERS), the lowest of them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

/* A record's fields from the file's stat: every descriptor kind's. */
void
fd_fill_info(const struct stat *st, struct shm_rec *info)
{
	info->size = (uint64_t)st->st_size;
	info->rss = (int64_t)st->st_blocks * 512;
	info->mode = st->st_mode & 07777;
	info->uid = st->st_uid;
	info->gid = st->st_gid;
	info->atime = st->st_atime;
	info->mtime = st->st_mtime;
	info->ctime = st->st_ctime;
	info->dev = st->st_dev;
	info->ino = st->st_ino;
	/* A memfd made with MFD_HUGETLB lives on an internal hugetlbfs. */
	if (huge_dev_pagesize(st->st_dev) > (uint64_t)getpagesize())
		info->status |= SHM_ST_HUGETLB;
}

/* Take fd into seg if it is a regular file; close it if not. */
int
fd_adopt(int fd, int flags, struct shm_seg *seg)
{
	struct stat st;
	int fl;

	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = SHM_ENOTREG;
		goto fail;
	}
	/*
	 * O_NONBLOCK only kept a FIFO from hanging the open; O_NOATIME
	 * stays (F_SETFL 0 would clear it, and a mapping set the atime).
	 * A reopen through /proc/self/fd of what was checked regular has
	 * no O_NONBLOCK to clear: no second call then.
	 */
	if ((fl = fcntl(fd, F_GETFL)) == -1 || ((fl & O_NONBLOCK) &&
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1))
		goto fail;
	seg->fd = fd;
	seg->size = (uint64_t)st.st_size;
	seg->writable = (flags & SHM_O_RDWR) != 0;
	return 0;
fail:
	close_keep_errno(fd);
	return -1;
}

ssize_t
fd_pread(struct shm_seg *seg, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pread(seg->fd, buf, len, (off_t)off);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
fd_pwrite(struct shm_seg *seg, const void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pwrite(seg->fd, buf, len, (off_t)off);
	while (n == -1 && errno == EINTR);
	return n;
}

int
fd_resize(struct shm_seg *seg, uint64_t size)
{
	if (size > INT64_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (ftruncate(seg->fd, (off_t)size) == -1)
		return -1;
	seg->size = size;
	return 0;
}

/*
 * Make the object at least size bytes, never smaller: another writer may
 * have grown it since we looked, and a truncate to what we think is
 * enough would cut off its data.  Allocating the last byte extends the
 * file only if it is shorter, in one step.
 */
int
fd_grow(struct shm_seg *seg, uint64_t size)
{
	struct stat st;

	if (size > INT64_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (fstat(seg->fd, &st) == -1)
		return -1;
	if ((uint64_t)st.st_size < size &&
	    fallocate(seg->fd, 0, (off_t)size - 1, 1) == -1) {
		if (errno != EOPNOTSUPP && errno != ENOSYS)
			return -1;
		/* No fallocate here: check again just before. */
		if (fstat(seg->fd, &st) == -1)
			return -1;
		if ((uint64_t)st.st_size < size &&
		    ftruncate(seg->fd, (off_t)size) == -1)
			return -1;
	}
	if (fstat(seg->fd, &st) == -1)
		return -1;
	seg->size = (uint64_t)st.st_size;
	return 0;
}

/*
 * Give back what fd_grow() took, from grown to size: only while the
 * object is still the size we made it, so that what another writer
 * added since is never cut off.
 */
int
fd_ungrow(struct shm_seg *seg, uint64_t grown, uint64_t size)
{
	struct stat st;

	if (fstat(seg->fd, &st) == -1)
		return -1;
	if ((uint64_t)st.st_size != grown || size >= grown)
		return 0;
	return fd_resize(seg, size);
}

int
fd_close(struct shm_seg *seg)
{
	int r = 0;

	if (seg->fd != -1)
		r = close(seg->fd);
	seg->fd = -1;
	return r;
}
