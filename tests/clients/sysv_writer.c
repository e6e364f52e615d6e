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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <unistd.h>

#include "client.h"

int
main(int argc, char *argv[])
{
	struct client c;
	unsigned long key;
	char *end, *base;
	int shmid;

	client_usage(argc, "sysv_writer",
	    "KEY_HEX SIZE TEXT READYFILE [ECHOFILE]");
	errno = 0;
	key = strtoul(argv[1], &end, 16);
	if (errno != 0 || *end != '\0' || key > 0xffffffffUL) {
		fprintf(stderr, "sysv_writer: bad key: %s\n", argv[1]);
		return 2;
	}
	client_start(argc, argv, ULLONG_MAX, &c);

	shmid = shmget((key_t)key, (size_t)c.size, IPC_CREAT | 0600);
	if (shmid == -1)
		die("shmget");
	if ((base = shmat(shmid, NULL, 0)) == (void *)-1)
		die("shmat");
	strcpy(base, c.text);

	client_ready(&c, "%ld\n", (long)getpid());
	while (client_wait(&c))
		client_echo(&c, base);
	if (shmdt(base) == -1)
		die("shmdt");
	return 0;
}
