/*
 * client.h - what the test clients in tests/clients have in common: the
 * arguments SIZE TEXT READYFILE [ECHOFILE] after the client's own first
 * one, the signals, and the files they write for the tests.
 *
 * Each client is built from its own .c alone, so all here is static.  A
 * client defines _GNU_SOURCE, includes this, and then:
 *
 *	client_usage()		with its name and usage line;
 *	(parses its own first argument, if it has to)
 *	client_start()		SIZE, TEXT, READYFILE, ECHOFILE; signals;
 *	(creates its segment and puts TEXT into it)
 *	client_ready()		with what it says in READYFILE;
 *	while (client_wait())	client_echo() the segment's contents;
 *	(lets go of its segment and returns 0)
 *
 * Usage errors exit 2, any other failure exits 1 with the message
 * "NAME: WHAT: strerror(errno)".  Files are written under a temporary
 * name and renamed, so a reader that sees the file sees all of it.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

struct client {
	unsigned long long size;	/* SIZE, more than 0 */
	const char *text;		/* TEXT, fits in SIZE with its NUL */
	const char *readyfile;		/* READYFILE */
	const char *echofile;		/* ECHOFILE, or NULL */
};

static const char *client_name;
static sigset_t client_waitmask;
static volatile sig_atomic_t got_term;
static volatile sig_atomic_t got_usr1;

static void
die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", client_name, what, strerror(errno));
	exit(1);
}

/* Exits 2 with the usage line NAME USAGE unless there are 4 or 5
 * arguments. */
static void
client_usage(int argc, const char *name, const char *usage)
{
	client_name = name;
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: %s %s\n", name, usage);
		exit(2);
	}
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
}

/*
 * SIZE TEXT READYFILE [ECHOFILE] into C: exits 2 if SIZE is 0 or more
 * than MAXSIZE, or TEXT with its NUL does not fit in it.  Then catches
 * SIGTERM, SIGINT and SIGUSR1, blocked but in client_wait so that none
 * is lost.
 */
static void
client_start(int argc, char *argv[], unsigned long long maxsize,
    struct client *c)
{
	struct sigaction sa;
	sigset_t block;
	char *end;

	errno = 0;
	c->size = strtoull(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || c->size == 0 || c->size > maxsize) {
		fprintf(stderr, "%s: bad size: %s\n", client_name, argv[2]);
		exit(2);
	}
	c->text = argv[3];
	if (strlen(c->text) + 1 > c->size) {
		fprintf(stderr, "%s: text does not fit\n", client_name);
		exit(2);
	}
	c->readyfile = argv[4];
	c->echofile = argc == 6 ? argv[5] : NULL;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &client_waitmask);
	sigdelset(&client_waitmask, SIGTERM);
	sigdelset(&client_waitmask, SIGINT);
	sigdelset(&client_waitmask, SIGUSR1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
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

/* Writes FMT and the rest into READYFILE: the client is ready. */
/* Size fd to SIZE; unused by the clients that map nothing. */
static inline void
client_size(int fd, const struct client *c)
{
	if (ftruncate(fd, (off_t)c->size) == -1)
		die("ftruncate");
}

/* Size fd to SIZE and map all of it with prot and flags (MAP_SHARED...). */
static inline char *
client_map(int fd, const struct client *c, int prot, int flags)
{
	void *p;

	client_size(fd, c);
	if ((p = mmap(NULL, (size_t)c->size, prot, flags, fd, 0)) == MAP_FAILED)
		die("mmap");
	return p;
}

static void __attribute__((format(printf, 2, 3)))
client_ready(const struct client *c, const char *fmt, ...)
{
	char ready[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ready, sizeof(ready), fmt, ap);
	va_end(ap);
	if (write_file(c->readyfile, ready, strlen(ready)) == -1)
		die(c->readyfile);
}

/* Waits for the signals: 1 on SIGUSR1 if there is an ECHOFILE to write,
 * 0 on SIGTERM or SIGINT. */
static int
client_wait(const struct client *c)
{
	for (;;) {
		if (got_usr1) {
			got_usr1 = 0;
			if (c->echofile != NULL)
				return 1;
		}
		if (got_term)
			return 0;
		sigsuspend(&client_waitmask);
	}
}

/*
 * Fork a child that shares our mappings and only waits, dying with us
 * (PR_SET_PDEATHSIG): a second process mapping the same memory.
 * Returns its pid.  The client includes <sys/prctl.h> to use it.
 */
#ifdef PR_SET_PDEATHSIG
static inline pid_t
client_fork_sharer(void)
{
	pid_t parent = getpid(), child;

	if ((child = fork()) == -1)
		die("fork");
	if (child == 0) {
		/* The mappings are the child's too from here: only wait. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
			die("prctl");
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	return child;
}
#endif

/* Writes the segment's contents DATA, up to its first NUL, into
 * ECHOFILE. */
static void
client_echo(const struct client *c, const char *data)
{
	if (write_file(c->echofile, data, strnlen(data, (size_t)c->size)) == -1)
		die(c->echofile);
}

#endif /* CLIENT_H */
