/*
 * pageout - push part of a shared memory object out to swap, as memory
 * pressure would.
 *
 * usage: pageout PATH|SHMID BYTES
 *
 * Maps the file PATH (a POSIX object in /dev/shm, a file on tmpfs) or
 * attaches the System V segment SHMID, writes to every page of it, and
 * asks the kernel to page out its first BYTES (MADV_PAGEOUT, Linux 5.4).
 * Exits 0 when done; 3 when the kernel cannot (no MADV_PAGEOUT).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

static void
die(const char *what)
{
	fprintf(stderr, "pageout: %s: %s\n", what, strerror(errno));
	exit(1);
}

int
main(int argc, char *argv[])
{
	unsigned long long bytes;
	size_t size;
	char *p, *end;

	if (argc != 3 || (bytes = strtoull(argv[2], &end, 10), *end != '\0')) {
		fprintf(stderr, "usage: pageout PATH|SHMID BYTES\n");
		return 2;
	}
	if (argv[1][0] == '/') {
		struct stat st;
		int fd = open(argv[1], O_RDWR);

		if (fd == -1 || fstat(fd, &st) == -1)
			die(argv[1]);
		size = (size_t)st.st_size;
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap");
	} else {
		struct shmid_ds ds;
		int id = atoi(argv[1]);

		if (shmctl(id, IPC_STAT, &ds) == -1)
			die(argv[1]);
		size = ds.shm_segsz;
		if ((p = shmat(id, NULL, 0)) == (void *)-1)
			die("shmat");
	}
	memset(p, 'x', size);
	if (bytes > size)
		bytes = size;
	if (madvise(p, (size_t)bytes, MADV_PAGEOUT) == -1) {
		if (errno == EINVAL)
			return 3;
		die("madvise");
	}
	return 0;
}
