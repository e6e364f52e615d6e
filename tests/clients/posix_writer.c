/*
 * posix_writer - a POSIX shared memory client as programs in the wild
 * write them.
 *
 * usage: posix_writer NAME SIZE TEXT READYFILE [ECHOFILE]
 *
 * shm_open(NAME, O_CREAT | O_RDWR, 0600), ftruncate to SIZE, mmap
 * MAP_SHARED, copy TEXT into it with its NUL, write its own pid into
 * READYFILE and keep the mapping.  On SIGUSR1 it writes the object's
 * NUL-terminated contents to ECHOFILE; on SIGTERM or SIGINT it unmaps
 * and exits 0, leaving the object for the caller to remove.
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

	client_usage(argc, "posix_writer",
	    "NAME SIZE TEXT READYFILE [ECHOFILE]");
	client_start(argc, argv, ULLONG_MAX, &c);

	if ((fd = shm_open(argv[1], O_CREAT | O_RDWR, 0600)) == -1)
		die("shm_open");
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
