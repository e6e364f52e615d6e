/*
 * leader_exit - a client whose main thread exits (pthread_exit) while
 * another thread keeps a POSIX object: the thread-group leader is then a
 * zombie whose /proc/PID/maps and /proc/PID/fd are empty, and only
 * /proc/PID/task/TID shows what the process uses.
 *
 * usage: leader_exit map|hold NAME SIZE TEXT READYFILE [ECHOFILE]
 *
 * shm_open(NAME, O_CREAT | O_RDWR, 0600), ftruncate to SIZE, copy TEXT
 * into it with its NUL; "map" maps it MAP_SHARED and closes the
 * descriptor, "hold" keeps the descriptor and unmaps.  Then a second
 * thread takes over, the main thread calls pthread_exit, and once the
 * leader is a zombie the thread writes the pid into READYFILE.  Signals
 * as for the other clients (client.h).
 */
#define _GNU_SOURCE

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

static struct client c;
static char *base;
static bool mapped;
static pid_t leader;

/* Is the main thread gone, a zombie that keeps the process's pid? */
static bool
leader_is_zombie(void)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)leader);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* "PID (COMM) STATE ...": COMM may hold anything but ends at ')'. */
	return (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] == 'Z';
}

static void *
keeper(void *arg)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int tries = 500;

	(void)arg;
	while (!leader_is_zombie()) {
		if (tries-- == 0) {
			errno = ETIMEDOUT;
			die("main thread did not exit");
		}
		nanosleep(&ts, NULL);
	}
	client_ready(&c, "%ld\n", (long)leader);
	while (client_wait(&c))
		if (mapped)
			client_echo(&c, base);
	exit(0);
}

int
main(int argc, char *argv[])
{
	pthread_t t;
	int fd;

	if (argc < 2 || (strcmp(argv[1], "map") != 0 &&
	    strcmp(argv[1], "hold") != 0)) {
		fprintf(stderr, "usage: leader_exit map|hold NAME SIZE TEXT "
		    "READYFILE [ECHOFILE]\n");
		return 2;
	}
	mapped = strcmp(argv[1], "map") == 0;
	argc--;
	argv++;
	client_usage(argc, "leader_exit",
	    "map|hold NAME SIZE TEXT READYFILE [ECHOFILE]");
	client_start(argc, argv, ULLONG_MAX, &c);
	leader = getpid();

	if ((fd = shm_open(argv[1], O_CREAT | O_RDWR, 0600)) == -1)
		die("shm_open");
	base = client_map(fd, &c, PROT_READ | PROT_WRITE, MAP_SHARED);
	strcpy(base, c.text);
	if (mapped)
		close(fd);
	else if (munmap(base, (size_t)c.size) == -1)
		die("munmap");
	/* The thread inherits the blocked signals: none is lost. */
	if ((errno = pthread_create(&t, NULL, keeper, NULL)) != 0)
		die("pthread_create");
	pthread_exit(NULL);
}
