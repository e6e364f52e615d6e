/*
 * test_place.c - the default place is the caller's own: its /dev/shm and
 * /proc, its IPC namespace, the same value every time, and the one an
 * address made by hand (or by the parser) is in.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "shm-private.h"
#include "tap.h"

/* Is descriptor fd the directory at path? */
static bool
same_dir(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    S_ISDIR(a.st_mode) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
main(void)
{
	const struct shm_place *p = shm_place_default();
	struct shm_addr a;
	const char *why;
	struct stat st;
	int fl;

	tap_ok(p != NULL && p == shm_place_default(),
	    "the default place is one value");
	if (stat(SHM_DEVSHM, &st) == 0)
		tap_ok(same_dir(place_devshm(p), SHM_DEVSHM),
		    "its /dev/shm is " SHM_DEVSHM);
	else
		tap_ok(place_devshm(p) == -1 && errno == p->devshm_err &&
		    errno != 0, "without " SHM_DEVSHM ", it says why");
	tap_ok(same_dir(place_proc(p), SHM_PROC), "its /proc is " SHM_PROC);
	fl = fcntl(place_proc(p), F_GETFD);
	tap_ok(fl != -1 && (fl & FD_CLOEXEC),
	    "its descriptors are close-on-exec");
	tap_ok(p->ipcns == -1, "its IPC namespace is the caller's own");
	tap_ok(place_enter(p) == 0, "entering it changes nothing");

	tap_ok(shm_addr_parse("/x", &a, &why) == 0 && a.place == NULL &&
	    shm_addr_place(&a) == p,
	    "a parsed address is in the default place");
	shm_addr_free(&a);
	return tap_done();
}
