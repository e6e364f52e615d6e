/*
 * proc.c - who uses a segment: one pass over /proc/PID/maps and
 * /proc/PID/fd for every process, building a table from a segment's
 * identity to the processes that map it or hold it open.
 *
 * Identity: a System V segment by its shmid (its mappings show as
 * "/SYSV%08x" with the shmid as inode); everything else by device and
 * inode, so that a renamed or unlinked object still matches.
 *
 * Where a process's maps or fds cannot be read (another user's, without
 * privilege), the scan is incomplete, and users of a segment are then
 * unknown rather than none.
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
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "backend.h"

#define SYSV_DEV	((dev_t)-1)	/* identity of a System V segment */
#define MEMFD_LINK	"/memfd:"
#define DEVSHM_LINK	SHM_DEVSHM "/"

struct users {
	dev_t		 dev;
	ino_t		 ino;
	bool		 used;
	pid_t		*pids;
	size_t		 n, cap;
};

struct memfd_holder {
	pid_t		 pid;
	int		 fd;
	struct stat	 st;
	char		*name;
};

struct proc_scan {
	struct users	*tab;
	size_t		 cap, n;
	struct memfd_holder *mf;
	size_t		 nmf, capmf;
	bool		 complete;
};

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

static int
grow_table(struct proc_scan *scan)
{
	size_t cap = scan->cap ? scan->cap * 2 : 256, i, j;
	struct users *tab = calloc(cap, sizeof(*tab));

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

/* Note that pid uses (dev, ino); a process is counted once. */
static int
add_user(struct proc_scan *scan, dev_t dev, ino_t ino, pid_t pid)
{
	struct users *u = lookup(scan, dev, ino);

	if (u == NULL) {
		size_t i;

		if ((scan->n + 1) * 2 > scan->cap && grow_table(scan) == -1)
			return -1;
		for (i = hash(dev, ino) & (scan->cap - 1); scan->tab[i].used;
		    i = (i + 1) & (scan->cap - 1))
			;
		u = &scan->tab[i];
		u->used = true;
		u->dev = dev;
		u->ino = ino;
		scan->n++;
	}
	/* One process at a time is scanned: a repeat is the last entry. */
	if (u->n > 0 && u->pids[u->n - 1] == pid)
		return 0;
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 4;
		pid_t *p = reallocarray(u->pids, cap, sizeof(*p));

		if (p == NULL)
			return -1;
		u->pids = p;
		u->cap = cap;
	}
	u->pids[u->n++] = pid;
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


static bool
is_sysv_path(const char *path)
{
	return strncmp(path, "/SYSV", 5) == 0;
}

/*
 * Most lines of a maps file are private mappings of libraries: skip them
 * before parsing.  The first '/' of a line starts its path; the fourth
 * letter of the second field says whether the mapping is shared.
 */
static bool
maybe_segment(const char *line)
{
	const char *path = strchr(line, '/'), *perms = strchr(line, ' ');

	if (path == NULL || perms == NULL || perms > path)
		return false;
	if (strlen(perms) > 4 && perms[4] == 's')
		return true;
	return strncmp(path, DEVSHM_LINK, strlen(DEVSHM_LINK)) == 0 ||
	    strncmp(path, MEMFD_LINK, strlen(MEMFD_LINK)) == 0 ||
	    is_sysv_path(path);
}

/* Is this access failure "not allowed to look", not "gone"? */
static bool
denied(int err)
{
	return err == EACCES || err == EPERM;
}

static int
scan_maps(struct proc_scan *scan, int pidfd, pid_t pid)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;
	int fd, r = 0;

	if ((fd = openat(pidfd, "maps", O_RDONLY | O_CLOEXEC)) == -1) {
		if (denied(errno))
			scan->complete = false;
		return 0;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		const char *path;
		bool shared;
		dev_t dev;
		ino_t ino;

		if (!maybe_segment(line))
			continue;
		if (proc_maps_parse_line(line, &dev, &ino, &shared, &path) == -1 ||
		    path == NULL)
			continue;
		/* A System V mapping's inode is its shmid, and 0 is one. */
		if (is_sysv_path(path))
			r = add_user(scan, SYSV_DEV, ino, pid);
		else if (ino == 0)
			continue;
		else if (shared || strncmp(path, DEVSHM_LINK,
		    strlen(DEVSHM_LINK)) == 0 || strncmp(path, MEMFD_LINK,
		    strlen(MEMFD_LINK)) == 0)
			r = add_user(scan, dev, ino, pid);
		if (r == -1)
			break;
	}
	if (ferror(fp) && denied(errno))
		scan->complete = false;
	free(line);
	fclose(fp);
	return r;
}

static int
add_memfd(struct proc_scan *scan, pid_t pid, int fd, const struct stat *st,
    const char *name, size_t len)
{
	struct memfd_holder *h;

	if (scan->nmf == scan->capmf) {
		size_t cap = scan->capmf ? scan->capmf * 2 : 16;
		struct memfd_holder *p = reallocarray(scan->mf, cap, sizeof(*p));

		if (p == NULL)
			return -1;
		scan->mf = p;
		scan->capmf = cap;
	}
	h = &scan->mf[scan->nmf];
	h->pid = pid;
	h->fd = fd;
	h->st = *st;
	if ((h->name = strndup(name, len)) == NULL)
		return -1;
	scan->nmf++;
	return 0;
}

static int
scan_fds(struct proc_scan *scan, int pidfd, pid_t pid)
{
	struct dirent *de;
	DIR *dir;
	int fd, r = 0;

	if ((fd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (denied(errno))
			scan->complete = false;
		return 0;
	}
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while (r == 0 && (de = readdir(dir)) != NULL) {
		char link[PATH_MAX];
		const char *name;
		struct stat st;
		size_t len;
		ssize_t n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if ((n = readlinkat(fd, de->d_name, link, sizeof(link) - 1)) == -1)
			continue;
		link[n] = '\0';
		name = memfd_link_name(link, &len);
		if (name == NULL &&
		    strncmp(link, DEVSHM_LINK, strlen(DEVSHM_LINK)) != 0)
			continue;
		/* The descriptor's own inode, not whatever has the name now. */
		if (fstatat(fd, de->d_name, &st, 0) == -1 || !S_ISREG(st.st_mode))
			continue;
		r = add_user(scan, st.st_dev, st.st_ino, pid);
		if (r == 0 && name != NULL)
			r = add_memfd(scan, pid, atoi(de->d_name), &st, name, len);
	}
	closedir(dir);
	return r;
}

struct proc_scan *
proc_scan_new(void)
{
	struct proc_scan *scan;
	struct dirent *de;
	DIR *proc;

	if ((scan = calloc(1, sizeof(*scan))) == NULL)
		return NULL;
	scan->complete = true;
	if ((proc = opendir("/proc")) == NULL) {
		free(scan);
		return NULL;
	}
	while ((de = readdir(proc)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		int pidfd;

		/* Not ourselves: a tool holding the segment is not a user. */
		if (!isdigit((unsigned char)de->d_name[0]) || *end != '\0' ||
		    pid == (long)getpid())
			continue;
		pidfd = openat(dirfd(proc), de->d_name,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pidfd == -1)
			continue;	/* exited */
		if (scan_maps(scan, pidfd, (pid_t)pid) == -1 ||
		    scan_fds(scan, pidfd, (pid_t)pid) == -1) {
			close(pidfd);
			closedir(proc);
			proc_scan_free(scan);
			return NULL;
		}
		close(pidfd);
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
	for (i = 0; i < scan->nmf; i++)
		free(scan->mf[i].name);
	free(scan->tab);
	free(scan->mf);
	free(scan);
}

static int
pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/*
 * Fill in who uses rec: its PIDS for every kind, and its NATTCH for the
 * kinds the kernel does not count (unknown if the scan was incomplete).
 */
void
proc_scan_users(const struct proc_scan *scan, struct shm_rec *rec)
{
	const struct users *u;

	if (rec->addr.kind == SHM_SYSV)
		u = lookup(scan, SYSV_DEV, (ino_t)rec->addr.id);
	else
		u = rec->ino != 0 ? lookup(scan, rec->dev, rec->ino) : NULL;
	free(rec->pids);
	rec->pids = NULL;
	rec->npids = 0;
	if (u != NULL && (rec->pids = malloc(u->n * sizeof(pid_t))) != NULL) {
		memcpy(rec->pids, u->pids, u->n * sizeof(pid_t));
		rec->npids = u->n;
		qsort(rec->pids, rec->npids, sizeof(pid_t), pid_cmp);
	}
	rec->users_known = scan->complete;
	if (rec->addr.kind != SHM_SYSV)
		rec->nattch = scan->complete ? (long)rec->npids : -1;
}

static int
holder_cmp(const void *a, const void *b)
{
	const struct memfd_holder *x = a, *y = b;

	if (x->st.st_dev != y->st.st_dev)
		return x->st.st_dev < y->st.st_dev ? -1 : 1;
	if (x->st.st_ino != y->st.st_ino)
		return x->st.st_ino < y->st.st_ino ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/*
 * Every memfd some process holds, once each: a memfd passed to another
 * process is one segment, named by its first holder's memfd:PID:FD.
 */
int
proc_scan_memfds(const struct proc_scan *scan, struct shm_rec **v, size_t *n)
{
	struct shm_vec vec = { NULL, 0, 0 };
	size_t i;

	if (scan->nmf > 1)
		qsort(scan->mf, scan->nmf, sizeof(*scan->mf), holder_cmp);
	for (i = 0; i < scan->nmf; i++) {
		const struct memfd_holder *h = &scan->mf[i];
		struct shm_rec *rec;

		if (i > 0 && h->st.st_dev == scan->mf[i - 1].st.st_dev &&
		    h->st.st_ino == scan->mf[i - 1].st.st_ino)
			continue;
		if ((rec = shm_vec_push(&vec)) == NULL)
			goto fail;
		fd_fill_info(&h->st, rec);
		rec->addr.kind = SHM_MEMFD;
		rec->addr.pid = h->pid;
		rec->addr.fd = h->fd;
		if ((rec->addr.name = strdup(h->name)) == NULL)
			goto fail;
		proc_scan_users(scan, rec);
	}
	*v = vec.v;
	*n = vec.n;
	return 0;
fail:
	shm_rec_list_free(vec.v, vec.n);
	return -1;
}

/* A process's command name, or NULL if it is gone. */
const char *
proc_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Is pid a running process?  EPERM means it is, just not ours. */
bool
proc_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}
