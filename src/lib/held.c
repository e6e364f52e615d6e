/*
 * held.c - a file that a running process holds, reached through its
 * /proc: a descriptor (/proc/PID/fd/FD) or a mapping
 * (/proc/PID/map_files/START-END).  That magic link is opened once, as
 * O_PATH, which acts on nothing (a FIFO's peer is not released, a device
 * is not opened); what it gave is checked on our own descriptor, never
 * through the link again: the holder can swap its descriptor or its
 * mapping at any moment, but not ours.  The file is then reopened from
 * our descriptor.  memfd.c (memfds) and deleted.c (unlinked POSIX
 * objects) share this.
 *
 * Layer: kinds (src/lib/LAYERS), below the kinds that use it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

/*
 * Where a's holder keeps it, relative to its place's /proc: PID/fd/FD,
 * or PID/map_files/START-END (a memfd or an unlinked object that the
 * process maps, with no descriptor for it).
 */
void
held_path(const struct shm_addr *a, char *buf, size_t len)
{
	if (a->fd >= 0)
		snprintf(buf, len, "%d/fd/%d", (int)a->pid, a->fd);
	else
		snprintf(buf, len, "%d/map_files/%" PRIx64 "-%" PRIx64,
		    (int)a->pid, a->map_start, a->map_end);
}

/*
 * Open what a's holder holds as O_PATH, and let verify judge our
 * descriptor: its stat, and its link text in /proc/self/fd.  verify
 * returns the name to show (the caller frees it), or NULL with errno.
 * Returns our O_PATH descriptor, or -1 with errno.
 */
int
held_open_path(const struct shm_addr *a, held_verify_fn verify,
    struct stat *st, char **name)
{
	char path[96], target[4096];
	int procfd, fd;

	if ((procfd = place_proc(shm_addr_place(a))) == -1)
		return -1;
	held_path(a, path, sizeof(path));
	if ((fd = openat(procfd, path, O_PATH | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, st) == -1 ||
	    self_fd_link(fd, target, sizeof(target)) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	if ((*name = verify(fd, st, a, target)) == NULL) {
		close_keep_errno(fd);
		return -1;
	}
	/* The tests' instant to swap the holder's mapping (recovery.c). */
	resize_test_pause("held");
	return fd;
}

/*
 * Open the file of our checked O_PATH descriptor pfd (closed here) for
 * reading, or writing with SHM_O_RDWR, into seg: through our own
 * descriptor, not the holder's, and only if it is still the file
 * checked (st); else -1 with errno notit.
 */
int
held_reopen(int pfd, const struct stat *st, int flags, int notit,
    struct shm_seg *seg)
{
	struct stat now;
	int fd;

	fd = self_fd_reopen(pfd, ((flags & SHM_O_RDWR) ? O_RDWR : O_RDONLY) |
	    ((flags & SHM_O_NOATIME) ? O_NOATIME : 0) | O_NONBLOCK);
	close_keep_errno(pfd);
	if (fd == -1)
		return -1;
	if (fstat(fd, &now) == -1 || now.st_dev != st->st_dev ||
	    now.st_ino != st->st_ino) {
		close(fd);
		errno = notit;
		return -1;
	}
	return fd_adopt(fd, flags, seg);
}

/* The record of what a's holder holds, as verify judges it (stat). */
int
held_stat(const struct shm_addr *a, held_verify_fn verify,
    struct shm_rec *info)
{
	struct stat st;
	char *name;
	int fd;

	if ((fd = held_open_path(a, verify, &st, &name)) == -1)
		return -1;
	close(fd);
	fd_fill_info(&st, info);
	info->addr = *a;
	info->addr.name = name;
	return 0;
}

/* Open what a's holder holds, as verify judges it, into seg (open). */
int
held_open(const struct shm_addr *a, held_verify_fn verify, int flags,
    int notit, struct shm_seg *seg)
{
	struct stat st;
	char *name;
	int pfd;

	if ((pfd = held_open_path(a, verify, &st, &name)) == -1)
		return -1;
	free(name);
	return held_reopen(pfd, &st, flags, notit, seg);
}
