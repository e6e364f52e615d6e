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

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static volatile sig_atomic_t got_term;
static volatile sig_atomic_t got_usr1;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
}

static void
die(const char *what)
{
	fprintf(stderr, "file_writer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int
write_file(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return -1;
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1)
		return -1;
	return rename(tmp, path);
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	sigset_t block, waitmask;
	unsigned long long size;
	char *end, ready[32];
	const char *text, *echofile;
	char *base;
	int fd;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: file_writer PATH SIZE TEXT "
		    "READYFILE [ECHOFILE]\n");
		return 2;
	}
	errno = 0;
	size = strtoull(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || size == 0) {
		fprintf(stderr, "file_writer: bad size: %s\n", argv[2]);
		return 2;
	}
	text = argv[3];
	if (strlen(text) + 1 > size) {
		fprintf(stderr, "file_writer: text does not fit\n");
		return 2;
	}
	echofile = argc == 6 ? argv[5] : NULL;

	/* Block the signals until sigsuspend so that none is lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	if ((fd = open(argv[1], O_CREAT | O_RDWR | O_CLOEXEC, 0600)) == -1)
		die(argv[1]);
	if (ftruncate(fd, (off_t)size) == -1)
		die("ftruncate");
	base = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	if (base == MAP_FAILED)
		die("mmap");
	/* The mapping keeps the object; the descriptor is not needed. */
	close(fd);
	strcpy(base, text);

	snprintf(ready, sizeof(ready), "%ld\n", (long)getpid());
	if (write_file(argv[4], ready, strlen(ready)) == -1)
		die(argv[4]);

	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGUSR1);
	while (!got_term) {
		sigsuspend(&waitmask);
		if (got_usr1) {
			got_usr1 = 0;
			if (echofile != NULL &&
			    write_file(echofile, base,
			    strnlen(base, (size_t)size)) == -1)
				die(echofile);
		}
	}
	if (munmap(base, (size_t)size) == -1)
		die("munmap");
	return 0;
}
