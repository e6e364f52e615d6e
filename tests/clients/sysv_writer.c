/*
 * sysv_writer - a System V client as programs in the wild write them.
 *
 * usage: sysv_writer KEY_HEX SIZE TEXT READYFILE [ECHOFILE]
 *
 * Creates (or opens) the segment KEY with shmget(IPC_CREAT | 0600),
 * attaches it, copies TEXT into it with its NUL, writes its own pid into
 * READYFILE and stays attached.  On SIGUSR1 it writes the segment's
 * NUL-terminated contents to ECHOFILE; on SIGTERM or SIGINT it detaches
 * and exits 0, leaving the segment for the caller to remove.
 * Files are written under a temporary name and renamed, so a reader that
 * sees the file sees all of it.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
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
	fprintf(stderr, "sysv_writer: %s: %s\n", what, strerror(errno));
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
	unsigned long key;
	char *end, ready[32];
	const char *text, *echofile;
	char *base;
	int shmid;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: sysv_writer KEY_HEX SIZE TEXT "
		    "READYFILE [ECHOFILE]\n");
		return 2;
	}
	errno = 0;
	key = strtoul(argv[1], &end, 16);
	if (errno != 0 || *end != '\0' || key > 0xffffffffUL) {
		fprintf(stderr, "sysv_writer: bad key: %s\n", argv[1]);
		return 2;
	}
	errno = 0;
	size = strtoull(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || size == 0) {
		fprintf(stderr, "sysv_writer: bad size: %s\n", argv[2]);
		return 2;
	}
	text = argv[3];
	if (strlen(text) + 1 > size) {
		fprintf(stderr, "sysv_writer: text does not fit\n");
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

	if ((shmid = shmget((key_t)key, (size_t)size, IPC_CREAT | 0600)) == -1)
		die("shmget");
	if ((base = shmat(shmid, NULL, 0)) == (void *)-1)
		die("shmat");
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
	if (shmdt(base) == -1)
		die("shmdt");
	return 0;
}
