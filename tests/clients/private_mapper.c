/*
 * private_mapper - a client that maps an ordinary file MAP_PRIVATE, as a
 * program loading data or code does: it still reads the file's pages
 * until it writes them, so shrinking the file kills it with SIGBUS.
 *
 * usage: private_mapper PATH SIZE TEXT READYFILE [ECHOFILE]
 *
 * open(PATH, O_CREAT | O_RDWR, 0600), ftruncate to SIZE, write TEXT with
 * its NUL at offset 0, mmap SIZE bytes MAP_PRIVATE read-only, close the
 * descriptor, write its pid into READYFILE and keep the mapping.  On
 * SIGUSR1 it writes what the mapping shows into ECHOFILE; on SIGTERM or
 * SIGINT it unmaps and exits 0, leaving the file.
 */
#define _GNU_SOURCE

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "client.h"

int
main(int argc, char *argv[])
{
	struct client c;
	char *base;
	size_t len, off = 0;
	ssize_t n;
	int fd;

	client_usage(argc, "private_mapper",
	    "PATH SIZE TEXT READYFILE [ECHOFILE]");
	client_start(argc, argv, ULLONG_MAX, &c);

	if ((fd = open(argv[1], O_CREAT | O_RDWR | O_CLOEXEC, 0600)) == -1)
		die(argv[1]);
	client_size(fd, &c);
	len = strlen(c.text) + 1;
	while (off < len) {
		if ((n = pwrite(fd, c.text + off, len - off, (off_t)off)) == -1)
			die("pwrite");
		off += (size_t)n;
	}
	base = mmap(NULL, (size_t)c.size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (base == MAP_FAILED)
		die("mmap");
	/* The mapping keeps the file; the descriptor is not needed. */
	close(fd);

	client_ready(&c, "%ld\n", (long)getpid());
	while (client_wait(&c))
		client_echo(&c, base);
	if (munmap(base, (size_t)c.size) == -1)
		die("munmap");
	return 0;
}
