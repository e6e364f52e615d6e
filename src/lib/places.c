/*
 * places.c - -A: every place of the host, found by one walk of our
 * /proc, each IPC namespace and each /dev/shm once.
 *
 * Layer: places (src/lib/LAYERS).
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shm-private.h"

/* Is (a, b, c) in the set s?  With add, put it there: -1 out of memory. */
static int
keyset_has(struct hash *s, uint64_t a, uint64_t b, uint64_t c, bool add)
{
	size_t v = 0;
	int r;

	if (!add)
		return hash_get(s, a, b, c) != -1;
	if ((r = hash_put(s, a, b, c, &v)) == -1)
		return -1;
	return r == 0;
}

/* The namespace inodes and root at dir (a process's or a thread's). */
static int
probe_at(int dirfd, const char *dir, unsigned long long *ipc,
    unsigned long long *mnt, struct stat *root)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/ns/ipc", dir);
	if ((*ipc = proc_ino_at(dirfd, path)) == 0)
		return -1;
	snprintf(path, sizeof(path), "%s/ns/mnt", dir);
	if ((*mnt = proc_ino_at(dirfd, path)) == 0)
		return -1;
	/* Its root may be a FUSE mount that never answers: the cache only. */
	snprintf(path, sizeof(path), "%s/root", dir);
	return proc_stat_nosync(dirfd, path, 0, root);
}

/*
 * The namespace inodes and root of process pid in /proc (procfd): 0,
 * 1 if it is gone (or a zombie: its namespaces went with it), -1 if we
 * may not see them or could not look (errno).  A process whose main
 * thread exited while others run is seen through one of those.
 */
static int
probe(int procfd, long pid, unsigned long long *ipc,
    unsigned long long *mnt, struct stat *root)
{
	char name[32];
	int pfd, task, r, e;

	snprintf(name, sizeof(name), "%ld", pid);
	if (probe_at(procfd, name, ipc, mnt, root) == 0)
		return 0;
	if (errno != ENOENT && errno != ESRCH)
		return -1;
	if ((pfd = openat(procfd, name, O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 1 : -1;
	task = proc_task_open(pfd);
	e = errno;
	close(pfd);
	if (task == -1) {
		errno = e;
		return e == ESRCH || e == SHM_EZOMBIE || e == SHM_EKTHREAD ||
		    e == ENOENT ? 1 : -1;
	}
	r = probe_at(task, ".", ipc, mnt, root);
	e = errno;
	close(task);
	errno = e;
	if (r == 0)
		return 0;
	return errno == ENOENT || errno == ESRCH ? 1 : -1;
}

/* A process of our own place, to give to -N: not a kernel thread. */
static void
own_nspid(int procfd, const char *name, pid_t pid)
{
	int fd;

	if ((fd = openat(procfd, name, O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	if (proc_task_check(fd) == 0)
		place_own()->id.pid = pid;
	close(fd);
}

/*
 * -A: every place of the host, as the processes of our /proc show them:
 * one per IPC namespace (it lists the System V segments) and one per
 * /dev/shm directory (the POSIX objects), a place doing both when one
 * process is the first of either; ours first, then in PID order.  A
 * process is looked at through its namespace and root inodes, and only
 * one whose namespace or mount namespace and root are new is opened:
 * the cost is a few stat calls per process.  Kernel threads, zombies
 * and processes gone meanwhile are passed over; a process whose main
 * thread exited is seen through its other threads.  A /dev/shm that
 * cannot be reached, is no tmpfs or does not answer gives a place that
 * lists no POSIX objects, for the caller to say so
 * (shm_place_devshm_err).  -1 with errno and *bad the process whose
 * namespaces we may not see or enter (EPERM) or could not look at (out
 * of descriptors: EMFILE; never a place silently left out);
 * SHM_EHIDDEN when /proc hides processes (hidepid, a PID namespace
 * below the host's): the places of those would be missing from a
 * listing that looks whole.
 */
int
shm_places_all(const struct shm_place ***out, size_t *nout, pid_t *bad)
{
	const struct shm_place *dflt = shm_place_default();
	struct hash ipcs = { NULL, 0, 0 }, roots = { NULL, 0, 0 };
	struct hash shms = { NULL, 0, 0 };
	const struct shm_place *own = place_own();
	const struct shm_place **v = NULL;
	struct stat own_root;
	size_t n = 0, cap = 16;
	pid_t self = getpid();
	struct dirent *de;
	DIR *d = NULL;
	int fd = -1, e = ENOMEM;

	*bad = 0;
	if ((v = reallocarray(NULL, cap, sizeof(*v))) == NULL)
		return -1;
	v[n++] = dflt;
	if (dflt->proc == -1) {
		e = dflt->proc_err;
		goto fail;
	}
	if (!proc_sees_every_process(dflt->proc)) {
		e = SHM_EHIDDEN;
		goto fail;
	}
	if (fstatat(AT_FDCWD, "/proc/self/root", &own_root, 0) == -1) {
		e = errno;
		goto fail;
	}
	if (keyset_has(&ipcs, own->id.ipcns, 1, 1, true) == -1 ||
	    keyset_has(&roots, own->id.mntns, own_root.st_dev,
	    own_root.st_ino, true) == -1 ||
	    keyset_has(&shms, 1, own->devshm_dev, own->devshm_ino, true) == -1)
		goto fail;
	if ((fd = openat(dflt->proc, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		e = errno;
		if (fd != -1)
			close(fd);
		goto fail;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		unsigned long long ipc, mnt;
		struct shm_place *p;
		struct stat rst;
		long pid;
		char *end;
		int newipc, newroot, seenshm = 1, r;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid > INT_MAX || pid == self)
			continue;
		if ((r = probe(dirfd(d), pid, &ipc, &mnt, &rst)) == 1)
			continue;
		if (r == -1) {
			e = errno == EACCES ? EPERM : errno;
			*bad = (pid_t)pid;
			goto fail;
		}
		/* Known: two lookups, and nothing opened. */
		newipc = !keyset_has(&ipcs, ipc, 1, 1, false);
		newroot = !keyset_has(&roots, mnt, rst.st_dev, rst.st_ino, false);
		if (!newipc && !newroot) {
			if (own->id.pid == 0 && ipc == own->id.ipcns &&
			    mnt == own->id.mntns &&
			    rst.st_dev == own_root.st_dev &&
			    rst.st_ino == own_root.st_ino)
				own_nspid(dirfd(d), de->d_name, (pid_t)pid);
			continue;
		}
		if ((p = place_make((pid_t)pid, false)) == NULL) {
			if (errno == ESRCH || errno == SHM_EZOMBIE ||
			    errno == SHM_EKTHREAD)
				continue;	/* gone, a zombie, a kernel thread */
			/*
			 * Not ours to see (EPERM), or we could not look
			 * (EMFILE): a listing without it would look whole.
			 */
			e = errno;
			*bad = (pid_t)pid;
			goto fail;
		}
		if (keyset_has(&ipcs, ipc, 1, 1, true) == -1 ||
		    keyset_has(&roots, mnt, rst.st_dev, rst.st_ino, true) == -1 ||
		    (p->devshm != -1 && (seenshm = keyset_has(&shms, 1,
		    p->devshm_dev, p->devshm_ino, true)) == -1)) {
			place_free(p);
			goto fail;
		}
		p->lists = 0;
		if (newipc)
			p->lists |= SHM_KIND_BIT(SHM_SYSV);
		if (!seenshm)
			p->lists |= SHM_KIND_BIT(SHM_POSIX);
		/* Kept for what it lists, or to say its /dev/shm is out of reach. */
		if (p->lists == 0 && (p->devshm != -1 ||
		    p->devshm_err == ENOENT || !newroot)) {
			place_free(p);
			continue;
		}
		if (n == cap) {
			const struct shm_place **nv = reallocarray(v, cap * 2,
			    sizeof(*v));

			if (nv == NULL) {
				place_free(p);
				goto fail;
			}
			v = nv;
			cap *= 2;
		}
		p->order = (int)n;
		v[n++] = p;
	}
	if (errno != 0) {
		e = errno;
		goto fail;
	}
	closedir(d);
	hash_free(&ipcs);
	hash_free(&roots);
	hash_free(&shms);
	*out = v;
	*nout = n;
	return 0;
fail:
	if (d != NULL)
		closedir(d);
	hash_free(&ipcs);
	hash_free(&roots);
	hash_free(&shms);
	while (n > 1)
		place_free((struct shm_place *)v[--n]);
	free(v);
	errno = e;
	return -1;
}
