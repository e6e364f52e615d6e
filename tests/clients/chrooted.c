/*
 * chrooted - a process whose root is DIR, in our own namespaces: as a
 * build chroot is, with a /dev/shm of its own under DIR.
 *
 *	chrooted DIR READYFILE
 *
 * It chroots to DIR, then creates READYFILE (through a descriptor of its
 * directory opened before, so that the file is where the test looks),
 * and waits for a signal.  Exit 2 on usage, 1 on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	char *dir, *base, *a, *b;
	int dirfd, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: chrooted DIR READYFILE\n");
		return 2;
	}
	if ((a = strdup(argv[2])) == NULL || (b = strdup(argv[2])) == NULL)
		return 1;
	dir = dirname(a);
	base = basename(b);
	if ((dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    chroot(argv[1]) == -1 || chdir("/") == -1) {
		fprintf(stderr, "chrooted: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if ((fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		fprintf(stderr, "chrooted: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	close(fd);
	pause();
	return 0;
}
