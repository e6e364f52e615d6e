/*
 * memfd_holder - a process holding a memfd, as programs in the wild do
 * (Wayland clients, sandboxes, JIT caches).
 *
 * usage: memfd_holder NAME SIZE TEXT READYFILE [ECHOFILE]
 *
 * memfd_create(NAME), ftruncate to SIZE, write TEXT with its NUL at
 * offset 0, write "PID FD" into READYFILE and hold the descriptor.  On
 * SIGUSR1 it writes the memfd's NUL-terminated contents to ECHOFILE; on
 * SIGTERM or SIGINT it exits 0 and the memfd goes with it.
 *
 * With MEMFD_SEALS in the environment (letters: w F_SEAL_WRITE, g
 * F_SEAL_GROW, s F_SEAL_SHRINK), it seals the memfd once TEXT is in.
 * With MEMFD_HUGETLB=1 it is made of huge pages (MFD_HUGETLB, the
 * default size; SIZE must be whole pages), and TEXT goes in through a
 * mapping, since hugetlbfs has no write(2).
 *
 * With MEMFD_MAPPED=1 it keeps no descriptor, only a mapping, as
 * PulseAudio's pools: it maps the memfd MAP_SHARED, closes the
 * descriptor and forks a child that shares the mapping, so that two
 * processes map it and none holds it open.  READYFILE then says
 * "PID START-END CHILDPID" (the mapping as /proc/PID/maps prints it),
 * ECHOFILE has what the mapping holds, and the child goes with it.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"

/* The contents, NUL-terminated, read through our own descriptor. */
static char *
read_string(int fd, size_t size)
{
	char *buf;
	ssize_t n;

	if ((buf = malloc(size + 1)) == NULL)
		return NULL;
	do
		n = pread(fd, buf, size, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * Keep only a mapping of fd, shared with a child: the MEMFD_MAPPED
 * client, to its end.
 */
static int
mapped_only(int fd, const struct client *c)
{
	pid_t parent = getpid(), child;
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	char *p;

	p = mmap(NULL, (size_t)c->size, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	if (close(fd) == -1)
		die("close");
	child = client_fork_sharer();
	client_ready(c, "%ld %lx-%lx %ld\n", (long)parent, (unsigned long)p,
	    ((unsigned long)p + (unsigned long)c->size + page - 1) / page * page,
	    (long)child);
	while (client_wait(c))
		client_echo(c, p);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct client c;
	const char *seals;
	char *content;
	size_t len, off;
	ssize_t n = 0;
	bool huge;
	int fd;

	client_usage(argc, "memfd_holder",
	    "NAME SIZE TEXT READYFILE [ECHOFILE]");
	client_start(argc, argv, SIZE_MAX - 1, &c);

	seals = getenv("MEMFD_SEALS");
	huge = getenv("MEMFD_HUGETLB") != NULL;
	if ((fd = memfd_create(argv[1], MFD_CLOEXEC |
	    (huge ? MFD_HUGETLB : 0) |
	    (seals != NULL ? MFD_ALLOW_SEALING : 0))) == -1)
		die("memfd_create");
	client_size(fd, &c);
	len = strlen(c.text) + 1;
	if (huge) {
		char *p = mmap(NULL, (size_t)c.size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);

		if (p == MAP_FAILED)
			die("mmap");
		memcpy(p, c.text, len);
		munmap(p, (size_t)c.size);
	}
	for (off = huge ? len : 0; off < len; off += (size_t)n)
		if ((n = pwrite(fd, c.text + off, len - off,
		    (off_t)off)) == -1) {
			if (errno != EINTR)
				die("pwrite");
			n = 0;
		}

	if (seals != NULL && fcntl(fd, F_ADD_SEALS,
	    (strchr(seals, 'w') ? F_SEAL_WRITE : 0) |
	    (strchr(seals, 'g') ? F_SEAL_GROW : 0) |
	    (strchr(seals, 's') ? F_SEAL_SHRINK : 0)) == -1)
		die("F_ADD_SEALS");
	if (getenv("MEMFD_MAPPED") != NULL)
		return mapped_only(fd, &c);
	client_ready(&c, "%ld %d\n", (long)getpid(), fd);
	while (client_wait(&c)) {
		if ((content = read_string(fd, (size_t)c.size)) == NULL)
			die("pread");
		client_echo(&c, content);
		free(content);
	}
	close(fd);
	return 0;
}
