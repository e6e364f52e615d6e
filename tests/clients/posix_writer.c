/*
 * posix_writer - a POSIX shared memory client as programs in the wild
 * write them.
 *
 * usage: posix_writer [--unlink | --unlink-fd] NAME SIZE TEXT READYFILE
 *            [ECHOFILE]
 *
 * shm_open(NAME, O_CREAT | O_RDWR, 0600), ftruncate to SIZE, mmap
 * MAP_SHARED, copy TEXT into it with its NUL, write its own pid into
 * READYFILE and keep the mapping.  On SIGUSR1 it writes the object's
 * NUL-terminated contents to ECHOFILE; on SIGTERM or SIGINT it unmaps
 * and exits 0, leaving the object for the caller to remove.
 *
 * --unlink: shm_unlink(NAME) once the object is mapped, and keep only
 * the mapping (the name is gone, the memory is not).  READYFILE says
 * "PID START-END", the mapping as /proc/PID/map_files names it.
 * --unlink-fd: no mapping at all: TEXT is written with pwrite, the
 * object unlinked, and only the descriptor kept; READYFILE says
 * "PID FD".  Either way, on SIGTERM it lets go and the object is freed.
 */
#define _GNU_SOURCE

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
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
	char *base = NULL;
	int fd, unlink_map = 0, unlink_fd = 0;

	if (argc > 1 && strcmp(argv[1], "--unlink") == 0)
		unlink_map = 1;
	else if (argc > 1 && strcmp(argv[1], "--unlink-fd") == 0)
		unlink_fd = 1;
	if (unlink_map || unlink_fd) {
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	client_usage(argc, "posix_writer",
	    "[--unlink | --unlink-fd] NAME SIZE TEXT READYFILE [ECHOFILE]");
	client_start(argc, argv, ULLONG_MAX, &c);

	if ((fd = shm_open(argv[1], O_CREAT | O_RDWR, 0600)) == -1)
		die("shm_open");
	if (unlink_fd) {
		client_size(fd, &c);
		if (pwrite(fd, c.text, strlen(c.text) + 1, 0) == -1)
			die("pwrite");
		if (shm_unlink(argv[1]) == -1)
			die("shm_unlink");
		client_ready(&c, "%ld %d\n", (long)getpid(), fd);
		if ((base = calloc(1, (size_t)c.size + 1)) == NULL)
			die("calloc");
		while (client_wait(&c)) {
			if (pread(fd, base, (size_t)c.size, 0) == -1)
				die("pread");
			client_echo(&c, base);
		}
		free(base);
		return close(fd) == -1;
	}
	base = client_map(fd, &c, PROT_READ | PROT_WRITE, MAP_SHARED);
	/* The mapping keeps the object; the descriptor is not needed. */
	close(fd);
	strcpy(base, c.text);
	if (unlink_map) {
		if (shm_unlink(argv[1]) == -1)
			die("shm_unlink");
		client_ready(&c, "%ld %lx-%lx\n", (long)getpid(),
		    (unsigned long)(uintptr_t)base,
		    (unsigned long)((uintptr_t)base + c.size +
		    ((uintptr_t)sysconf(_SC_PAGESIZE) - 1 -
		    (c.size - 1) % (uintptr_t)sysconf(_SC_PAGESIZE))));
	} else
		client_ready(&c, "%ld\n", (long)getpid());
	while (client_wait(&c))
		client_echo(&c, base);
	if (munmap(base, (size_t)c.size) == -1)
		die("munmap");
	return 0;
}
