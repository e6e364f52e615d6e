/*
 * fd_swapper - a hostile memfd holder: it holds a memfd as descriptor FD,
 * and swaps that descriptor, as fast as it can, with another file that it
 * holds only as O_PATH.  A tool given memfd:PID:FD that checks the link
 * and then opens it again by path can be made to write, truncate or read
 * the other file.
 *
 * usage: fd_swapper [--deleted NAME] TARGET READYFILE
 *
 * Writes "PID FD" into READYFILE, then swaps until SIGTERM.  With
 * --deleted, what it swaps with TARGET is not a memfd but the POSIX
 * object NAME, created, filled with "held", and unlinked: a tool given
 * deleted:PID:FD must never reach TARGET instead.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SWAP_FD	42

static volatile sig_atomic_t done;

static void
on_term(int sig)
{
	(void)sig;
	done = 1;
}

static void
die(const char *what)
{
	fprintf(stderr, "fd_swapper: %s: %s\n", what, strerror(errno));
	exit(1);
}

int
main(int argc, char *argv[])
{
	const char *deleted = NULL;
	char tmp[4096];
	FILE *fp;
	int mfd, tfd;

	if (argc == 5 && strcmp(argv[1], "--deleted") == 0) {
		deleted = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: fd_swapper [--deleted NAME] TARGET "
		    "READYFILE\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (deleted != NULL) {
		if ((mfd = shm_open(deleted, O_CREAT | O_EXCL | O_RDWR,
		    0600)) == -1)
			die("shm_open");
		if (write(mfd, "held", 5) != 5 || shm_unlink(deleted) == -1)
			die(deleted);
	} else if ((mfd = memfd_create("swapped", 0)) == -1)
		die("memfd_create");
	if (ftruncate(mfd, 4096) == -1)
		die("ftruncate");
	if ((tfd = open(argv[1], O_PATH | O_CLOEXEC)) == -1)
		die(argv[1]);
	if (dup2(mfd, SWAP_FD) == -1)
		die("dup2");
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	if ((fp = fopen(tmp, "w")) == NULL)
		die(tmp);
	fprintf(fp, "%ld %d\n", (long)getpid(), SWAP_FD);
	if (fclose(fp) == EOF || rename(tmp, argv[2]) == -1)
		die(argv[2]);
	while (!done) {
		(void)dup2(tfd, SWAP_FD);
		(void)dup2(mfd, SWAP_FD);
	}
	return 0;
}
