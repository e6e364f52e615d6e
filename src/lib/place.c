/*
 * place.c - where segments live.  A System V key or shmid means something
 * only in one IPC namespace, a POSIX name only in one /dev/shm, and who
 * uses either is found among the processes of one /proc.  Every backend
 * operation and the /proc scan act in a place.  The caller's own place is
 * shm_place_default(); shm_place_of_pid() makes the place of a process
 * (-N), shm_places_all() every place of the host (-A).
 *
 * Who uses a segment is always found among every process of the caller's
 * own /proc, whatever the place: from the host, every process of every
 * container is there.
 *
 * System V calls act in the IPC namespace the process is in, so a place
 * is entered (setns) before them: place_enter(), which the dispatcher
 * (seg.c) calls before every backend operation that needs it.  Nothing
 * reads the "current" namespace back: what belongs to a namespace (a
 * key's lock, a recovery file) is named by place_ipcns_ino() of the
 * place it is for.
 *
 * Layer: places (src/lib/LAYERS).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "shm-private.h"


/*
 * Our own IPC namespace: its inode (0: not looked at yet), a descriptor
 * to come back to (opened before we first leave it), and the one we are
 * in now (0: still our own).
 */
static int self_ipcns = -1, self_ipcns_err;
static unsigned long long self_ipcns_ino, cur_ipcns_ino;
static bool self_ipcns_looked;

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

/* Where /dev/shm is, to tell one from another (0, 0: none). */
static void
devshm_key(struct shm_place *p)
{
	struct stat st;

	if (p->devshm != -1 &&
	    proc_stat_nosync(p->devshm, "", AT_EMPTY_PATH, &st) == 0) {
		p->devshm_dev = st.st_dev;
		p->devshm_ino = st.st_ino;
	}
}

/*
 * The caller's own place.  Each of its parts is opened the first time
 * something needs it, and kept until exit: a program that reads one
 * POSIX object never opens /proc, one that removes a System V key never
 * opens /dev/shm, and neither asks which namespaces it is in unless a
 * lock, a listing or another place needs to know.  That is always after
 * the program has made sure that descriptors 0 to 2 are open (cli_init).
 * A part that could not be opened keeps its reason (devshm_err,
 * proc_err) as it did when all were opened at start, unless the reason
 * is ours and passing (out of descriptors or memory): then it is tried
 * again the next time.
 */
static struct shm_place here = {
	.devshm = -1, .proc = -1, .ipcns = -1, .root = -1,
	.lists = SHM_KINDS_ALL,
};
static bool here_devshm_done, here_proc_done, here_ids_done;

/* Out of descriptors or memory: not a reason to keep. */
static bool
passing(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM;
}

static void
here_devshm(void)
{
	int e = errno;

	if (!here_devshm_done) {
		open_dir(SHM_DEVSHM, &here.devshm, &here.devshm_err);
		here_devshm_done = !passing(here.devshm_err);
	}
	errno = e;
}

static void
here_proc(void)
{
	int e = errno;

	if (!here_proc_done) {
		open_dir(SHM_PROC, &here.proc, &here.proc_err);
		here_proc_done = !passing(here.proc_err);
	}
	errno = e;
}

/*
 * The inode of our own IPC namespace (0 if /proc cannot say).  Looked
 * at before we first leave it (place_own()), so /proc/self/ns/ipc is
 * still ours.
 */
static unsigned long long
own_ipcns_ino(void)
{
	int e = errno;

	if (!self_ipcns_looked) {
		self_ipcns_ino = proc_ino_at(AT_FDCWD, "/proc/self/ns/ipc");
		here.id.ipcns = self_ipcns_ino;
		self_ipcns_looked = true;
	}
	errno = e;
	return self_ipcns_ino;
}

/* What shm_place_id() tells of our place: its namespaces, its /dev/shm. */
static void
here_ids(void)
{
	int e = errno;

	if (!here_ids_done) {
		(void)own_ipcns_ino();
		here.id.mntns = proc_ino_at(AT_FDCWD, "/proc/self/ns/mnt");
		here_devshm();
		devshm_key(&here);
		here_ids_done = true;
	}
	errno = e;
}

/* The caller's own place.  Never NULL. */
const struct shm_place *
shm_place_default(void)
{
	return &here;
}

/*
 * The caller's own place, every part of it opened: to fill in
 * (places.c: its NSPID), to read directly, or to leave for another.
 */
struct shm_place *
place_own(void)
{
	int e = errno;

	here_devshm();
	here_proc();
	here_ids();
	/* Opened while it is still ours: to come back to from another. */
	if (self_ipcns == -1 && cur_ipcns_ino == 0 &&
	    (self_ipcns = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC)) == -1)
		self_ipcns_err = errno;
	errno = e;
	return &here;
}

/* The place an address is in: a hand-made address (NULL) is here. */
const struct shm_place *
shm_addr_place(const struct shm_addr *a)
{
	return a->place != NULL ? a->place : &here;
}

/* The /dev/shm directory of the place, or -1 with the reason it is not. */
int
place_devshm(const struct shm_place *p)
{
	if (p == &here)
		here_devshm();
	if (p->devshm == -1)
		errno = p->devshm_err;
	return p->devshm;
}

/* The /proc of the place, or -1 with the reason it is not. */
int
place_proc(const struct shm_place *p)
{
	if (p == &here)
		here_proc();
	if (p->proc == -1)
		errno = p->proc_err;
	return p->proc;
}

/*
 * The inode of the place's IPC namespace: with a shmid, a segment's name;
 * with a key, what a lock or a recovery file belongs to.
 */
unsigned long long
place_ipcns_ino(const struct shm_place *p)
{
	return p->ipcns == -1 ? own_ipcns_ino() : p->id.ipcns;
}

/*
 * Enter the IPC namespace fd (ino): -1 on failure.  Only place_make()
 * leads anywhere else, and it opens our own place (place_own()) first.
 */
static int
switch_ipcns(int fd, unsigned long long ino)
{
	if (ino == (cur_ipcns_ino != 0 ? cur_ipcns_ino : own_ipcns_ino()))
		return 0;
	if (fd == -1) {
		errno = EBADF;
		return -1;
	}
	if (setns(fd, CLONE_NEWIPC) == -1)
		return -1;
	cur_ipcns_ino = ino;
	return 0;
}

/*
 * Act in the place's IPC namespace from now on: System V calls and
 * /proc/sysvipc and the kernel.shm* sysctls are the namespace's that
 * the process is in.  With -A the program goes from place to place, so
 * our own namespace is kept open to come back to.  A program that never
 * left its own has nothing to do.
 */
int
place_enter(const struct shm_place *p)
{
	if (p->ipcns == -1)
		return cur_ipcns_ino == 0 ? 0 :
		    switch_ipcns(self_ipcns, own_ipcns_ino());
	return switch_ipcns(p->ipcns, p->id.ipcns);
}

/* A number from /proc/sys (kernel.shm*) as the IPC namespace of place has it. */
int
shm_place_sysctl(const struct shm_place *place, const char *name,
    uint64_t *out)
{
	if (place_enter(place) == -1)
		return -1;
	return shm_sysctl(name, out);
}

void
place_free(struct shm_place *p)
{
	if (p == NULL)
		return;
	if (p->devshm != -1)
		close(p->devshm);
	if (p->ipcns != -1)
		close(p->ipcns);
	if (p->root != -1)
		close(p->root);
	free(p->container);
	free(p);
}

/* Why a process's namespaces cannot be had: gone, or not ours to see. */
static int
fail_errno(int taskdir, int err)
{
	if (err == ENOENT || err == ESRCH)
		return proc_task_check(taskdir) == -1 ? errno : ESRCH;
	if (err == EACCES)
		return EPERM;
	return err;
}

/*
 * The /dev/shm beneath root, for p: kept, or the reason it is not a
 * place's (devshm_err).  -1 with errno where the reason is ours, not the
 * place's: out of descriptors, memory or processes to ask with.
 */
static int
place_devshm_open(struct shm_place *p, int root)
{
	if ((p->devshm = devshm_open(root, &p->devshm_dev,
	    &p->devshm_ino)) != -1)
		return 0;
	p->devshm_err = errno;
	return errno == EMFILE || errno == ENFILE || errno == ENOMEM ||
	    errno == EAGAIN ? -1 : 0;
}

/*
 * The place of process pid, as nsenter --target PID --ipc --mount sees
 * it: the IPC namespace it is in and the /dev/shm under its root, seen
 * through a live thread (its main thread may have exited while others
 * run).  The process is pinned with a pidfd while its files are opened,
 * and must still run afterwards: a PID reused meanwhile is never
 * mistaken for it.  A /dev/shm that cannot be reached, is no tmpfs or
 * does not answer is kept as devshm_err (ENOENT: it has none).  NULL
 * with errno: ESRCH (exited), SHM_EZOMBIE, SHM_EKTHREAD, EPERM (not ours
 * to enter: CAP_SYS_ADMIN), or why we could not look (EMFILE).  With
 * keep_root (-N: one place), its root is kept for paths that mean
 * something there (shm_ftok()); -A's many places do without.
 */
struct shm_place *
place_make(pid_t pid, bool keep_root)
{
	const struct shm_place *dflt = place_own();
	struct shm_place *p;
	char name[32], cg[8192];
	int pidfd = -1, procdir = -1, task = -1, root = -1, e;
	struct stat st;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->devshm = p->ipcns = p->root = -1;
	p->proc = dflt->proc;
	p->proc_err = dflt->proc_err;
	p->id.pid = pid;
	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		e = errno == EINVAL ? ESRCH : errno;
		goto fail;
	}
	snprintf(name, sizeof(name), "%d", (int)pid);
	if (dflt->proc == -1) {
		e = dflt->proc_err;
		goto fail;
	}
	if ((procdir = openat(dflt->proc, name,
	    O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		e = errno == ENOENT ? ESRCH : errno;
		goto fail;
	}
	if ((task = proc_task_open(procdir)) == -1) {
		e = errno;
		goto fail;
	}
	if ((p->ipcns = openat(task, "ns/ipc", O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(p->ipcns, &st) == -1) {
		e = fail_errno(task, errno);
		goto fail;
	}
	p->id.ipcns = (unsigned long long)st.st_ino;
	if ((p->id.mntns = proc_ino_at(task, "ns/mnt")) == 0 ||
	    place_owner_find(p, task) == -1) {
		e = fail_errno(task, errno);
		goto fail;
	}
	if ((root = openat(task, "root", O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		e = fail_errno(task, errno);
		goto fail;
	}
	if (place_devshm_open(p, root) == -1) {
		e = errno;
		goto fail;
	}
	if (shm_read_small(task, "cgroup", cg, sizeof(cg)) > 0) {
		char id[65];

		if (proc_cgroup_container(cg, id, sizeof(id)) == 1 &&
		    (p->container = strdup(id)) == NULL) {
			e = errno;
			goto fail;
		}
	}
	/*
	 * Still the process asked for: its files were its own.  (EPERM:
	 * it runs, but is not ours to signal.)
	 */
	if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == -1 &&
	    errno == ESRCH) {
		e = ESRCH;
		goto fail;
	}
	/* Ours already: nothing to enter. */
	if (p->id.ipcns == self_ipcns_ino) {
		close(p->ipcns);
		p->ipcns = -1;
	} else if (self_ipcns == -1 && cur_ipcns_ino == 0) {
		/* No way back (place_own() could not open ours): stay. */
		e = self_ipcns_err;
		goto fail;
	} else if (switch_ipcns(p->ipcns, p->id.ipcns) == -1 ||
	    switch_ipcns(self_ipcns, self_ipcns_ino) == -1) {
		/* Say so now, not after half a listing. */
		e = errno == EACCES ? EPERM : errno;
		goto fail;
	}
	p->id.container = p->container;
	p->lists = SHM_KINDS_ALL;
	if (keep_root) {
		p->root = root;
		root = -1;
	}
	if (root != -1)
		close(root);
	close(task);
	close(procdir);
	close(pidfd);
	return p;
fail:
	if (root != -1)
		close(root);
	if (task != -1)
		close(task);
	if (procdir != -1)
		close(procdir);
	if (pidfd != -1)
		close(pidfd);
	place_free(p);
	errno = e;
	return NULL;
}

/*
 * -N PID: the place of process pid, kept until exit.  -1 with errno as
 * place_make(), or the error that keeps its /dev/shm out of reach (a
 * symlink: ELOOP; not a directory: ENOTDIR).  A process with no /dev/shm
 * at all still has its System V segments.
 */
int
shm_place_of_pid(pid_t pid, const struct shm_place **out)
{
	struct shm_place *p;

	if ((p = place_make(pid, true)) == NULL)
		return -1;
	if (p->devshm == -1 && p->devshm_err != ENOENT) {
		int e = p->devshm_err;

		place_free(p);
		errno = e;
		return -1;
	}
	*out = p;
	return 0;
}

/*
 * What a place is, for the IPCNS, MNTNS, NSPID and CONTAINER columns.
 * The caller's own place learns a process of its own the first time it
 * is asked (its parent, if it shares the place; -A may name another).
 */
const struct shm_place_id *
shm_place_id(const struct shm_place *p)
{
	static bool looked;

	if (p == NULL || p == &here)
		p = place_own();
	if (p == &here && !looked) {
		char path[64], cg[8192], id[65];
		pid_t pp = getppid();
		ssize_t n;

		looked = true;
		snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pp);
		if (here.id.pid == 0 && pp > 1 &&
		    proc_ino_at(AT_FDCWD, path) == here.id.ipcns) {
			snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pp);
			if (proc_ino_at(AT_FDCWD, path) == here.id.mntns)
				here.id.pid = pp;
		}
		n = shm_read_small(AT_FDCWD, "/proc/self/cgroup", cg, sizeof(cg));
		if (n > 0 && proc_cgroup_container(cg, id, sizeof(id)) == 1)
			here.container = strdup(id);
		here.id.container = here.container;
	}
	/* Learnt when the place was made (devshm_key, devshm_open). */
	((struct shm_place *)p)->id.devshm_dev = p->devshm_dev;
	((struct shm_place *)p)->id.devshm_ino = p->devshm_ino;
	return &p->id;
}

/* The kinds a place lists: with -A, a namespace or a /dev/shm seen once. */
unsigned
shm_place_kinds(const struct shm_place *p)
{
	return p->lists;
}

/* Why the place's /dev/shm cannot be reached: 0, or an errno value. */
int
shm_place_devshm_err(const struct shm_place *p)
{
	if (p == &here)
		here_devshm();
	return p->devshm == -1 ? p->devshm_err : 0;
}

/* statvfs(3) of the place's /dev/shm. */
int
shm_place_statvfs(const struct shm_place *p, struct statvfs *sv)
{
	int fd = place_devshm(p);

	return fd == -1 ? -1 : fstatvfs(fd, sv);
}

/*
 * Let go of a place made for a PID, once no record is in it any more
 * (the default place is kept until exit).
 */
void
shm_place_free(const struct shm_place *p)
{
	if (p != NULL && p != &here)
		place_free((struct shm_place *)p);
}

/* The places of shm_places_all(), and their array. */
void
shm_places_free(const struct shm_place **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		shm_place_free(v[i]);
	free(v);
}

