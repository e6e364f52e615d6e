/*
 * first-open.c - what opening a /dev/shm name costs as a process's first
 * open, the way shmcat opens it (O_PATH, fstat, reopen through
 * /proc/self/fd: a FIFO planted there is never opened) against a plain
 * openat.  The first look at /proc/self in a new process builds its
 * /proc dentries; later ones find them.
 *
 *   cc -O2 -o first-open bench/first-open.c
 *   ./first-open /dev/shm NAME N   (N processes for each way, forked)
 *
 * Prints the mean microseconds of each way's first open.  Run it in the
 * namespace of the benchmark, on a name that is a regular file.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
elapsed_us(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e6 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

/* One child: open name in dir one way, write the microseconds to fd. */
static void
child(const char *dir, const char *name, int reopen, int out)
{
	struct timespec a, b;
	struct stat st;
	char path[64];
	double us;
	int d, fd, pfd;

	if ((d = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		_exit(1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (reopen) {
		if ((pfd = openat(d, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) ==
		    -1 || fstat(pfd, &st) == -1 || !S_ISREG(st.st_mode))
			_exit(1);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", pfd);
		fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
		close(pfd);
	} else
		fd = openat(d, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_NOCTTY | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1)
		_exit(1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	us = elapsed_us(&a, &b);
	_exit(write(out, &us, sizeof(us)) != sizeof(us));
}

int
main(int argc, char *argv[])
{
	int n, i, way, p[2], status;
	double us, sum;

	if (argc != 4 || (n = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: first-open DIR NAME N\n");
		return 2;
	}
	for (way = 0; way < 2; way++) {
		sum = 0;
		for (i = 0; i < n; i++) {
			if (pipe(p) == -1)
				return 1;
			if (fork() == 0) {
				close(p[0]);
				child(argv[1], argv[2], way, p[1]);
			}
			close(p[1]);
			if (read(p[0], &us, sizeof(us)) != sizeof(us)) {
				fprintf(stderr, "first-open: a child failed\n");
				return 1;
			}
			close(p[0]);
			wait(&status);
			sum += us;
		}
		printf("%-28s %8.1f us (mean of %d processes)\n",
		    way ? "O_PATH, /proc/self/fd reopen" : "openat", sum / n, n);
	}
	return 0;
}
