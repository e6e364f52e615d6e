/*
 * scale-helper.c - make the state that bench/scale.sh times shmtools in.
 *
 *   scale-helper sysv N KEYBASE   remove every System V segment, then create
 *                                 N of SIZE bytes, keys KEYBASE..KEYBASE+N-1
 *   scale-helper posix FROM TO    create /dev/shm/o-%06d, FROM .. TO-1,
 *                                 SIZE bytes written (so each holds a page;
 *                                 SEGSIZE=0 makes them empty)
 *   scale-helper procs N          fork N processes that each map one of 64
 *                                 objects /dev/shm/p-NN and sleep; print
 *                                 "ready" once all are up; on SIGTERM kill
 *                                 and reap them, then exit
 *   scale-helper maps N           map N separate MAP_SHARED pieces of one
 *                                 object /dev/shm/m-N, print "ready", sleep
 *
 * SIZE is the environment's SEGSIZE, 4096 by default.  It runs only inside
 * the private namespaces scale.sh makes: "sysv" removes every segment it
 * sees.  The library is deliberately not used: the state must not depend
 * on the code being measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>

#define NOBJ	64	/* objects the "procs" processes share out */

static volatile sig_atomic_t stop;

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static long
num(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < 0) {
		fprintf(stderr, "scale-helper: bad number %s\n", s);
		exit(2);
	}
	return v;
}

static size_t
segsize(void)
{
	const char *s = getenv("SEGSIZE");

	return s != NULL ? (size_t)num(s) : 4096;
}

/* Every segment goes, by shmid: SHM_STAT walks the kernel's index. */
static void
sysv_clear(void)
{
	struct shm_info info;
	struct shmid_ds ds;
	int i, maxidx, id;

	maxidx = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
	if (maxidx == -1)
		die("SHM_INFO");
	for (i = 0; i <= maxidx; i++) {
		if ((id = shmctl(i, SHM_STAT, &ds)) == -1)
			continue;
		if (shmctl(id, IPC_RMID, NULL) == -1)
			die("IPC_RMID");
	}
}

static int
sysv_fill(long n, key_t keybase)
{
	size_t size = segsize();
	long i;

	sysv_clear();
	for (i = 0; i < n; i++)
		if (shmget(keybase + (key_t)i, size,
		    IPC_CREAT | IPC_EXCL | 0600) == -1)
			die("shmget");
	return 0;
}

/* An object of SIZE bytes that holds its pages, as a real one does. */
static void
make_object(const char *path, const char *buf, size_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd == -1 || write(fd, buf, size) != (ssize_t)size)
		die(path);
	close(fd);
}

static int
posix_fill(long from, long to)
{
	size_t size = segsize();
	char path[64], *buf;
	long i;

	if ((buf = malloc(size + 1)) == NULL)	/* SEGSIZE=0: empty objects */
		die("malloc");
	memset(buf, 'x', size);
	for (i = from; i < to; i++) {
		snprintf(path, sizeof(path), "/dev/shm/o-%06ld", i);
		make_object(path, buf, size);
	}
	free(buf);
	return 0;
}

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Map PATH (SIZE bytes) once, close the descriptor, as most programs do. */
static void *
map_object(const char *path, size_t size)
{
	void *p;
	int fd = open(path, O_RDWR);

	if (fd == -1)
		die(path);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	close(fd);
	return p;
}

static int
procs(long n)
{
	size_t size = segsize();
	struct sigaction sa;
	char path[64], *buf, c;
	pid_t *pids;
	int pfd[2];
	long i;

	if ((buf = malloc(size)) == NULL ||
	    (pids = calloc((size_t)n + 1, sizeof(*pids))) == NULL)
		die("malloc");
	memset(buf, 'p', size);
	for (i = 0; i < NOBJ; i++) {
		snprintf(path, sizeof(path), "/dev/shm/p-%02ld", i);
		if (access(path, F_OK) != 0)
			make_object(path, buf, size);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	if (pipe(pfd) == -1)
		die("pipe");
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == -1)
			die("fork");
		if (pids[i] > 0)
			continue;
		signal(SIGTERM, SIG_DFL);
		close(pfd[0]);
		snprintf(path, sizeof(path), "/dev/shm/p-%02ld", i % NOBJ);
		((volatile char *)map_object(path, size))[0] = 'q';
		if (write(pfd[1], "", 1) != 1)
			die("write");
		close(pfd[1]);
		for (;;)
			pause();
	}
	close(pfd[1]);
	for (i = 0; i < n; i++)
		if (read(pfd[0], &c, 1) != 1)
			die("a process did not start");
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	return 0;
}

/*
 * N mappings of the same page: pieces of one file at the same offset never
 * merge into one VMA (their offsets are not contiguous), so /proc/PID/maps
 * has N lines.  vm.max_map_count must allow it.
 */
static int
maps(long n)
{
	long page = sysconf(_SC_PAGESIZE), i;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/shm/m-%ld", n);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd == -1 || ftruncate(fd, page) == -1)
		die(path);
	for (i = 0; i < n; i++)
		if (mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0) ==
		    MAP_FAILED)
			die("mmap (is vm.max_map_count large enough?)");
	close(fd);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
	/* NOTREACHED */
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc == 4 && strcmp(argv[1], "sysv") == 0)
		return sysv_fill(num(argv[2]), (key_t)num(argv[3]));
	if (argc == 4 && strcmp(argv[1], "posix") == 0)
		return posix_fill(num(argv[2]), num(argv[3]));
	if (argc == 3 && strcmp(argv[1], "procs") == 0)
		return procs(num(argv[2]));
	if (argc == 3 && strcmp(argv[1], "maps") == 0)
		return maps(num(argv[2]));
	fprintf(stderr, "usage: scale-helper sysv N KEYBASE | posix FROM TO | "
	    "procs N | maps N\n");
	return 2;
}
