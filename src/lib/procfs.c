/*
 * procfs.c - what a /proc says of its processes as a whole: whether it
 * shows us every one of them (hidepid, a PID namespace below the
 * host's), who we are in it, whether a process runs and what it is
 * called, whether any process of a user runs, whether a file is locked,
 * and the inode of one of its namespaces.
 *
 * Layer: kernel facts (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/capability.h>

#include "kernel.h"
#include "shm-private.h"

/* Says that our PID namespace's segments are its own (shmtools(7)). */
#define ENV_PIDNS_PRIVATE "SHMTOOLS_PIDNS_PRIVATE"

#define PF_KTHREAD	0x00200000	/* include/linux/sched.h */

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

/* The same of /proc, for what a program says of unknown use. */
bool
shm_pidns_partial(void)
{
	int fd;
	bool r;

	if ((fd = open(SHM_PROC, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return false;
	r = !proc_sees_all_pidns(fd);
	close(fd);
	return r;
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
pid_t
proc_self_pid(int procfd)
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
 * The command names read so far: a listing names the same process in
 * many rows (COMMAND), and each read is three system calls.  A name is
 * at most TASK_COMM_LEN (16) bytes.
 */
struct comm {
	char		 name[16];
	bool		 gone;
};
static struct {
	struct hash	 idx;		/* pid -> index in v */
	struct comm	*v;
	size_t		 n, cap;
} comms;

/* A process's command name, or NULL if it is gone; read once a run. */
const char *
proc_comm(pid_t pid, char *buf, size_t len)
{
	char path[64], name[64];
	ssize_t i = hash_get(&comms.idx, (uint64_t)pid, 0, 0);
	bool gone;
	size_t k;

	if (i != -1) {
		if (comms.v[i].gone)
			return NULL;
		snprintf(buf, len, "%s", comms.v[i].name);
		return buf;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	gone = shm_read_small(AT_FDCWD, path, name, sizeof(name)) <= 0;
	name[gone ? 0 : strcspn(name, "\n")] = '\0';
	/* Kept if there is room: a failure to keep is only a cost. */
	if (comms.n == comms.cap) {
		size_t cap = comms.cap ? comms.cap * 2 : 64;
		struct comm *v = reallocarray(comms.v, cap, sizeof(*v));

		if (v != NULL) {
			comms.v = v;
			comms.cap = cap;
		}
	}
	k = comms.n;
	if (comms.n < comms.cap &&
	    hash_put(&comms.idx, (uint64_t)pid, 0, 0, &k) == 1) {
		snprintf(comms.v[k].name, sizeof(comms.v[k].name), "%.15s",
		    name);
		comms.v[k].gone = gone;
		comms.n++;
	}
	if (gone)
		return NULL;
	snprintf(buf, len, "%s", name);
	return buf;
}

/* Is pid a running process?  EPERM means it is, just not ours. */
bool
proc_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/*
 * fstatat(2) that never waits on the file system: statx(2) with
 * AT_STATX_DONT_SYNC takes what the inode cache holds (FUSE, NFS), where
 * a plain stat would ask a daemon or a server that may never answer.
 * Only the type, device and inode, which are all it is used for.
 */
int
proc_stat_nosync(int dirfd, const char *path, int flags, struct stat *st)
{
	struct statx sx;

	if (statx(dirfd, path, flags | AT_STATX_DONT_SYNC,
	    STATX_TYPE | STATX_INO, &sx) == -1)
		return -1;
	memset(st, 0, sizeof(*st));
	st->st_mode = sx.stx_mode;
	st->st_ino = (ino_t)sx.stx_ino;
	st->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	return 0;
}

/* Add the real and effective uids of the process at /proc/name to *v. */
static int
add_uids(int procfd, const char *name, uid_t **v, size_t *n, size_t *cap)
{
	char path[64], buf[2048], *p;
	unsigned long id[2];
	size_t i, j;

	snprintf(path, sizeof(path), "%s/status", name);
	if (shm_read_small(procfd, path, buf, sizeof(buf)) <= 0 ||
	    (p = strstr(buf, "\nUid:")) == NULL ||
	    sscanf(p + 5, "%lu %lu", &id[0], &id[1]) != 2)
		return 0;		/* gone meanwhile */
	for (j = 0; j < 2; j++) {
		for (i = 0; i < *n && (*v)[i] != (uid_t)id[j]; i++)
			;
		if (i < *n)
			continue;
		if (*n == *cap) {
			uid_t *nv = reallocarray(*v, *cap = *cap ? *cap * 2 : 32,
			    sizeof(**v));

			if (nv == NULL)
				return -1;
			*v = nv;
		}
		(*v)[(*n)++] = (uid_t)id[j];
	}
	return 0;
}

/*
 * Does a process whose real or effective uid is uid run?  One look at
 * /proc, kept for the rest of the run (the programs are short).  If
 * /proc does not show us every process, or cannot be read, we cannot
 * tell: yes.
 */
bool
proc_uid_runs(uid_t uid)
{
	static uid_t *uids;
	static size_t n;
	static int known;	/* 0: not looked yet, 1: uids, -1: unknown */
	size_t i, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	if (known == 0) {
		known = -1;
		if ((fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
		    -1)
			return true;
		if (proc_sees_every_process(fd) && (d = fdopendir(fd)) != NULL) {
			known = 1;
			while (known == 1 && (de = readdir(d)) != NULL)
				if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
				    add_uids(fd, de->d_name, &uids, &n, &cap) == -1)
					known = -1;
			closedir(d);
		} else
			close(fd);
	}
	if (known == -1)
		return true;
	for (i = 0; i < n; i++)
		if (uids[i] == uid)
			return true;
	return false;
}

/*
 * Does anyone hold a flock on the file st (a write lock, if write_only)?
 * From /proc/locks, which lists every lock with its file's device and
 * inode: a look that holds nothing.  If we cannot tell, no.
 */
bool
proc_flocked(const struct stat *st, bool write_only)
{
	char line[256], *tok, *save;
	unsigned maj, min;
	unsigned long long ino;
	bool held = false;
	FILE *fp;
	int i;

	if ((fp = fopen("/proc/locks", "re")) == NULL)
		return false;
	/* "1: FLOCK  ADVISORY  WRITE 4123 00:1b:12345 0 EOF" */
	while (!held && fgets(line, sizeof(line), fp) != NULL) {
		const char *type = NULL, *rw = NULL, *where = NULL;

		for (i = 0, tok = strtok_r(line, " \t\n", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t\n", &save)) {
			if (strcmp(tok, "->") == 0)
				continue;	/* one that waits for it */
			switch (i++) {
			case 1: type = tok; break;
			case 3: rw = tok; break;
			case 5: where = tok; break;
			}
		}
		if (where == NULL || strcmp(type, "FLOCK") != 0 ||
		    (write_only && strcmp(rw, "WRITE") != 0) ||
		    sscanf(where, "%x:%x:%llu", &maj, &min, &ino) != 3)
			continue;
		held = maj == major(st->st_dev) && min == minor(st->st_dev) &&
		    ino == (unsigned long long)st->st_ino;
	}
	fclose(fp);
	return held;
}

unsigned long long
proc_ino_at(int dirfd, const char *path)
{
	struct stat st;

	return fstatat(dirfd, path, &st, 0) == 0 ?
	    (unsigned long long)st.st_ino : 0;
}

/*
 * Is the process at procdir one that has a place of its own: running,
 * not a zombie, not a kernel thread?  0, or -1 with
 * ESRCH (gone), SHM_EZOMBIE or SHM_EKTHREAD.
 */
int
proc_task_check(int procdir)
{
	char buf[1024], state;
	unsigned long flags;

	if (shm_read_small(procdir, "stat", buf, sizeof(buf)) <= 0 ||
	    proc_stat_parse(buf, &state, &flags) == -1) {
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
 * Does process pid of the /proc at procfd attach System V segment shmid
 * of the IPC namespace ipcns?  1 and the device of its mapping (which
 * tells huge pages: kmem.c), 0 if it does not (or is gone, or is in
 * another IPC namespace), -1 if its maps cannot be read.
 */
int
proc_sysv_map_dev(int procfd, pid_t pid, unsigned long long ipcns, int shmid,
    dev_t *dev)
{
	unsigned long long ino;
	struct lines lines;
	char name[32];
	size_t len;
	char *line;
	int pidfd, r = 0;

	snprintf(name, sizeof(name), "%d", (int)pid);
	if ((pidfd = openat(procfd, name, O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((ino = proc_ino_at(pidfd, "ns/ipc")) != ipcns) {
		r = ino == 0 && errno != ENOENT && errno != ESRCH ? -1 : 0;
		close_keep_errno(pidfd);
		return r;
	}
	if (lines_open(&lines, pidfd, "maps") == -1) {
		r = errno == ENOENT || errno == ESRCH ? 0 : -1;
		close_keep_errno(pidfd);
		return r;
	}
	while ((line = lines_next(&lines, &len)) != NULL) {
		const char *path;
		bool shared;
		ino_t mino;

		if (proc_maps_peek(line, dev, &shared) == -1 || !shared ||
		    proc_maps_parse_line(line, dev, &mino, &shared,
		    &path) == -1 || path == NULL)
			continue;
		if (strncmp(path, SYSV_MAPS_PREFIX,
		    strlen(SYSV_MAPS_PREFIX)) == 0 && mino == (ino_t)shmid) {
			r = 1;
			break;
		}
	}
	if (line == NULL && errno != 0 && errno != ESRCH)
		r = -1;
	lines_close(&lines);
	close(pidfd);
	return r;
}

/*
 * A directory of a live thread of the process at procdir (O_PATH): its
 * own, where the main thread runs; else, where the main thread has
 * exited (pthread_exit) while others run, the first live task/TID.  The
 * leader is then a zombie whose namespaces and root went with it, and
 * only its threads show the place the process is in.  -1 with errno as
 * proc_task_check(), or another errno (EMFILE) where it could not look.
 */
int
proc_task_open(int procdir)
{
	struct dirent *de;
	int fd, e = SHM_EZOMBIE;
	DIR *d;

	if (proc_task_check(procdir) == 0)
		return openat(procdir, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (errno != SHM_EZOMBIE)
		return -1;
	if ((fd = openat(procdir, "task", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? (errno = ESRCH, -1) : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close_keep_errno(fd);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if ((fd = openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY |
		    O_CLOEXEC)) == -1) {
			if (errno == ENOENT)
				continue;	/* exited since readdir */
			e = errno;
			break;
		}
		if (proc_task_check(fd) == 0) {
			closedir(d);
			return fd;
		}
		close(fd);
	}
	if (de == NULL && errno != 0)
		e = errno;
	closedir(d);
	errno = e;
	return -1;
}
