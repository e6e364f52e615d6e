/*
 * posix.c - POSIX shared memory objects (names in /dev/shm) and ordinary
 * files.  Both are plain descriptors, so they share every operation but
 * the lookup.
 *
 * Names are opened relative to a descriptor of /dev/shm, first as O_PATH
 * with O_NOFOLLOW, and the type is checked on that descriptor before the
 * file is opened for real: a symlink planted in the world-writable
 * /dev/shm is never followed, a FIFO is never opened (which would block
 * us, or release its peer), and nothing outside /dev/shm is touched.
 *
 * Layer: kinds (src/lib/LAYERS).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/capability.h>

#include "backend.h"

#define OPEN_SAFE	(O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

/*
 * The directory a POSIX name lives in: the /dev/shm of its place, which
 * the place keeps open; AT_FDCWD for a file: path.
 */
static int
dir_of(const struct shm_addr *a, int *dirfd)
{
	*dirfd = a->kind == SHM_FILE ? AT_FDCWD :
	    place_devshm(shm_addr_place(a));
	return *dirfd == -1 ? -1 : 0;
}

/*
 * The huge page size of the file system a POSIX object or file: address
 * lives on: /dev/shm may be a hugetlbfs mount (then every object there is
 * made of its pages).  0 if it is not hugetlbfs, or cannot be told.
 */
uint64_t
posix_addr_pagesize(const struct shm_addr *a)
{
	struct statfs sf;
	int dirfd;

	if (a->kind == SHM_POSIX) {
		if ((dirfd = place_devshm(shm_addr_place(a))) == -1 ||
		    fstatfs(dirfd, &sf) == -1)
			return 0;
	} else if (a->kind != SHM_FILE || statfs(a->name, &sf) == -1)
		return 0;
	return sf.f_type == HUGETLBFS_MAGIC ? (uint64_t)sf.f_bsize : 0;
}

static int
posix_stat(const struct shm_addr *a, struct shm_rec *info)
{
	struct stat st;
	int dirfd;

	if (dir_of(a, &dirfd) == -1)
		return -1;
	if (fstatat(dirfd, a->name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISLNK(st.st_mode) ? ELOOP : SHM_ENOTREG;
		return -1;
	}
	fd_fill_info(&st, info);
	if (posix_addr_pagesize(a) != 0)
		info->status |= SHM_ST_HUGETLB;
	return shm_addr_copy(&info->addr, a);
}

/*
 * Open name in dirfd without acting on what it is first: an O_PATH
 * descriptor neither blocks on a FIFO nor releases the peer waiting in
 * open() on the other end, and opens no device.  Only a regular file is
 * then opened for real, through our own descriptor, so the name cannot
 * be swapped in between.
 */
static int
open_regular(int dirfd, const char *name, int flags)
{
	struct stat st, now;
	int pfd, fd;

	if ((pfd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(pfd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISLNK(st.st_mode) ? ELOOP : SHM_ENOTREG;
		goto fail;
	}
	fd = self_fd_reopen(pfd, flags);
	if (fd == -1 && errno == ENOENT) {
		/* No /proc: open the name, and check it is the same file. */
		fd = openat(dirfd, name, flags | OPEN_SAFE);
		if (fd != -1 && (fstat(fd, &now) == -1 ||
		    now.st_dev != st.st_dev || now.st_ino != st.st_ino)) {
			close(fd);
			errno = SHM_ENOTREG;
			fd = -1;
		}
	}
	if (fd == -1)
		goto fail;
	close(pfd);
	return fd;
fail:
	close_keep_errno(pfd);
	return -1;
}

static int
posix_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	int dirfd, fd;

	if (dir_of(a, &dirfd) == -1)
		return -1;
	fd = open_regular(dirfd, a->name,
	    ((flags & SHM_O_RDWR) ? O_RDWR : O_RDONLY) |
	    ((flags & SHM_O_NOATIME) ? O_NOATIME : 0));
	if (fd == -1)
		return -1;
	return fd_adopt(fd, flags, seg);
}

/*
 * Huge pages for a POSIX object or file come only from the file system
 * it is made on: refuse, before making anything, where that is not
 * hugetlbfs of the page size asked for.
 */
static int
huge_dir_check(const struct shm_addr *a, int dirfd, uint64_t size)
{
	const char *slash;
	char *dir;
	int fd, r;

	if (a->kind != SHM_FILE)
		return huge_fs_check(dirfd, size);
	slash = strrchr(a->name, '/');
	if (slash == NULL)
		dir = strdup(".");
	else
		dir = strndup(a->name, slash == a->name ? 1 :
		    (size_t)(slash - a->name));
	if (dir == NULL)
		return -1;
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd == -1)
		return -1;
	r = huge_fs_check(fd, size);
	close_keep_errno(fd);
	return r;
}

static int
posix_create(const struct shm_addr *a, uint64_t size, mode_t mode, int flags,
    struct shm_seg *seg, bool *existed)
{
	int dirfd, fd, e;

	if (dir_of(a, &dirfd) == -1 || ((flags & SHM_C_HUGE) &&
	    huge_dir_check(a, dirfd, huge_flags_size(flags)) == -1))
		return -1;
	fd = openat(dirfd, a->name, O_RDWR | O_CREAT | O_EXCL | OPEN_SAFE,
	    mode);
	if (fd == -1 && errno == EISDIR)
		errno = EEXIST;
	if (fd == -1 && errno == EEXIST && (flags & SHM_C_REUSE)) {
		*existed = true;
		return posix_open(a, SHM_O_RDWR, seg);
	}
	if (fd == -1)
		return -1;
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
	return fd_adopt(fd, SHM_O_RDWR, seg);
undo:
	/* Leave nothing half-made behind. */
	e = errno;
	unlinkat(dirfd, a->name, 0);
	close(fd);
	errno = e;
	return -1;
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
	return r;
}

/*
 * Remove the object a listing found, if the name still is that object
 * (same device and inode): a name that now holds another object, made
 * since we looked, is not ours to judge.
 */
static int
posix_remove_listed(const struct shm_rec *r, int flags)
{
	struct stat st;
	int dirfd, rv;

	/* Who uses it is the caller's to check; SHM_RM_SAME, whether the
	   name was made again since (watch.c): then no look is needed. */
	if (dir_of(&r->addr, &dirfd) == -1)
		return -1;
	if (flags & SHM_RM_SAME)
		return unlinkat(dirfd, r->addr.name, 0);
	rv = fstatat(dirfd, r->addr.name, &st, AT_SYMLINK_NOFOLLOW);
	if (rv == 0 && (st.st_dev != r->dev || st.st_ino != r->ino)) {
		errno = ESTALE;
		rv = -1;
	}
	if (rv == 0)
		rv = unlinkat(dirfd, r->addr.name, 0);
	return rv;
}

/*
 * unlink(2) in the object's directory needs write and search permission
 * on it and, when it is sticky (/dev/shm is, mode 1777), to own the
 * object or the directory, or CAP_FOWNER that counts for the object: in
 * a user namespace, only if its owner and group are mapped there.
 * Judged as whoever the removal acts as (the place's owner:
 * place_acting_uid()).
 */
static bool
posix_may_remove(const struct shm_rec *r)
{
	/*
	 * What the directory allows is asked once a directory and acting
	 * user, not once a name: a bulk removal judges thousands of names
	 * in one /dev/shm.
	 */
	static struct {
		bool	 known;
		int	 dirfd;
		uid_t	 as;
		struct stat st;
		int	 access;	/* faccessat(2): 0 or its errno */
	} dir;
	uid_t euid = place_acting_uid();
	int dirfd;

	if (r->addr.kind == SHM_FILE || dir_of(&r->addr, &dirfd) == -1)
		return true;
	if (!dir.known || dir.dirfd != dirfd || dir.as != euid) {
		if (fstat(dirfd, &dir.st) == -1)
			return true;
		dir.access = faccessat(dirfd, ".", W_OK | X_OK,
		    AT_EACCESS) == -1 ? errno : 0;
		dir.known = true;
		dir.dirfd = dirfd;
		dir.as = euid;
	}
	if (dir.access != 0)
		return dir.access != EACCES && dir.access != EPERM &&
		    dir.access != EROFS;
	return !(dir.st.st_mode & S_ISVTX) || r->uid == euid ||
	    dir.st.st_uid == euid ||
	    shm_cap_counts_for_owner(CAP_FOWNER, r->uid, r->gid);
}

static int
posix_list(const struct shm_place *place, struct shm_vec *vec)
{
	struct dirent *de;
	struct statfs sf;
	struct stat st;
	bool huge;
	DIR *dir;
	int dirfd;

	if ((dirfd = place_devshm(place)) == -1)
		return errno == ENOENT ? 0 : -1;
	/* A /dev/shm on hugetlbfs: everything in it is of huge pages. */
	huge = fstatfs(dirfd, &sf) == 0 && sf.f_type == HUGETLBFS_MAGIC;
	/* Our own descriptor to read, at its start: not the place's. */
	if ((dirfd = openat(dirfd, ".",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((dir = fdopendir(dirfd)) == NULL) {
		close(dirfd);
		return -1;
	}
	while ((errno = 0, de = readdir(dir)) != NULL) {
		struct shm_rec *info;

		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		if (shm_name_is_semaphore(de->d_name))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;	/* gone since readdir, or not a file */
		if ((info = shm_vec_push(vec)) == NULL)
			goto fail;
		fd_fill_info(&st, info);
		if (huge)
			info->status |= SHM_ST_HUGETLB;
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
	FDSEG_OPS,
	.remove = posix_remove,
	.remove_listed = posix_remove_listed,
	.may_remove = posix_may_remove,
	.list = posix_list,
};
