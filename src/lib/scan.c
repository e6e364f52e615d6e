/*
 * scan.c - who uses a segment: one pass over /proc/PID/maps and
 * /proc/PID/fd (and the fdinfo of each io_uring, for the files it holds
 * registered) for every process, noting in the table (users.c) which
 * process maps or holds which segment, and (found.c) the memfds and
 * unlinked objects it meets, held by a descriptor or only mapped.
 *
 * Unknown is not zero.  The scan is complete only if it saw every
 * process that could use a segment; it is not when /proc hides processes
 * (hidepid), when we are in a PID namespace below the initial one (a
 * process of a parent or sibling namespace may share our /dev/shm), and
 * when anything fails to read for any reason but the process being gone.
 * Users of a segment are then unknown, never none.
 *
 * Layer: engines (src/lib/LAYERS), the scan's top file (scan.h).
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "scan.h"

/*
 * pid maps System V segment id (sysv_ino: its namespace and shmid) from
 * device dev: the internal hugetlbfs mount of a page size if it is made
 * of huge pages, the internal shmem mount if not (huge.c).
 */
static void
add_sysv_user(struct proc_scan *scan, dev_t dev, ino_t id, pid_t pid)
{
	struct seg_users *u;
	uint64_t size;

	scan_add_user(scan, SYSV_DEV, id, pid, true);
	if ((u = users_find(&scan->users, SYSV_DEV, id)) != NULL &&
	    (size = huge_dev_pagesize(dev)) != 0)
		u->pagesize = size;
}

static int
want_dev(struct proc_scan *scan, dev_t dev)
{
	if (dev_wanted(scan, dev))
		return 0;
	if (scan->ndevs == scan->capdevs) {
		size_t cap = scan->capdevs ? scan->capdevs * 2 : 4;
		dev_t *p = reallocarray(scan->devs, cap, sizeof(*p));

		if (p == NULL)
			return -1;
		scan->devs = p;
		scan->capdevs = cap;
	}
	scan->devs[scan->ndevs++] = dev;
	return 0;
}

static bool
is_sysv_path(const char *path)
{
	return strncmp(path, SYSV_MAPS_PREFIX, strlen(SYSV_MAPS_PREFIX)) == 0;
}

static bool scan_deleted_map(struct proc_scan *, const char *, const char *,
	    dev_t, ino_t, pid_t);
static bool scan_memfd_map(struct proc_scan *, const char *, const char *,
	    dev_t, ino_t, pid_t);
static bool scan_anon_map(struct proc_scan *, const char *, const char *,
	    dev_t, ino_t, pid_t);

/*
 * Scan the maps of the process (or thread) at dirfd: -1 if they cannot
 * be read, 0 if there are none (a kernel thread, or a main thread that
 * exited while others run), 1 otherwise.
 */
static int
scan_maps(struct proc_scan *scan, int dirfd, pid_t pid)
{
	unsigned long long ipcns = 0;
	struct lines lines;
	bool any = false;
	char *line;
	size_t len;

	if (lines_open(&lines, dirfd, "maps") == -1) {
		if (!gone(errno))
			scan_incomplete(scan);
		return -1;
	}
	while ((line = lines_next(&lines, &len)) != NULL) {
		const char *path;
		bool shared;
		dev_t dev;
		ino_t ino;

		any = true;
		if (proc_maps_peek(line, &dev, &shared) == -1) {
			scan_incomplete(scan);	/* a format we do not know */
			continue;
		}
		if (!shared && !dev_wanted(scan, dev))
			continue;
		if (proc_maps_parse_line(line, &dev, &ino, &shared,
		    &path) == -1) {
			scan_incomplete(scan);
			continue;
		}
		if (path == NULL)
			continue;
		/*
		 * A System V mapping's inode is its shmid, and 0 is one; it
		 * is a segment of the process's IPC namespace.
		 */
		if (is_sysv_path(path)) {
			struct stat st;

			if (ipcns == 0 && fstatat(dirfd, "ns/ipc", &st, 0) == 0)
				ipcns = (unsigned long long)st.st_ino;
			if (ipcns != 0)
				add_sysv_user(scan, dev, sysv_ino(ipcns, (int)ino),
				    pid);
			else if (!gone(errno))
				scan_incomplete(scan);
		} else if (ino != 0 && scan->anon &&
		    scan_anon_map(scan, line, path, dev, ino, pid))
			continue;
		else if (ino != 0 && scan->deleted &&
		    devshm_place(scan, dev) != NULL &&
		    scan_deleted_map(scan, line, path, dev, ino, pid))
			continue;
		else if (ino != 0 && scan->memfds &&
		    scan_memfd_map(scan, line, path, dev, ino, pid))
			continue;
		else if (ino != 0)
			scan_add_user(scan, dev, ino, pid, scan->memfds &&
			    ((scan->has_memfd_dev && dev == scan->memfd_dev) ||
			    strncmp(path, MEMFD_LINK_PREFIX, strlen(MEMFD_LINK_PREFIX)) == 0));
	}
	/* Not at the end: a read error, or no memory for the line. */
	if (errno != 0 && !gone(errno))
		scan_incomplete(scan);
	lines_close(&lines);
	return any ? 1 : 0;
}

/*
 * A descriptor with no link left that is a memfd (or, with deleted, an
 * unlinked POSIX object): note its holder; false if it is another file.
 * Only an unlinked file can be one, so only those cost a readlink.
 */
static bool
scan_held_fd(struct proc_scan *scan, int fd, const char *fdname, pid_t pid,
    bool deleted)
{
	char link[PATH_MAX];
	const char *name;
	struct stat st;
	size_t len;
	ssize_t n;

	if ((n = readlinkat(fd, fdname, link, sizeof(link) - 1)) == -1) {
		if (!gone(errno))
			scan_incomplete(scan);
		return true;	/* closed, or unknown */
	}
	link[n] = '\0';
	name = deleted ? deleted_link_name(link, &len) :
	    memfd_link_name(link, &len);
	if (name == NULL)
		return false;
	/* The descriptor's own file, through the magic link. */
	if (fstatat(fd, fdname, &st, 0) == -1) {
		if (!gone(errno))
			scan_incomplete(scan);
		return true;
	}
	/*
	 * Not by its link text alone: anyone may name a file "memfd:x" on
	 * a tmpfs of its own, unlink it and detach the mount.  A memfd
	 * lives on the kernel's internal shmem mount, or with MFD_HUGETLB
	 * on an internal hugetlbfs mount (huge_dev_pagesize knows both);
	 * where we cannot learn those devices, none can be told apart.
	 */
	if (!deleted && huge_dev_pagesize(st.st_dev) == 0) {
		if (memfd_dev() == 0)
			scan_incomplete(scan);
		return false;
	}
	if (deleted) {
		/* Swapped since statx: judged again, as what it is now. */
		if (!S_ISREG(st.st_mode) || st.st_nlink != 0 ||
		    devshm_place(scan, st.st_dev) == NULL)
			return false;
		link[(size_t)(name - link) + len] = '\0';
		if (deleted_identity(scan, st.st_dev, st.st_ino, name) == NULL)
			return false;
	}
	scan_add_user(scan, st.st_dev, st.st_ino, pid, true);
	if (holders_add(deleted ? &scan->del : &scan->mf, pid, atoi(fdname),
	    &st, true, name, len) == -1)
		scan_incomplete(scan);
	return true;
}

/*
 * pid maps (dev, ino), a memfd or an unlinked object, at start-end:
 * note it as a user, and as a holder in hs (with no descriptor, and only
 * the identity of the file: what more it is, only a mapping opened
 * through /proc/PID/map_files can tell).
 */
static void
add_map_holder(struct proc_scan *scan, struct holders *hs, dev_t dev,
    ino_t ino, pid_t pid, uint64_t start, uint64_t end, const char *name,
    size_t len)
{
	struct stat st;

	scan_add_user(scan, dev, ino, pid, true);
	memset(&st, 0, sizeof(st));
	st.st_dev = dev;
	st.st_ino = ino;
	if (holders_add(hs, pid, -1, &st, false, name, len) == -1) {
		scan_incomplete(scan);
		return;
	}
	hs->v[hs->n - 1].start = start;
	hs->v[hs->n - 1].end = end;
}

/*
 * A maps line of a file on a /dev/shm scanned that maps path: if the kernel
 * says it was unlinked ("/dev/shm/NAME (deleted)"), note its holder and
 * return true.  A live file whose name ends so is told apart by its
 * inode: it is listed, or it is still there under that name.
 */
static bool
scan_deleted_map(struct proc_scan *scan, const char *line, const char *path,
    dev_t dev, ino_t ino, pid_t pid)
{
	unsigned long long start, end;
	const struct seg_users *u = users_find(&scan->users, dev,
	    ino);
	char buf[PATH_MAX];
	struct stat st;
	const char *name;
	size_t len;
	int dirfd;

	/* Most are the objects listed by name: no text to look at. */
	if ((u != NULL && !u->deleted) || users_asked(&scan->users, dev, ino))
		return false;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(path, "\n"), path);
	if ((name = deleted_link_name(buf, &len)) == NULL ||
	    proc_maps_range(line, &start, &end) == -1)
		return false;
	/* Its name still there, as the live file it is? */
	if (u == NULL &&
	    (dirfd = place_devshm(devshm_place(scan, dev))) != -1 &&
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == dev && st.st_ino == ino)
		return false;
	buf[(size_t)(name - buf) + len] = '\0';
	if (deleted_identity(scan, dev, ino, name) == NULL)
		return false;
	add_map_holder(scan, &scan->del, dev, ino, pid, start, end, name, len);
	return true;
}

/*
 * A maps line of a memfd that pid maps, shared or private: its
 * descriptor may be closed, and the mapping alone keeps it.  Note its
 * holder and return true; false if the line maps something else.
 * Not by its text alone ("/memfd:NAME (deleted)"): the file must be on
 * the memfds' own device, or an internal hugetlbfs one (MFD_HUGETLB),
 * as for a descriptor (scan_held_fd).
 */
static bool
scan_memfd_map(struct proc_scan *scan, const char *line, const char *path,
    dev_t dev, ino_t ino, pid_t pid)
{
	unsigned long long start, end;
	char buf[PATH_MAX];
	const char *name;
	size_t len;

	if (strncmp(path, MEMFD_LINK_PREFIX, strlen(MEMFD_LINK_PREFIX)) != 0 ||
	    huge_dev_pagesize(dev) == 0)
		return false;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(path, "\n"), path);
	if ((name = memfd_link_name(buf, &len)) == NULL ||
	    proc_maps_range(line, &start, &end) == -1)
		return false;
	add_map_holder(scan, &scan->mf, dev, ino, pid, start, end, name, len);
	return true;
}

/*
 * A maps line of an anonymous shared mapping ("/dev/zero (deleted)"):
 * note its mapper and return true; false if the line maps something
 * else.  Not by its text alone: the file must be on the internal shmem
 * mount, which no path reaches (a file so named on a tmpfs, unlinked,
 * is on that tmpfs's device).  Parent and children map one inode.
 */
static bool
scan_anon_map(struct proc_scan *scan, const char *line, const char *path,
    dev_t dev, ino_t ino, pid_t pid)
{
	unsigned long long start, end;

	if (!scan->has_memfd_dev || dev != scan->memfd_dev ||
	    !anon_link_is(path) || proc_maps_range(line, &start, &end) == -1)
		return false;
	add_map_holder(scan, &scan->an, dev, ino, pid, start, end, "", 0);
	return true;
}

/*
 * A directory of a process's, or NULL: when it is there but cannot be
 * read, the scan is no longer complete.
 */
static DIR *
open_dir(struct proc_scan *scan, int at, const char *name)
{
	DIR *dir;
	int fd;

	if ((fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (!gone(errno))
			scan_incomplete(scan);
		return NULL;
	}
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		scan_incomplete(scan);
	}
	return dir;
}

static void
scan_fds(struct proc_scan *scan, int at, pid_t pid)
{
	struct dirent *de;
	char *root = NULL;	/* the process's, read at the first io_uring */
	DIR *dir;
	int fd;

	if ((dir = open_dir(scan, at, "fd")) == NULL)
		return;
	fd = dirfd(dir);
	for (;;) {
		struct statx stx;
		dev_t dev;

		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			if (errno != 0 && !gone(errno))
				scan_incomplete(scan);
			break;
		}
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		/*
		 * The descriptor's own file, through the magic link, not
		 * whatever has its name now.  From the cached inode: a hung
		 * network or FUSE file system must not hang the scan.
		 */
		if (statx(fd, de->d_name, AT_STATX_DONT_SYNC,
		    STATX_TYPE | STATX_INO | STATX_NLINK, &stx) == -1) {
			if (!gone(errno))
				scan_incomplete(scan);
			continue;
		}
		/* An anonymous inode has no file type: an io_uring may be one. */
		if ((stx.stx_mode & S_IFMT) == 0)
			scan_uring_fd(scan, at, de->d_name, pid, &root);
		if (!S_ISREG(stx.stx_mode))
			continue;
		dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
		if (scan->memfds && stx.stx_nlink == 0 &&
		    scan_held_fd(scan, fd, de->d_name, pid, false))
			continue;
		if (scan->deleted && stx.stx_nlink == 0 &&
		    devshm_place(scan, dev) != NULL &&
		    scan_held_fd(scan, fd, de->d_name, pid, true))
			continue;
		if (dev_wanted(scan, dev))
			scan_add_user(scan, dev, (ino_t)stx.stx_ino, pid, false);
	}
	closedir(dir);
	free(root);
}

/*
 * A process whose maps are empty may be a kernel thread, or a process
 * whose main thread exited (pthread_exit) while others run: the leader
 * is a zombie with no memory or descriptors of its own, and only
 * task/TID shows them.  Scan the first thread that has maps.
 */
static void
scan_threads(struct proc_scan *scan, int pidfd, pid_t pid)
{
	struct dirent *de;
	DIR *dir;
	int fd;

	if ((dir = open_dir(scan, pidfd, "task")) == NULL)
		return;
	fd = dirfd(dir);
	for (;;) {
		int tfd, r;

		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			if (errno != 0 && !gone(errno))
				scan_incomplete(scan);
			break;
		}
		if (!isdigit((unsigned char)de->d_name[0]) ||
		    strtol(de->d_name, NULL, 10) == (long)pid)
			continue;
		if ((tfd = openat(fd, de->d_name,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
			if (!gone(errno))
				scan_incomplete(scan);
			continue;
		}
		r = scan_maps(scan, tfd, pid);
		if (r > 0 && scan->ndevs > 0)
			scan_fds(scan, tfd, pid);
		close(tfd);
		if (r != 0)
			break;	/* threads share their memory: one is enough */
	}
	closedir(dir);
}

static void
scan_process(struct proc_scan *scan, int procfd, const char *name, pid_t pid)
{
	int pidfd;

	if ((pidfd = openat(procfd, name,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		/* hidepid=noaccess lists a process but denies it (EPERM). */
		if (!gone(errno))
			scan_incomplete(scan);
		return;
	}
	switch (scan_maps(scan, pidfd, pid)) {
	case 1:
		if (scan->ndevs > 0)
			scan_fds(scan, pidfd, pid);
		break;
	case 0:
		scan_threads(scan, pidfd, pid);
		break;
	default:
		break;
	}
	close(pidfd);
}

/*
 * The device of the memfds (the kernel's internal tmpfs), learnt from
 * one of our own: a memfd mapped MAP_PRIVATE shows no name to know it by.
 */
static void
learn_memfd_dev(struct proc_scan *scan)
{
	dev_t dev = memfd_dev();

	/* 0: no memfds here; holders are found by name. */
	if (dev != 0 && want_dev(scan, dev) == 0) {
		scan->memfd_dev = dev;
		scan->has_memfd_dev = true;
	}
}

/*
 * With deleted, find the unlinked objects of the /dev/shm of each of
 * pl[0..np): of pl[0] alone, or with -A (np > 1) of each place that
 * lists POSIX objects (one per /dev/shm), each by the place it is in.
 */
static void
want_devshms(struct proc_scan *scan, const struct shm_place *const *pl,
    size_t np)
{
	size_t i;
	dev_t dev;

	if ((scan->shms = calloc(np, sizeof(*scan->shms))) == NULL) {
		scan_incomplete(scan);
		return;
	}
	for (i = 0; i < np; i++) {
		const struct shm_place *p = i == 0 ? scan->place : pl[i];

		if (np > 1 && !(shm_place_kinds(p) & SHM_KIND_BIT(SHM_POSIX)))
			continue;
		if (deleted_devshm_dev(p, &dev) == -1 ||
		    devshm_place(scan, dev) != NULL)
			continue;
		if (want_dev(scan, dev) == -1) {
			scan_incomplete(scan);
			continue;
		}
		scan->shms[scan->nshms].dev = dev;
		scan->shms[scan->nshms++].place = p;
	}
	scan->deleted = scan->nshms > 0;
}

/*
 * Scan the /proc of pl[0] (NULL: the default place) for the users of the
 * segments v[0..n), with memfds for every memfd a process holds, with
 * deleted for the unlinked objects of the places pl[0..np).  NULL only
 * if /proc cannot be scanned at all; any other failure leaves the scan
 * incomplete.
 */
struct proc_scan *
proc_scan_new(const struct shm_place *const *pl, size_t np,
    const struct shm_rec *v, size_t n, unsigned find)
{
	const struct shm_place *place = pl[0];
	struct proc_scan *scan;
	struct dirent *de;
	size_t i;
	DIR *proc;
	int procfd, fd;

	if (place == NULL)
		place = shm_place_default();
	if ((procfd = place_proc(place)) == -1 ||
	    (scan = calloc(1, sizeof(*scan))) == NULL)
		return NULL;
	scan->place = place;
	scan->complete = true;
	scan->memfds = (find & SHM_FIND_MEMFDS) != 0;
	for (i = 0; i < n; i++) {
		if (v[i].addr.kind == SHM_SYSV || v[i].ino == 0)
			continue;
		if (users_ask(&scan->users, v, i) == -1 ||
		    want_dev(scan, v[i].dev) == -1)
			scan_incomplete(scan);
	}
	users_ask_done(&scan->users);
	scan->anon = (find & SHM_FIND_ANON) != 0;
	/* Anonymous shared memory lives on the memfds' device too. */
	if (scan->memfds || scan->anon)
		learn_memfd_dev(scan);
	if (scan->anon && !scan->has_memfd_dev)
		scan_incomplete(scan);	/* no way to tell it */
	/* Unlinked objects: unlinked files on the device of a /dev/shm. */
	if (find & SHM_FIND_DELETED)
		want_devshms(scan, pl, np);
	/*
	 * Descriptors hold files only: with no device of interest (System V
	 * segments alone, which only mappings use) the walk of every
	 * process's fd directory is skipped.
	 */
	/* Files in use by a loop device: no process shows it. */
	if (scan->ndevs > 0)
		scan_loop_devices(scan);
	if (!proc_sees_every_process(procfd))
		scan_incomplete(scan);
	scan->self = proc_self_pid(procfd);
	/* Our own descriptor to read, at its start: not the place's. */
	if ((fd = openat(procfd, ".",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (proc = fdopendir(fd)) == NULL) {
		close_keep_errno(fd);
		proc_scan_free(scan);
		return NULL;
	}
	for (;;) {
		char *end;
		long pid;

		errno = 0;
		if ((de = readdir(proc)) == NULL) {
			if (errno != 0)
				scan_incomplete(scan);
			break;
		}
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		/* Not ourselves: a tool holding the segment is not a user. */
		if (*end != '\0' || pid <= 0 || pid > INT_MAX ||
		    pid == (long)scan->self)
			continue;
		scan_process(scan, dirfd(proc), de->d_name, (pid_t)pid);
	}
	closedir(proc);
	/* The records asked about are the caller's from now on. */
	free(scan->users.asked);
	scan->users.asked = NULL;
	scan->users.nasked = scan->users.capasked = 0;
	return scan;
}

/* Free the scan; errno is left as it was. */
void
proc_scan_free(struct proc_scan *scan)
{
	int e = errno;

	if (scan == NULL)
		return;
	users_free(&scan->users);
	holders_free(&scan->mf);
	holders_free(&scan->del);
	holders_free(&scan->an);
	free(scan->devs);
	free(scan->shms);
	free(scan);
	errno = e;
}

