/*
 * sysv-io.c - the C program bench/data.sh times shmput KEY and shmcat KEY
 * against: what a program that knows its job does with a System V segment.
 *
 *   sysv-io put KEY < FILE   attach, populate for writing
 *                            (MADV_POPULATE_WRITE), read(2) into the mapping
 *   sysv-io get KEY > FILE   attach read-only, populate for reading
 *                            (MADV_POPULATE_READ), one write(2) loop from it
 *
 * The whole segment, or up to end of input for put.  No library of the
 * project: the peer must not depend on the code being measured.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct shmid_ds ds;
	size_t size, done = 0;
	ssize_t n;
	char *p, *end;
	long key;
	int id, put;

	if (argc != 3 || (strcmp(argv[1], "put") != 0 &&
	    strcmp(argv[1], "get") != 0)) {
		fprintf(stderr, "usage: sysv-io put|get KEY\n");
		return 2;
	}
	put = strcmp(argv[1], "put") == 0;
	errno = 0;
	key = strtol(argv[2], &end, 0);
	if (errno != 0 || *end != '\0') {
		fprintf(stderr, "sysv-io: bad key %s\n", argv[2]);
		return 2;
	}
	if ((id = shmget((key_t)key, 0, 0)) == -1)
		die("shmget");
	if (shmctl(id, IPC_STAT, &ds) == -1)
		die("IPC_STAT");
	size = ds.shm_segsz;
	if ((p = shmat(id, NULL, put ? 0 : SHM_RDONLY)) == (void *)-1)
		die("shmat");
	if (madvise(p, size, put ? MADV_POPULATE_WRITE : MADV_POPULATE_READ) == -1)
		die("madvise");
	while (done < size) {
		n = put ? read(0, p + done, size - done) :
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
