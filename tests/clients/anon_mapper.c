/*
 * anon_mapper - a process sharing anonymous memory with a child it
 * forked, as PostgreSQL's shared_buffers, Python multiprocessing's
 * heaps and pre-forking servers do.
 *
 * usage: anon_mapper HOW SIZE TEXT READYFILE [ECHOFILE]
 *
 * HOW is "anon" (mmap MAP_SHARED | MAP_ANONYMOUS) or "zero" (a
 * MAP_SHARED map of /dev/zero).  It maps SIZE bytes so, writes TEXT
 * with its NUL at offset 0, forks a child that shares the mapping
 * (and dies with it), and writes "PID START-END CHILDPID" into
 * READYFILE (the mapping as /proc/PID/maps prints it).  On SIGUSR1 it
 * writes what the mapping holds, up to its first NUL, to ECHOFILE; on
 * SIGTERM or SIGINT it exits 0 and the mapping goes with it.
 *
 * With ANON_SWAP=PATH in the environment it is hostile: its first
 * SIGUSR1 maps the file PATH over the same range instead (MAP_FIXED,
 * MAP_SHARED), as a holder may between a listing and a read, and
 * echoes "swapped"; later ones echo what the range holds then.
 */
#define _GNU_SOURCE

#include <stdbool.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "client.h"

int
main(int argc, char *argv[])
{
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	const char *swap;
	struct client c;
	pid_t child;
	size_t len;
	bool zero;
	char *p;
	int fd = -1;

	client_usage(argc, "anon_mapper", "anon|zero SIZE TEXT READYFILE "
	    "[ECHOFILE]");
	if (strcmp(argv[1], "anon") != 0 && strcmp(argv[1], "zero") != 0) {
		fprintf(stderr, "anon_mapper: HOW is anon or zero\n");
		exit(2);
	}
	zero = strcmp(argv[1], "zero") == 0;
	client_start(argc, argv, SIZE_MAX / 2, &c);
	len = (size_t)((c.size + page - 1) / page * page);
	if (zero && (fd = open("/dev/zero", O_RDWR | O_CLOEXEC)) == -1)
		die("/dev/zero");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_SHARED | (zero ? 0 : MAP_ANONYMOUS), fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	if (fd != -1)
		close(fd);
	memcpy(p, c.text, strlen(c.text) + 1);
	child = client_fork_sharer();
	client_ready(&c, "%ld %lx-%lx %ld\n", (long)getpid(), (unsigned long)p,
	    (unsigned long)p + len, (long)child);
	swap = getenv("ANON_SWAP");
	while (client_wait(&c)) {
		if (swap != NULL) {
			if ((fd = open(swap, O_RDWR | O_CLOEXEC)) == -1)
				die(swap);
			if (mmap(p, len, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
				die("mmap MAP_FIXED");
			close(fd);
			swap = NULL;
			client_echo(&c, "swapped");
			continue;
		}
		client_echo(&c, p);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
