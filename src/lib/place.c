/*
 * place.c - where segments live.  A System V key or shmid means something
 * only in one IPC namespace, a POSIX name only in one /dev/shm, and who
 * uses either is found among the processes of one /proc.  Every backend
 * operation and the /proc scan act in a place; today's behaviour, the
 * caller's own, is shm_place_default().  A place in a container is
 * another constructor here, not another path through the backends.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "shm-private.h"

/*
 * A directory the place keeps open for good, as O_PATH: it is only ever
 * the dirfd of *at() calls (or reopened as "." to be read), so it needs
 * no permission on the directory itself.  On failure the error is kept
 * for the operations that need it, so that a machine without /dev/shm
 * can still use System V.
 */
static void
open_dir(const char *path, int *fd, int *err)
{
	*fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	*err = *fd == -1 ? errno : 0;
}

/*
 * The caller's own place: its IPC namespace, /dev/shm and /proc, opened
 * the first time it is asked for (after the program has made sure that
 * descriptors 0 to 2 are open) and kept until exit.  Never NULL.
 */
const struct shm_place *
shm_place_default(void)
{
	static struct shm_place here;
	static bool made;
	int e = errno;

	if (!made) {
		open_dir(SHM_DEVSHM, &here.devshm, &here.devshm_err);
		open_dir(SHM_PROC, &here.proc, &here.proc_err);
		here.ipcns = -1;
		made = true;
	}
	errno = e;
	return &here;
}

/* The place an address is in: a hand-made address (NULL) is here. */
const struct shm_place *
shm_addr_place(const struct shm_addr *a)
{
	return a->place != NULL ? a->place : shm_place_default();
}

/* The /dev/shm directory of the place, or -1 with the reason it is not. */
int
place_devshm(const struct shm_place *p)
{
	if (p->devshm == -1)
		errno = p->devshm_err;
	return p->devshm;
}

/* The /proc of the place, or -1 with the reason it is not. */
int
place_proc(const struct shm_place *p)
{
	if (p->proc == -1)
		errno = p->proc_err;
	return p->proc;
}

/*
 * Act in the place's IPC namespace from now on.  A program acts in one
 * place, so a namespace, once entered, is not left; a place without one
 * (ipcns -1) is whichever the process is in.
 */
int
place_enter(const struct shm_place *p)
{
	static const struct shm_place *entered;

	if (p->ipcns == -1 || p == entered)
		return 0;
	if (setns(p->ipcns, CLONE_NEWIPC) == -1)
		return -1;
	entered = p;
	return 0;
}
