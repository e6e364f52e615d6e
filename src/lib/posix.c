/*
 * posix.c - POSIX shared memory objects (names in /dev/shm) and ordinary
 * files.  Both are plain descriptors, so they share every operation but
 * the lookup.
 *
 * Names are opened relative to a descriptor of /dev/shm with O_NOFOLLOW
 * and O_NONBLOCK, and the type is checked on the opened descriptor: a
 * symlink planted in the world-writable /dev/shm is never followed, a FIFO
 * never blocks us, and nothing outside /dev/shm is touched.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

#define OPEN_SAFE	(O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

/* The directory a POSIX name lives in, or AT_FDCWD for a file: path. */
static int
dir_of(const struct shm_addr *a, int *dirfd)
{
	if (a->kind == SHM_FILE) {
		*dirfd = AT_FDCWD;
		return 0;
	}
	*dirfd = open(SHM_DEVSHM, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return *dirfd == -1 ? -1 : 0;
}

static void
dir_close(int dirfd)
{
	if (dirfd != AT_FDCWD)
		close(dirfd);
}

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
}

/* Take fd into seg if it is a regular file; close it if not. */
int
fd_adopt(int fd, int flags, struct shm_seg *seg)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = SHM_ENOTREG;
		goto fail;
	}
	/* O_NONBLOCK only kept a FIFO from hanging the open. */
	if (fcntl(fd, F_SETFL, 0) == -1)
		goto fail;
	seg->fd = fd;
	seg->size = (uint64_t)st.st_size;
	seg->writable = (flags & SHM_O_RDWR) != 0;
	return 0;
fail:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

static int
posix_stat(const struct shm_addr *a, struct shm_rec *info)
{
	struct stat st;
	int dirfd, r;

	if (dir_of(a, &dirfd) == -1)
		return -1;
	r = fstatat(dirfd, a->name, &st, AT_SYMLINK_NOFOLLOW);
	dir_close(dirfd);
	if (r == -1)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISLNK(st.st_mode) ? ELOOP : SHM_ENOTREG;
		return -1;
	}
	fd_fill_info(&st, info);
	return shm_addr_copy(&info->addr, a);
}

static int
posix_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	int dirfd, fd;

	if (dir_of(a, &dirfd) == -1)
		return -1;
	fd = openat(dirfd, a->name,
	    ((flags & SHM_O_RDWR) ? O_RDWR : O_RDONLY) | OPEN_SAFE);
	dir_close(dirfd);
	if (fd == -1 && (errno == ENXIO || errno == EISDIR))
		errno = SHM_ENOTREG;	/* a socket, or a directory */
	if (fd == -1)
		return -1;
	return fd_adopt(fd, flags, seg);
}

static int
posix_create(const struct shm_addr *a, uint64_t size, mode_t mode, int flags,
    struct shm_seg *seg, bool *existed)
{
	int dirfd, fd, e;

	if (dir_of(a, &dirfd) == -1)
		return -1;
	fd = openat(dirfd, a->name, O_RDWR | O_CREAT | O_EXCL | OPEN_SAFE,
	    mode);
	if (fd == -1 && errno == EISDIR)
		errno = EEXIST;
	if (fd == -1 && errno == EEXIST && (flags & SHM_C_REUSE)) {
		dir_close(dirfd);
		*existed = true;
		return posix_open(a, SHM_O_RDWR, seg);
	}
	if (fd == -1) {
		e = errno;
		dir_close(dirfd);
		errno = e;
		return -1;
	}
	/* -m MODE means that mode, whatever the umask. */
	if (fchmod(fd, mode) == -1 || ftruncate(fd, (off_t)size) == -1)
		goto undo;
	/*
	 * tmpfs allocates pages on first touch; without this, a full /dev/shm
	 * shows up later as SIGBUS in whoever maps the object.
	 */
	if ((flags & SHM_C_RESERVE) && size > 0 &&
	    (errno = posix_fallocate(fd, 0, (off_t)size)) != 0)
		goto undo;
	dir_close(dirfd);
	return fd_adopt(fd, SHM_O_RDWR, seg);
undo:
	/* Leave nothing half-made behind. */
	e = errno;
	unlinkat(dirfd, a->name, 0);
	close(fd);
	dir_close(dirfd);
	errno = e;
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

int
fd_close(struct shm_seg *seg)
{
	int r = 0;

	if (seg->fd != -1)
		r = close(seg->fd);
	seg->fd = -1;
	return r;
}

static int
posix_remove(const struct shm_addr *a)
{
	struct stat st;
	int dirfd, r;

	if (dir_of(a, &dirfd) == -1)
		return -1;
	/* unlink never follows a symlink, but refuse to remove one at all. */
	r = fstatat(dirfd, a->name, &st, AT_SYMLINK_NOFOLLOW);
	if (r == 0 && !S_ISREG(st.st_mode)) {
		errno = S_ISLNK(st.st_mode) ? ELOOP : SHM_ENOTREG;
		r = -1;
	}
	if (r == 0)
		r = unlinkat(dirfd, a->name, 0);
	{
		int e = errno;

		dir_close(dirfd);
		errno = e;
	}
	return r;
}

/* POSIX semaphores live in /dev/shm as "sem.NAME": they are not segments. */
static bool
is_semaphore(const char *name)
{
	return strncmp(name, "sem.", 4) == 0;
}

static int
posix_list(struct shm_vec *vec)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int dirfd;

	if ((dirfd = open(SHM_DEVSHM, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((dir = fdopendir(dirfd)) == NULL) {
		close(dirfd);
		return -1;
	}
	while ((errno = 0, de = readdir(dir)) != NULL) {
		struct shm_rec *info;

		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		if (is_semaphore(de->d_name))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;	/* gone since readdir, or not a file */
		if ((info = shm_vec_push(vec)) == NULL)
			goto fail;
		fd_fill_info(&st, info);
		info->addr.kind = SHM_POSIX;
		if ((info->addr.name = strdup(de->d_name)) == NULL)
			goto fail;
	}
	if (errno != 0)
		goto fail;
	closedir(dir);
	return 0;
fail:
	{
		int e = errno;

		closedir(dir);
		errno = e;
	}
	return -1;
}

const struct shm_backend posix_backend = {
	.stat = posix_stat,
	.open = posix_open,
	.create = posix_create,
	.pread = fd_pread,
	.pwrite = fd_pwrite,
	.resize = fd_resize,
	.close = fd_close,
	.remove = posix_remove,
	.list = posix_list,
};
