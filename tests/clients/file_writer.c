/*
 * file_writer - a client sharing an ordinary file with MAP_SHARED, as
 * programs in the wild do.
 *
 * usage: file_writer PATH SIZE TEXT READYFILE [ECHOFILE]
 *
 * open(PATH, O_CREAT | O_RDWR, 0600), ftruncate to SIZE, mmap MAP_SHARED,
 * copy TEXT into it with its NUL, write its own pid into READYFILE and
 * keep the mapping.  On SIGUSR1 it writes the file's NUL-terminated
 * contents (as seen through the mapping) to ECHOFILE; on SIGTERM or
 * SIGINT it unmaps and exits 0, leaving the file for the caller.
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
	int fd;

	client_usage(argc, "file_writer",
	    "PATH SIZE TEXT READYFILE [ECHOFILE]");
	client_start(argc, argv, ULLONG_MAX, &c);

	if ((fd = open(argv[1], O_CREAT | O_RDWR | O_CLOEXEC, 0600)) == -1)
		die(argv[1]);
	base = client_map(fd, &c, PROT_READ | PROT_WRITE, MAP_SHARED);
	/* The mapping keeps the object; the descriptor is not needed. */
	close(fd);
	strcpy(base, c.text);

	client_ready(&c, "%ld\n", (long)getpid());
	while (client_wait(&c))
		client_echo(&c, base);
	if (munmap(base, (size_t)c.size) == -1)
		die("munmap");
	return 0;
}
