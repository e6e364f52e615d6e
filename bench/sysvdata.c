/*
 * sysvdata.c - the C peers of shmcat and shmput on a System V segment,
 * for bench/sysvdata.sh: what a careful program does by hand.
 *
 *   sysvdata put KEY   stdin into the segment: shmat, one
 *                      madvise(MADV_POPULATE_WRITE) over the segment,
 *                      then read(2) into the mapping until it is full or
 *                      the input ends
 *   sysvdata cat KEY   the segment to stdout: shmat(SHM_RDONLY), one
 *                      madvise(MADV_POPULATE_READ), then write(2) of the
 *                      whole mapping
 *
 * KEY is hexadecimal (0x...).  Exit status 0, or 1 with a message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22	/* Linux 5.14 */
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23	/* Linux 5.14 */
#endif

static void
die(const char *what)
{
	fprintf(stderr, "sysvdata: %s: %s\n", what, strerror(errno));
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct shmid_ds ds;
	int put, id;
	size_t size, done = 0;
	char *p;

	if (argc != 3 || (strcmp(argv[1], "put") != 0 &&
	    strcmp(argv[1], "cat") != 0)) {
		fprintf(stderr, "usage: sysvdata put|cat KEY\n");
		return 1;
	}
	put = strcmp(argv[1], "put") == 0;
	if ((id = shmget((key_t)strtoul(argv[2], NULL, 16), 0, 0)) == -1)
		die("shmget");
	if (shmctl(id, IPC_STAT, &ds) == -1)
		die("shmctl");
	size = ds.shm_segsz;
	if ((p = shmat(id, NULL, put ? 0 : SHM_RDONLY)) == (void *)-1)
		die("shmat");
	if (madvise(p, size, put ? MADV_POPULATE_WRITE : MADV_POPULATE_READ))
		die("madvise");
	while (done < size) {
		ssize_t n = put ? read(0, p + done, size - done) :
		    write(1, p + done, size - done);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die(put ? "read" : "write");
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return 0;
}
