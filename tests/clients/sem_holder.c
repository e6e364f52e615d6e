/*
 * sem_holder - a POSIX semaphore as programs make them.
 *
 * usage: sem_holder NAME READYFILE
 *
 * Opens (creating, mode 0600, value 1) the named semaphore NAME with
 * sem_open(3), which glibc keeps in /dev/shm as sem.NAME and maps, writes
 * its pid into READYFILE and holds it until SIGTERM or SIGINT; then it
 * closes it and exits 0, leaving it for the caller to sem_unlink.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
die(const char *what)
{
	fprintf(stderr, "sem_holder: %s: %s\n", what, strerror(errno));
	exit(1);
}

int
main(int argc, char *argv[])
{
	char tmp[4096];
	sigset_t set;
	sem_t *sem;
	FILE *fp;
	int sig;

	if (argc != 3) {
		fprintf(stderr, "usage: sem_holder NAME READYFILE\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((sem = sem_open(argv[1], O_CREAT, 0600, 1)) == SEM_FAILED)
		die(argv[1]);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	if ((fp = fopen(tmp, "w")) == NULL ||
	    fprintf(fp, "%d\n", (int)getpid()) < 0 || fclose(fp) == EOF ||
	    rename(tmp, argv[2]) == -1)
		die(argv[2]);
	sigwait(&set, &sig);
	sem_close(sem);
	return 0;
}
