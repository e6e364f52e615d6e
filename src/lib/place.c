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

#define PF_KTHREAD	0x00200000	/* include/linux/sched.h */

/* Our own IPC namespace, to come back to, and the one we are in now. */
static int self_ipcns = -1;
static unsigned long long self_ipcns_ino, cur_ipcns_ino;

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

static unsigned long long
ino_at(int dirfd, const char *path)
{
	struct stat st;

	return fstatat(dirfd, path, &st, 0) == 0 ?
	    (unsigned long long)st.st_ino : 0;
}

/* Where /dev/shm is, to tell one from another (0, 0: none). */
static void
devshm_key(struct shm_place *p)
{
	struct stat st;

	if (p->devshm != -1 && fstat(p->devshm, &st) == 0) {
		p->devshm_dev = st.st_dev;
		p->devshm_ino = st.st_ino;
	}
}

static struct shm_place here;

/*
 * The caller's own place: its IPC namespace, /dev/shm and /proc, opened
 * the first time it is asked for (after the program has made sure that
 * descriptors 0 to 2 are open) and kept until exit.  Never NULL.
 */
const struct shm_place *
shm_place_default(void)
{
	static bool made;
	int e = errno;

	if (!made) {
		open_dir(SHM_DEVSHM, &here.devshm, &here.devshm_err);
		open_dir(SHM_PROC, &here.proc, &here.proc_err);
		here.ipcns = -1;
		here.lists = SHM_KINDS_ALL;
		self_ipcns = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
		self_ipcns_ino = cur_ipcns_ino = ino_at(AT_FDCWD,
		    "/proc/self/ns/ipc");
		here.id.ipcns = self_ipcns_ino;
		here.id.mntns = ino_at(AT_FDCWD, "/proc/self/ns/mnt");
		devshm_key(&here);
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

/* The inode of the place's IPC namespace: with a shmid, a segment's name. */
unsigned long long
place_ipcns_ino(const struct shm_place *p)
{
	return p->ipcns == -1 ? self_ipcns_ino : p->id.ipcns;
}

/* The inode of the IPC namespace we are in now (0: unknown). */
unsigned long long
place_current_ipcns(void)
{
	(void)shm_place_default();
	return cur_ipcns_ino;
}

/* Enter the IPC namespace fd (ino): -1 on failure. */
static int
switch_ipcns(int fd, unsigned long long ino)
{
	if (ino == cur_ipcns_ino)
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
 * our own namespace is kept open to come back to.
 */
int
place_enter(const struct shm_place *p)
{
	(void)shm_place_default();
	if (p->ipcns == -1)
		return switch_ipcns(self_ipcns, self_ipcns_ino);
	return switch_ipcns(p->ipcns, p->id.ipcns);
}

/*
 * The container id in the text of /proc/PID/cgroup: the last path
 * component that is, or ends in, 64 hex digits, with the decorations of
 * the runtimes around it: docker-ID.scope, cri-containerd-ID.scope,
 * libpod-ID.scope, crio-ID.scope, /docker/ID, /kubepods/.../ID,
 * cri-containerd:ID.  The first line that names one wins (cgroup v1
 * repeats it in every hierarchy).  1 and the id in out (65 bytes), or 0.
 */
int
place_container_parse(const char *text, char *out, size_t len)
{
	const char *line = text;

	while (*line != '\0') {
		size_t linelen = strcspn(line, "\n");
		const char *p = memchr(line, ':', linelen), *end = line + linelen;
		bool found = false;

		/* hierarchy-ID:controllers:path */
		if (p != NULL)
			p = memchr(p + 1, ':', (size_t)(end - p - 1));
		while (p != NULL && p < end) {
			const char *c = p + 1, *ce;
			size_t n, i;

			ce = c + strcspn(c, "/\n");
			if (ce > end)
				ce = end;
			n = (size_t)(ce - c);
			if (n > 6 && strncmp(ce - 6, ".scope", 6) == 0)
				n -= 6;
			/* the last 64 characters, after a '-', ':' or nothing */
			if (n >= 64 && (n == 64 || c[n - 65] == '-' ||
			    c[n - 65] == ':')) {
				for (i = n - 64; i < n &&
				    isxdigit((unsigned char)c[i]) &&
				    !isupper((unsigned char)c[i]); i++)
					;
				if (i == n && len > 64) {
					memcpy(out, c + n - 64, 64);
					out[64] = '\0';
					found = true;
				}
			}
			p = *ce == '/' ? ce : NULL;
		}
		if (found)
			return 1;
		line = *end == '\n' ? end + 1 : end;
	}
	return 0;
}

/*
 * The state and flags fields of the text of /proc/PID/stat:
 *   pid (comm) state ppid pgrp session tty_nr tpgid flags ...
 * comm may hold anything, ')' too: the last ')' ends it.
 */
int
place_stat_parse(const char *text, char *state, unsigned long *flags)
{
	const char *p = strrchr(text, ')');
	int i;

	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		goto bad;
	*state = p[2];
	p += 3;
	for (i = 0; i < 5; i++) {	/* ppid pgrp session tty_nr tpgid */
		if (*p != ' ')
			goto bad;
		p++;
		if (*p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != ' ' || sscanf(p, " %lu", flags) != 1)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/*
 * Is the process at procdir one whose place can be had?  0, or -1 with
 * ESRCH (gone), SHM_EZOMBIE or SHM_EKTHREAD.
 */
static int
check_task(int procdir)
{
	char buf[1024], state;
	unsigned long flags;

	if (shm_read_small(procdir, "stat", buf, sizeof(buf)) <= 0 ||
	    place_stat_parse(buf, &state, &flags) == -1) {
		errno = ESRCH;
		return -1;
	}
	if (state == 'Z' || state == 'X') {
		errno = SHM_EZOMBIE;
		return -1;
	}
	if (flags & PF_KTHREAD) {
		errno = SHM_EKTHREAD;
		return -1;
	}
	return 0;
}

/*
 * The /dev/shm under root, never following anything planted there: a
 * container's root is its own, and a symlink from its /dev or /dev/shm
 * to a host directory must not make us list or remove what is there.
 */
static int
open_devshm_beneath(int root)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, root, SHM_DEVSHM + 1, &how,
	    sizeof(how));
}

static void
place_free(struct shm_place *p)
{
	if (p == NULL)
		return;
	if (p->devshm != -1)
		close(p->devshm);
	if (p->ipcns != -1)
		close(p->ipcns);
	free(p->container);
	free(p);
}

/* Why a process's namespaces cannot be had: gone, or not ours to see. */
static int
fail_errno(int procdir, int err)
{
	if (err == ENOENT || err == ESRCH)
		return check_task(procdir) == -1 ? errno : ESRCH;
	if (err == EACCES)
		return EPERM;
	return err;
}

/*
 * The place of process pid, as nsenter --target PID --ipc --mount sees
 * it: the IPC namespace it is in and the /dev/shm under its root.  The
 * process is pinned with a pidfd while its files are opened, and must
 * still run afterwards: a PID reused meanwhile is never mistaken for
 * it.  A /dev/shm that cannot be reached is kept as devshm_err (ENOENT:
 * it has none).  NULL with errno: ESRCH (exited), SHM_EZOMBIE,
 * SHM_EKTHREAD, EPERM (not ours to enter: CAP_SYS_ADMIN).
 */
static struct shm_place *
place_make(pid_t pid)
{
	const struct shm_place *dflt = shm_place_default();
	struct shm_place *p;
	char name[32], cg[8192];
	int pidfd = -1, procdir = -1, root = -1, e;
	struct stat st;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->devshm = p->ipcns = -1;
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
	if (check_task(procdir) == -1) {
		e = errno;
		goto fail;
	}
	if ((p->ipcns = openat(procdir, "ns/ipc", O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(p->ipcns, &st) == -1) {
		e = fail_errno(procdir, errno);
		goto fail;
	}
	p->id.ipcns = (unsigned long long)st.st_ino;
	if ((p->id.mntns = ino_at(procdir, "ns/mnt")) == 0) {
		e = fail_errno(procdir, errno);
		goto fail;
	}
	if ((root = openat(procdir, "root", O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		e = fail_errno(procdir, errno);
		goto fail;
	}
	if ((p->devshm = open_devshm_beneath(root)) == -1)
		p->devshm_err = errno;
	devshm_key(p);
	if (shm_read_small(procdir, "cgroup", cg, sizeof(cg)) > 0) {
		char id[65];

		if (place_container_parse(cg, id, sizeof(id)) == 1 &&
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
	} else if (switch_ipcns(p->ipcns, p->id.ipcns) == -1 ||
	    switch_ipcns(self_ipcns, self_ipcns_ino) == -1) {
		/* Say so now, not after half a listing. */
		e = errno == EACCES ? EPERM : errno;
		goto fail;
	}
	p->id.container = p->container;
	p->lists = SHM_KINDS_ALL;
	close(root);
	close(procdir);
	close(pidfd);
	return p;
fail:
	if (root != -1)
		close(root);
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

	if ((p = place_make(pid)) == NULL)
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

	if (p == NULL)
		p = shm_place_default();
	if (p == &here && !looked) {
		char path[64], cg[8192], id[65];
		pid_t pp = getppid();
		ssize_t n;

		looked = true;
		snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pp);
		if (here.id.pid == 0 && pp > 1 &&
		    ino_at(AT_FDCWD, path) == here.id.ipcns) {
			snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pp);
			if (ino_at(AT_FDCWD, path) == here.id.mntns)
				here.id.pid = pp;
		}
		n = shm_read_small(AT_FDCWD, "/proc/self/cgroup", cg, sizeof(cg));
		if (n > 0 && place_container_parse(cg, id, sizeof(id)) == 1)
			here.container = strdup(id);
		here.id.container = here.container;
	}
	return &p->id;
}

/* The kinds a place lists: with -A, a namespace or a /dev/shm seen once. */
unsigned
shm_place_lists(const struct shm_place *p)
{
	return p->lists;
}

/* Why the place's /dev/shm cannot be reached: 0, or an errno value. */
int
shm_place_devshm_err(const struct shm_place *p)
{
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

/* A set of keys of three numbers, open addressing: the -A walk is linear. */
struct keyset {
	unsigned long long (*k)[3];
	size_t		 n, cap;
};

static size_t
key_hash(const unsigned long long *k)
{
	unsigned long long h = k[0] * 0x9e3779b97f4a7c15ULL ^ k[1] *
	    0xbf58476d1ce4e5b9ULL ^ k[2];

	h ^= h >> 31;
	return (size_t)(h * 0x94d049bb133111ebULL);
}

/* Is k in s?  With add, put it there if not: -1 out of memory. */
static int
keyset_has(struct keyset *s, unsigned long long a, unsigned long long b,
    unsigned long long c, bool add)
{
	unsigned long long k[3] = { a, b, c };
	size_t i;

	if (add && (s->n + 1) * 2 > s->cap) {
		struct keyset ns = { NULL, 0, s->cap ? s->cap * 2 : 64 };

		if ((ns.k = calloc(ns.cap, sizeof(*ns.k))) == NULL)
			return -1;
		for (i = 0; i < s->cap; i++)
			if (s->k[i][0] != 0)
				(void)keyset_has(&ns, s->k[i][0], s->k[i][1],
				    s->k[i][2], true);
		free(s->k);
		*s = ns;
	}
	if (s->cap == 0)
		return 0;
	for (i = key_hash(k) & (s->cap - 1); s->k[i][0] != 0;
	    i = (i + 1) & (s->cap - 1))
		if (memcmp(s->k[i], k, sizeof(k)) == 0)
			return 1;
	if (add) {
		memcpy(s->k[i], k, sizeof(k));
		s->n++;
	}
	return 0;
}

/*
 * The namespace inodes and root of process pid in /proc (procfd): 0,
 * 1 if it is gone (or a zombie: its namespaces went with it), -1 if we
 * may not see them.
 */
static int
probe(int procfd, long pid, unsigned long long *ipc,
    unsigned long long *mnt, struct stat *root)
{
	char path[64];

	snprintf(path, sizeof(path), "%ld/ns/ipc", pid);
	if ((*ipc = ino_at(procfd, path)) != 0) {
		snprintf(path, sizeof(path), "%ld/ns/mnt", pid);
		if ((*mnt = ino_at(procfd, path)) != 0) {
			snprintf(path, sizeof(path), "%ld/root", pid);
			if (fstatat(procfd, path, root, 0) == 0)
				return 0;
		}
	}
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
	if (check_task(fd) == 0)
		here.id.pid = pid;
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
 * and processes gone meanwhile are passed over.  A /dev/shm that cannot
 * be reached gives a place that lists no POSIX objects, for the caller
 * to say so (shm_place_devshm_err).  -1 with errno EPERM and *bad the
 * process whose namespaces we may not see or enter; SHM_EHIDDEN when
 * /proc hides processes (hidepid, a PID namespace below the host's):
 * the places of those would be missing from a listing that looks whole.
 */
int
shm_places_all(const struct shm_place ***out, size_t *nout, pid_t *bad)
{
	const struct shm_place *dflt = shm_place_default();
	struct keyset ipcs = { NULL, 0, 0 }, roots = { NULL, 0, 0 };
	struct keyset shms = { NULL, 0, 0 };
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
	/* Keys are never 0: nsfs inodes, and a device and inode after 1. */
	if (keyset_has(&ipcs, here.id.ipcns, 1, 1, true) == -1 ||
	    keyset_has(&roots, here.id.mntns, own_root.st_dev,
	    own_root.st_ino, true) == -1 ||
	    keyset_has(&shms, 1, here.devshm_dev, here.devshm_ino, true) == -1)
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
			if (here.id.pid == 0 && ipc == here.id.ipcns &&
			    mnt == here.id.mntns &&
			    rst.st_dev == own_root.st_dev &&
			    rst.st_ino == own_root.st_ino)
				own_nspid(dirfd(d), de->d_name, (pid_t)pid);
			continue;
		}
		if ((p = place_make((pid_t)pid)) == NULL) {
			if (errno == EPERM) {
				e = EPERM;
				*bad = (pid_t)pid;
				goto fail;
			}
			if (errno == ENOMEM)
				goto fail;
			continue;	/* gone, a zombie, a kernel thread */
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
	free(ipcs.k);
	free(roots.k);
	free(shms.k);
	*out = v;
	*nout = n;
	return 0;
fail:
	if (d != NULL)
		closedir(d);
	free(ipcs.k);
	free(roots.k);
	free(shms.k);
	while (n > 1)
		place_free((struct shm_place *)v[--n]);
	free(v);
	errno = e;
	return -1;
}
