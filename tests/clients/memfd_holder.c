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
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
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
	fprintf(stderr, "memfd_holder: %s: %s\n", what, strerror(errno));
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

/* The contents up to the first NUL, read through our own descriptor. */
static char *
read_string(int fd, size_t size, size_t *lenp)
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
	*lenp = strlen(buf);
	return buf;
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	sigset_t block, waitmask;
	unsigned long long size;
	char *end, ready[64], *content;
	const char *text, *echofile;
	size_t len, off;
	ssize_t n;
	int fd;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: memfd_holder NAME SIZE TEXT "
		    "READYFILE [ECHOFILE]\n");
		return 2;
	}
	errno = 0;
	size = strtoull(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || size == 0 || size > SIZE_MAX - 1) {
		fprintf(stderr, "memfd_holder: bad size: %s\n", argv[2]);
		return 2;
	}
	text = argv[3];
	len = strlen(text) + 1;
	if (len > size) {
		fprintf(stderr, "memfd_holder: text does not fit\n");
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

	if ((fd = memfd_create(argv[1], MFD_CLOEXEC)) == -1)
		die("memfd_create");
	if (ftruncate(fd, (off_t)size) == -1)
		die("ftruncate");
	for (off = 0; off < len; off += (size_t)n)
		if ((n = pwrite(fd, text + off, len - off, (off_t)off)) == -1) {
			if (errno != EINTR)
				die("pwrite");
			n = 0;
		}

	snprintf(ready, sizeof(ready), "%ld %d\n", (long)getpid(), fd);
	if (write_file(argv[4], ready, strlen(ready)) == -1)
		die(argv[4]);

	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGUSR1);
	while (!got_term) {
		sigsuspend(&waitmask);
		if (got_usr1) {
			got_usr1 = 0;
			if (echofile == NULL)
				continue;
			if ((content = read_string(fd, (size_t)size,
			    &len)) == NULL)
				die("pread");
			if (write_file(echofile, content, len) == -1)
				die(echofile);
			free(content);
		}
	}
	close(fd);
	return 0;
}
