/*
 * fuse_mute - a FUSE file system whose daemon never answers: mounted on
 * DIR with mount(2), and /dev/fuse never read, so that every request to
 * it (a lookup, a stat, a statfs) waits for ever, killably.  A hostile
 * container's /dev/shm.
 *
 * usage: fuse_mute DIR READYFILE
 *
 * Creates READYFILE once DIR is mounted, then waits; SIGTERM ends it,
 * and with it the file system (its requests fail).  Exits 3 when FUSE
 * cannot be had here (no /dev/fuse, or mounting it is not permitted).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static void
die(const char *what, int status)
{
	fprintf(stderr, "fuse_mute: %s: %s\n", what, strerror(errno));
	exit(status);
}

int
main(int argc, char *argv[])
{
	char opts[128];
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: fuse_mute DIR READYFILE\n");
		return 2;
	}
	if ((fd = open("/dev/fuse", O_RDWR | O_CLOEXEC)) == -1)
		die("/dev/fuse", 3);
	snprintf(opts, sizeof(opts),
	    "fd=%d,rootmode=40000,user_id=%d,group_id=%d", fd, (int)getuid(),
	    (int)getgid());
	if (mount("shmt-fuse", argv[1], "fuse.shmt-mute", MS_NOSUID | MS_NODEV,
	    opts) == -1)
		die(argv[1], errno == EPERM || errno == ENODEV ? 3 : 1);
	if (close(open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1)
		die(argv[2], 1);
	for (;;)
		pause();
}
