/*
 * proc.c - who uses a segment: one pass over /proc/PID/maps and
 * /proc/PID/fd for every process, building a table from a segment's
 * identity to the processes that map it or hold it open.
 *
 * Identity: a System V segment by its IPC namespace and shmid (its
 * mappings show as "/SYSV%08x" with the shmid as inode, and a process
 * attaches only segments of the namespace it is in: shmid 0 of a
 * container is not shmid 0 of the host); everything else by device and
 * inode, whatever path reaches it (a bind mount of /dev/shm, /run/shm)
 * and however it is mapped (MAP_PRIVATE too), so that a renamed or
 * unlinked object still matches.
 *
 * Unknown is not zero.  The scan is complete only if it saw every
 * process that could use a segment; it is not when /proc hides processes
 * (hidepid), when we are in a PID namespace below the initial one (a
 * process of a parent or sibling namespace may share our /dev/shm), and
 * when anything fails to read for any reason but the process being gone.
 * Users of a segment are then unknown, never none.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/capability.h>

#include "backend.h"
#include "proc.h"

#define SYSV_DEV	((dev_t)-1)	/* identity of a System V segment... */

/*
 * ...whose inode is its namespace's inode (32 bits, as the kernel numbers
 * them) above its shmid: one number, and no two segments share it.
 */
static ino_t
sysv_ino(unsigned long long ipcns, int shmid)
{
	return (ino_t)((uint64_t)(uint32_t)ipcns << 32 | (uint32_t)shmid);
}
#define MEMFD_LINK	"/memfd:"

/* Says that our PID namespace's segments are its own (shmtools(7)). */
#define ENV_PIDNS_PRIVATE "SHMTOOLS_PIDNS_PRIVATE"

struct users {
	dev_t		 dev;
	ino_t		 ino;
	bool		 used;
	uint64_t	 pagesize;	/* System V: its mappings' (0: unknown) */
	bool		 deleted;	/* found: an unlinked POSIX object */
	pid_t		*pids;
	size_t		 n, cap;
};

/* A process holding a memfd or an unlinked object. */
struct holder {
	pid_t		 pid;
	int		 fd;		/* -1: it maps it at start-end */
	uint64_t	 start, end;
	struct stat	 st;		/* st_dev and st_ino always... */
	bool		 have_st;	/* ...the rest only if this is set */
	char		*name;
};

struct holders {
	struct holder	*v;
	size_t		 n, cap;
};

/* A /dev/shm whose unlinked objects are found, and the place it is. */
struct devshm {
	dev_t		 dev;
	const struct shm_place *place;
};

struct proc_scan {
	struct users	*tab;
	size_t		 cap, n;
	struct holders	 mf;		/* memfd holders */
	struct holders	 del;		/* holders of unlinked objects */
	dev_t		*devs;		/* where the segments asked about are */
	size_t		 ndevs, capdevs;
	bool		 memfds;	/* find every memfd, not only those asked */
	bool		 deleted;	/* find every unlinked POSIX object */
	struct devshm	*shms;		/* ...on the device of these /dev/shm */
	size_t		 nshms;
	bool		 has_memfd_dev;
	dev_t		 memfd_dev;
	pid_t		 self;		/* our pid as this /proc numbers it */
	const struct shm_place *place;	/* whose /proc; the memfds' place */
	bool		 complete;
};

/*
 * The place whose /dev/shm is on dev, or NULL: a file there with no
 * link left is an unlinked object of that place.  Places are few.
 */
static const struct shm_place *
devshm_place(const struct proc_scan *scan, dev_t dev)
{
	size_t i;

	for (i = 0; i < scan->nshms; i++)
		if (scan->shms[i].dev == dev)
			return scan->shms[i].place;
	return NULL;
}

/* A failure that only means the process (or descriptor) is gone. */
static bool
gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

/* Something could not be read: what it would have said is unknown. */
static void
lost(struct proc_scan *scan)
{
	scan->complete = false;
}

static size_t
hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)dev * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ino;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return (size_t)(h ^ (h >> 32));
}

static struct users *
lookup(const struct proc_scan *scan, dev_t dev, ino_t ino)
{
	size_t i;

	if (scan->cap == 0)
		return NULL;
	for (i = hash(dev, ino) & (scan->cap - 1); scan->tab[i].used;
	    i = (i + 1) & (scan->cap - 1))
		if (scan->tab[i].dev == dev && scan->tab[i].ino == ino)
			return &scan->tab[i];
	return NULL;
}

/* The table, rehashed into cap slots (a power of two). */
static int
resize_table(struct proc_scan *scan, size_t cap)
{
	struct users *tab = calloc(cap, sizeof(*tab));
	size_t i, j;

	if (tab == NULL)
		return -1;
	for (i = 0; i < scan->cap; i++) {
		if (!scan->tab[i].used)
			continue;
		for (j = hash(scan->tab[i].dev, scan->tab[i].ino) & (cap - 1);
		    tab[j].used; j = (j + 1) & (cap - 1))
			;
		tab[j] = scan->tab[i];
	}
	free(scan->tab);
	scan->tab = tab;
	scan->cap = cap;
	return 0;
}

/* The entry of (dev, ino), made if need be; NULL if out of memory. */
static struct users *
identity(struct proc_scan *scan, dev_t dev, ino_t ino)
{
	struct users *u = lookup(scan, dev, ino);
	size_t i;

	if (u != NULL)
		return u;
	if ((scan->n + 1) * 2 > scan->cap && resize_table(scan, scan->cap ?
	    scan->cap * 2 : 256) == -1)
		return NULL;
	for (i = hash(dev, ino) & (scan->cap - 1); scan->tab[i].used;
	    i = (i + 1) & (scan->cap - 1))
		;
	u = &scan->tab[i];
	u->used = true;
	u->dev = dev;
	u->ino = ino;
	scan->n++;
	return u;
}

/*
 * Note that pid uses (dev, ino); a process is counted once.  Only the
 * identities asked about are kept (a file the scan found on a device of
 * interest may be any library), unless discover says this one is a
 * segment in its own right (a System V mapping, a memfd).
 */
static void
add_user(struct proc_scan *scan, dev_t dev, ino_t ino, pid_t pid,
    bool discover)
{
	struct users *u;

	u = discover ? identity(scan, dev, ino) : lookup(scan, dev, ino);
	if (u == NULL) {
		if (discover)
			lost(scan);	/* out of memory */
		return;
	}
	/* One process at a time is scanned: a repeat is the last entry. */
	if (u->n > 0 && u->pids[u->n - 1] == pid)
		return;
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 4;
		pid_t *p = reallocarray(u->pids, cap, sizeof(*p));

		if (p == NULL) {
			lost(scan);
			return;
		}
		u->pids = p;
		u->cap = cap;
	}
	u->pids[u->n++] = pid;
}

/*
 * pid maps System V segment id (sysv_ino: its namespace and shmid) from
 * device dev: the internal hugetlbfs mount of a page size if it is made
 * of huge pages, the internal shmem mount if not (huge.c).
 */
static void
add_sysv_user(struct proc_scan *scan, dev_t dev, ino_t id, pid_t pid)
{
	struct users *u;
	uint64_t size;

	add_user(scan, SYSV_DEV, id, pid, true);
	if ((u = lookup(scan, SYSV_DEV, id)) != NULL &&
	    (size = huge_dev_pagesize(dev)) != 0)
		u->pagesize = size;
}

static bool
dev_wanted(const struct proc_scan *scan, dev_t dev)
{
	size_t i;

	for (i = 0; i < scan->ndevs; i++)
		if (scan->devs[i] == dev)
			return true;
	return false;
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

/*
 * One line of /proc/PID/maps:
 *   start-end perms offset major:minor inode   path
 * Gives the mapped file's device and inode, whether the mapping is
 * shared, and its path (NULL for an anonymous mapping).
 */
int
proc_maps_parse_line(const char *line, dev_t *dev, ino_t *ino, bool *shared,
    const char **path)
{
	unsigned long long start, end, off, inode;
	unsigned int major, minor;
	char perms[5];
	int pos = -1;

	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu%n", &start, &end,
	    perms, &off, &major, &minor, &inode, &pos) != 7 || pos < 0 ||
	    strlen(perms) != 4) {
		errno = EINVAL;
		return -1;
	}
	line += pos;
	while (*line == ' ' || *line == '\t')
		line++;
	*dev = makedev(major, minor);
	*ino = (ino_t)inode;
	*shared = perms[3] == 's';
	*path = *line == '/' ? line : NULL;
	return 0;
}

/* Up to 8 hex digits at *p, then stop: the number, or -1. */
static long long
hex_field(const char **p, char stop)
{
	long long v = 0;
	int n = 0;

	for (; isxdigit((unsigned char)**p); (*p)++, n++) {
		if (n == 8)
			return -1;
		v = v * 16 + (isdigit((unsigned char)**p) ? **p - '0' :
		    (tolower((unsigned char)**p) - 'a' + 10));
	}
	if (n == 0 || **p != stop)
		return -1;
	(*p)++;
	return v;
}

/*
 * The cheap look at a maps line that decides whether to parse it: most
 * lines are private mappings of libraries on a device no segment lives
 * on.  Gives the device and whether the mapping is shared.
 */
int
proc_maps_peek(const char *line, dev_t *dev, bool *shared)
{
	const char *p = strchr(line, ' ');
	long long major, minor;
	int i;

	if (p == NULL)
		goto bad;
	p++;
	for (i = 0; i < 4; i++)
		if (p[i] == '\0' || p[i] == ' ')
			goto bad;
	if (p[4] != ' ')
		goto bad;
	*shared = p[3] == 's';
	p += 5;
	while (isxdigit((unsigned char)*p))
		p++;
	if (*p++ != ' ')
		goto bad;
	if ((major = hex_field(&p, ':')) == -1 ||
	    (minor = hex_field(&p, ' ')) == -1)
		goto bad;
	*dev = makedev((unsigned int)major, (unsigned int)minor);
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

static bool
is_sysv_path(const char *path)
{
	return strncmp(path, SYSV_MAPS_PREFIX, strlen(SYSV_MAPS_PREFIX)) == 0;
}

static bool scan_deleted_map(struct proc_scan *, const char *, const char *,
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
	char *line = NULL;
	size_t cap = 0;
	bool any = false;
	FILE *fp;
	int fd;

	if ((fd = openat(dirfd, "maps", O_RDONLY | O_CLOEXEC)) == -1) {
		if (!gone(errno))
			lost(scan);
		return -1;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		lost(scan);
		return -1;
	}
	for (;;) {
		const char *path;
		bool shared;
		dev_t dev;
		ino_t ino;

		errno = 0;
		if (getline(&line, &cap, fp) <= 0)
			break;
		any = true;
		if (proc_maps_peek(line, &dev, &shared) == -1) {
			lost(scan);	/* a format we do not know */
			continue;
		}
		if (!shared && !dev_wanted(scan, dev))
			continue;
		if (proc_maps_parse_line(line, &dev, &ino, &shared,
		    &path) == -1) {
			lost(scan);
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
				lost(scan);
		} else if (ino != 0 && scan->deleted &&
		    devshm_place(scan, dev) != NULL &&
		    scan_deleted_map(scan, line, path, dev, ino, pid))
			continue;
		else if (ino != 0)
			add_user(scan, dev, ino, pid, scan->memfds &&
			    ((scan->has_memfd_dev && dev == scan->memfd_dev) ||
			    strncmp(path, MEMFD_LINK, strlen(MEMFD_LINK)) == 0));
	}
	/* Not at the end: a read error, or no memory for the line. */
	if (!feof(fp) && !gone(errno))
		lost(scan);
	free(line);
	fclose(fp);
	return any ? 1 : 0;
}

/* Note a holder in hs; -1 if out of memory. */
static int
add_holder(struct holders *hs, pid_t pid, int fd, const struct stat *st,
    bool have_st, const char *name, size_t len)
{
	struct holder *h;

	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? hs->cap * 2 : 16;
		struct holder *p = reallocarray(hs->v, cap, sizeof(*p));

		if (p == NULL)
			return -1;
		hs->v = p;
		hs->cap = cap;
	}
	h = &hs->v[hs->n];
	memset(h, 0, sizeof(*h));
	h->pid = pid;
	h->fd = fd;
	h->st = *st;
	h->have_st = have_st;
	if ((h->name = strndup(name, len)) == NULL)
		return -1;
	hs->n++;
	return 0;
}

/*
 * (dev, ino), an unlinked file on a /dev/shm scanned that pid maps or holds:
 * an unlinked POSIX object, unless it is one asked about (listed by its
 * name, which it may have lost since) or a semaphore (sem.NAME, which
 * listings pass by).  Returns its users' entry, or NULL if it is not one.
 */
static struct users *
deleted_identity(struct proc_scan *scan, dev_t dev, ino_t ino, const char *name)
{
	struct users *u = lookup(scan, dev, ino);

	if (u != NULL && !u->deleted)
		return NULL;
	if (shm_name_is_semaphore(name))
		return NULL;
	if (u == NULL && (u = identity(scan, dev, ino)) == NULL) {
		lost(scan);	/* out of memory */
		return NULL;
	}
	u->deleted = true;
	return u;
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
			lost(scan);
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
			lost(scan);
		return true;
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
	add_user(scan, st.st_dev, st.st_ino, pid, true);
	if (add_holder(deleted ? &scan->del : &scan->mf, pid, atoi(fdname),
	    &st, true, name, len) == -1)
		lost(scan);
	return true;
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
	const struct users *u = lookup(scan, dev, ino);
	char buf[PATH_MAX];
	struct stat st;
	const char *name;
	size_t len;
	int dirfd;

	/* Most are the objects listed by name: no text to look at. */
	if (u != NULL && !u->deleted)
		return false;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(path, "\n"), path);
	if ((name = deleted_link_name(buf, &len)) == NULL ||
	    sscanf(line, "%llx-%llx", &start, &end) != 2)
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
	add_user(scan, dev, ino, pid, true);
	memset(&st, 0, sizeof(st));
	st.st_dev = dev;
	st.st_ino = ino;
	if (add_holder(&scan->del, pid, -1, &st, false, name, len) == -1) {
		lost(scan);
		return true;
	}
	scan->del.v[scan->del.n - 1].start = start;
	scan->del.v[scan->del.n - 1].end = end;
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
			lost(scan);
		return NULL;
	}
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		lost(scan);
	}
	return dir;
}

static void
scan_fds(struct proc_scan *scan, int at, pid_t pid)
{
	struct dirent *de;
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
				lost(scan);
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
				lost(scan);
			continue;
		}
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
			add_user(scan, dev, (ino_t)stx.stx_ino, pid, false);
	}
	closedir(dir);
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
				lost(scan);
			break;
		}
		if (!isdigit((unsigned char)de->d_name[0]) ||
		    strtol(de->d_name, NULL, 10) == (long)pid)
			continue;
		if ((tfd = openat(fd, de->d_name,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
			if (!gone(errno))
				lost(scan);
			continue;
		}
		r = scan_maps(scan, tfd, pid);
		if (r > 0)
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
			lost(scan);
		return;
	}
	switch (scan_maps(scan, pidfd, pid)) {
	case 1:
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
 * Parse the super options of a proc mount (the last field of its
 * mountinfo line, "rw,hidepid=invisible,gid=5").  A hidepid value we do
 * not know restricts: unknown is not zero.
 */
int
proc_mount_opts_parse(const char *opts, struct proc_mount_opts *out)
{
	const char *p = opts;

	out->hidepid = PROC_HIDEPID_OFF;
	out->gid = 0;		/* the kernel's default: root's group */
	out->subset_pid = false;
	while (*p != '\0' && *p != '\n' && *p != ' ') {
		size_t len = strcspn(p, ", \n");

		if (len > 8 && strncmp(p, "hidepid=", 8) == 0) {
			if (!((len == 9 && p[8] == '0') ||
			    (len == 11 && strncmp(p + 8, "off", 3) == 0)))
				out->hidepid = PROC_HIDEPID_RESTRICTED;
		} else if (len == 8 && strncmp(p, "hidepid=", 8) == 0) {
			out->hidepid = PROC_HIDEPID_RESTRICTED;
		} else if (len > 4 && strncmp(p, "gid=", 4) == 0) {
			unsigned long long v = 0;
			size_t i;

			for (i = 4; i < len && isdigit((unsigned char)p[i]); i++)
				if ((v = v * 10 + (unsigned)(p[i] - '0')) >
				    UINT32_MAX - 1)
					break;
			/* Malformed: a group no one is in. */
			out->gid = i == len ? (gid_t)v : (gid_t)-1;
		} else if (len == 10 && strncmp(p, "subset=pid", 10) == 0)
			out->subset_pid = true;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The next blank-separated field of a mountinfo line, or NULL. */
static const char *
next_field(const char **p, size_t *len)
{
	const char *s = *p;

	while (*s == ' ')
		s++;
	if (*s == '\0' || *s == '\n')
		return NULL;
	*len = strcspn(s, " \n");
	*p = s + *len;
	return s;
}

/*
 * One line of /proc/self/mountinfo:
 *   id parent major:minor root mountpoint opts [optional...] -
 *   type source superopts
 * 1 and the device and options if it is a proc mounted at /proc, 0 if it
 * is another mount, -1 if it is malformed.
 */
int
proc_mountinfo_proc(const char *line, dev_t *dev, struct proc_mount_opts *opts)
{
	const char *p = line, *f, *mnt = NULL, *type;
	unsigned int major, minor;
	size_t len, mntlen = 0;
	int i;

	for (i = 0; i < 6; i++) {
		if ((f = next_field(&p, &len)) == NULL)
			goto bad;
		if (i == 2) {
			char buf[32];

			if (len >= sizeof(buf))
				goto bad;
			memcpy(buf, f, len);
			buf[len] = '\0';
			if (sscanf(buf, "%u:%u", &major, &minor) != 2)
				goto bad;
		} else if (i == 4) {
			mnt = f;
			mntlen = len;
		}
	}
	do {
		if ((f = next_field(&p, &len)) == NULL)
			goto bad;
	} while (!(len == 1 && *f == '-'));
	if ((type = next_field(&p, &len)) == NULL)
		goto bad;
	if (len != 4 || strncmp(type, "proc", 4) != 0 || mntlen != 5 ||
	    strncmp(mnt, "/proc", 5) != 0)
		return 0;
	if (next_field(&p, &len) == NULL || (f = next_field(&p, &len)) == NULL)
		goto bad;
	*dev = makedev(major, minor);
	return proc_mount_opts_parse(f, opts) == 0 ? 1 : -1;
bad:
	errno = EINVAL;
	return -1;
}

/* Are we in group gid?  If we cannot tell, no. */
static bool
in_group(gid_t gid)
{
	gid_t *groups;
	bool in = false;
	int n, i;

	if (getegid() == gid)
		return true;
	if ((n = getgroups(0, NULL)) <= 0 ||
	    (groups = reallocarray(NULL, (size_t)n, sizeof(*groups))) == NULL)
		return false;
	if ((n = getgroups(n, groups)) > 0)
		for (i = 0; i < n && !in; i++)
			in = groups[i] == gid;
	free(groups);
	return in;
}

/*
 * Does /proc show us every process?  Not under hidepid (another user's
 * processes are hidden, or listed but closed), unless we may inspect
 * any process (CAP_SYS_PTRACE) or are in its gid= group, as the kernel
 * decides.  subset=pid hides only the files that are not processes.
 */
static bool
proc_shows_all(int procfd)
{
	struct proc_mount_opts opts, found = {
		PROC_HIDEPID_RESTRICTED, (gid_t)-1, false
	};
	char *line = NULL;
	size_t cap = 0;
	struct stat st;
	bool seen = false;
	FILE *fp;

	if (fstat(procfd, &st) == -1 ||
	    (fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return false;
	while (getline(&line, &cap, fp) > 0) {
		dev_t dev;

		/* The last one mounted at /proc is the one we see. */
		if (proc_mountinfo_proc(line, &dev, &opts) == 1 &&
		    dev == st.st_dev) {
			found = opts;
			seen = true;
		}
	}
	if (!feof(fp))
		seen = false;
	free(line);
	fclose(fp);
	if (!seen)
		return false;
	return found.hidepid == PROC_HIDEPID_OFF || shm_have_cap(CAP_SYS_PTRACE) ||
	    in_group(found.gid);
}

static bool
is_init_pidns(int procfd, const char *path)
{
	struct stat st;

	return fstatat(procfd, path, &st, 0) == 0 &&
	    st.st_ino == PROC_PID_INIT_INO;
}

/*
 * Is this /proc the initial PID namespace's, where every process has a
 * number?  We are in it, or its pid 1 is.  Below it, a process of a
 * parent or sibling namespace can share our /dev/shm or IPC namespace
 * unseen, unless the environment says this namespace keeps its own.
 */
static bool
proc_sees_all_pidns(int procfd)
{
	const char *env = getenv(ENV_PIDNS_PRIVATE);

	if (env != NULL && strcmp(env, "1") == 0)
		return true;
	return is_init_pidns(procfd, "self/ns/pid") ||
	    is_init_pidns(procfd, "1/ns/pid");
}

/*
 * Does this /proc show every process of the host?  -A finds places only
 * through processes: one it cannot see may be a whole container.
 */
bool
proc_sees_every_process(int procfd)
{
	return proc_shows_all(procfd) && proc_sees_all_pidns(procfd);
}

/* Our pid as this /proc numbers it (it may be another namespace's). */
static pid_t
self_pid(int procfd)
{
	char buf[32];
	ssize_t n;
	long v;
	char *end;

	if ((n = readlinkat(procfd, "self", buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		v = strtol(buf, &end, 10);
		if (*end == '\0' && v > 0 && v <= INT_MAX)
			return (pid_t)v;
	}
	return getpid();
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
		lost(scan);
		return;
	}
	for (i = 0; i < np; i++) {
		const struct shm_place *p = i == 0 ? scan->place : pl[i];

		if (np > 1 && !(shm_place_lists(p) & SHM_KIND_BIT(SHM_POSIX)))
			continue;
		if (deleted_devshm_dev(p, &dev) == -1 ||
		    devshm_place(scan, dev) != NULL)
			continue;
		if (want_dev(scan, dev) == -1) {
			lost(scan);
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
	size_t i, want, cap;
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
	/*
	 * Room for every identity asked about, made once: doubling as they
	 * come would hold the old table and the new together, half again
	 * the memory of the largest (over 100,000 objects, 6 MB).
	 */
	for (i = 0, want = 0; i < n; i++)
		if (v[i].addr.kind != SHM_SYSV && v[i].ino != 0)
			want++;
	for (cap = 256; cap < (want + 1) * 2 && cap < SIZE_MAX / 4; cap *= 2)
		;
	if (want > 0 && resize_table(scan, cap) == -1)
		lost(scan);
	for (i = 0; i < n; i++) {
		if (v[i].addr.kind == SHM_SYSV || v[i].ino == 0)
			continue;
		if (identity(scan, v[i].dev, v[i].ino) == NULL ||
		    want_dev(scan, v[i].dev) == -1)
			lost(scan);
	}
	if (scan->memfds)
		learn_memfd_dev(scan);
	/* Unlinked objects: unlinked files on the device of a /dev/shm. */
	if (find & SHM_FIND_DELETED)
		want_devshms(scan, pl, np);
	if (!proc_sees_every_process(procfd))
		lost(scan);
	scan->self = self_pid(procfd);
	/* Our own descriptor to read, at its start: not the place's. */
	if ((fd = openat(procfd, ".",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (proc = fdopendir(fd)) == NULL) {
		int e = errno;

		if (fd != -1)
			close(fd);
		proc_scan_free(scan);
		errno = e;
		return NULL;
	}
	for (;;) {
		char *end;
		long pid;

		errno = 0;
		if ((de = readdir(proc)) == NULL) {
			if (errno != 0)
				lost(scan);
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
	return scan;
}

void
proc_scan_free(struct proc_scan *scan)
{
	size_t i;

	if (scan == NULL)
		return;
	for (i = 0; i < scan->cap; i++)
		free(scan->tab[i].pids);
	for (i = 0; i < scan->mf.n; i++)
		free(scan->mf.v[i].name);
	for (i = 0; i < scan->del.n; i++)
		free(scan->del.v[i].name);
	free(scan->tab);
	free(scan->mf.v);
	free(scan->del.v);
	free(scan->devs);
	free(scan->shms);
	free(scan);
}

/*
 * What an attacher's mapping tells of a System V segment's pages.  The
 * kernel's resident count of a huge-page segment (/proc/sysvipc/shm)
 * counts each huge page once per base page in it on this kernel (one
 * 2 MiB page shows as 1 GiB), so it is unknown; huge pages are never
 * swapped.
 */
static void
sysv_pagesize_status(struct shm_rec *rec, uint64_t pagesize)
{
	if (pagesize <= (uint64_t)getpagesize())
		return;
	rec->status |= SHM_ST_HUGETLB;
	rec->rss = -1;
	rec->swap = 0;
}

static int
pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/*
 * Fill in who uses rec: its PIDS for every kind, and its NATTCH for the
 * kinds the kernel does not count.  Where the scan was incomplete, or
 * on any failure here, its users are unknown (NATTCH -1), never none;
 * -1 on failure.
 */
int
proc_scan_users(const struct proc_scan *scan, struct shm_rec *rec)
{
	const struct users *u;

	if (rec->addr.kind == SHM_SYSV)
		u = lookup(scan, SYSV_DEV, sysv_ino(place_ipcns_ino(
		    shm_addr_place(&rec->addr)), rec->addr.id));
	else
		u = rec->ino != 0 ? lookup(scan, rec->dev, rec->ino) : NULL;
	free(rec->pids);
	rec->pids = NULL;
	rec->npids = 0;
	rec->users_known = scan->complete;
	if (u != NULL && u->n > 0) {
		rec->pids = reallocarray(NULL, u->n, sizeof(pid_t));
		if (rec->pids == NULL) {
			rec->users_known = false;
			if (rec->addr.kind != SHM_SYSV)
				rec->nattch = -1;
			return -1;
		}
		memcpy(rec->pids, u->pids, u->n * sizeof(pid_t));
		rec->npids = u->n;
		qsort(rec->pids, rec->npids, sizeof(pid_t), pid_cmp);
	}
	if (rec->addr.kind != SHM_SYSV)
		rec->nattch = rec->users_known ? (long)rec->npids : -1;
	else if (u != NULL)
		sysv_pagesize_status(rec, u->pagesize);
	return 0;
}

/* By identity; then descriptors before mappings; then pid, fd, start. */
static int
holder_cmp(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	if (x->st.st_dev != y->st.st_dev)
		return x->st.st_dev < y->st.st_dev ? -1 : 1;
	if (x->st.st_ino != y->st.st_ino)
		return x->st.st_ino < y->st.st_ino ? -1 : 1;
	if ((x->fd < 0) != (y->fd < 0))
		return x->fd < 0 ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->fd != y->fd)
		return (x->fd > y->fd) - (x->fd < y->fd);
	return (x->start > y->start) - (x->start < y->start);
}

static void
fill_memfd(const struct proc_scan *scan, const struct holder *h, size_t n,
    struct shm_rec *rec)
{
	(void)scan;
	(void)n;
	fd_fill_info(&h->st, rec);
	rec->addr.kind = SHM_MEMFD;
	rec->addr.pid = h->pid;
	rec->addr.fd = h->fd;
}

/*
 * An unlinked object, from its n holders (h[0] names it): its inode from
 * a holder's descriptor, or else through a mapping's map_files entry,
 * which only CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE) may follow.
 * Without either, its size, mode, owner and times are unknown.
 */
static void
fill_deleted(const struct proc_scan *scan, const struct holder *h, size_t n,
    struct shm_rec *rec)
{
	const struct stat *st = NULL;
	struct stat mst;
	size_t i;
	int procfd = place_proc(scan->place);

	for (i = 0; i < n && st == NULL; i++) {
		struct shm_addr a = { .pid = h[i].pid, .fd = h[i].fd,
		    .map_start = h[i].start, .map_end = h[i].end };
		char path[96];

		if (h[i].have_st) {
			st = &h[i].st;
			break;
		}
		held_path(&a, path, sizeof(path));
		if (procfd != -1 && fstatat(procfd, path, &mst, 0) == 0 &&
		    mst.st_dev == h[i].st.st_dev &&
		    mst.st_ino == h[i].st.st_ino)
			st = &mst;
	}
	if (st != NULL)
		fd_fill_info(st, rec);
	else {
		rec->dev = h->st.st_dev;
		rec->ino = h->st.st_ino;
		rec->inode_unknown = true;
	}
	rec->status |= SHM_ST_DELETED;
	rec->addr.kind = SHM_POSIX;
	/* The place whose /dev/shm it is on (-A: perhaps not ours). */
	if ((rec->addr.place = devshm_place(scan, h->st.st_dev)) == NULL)
		rec->addr.place = scan->place;
	rec->addr.pid = h->pid;
	rec->addr.fd = h->fd;
	rec->addr.map_start = h->start;
	rec->addr.map_end = h->end;
}

/*
 * A record for each identity among the holders, named by its first
 * holder (holder_cmp) and filled in by fill; its users from the scan.
 */
static int
holder_recs(const struct proc_scan *scan, const struct holders *hs,
    void (*fill)(const struct proc_scan *, const struct holder *, size_t,
    struct shm_rec *), struct shm_rec **v, size_t *n)
{
	struct shm_vec vec = { NULL, 0, 0 };
	size_t i, j;

	if (hs->n > 1)
		qsort(hs->v, hs->n, sizeof(*hs->v), holder_cmp);
	for (i = 0; i < hs->n; i = j) {
		const struct holder *h = &hs->v[i];
		struct shm_rec *rec;

		for (j = i + 1; j < hs->n && hs->v[j].st.st_dev == h->st.st_dev &&
		    hs->v[j].st.st_ino == h->st.st_ino; j++)
			;
		if ((rec = shm_vec_push(&vec)) == NULL)
			goto fail;
		rec->addr.place = scan->place;
		fill(scan, h, j - i, rec);
		if ((rec->addr.name = strdup(h->name)) == NULL ||
		    proc_scan_users(scan, rec) == -1)
			goto fail;
	}
	*v = vec.v;
	*n = vec.n;
	return 0;
fail:
	shm_rec_list_free(vec.v, vec.n);
	return -1;
}

/*
 * Every memfd some process holds, once each: a memfd passed to another
 * process is one segment, named by its first holder's memfd:PID:FD.
 */
int
proc_scan_memfds(const struct proc_scan *scan, struct shm_rec **v, size_t *n)
{
	return holder_recs(scan, &scan->mf, fill_memfd, v, n);
}

/*
 * Every unlinked POSIX object some process maps or holds, once each:
 * named by a holder's descriptor (deleted:PID:FD, lowest PID first),
 * or, if none holds one, by a mapping (deleted:PID:START-END).
 */
int
proc_scan_deleted(const struct proc_scan *scan, struct shm_rec **v,
    size_t *n)
{
	return holder_recs(scan, &scan->del, fill_deleted, v, n);
}

/* A process's command name, or NULL if it is gone. */
const char *
proc_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (shm_read_small(AT_FDCWD, path, buf, len) <= 0)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Is pid a running process?  EPERM means it is, just not ours. */
bool
proc_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}
