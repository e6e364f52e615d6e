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
 * operations of fdseg.c.  Without that capability, a process the caller
 * may trace (its own) is reached through /proc/PID/mem instead, the
 * mapping checked in its maps at every read and write.
 * It has no name and no size of its own to change: it lives as long as
 * a mapping of it, and its size is the mapping's.  No create, no
 * remove, no resize.
 *
 * Layer: kinds (src/lib/LAYERS).
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

/*
 * Does the process whose /proc directory is dir map anonymous shared
 * memory at exactly a's START-END?  0 and its identity, or -1 with
 * errno: SHM_ENOTANON (something else is mapped there), ENOENT (nothing
 * starts and ends there), or why its maps cannot be read.
 */
static int
anon_maps_find(int dir, const struct shm_addr *a, dev_t *dev, ino_t *ino)
{
	struct lines lines;
	int r = -1, e = ENOENT;
	char *line;
	size_t len;

	if (lines_open(&lines, dir, "maps") == -1)
		return -1;
	while ((line = lines_next(&lines, &len)) != NULL) {
		unsigned long long start, end;
		const char *path;
		bool shared;

		if (proc_maps_range(line, &start, &end) == -1 ||
		    start != a->map_start || end != a->map_end)
			continue;
		e = SHM_ENOTANON;
		if (proc_maps_parse_line(line, dev, ino, &shared, &path) == 0 &&
		    path != NULL && anon_link_is(path) && memfd_dev() != 0 &&
		    *dev == memfd_dev())
			r = 0;
		break;
	}
	if (line == NULL && errno != 0)
		e = errno;	/* not read to the end */
	lines_close(&lines);
	if (r == -1)
		errno = e;
	return r;
}

/* The /proc directory of a's process, as its place's /proc numbers it. */
static int
anon_proc_dir(const struct shm_addr *a)
{
	int procfd = place_proc(shm_addr_place(a));
	char pid[16];

	if (procfd == -1)
		return -1;
	snprintf(pid, sizeof(pid), "%d", (int)a->pid);
	return openat(procfd, pid, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/*
 * The record from the process's maps alone, where its mapping may not be
 * opened: the identity, and its owner the user the process runs as; the
 * size, mode and times of the file are unknown.
 */
static int
anon_stat_maps(const struct shm_addr *a, struct shm_rec *info)
{
	struct stat st;
	int dir;

	if ((dir = anon_proc_dir(a)) == -1)
		return -1;
	if (anon_maps_find(dir, a, &info->dev, &info->ino) == -1) {
		close_keep_errno(dir);
		return -1;
	}
	if (fstat(dir, &st) == 0) {
		info->uid = st.st_uid;
		info->gid = st.st_gid;
	}
	close(dir);
	info->size = a->map_end - a->map_start;
	info->inode_unknown = true;
	info->addr = *a;
	info->addr.name = NULL;
	return 0;
}

static int
anon_stat(const struct shm_addr *a, struct shm_rec *info)
{
	if (held_stat(a, anon_verify, info) == -1)
		return errno == EPERM || errno == EACCES ?
		    anon_stat_maps(a, info) : -1;
	/* It has no name: NAME is empty, not "". */
	free(info->addr.name);
	info->addr.name = NULL;
	return 0;
}

/* Is the mapping seg was opened on still what the process maps there? */
static int
anon_mem_same(struct shm_seg *seg)
{
	dev_t dev;
	ino_t ino;

	if (anon_maps_find(seg->procfd, &seg->addr, &dev, &ino) == -1 ||
	    dev != seg->dev || ino != seg->ino) {
		errno = SHM_ENOTANON;
		return -1;
	}
	return 0;
}

/*
 * Through /proc/PID/mem an offset is an address.  Each read is checked
 * after it (the bytes are not handed on unless the mapping is still the
 * one opened), each write before it: what the holder maps there
 * meanwhile is its own memory, which ptrace access reaches anyway.
 */
static ssize_t
anon_mem_pread(struct shm_seg *seg, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pread(seg->fd, buf, len, (off_t)(seg->at + off));
	while (n == -1 && errno == EINTR);
	if (n != -1 && anon_mem_same(seg) == -1)
		return -1;
	return n;
}

static ssize_t
anon_mem_pwrite(struct shm_seg *seg, const void *buf, size_t len,
    uint64_t off)
{
	ssize_t n;

	if (anon_mem_same(seg) == -1)
		return -1;
	do
		n = pwrite(seg->fd, buf, len, (off_t)(seg->at + off));
	while (n == -1 && errno == EINTR);
	return n;
}

static int
anon_mem_close(struct shm_seg *seg)
{
	if (seg->procfd != -1)
		close(seg->procfd);
	seg->procfd = -1;
	return fd_close(seg);
}

static const struct shm_backend anon_mem_backend = {
	.pread = anon_mem_pread,
	.pwrite = anon_mem_pwrite,
	.close = anon_mem_close,
};

/*
 * Where map_files may not be opened (no CAP_SYS_ADMIN), but the process
 * may be traced (the caller's own): its memory, through /proc/PID/mem,
 * opened first and then checked, through the same /proc directory, to
 * map anonymous shared memory at START-END; -1 with errno if not.
 */
static int
anon_mem_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	int dir, fd;

	if ((dir = anon_proc_dir(a)) == -1)
		return -1;
	if ((fd = openat(dir, "mem", ((flags & SHM_O_RDWR) ? O_RDWR :
	    O_RDONLY) | O_CLOEXEC)) == -1) {
		close_keep_errno(dir);
		return -1;
	}
	if (anon_maps_find(dir, a, &seg->dev, &seg->ino) == -1) {
		close_keep_errno(fd);
		close_keep_errno(dir);
		return -1;
	}
	seg->fd = fd;
	seg->procfd = dir;
	seg->at = a->map_start;
	seg->size = a->map_end - a->map_start;
	seg->writable = (flags & SHM_O_RDWR) != 0;
	seg->ops = &anon_mem_backend;
	return 0;
}

static int
anon_open(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	if (held_open(a, anon_verify, flags, SHM_ENOTANON, seg) == 0)
		return 0;
	/* EPERM: no capability; EACCES: another user's process */
	if (errno != EPERM && errno != EACCES)
		return -1;
	/* What map_files refused: the message names its capability. */
	if (anon_mem_open(a, flags, seg) == -1) {
		if (errno == EACCES || errno == EPERM)
			errno = EPERM;
		return -1;
	}
	return 0;
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
