/*
 * util.c - the smallest helpers over system calls that every floor
 * above uses: our capabilities (and whether one counts for a namespace
 * or a file's owner), a small file read whole, a sysctl, a write and a
 * read that finish, a close that keeps errno, our own descriptors
 * reached again through /proc/self/fd, a bound in milliseconds from the
 * environment, and the lines of a /proc file read in large blocks.
 *
 * Layer: kernel facts (src/lib/LAYERS).  Calls nothing of the library.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/nsfs.h>

#include "backend.h"

/* Is capability cap in our effective set?  If we cannot tell, no. */
bool
shm_have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		_LINUX_CAPABILITY_VERSION_3, 0
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data) == -1)
		return false;
	return (data[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap)) != 0;
}

static bool
same_file(int fd, const struct stat *st)
{
	struct stat fst;

	return fstat(fd, &fst) == 0 && fst.st_dev == st->st_dev &&
	    fst.st_ino == st->st_ino;
}

/*
 * Does capability cap count for what the namespace nsfd (an IPC
 * namespace, say) lets the user namespace that owns it decide?  The
 * kernel's cap_capable(): walking up from that user namespace, cap
 * counts if we reach ours and it is in our effective set, or if we are
 * in the parent of one of them and own it (its creator has every
 * capability in it); a user namespace that is not ours nor below ours
 * gives us nothing (NS_GET_USERNS or NS_GET_PARENT says EPERM).  Merely effective, as
 * under `unshare -r`, it does not count for the host's IPC namespace.
 * If the kernel cannot tell us (no NS_GET_USERNS), the effective set.
 */
bool
shm_cap_counts_for(int cap, int nsfd)
{
	struct stat ours;
	uid_t owner;
	int ns, parent, depth;
	bool r = false;

	if (stat("/proc/self/ns/user", &ours) == -1)
		return shm_have_cap(cap);
	/* EPERM: its owner is above ours (`unshare -r` on the host's). */
	if ((ns = ioctl(nsfd, NS_GET_USERNS)) == -1)
		return errno == EPERM ? false : shm_have_cap(cap);
	for (depth = 0; depth < 64; depth++) {	/* the kernel nests 32 */
		if (same_file(ns, &ours)) {
			r = shm_have_cap(cap);
			break;
		}
		if ((parent = ioctl(ns, NS_GET_PARENT)) == -1)
			break;			/* above ours: not below us */
		if (same_file(parent, &ours) &&
		    ioctl(ns, NS_GET_OWNER_UID, &owner) == 0 &&
		    owner == geteuid()) {
			close(parent);
			r = true;
			break;
		}
		close(ns);
		ns = parent;
	}
	close(ns);
	return r;
}

/*
 * Is id mapped in our user namespace (map: "uid_map" or "gid_map")?
 * One that is not shows as the overflow id (65534), and no capability
 * of ours counts for a file it owns.  If we cannot tell, yes.
 */
static bool
id_mapped(const char *map, unsigned long id)
{
	char path[64], line[128];
	unsigned long in, out, count;
	bool mapped = false;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/self/%s", map);
	if ((fp = fopen(path, "re")) == NULL)
		return true;
	while (!mapped && fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "%lu %lu %lu", &in, &out, &count) == 3 &&
		    id >= in && id - in < count)
			mapped = true;
	fclose(fp);
	return mapped;
}

/*
 * Does capability cap count for a file owned by uid:gid?  The kernel's
 * capable_wrt_inode_uidgid(): in our effective set, and both ids mapped
 * in our user namespace.
 */
bool
shm_cap_counts_for_owner(int cap, uid_t uid, gid_t gid)
{
	return shm_have_cap(cap) && id_mapped("uid_map", uid) &&
	    id_mapped("gid_map", gid);
}

/*
 * Read a small file (a /proc one, say) at dirfd into buf, NUL-terminated;
 * its length, or -1.
 */
ssize_t
shm_read_small(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)got < len - 1 &&
	    (n = read(fd, buf + got, len - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

/* A number from /proc/sys/NAME, e.g. "kernel/shmmax". */
int
shm_sysctl(const char *name, uint64_t *out)
{
	char path[128], buf[64], *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		errno = EINVAL;
		return -1;
	}
	buf[n] = '\0';
	errno = 0;
	*out = strtoumax(buf, &end, 10);
	if (errno != 0 || end == buf) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Write all of buf, through short writes and signals. */
int
write_full(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* close(2) on a failure path: the caller's errno is the one to keep. */
void
close_keep_errno(int fd)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
}

/* free(3) on a failure path, likewise. */
void
free_keep_errno(void *p)
{
	int e = errno;

	free(p);
	errno = e;
}

/* /proc/self/fd/FD: the file our own descriptor fd holds, as a path. */
void
self_fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/*
 * Open again the file of our descriptor fd (an O_PATH one, say) with
 * flags: the very file fd holds, whatever has its name now.
 */
int
self_fd_reopen(int fd, int flags)
{
	char path[32];

	self_fd_path(fd, path, sizeof(path));
	return open(path, flags | O_CLOEXEC | O_NOCTTY);
}

/* The link text of our descriptor fd (its path, " (deleted)" and all). */
ssize_t
self_fd_link(int fd, char *buf, size_t len)
{
	char path[32];
	ssize_t n;

	self_fd_path(fd, path, sizeof(path));
	if ((n = readlink(path, buf, len - 1)) >= 0)
		buf[n] = '\0';
	return n;
}

/*
 * Read all len bytes at off, through short reads and signals; a file
 * that ends first fails with SHM_ESHRUNK.
 */
int
read_full_at(int fd, void *buf, size_t len, off_t off)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = SHM_ESHRUNK;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/*
 * Lines of a file read in large blocks: /proc files are generated per
 * read(2), and stdio's small reads and per-line locking cost more than
 * the parsing (a process's maps can be 100,000 lines).
 */
int
lines_open(struct lines *l, int dirfd, const char *path)
{
	memset(l, 0, sizeof(*l));
	if ((l->fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	l->cap = 64 * 1024;
	if ((l->buf = malloc(l->cap)) == NULL) {
		close_keep_errno(l->fd);
		l->fd = -1;
		return -1;
	}
	return 0;
}

/*
 * The next line, NUL-terminated without its newline, or NULL at the end
 * (errno 0) or on an error (errno set).  Valid until the next call.
 */
char *
lines_next(struct lines *l, size_t *len)
{
	char *nl;

	for (;;) {
		if (l->start < l->end &&
		    (nl = memchr(l->buf + l->start, '\n', l->end - l->start))) {
			char *line = l->buf + l->start;

			*nl = '\0';
			*len = (size_t)(nl - line);
			l->start = (size_t)(nl - l->buf) + 1;
			return line;
		}
		if (l->eof) {
			if (l->start == l->end) {
				errno = 0;
				return NULL;
			}
			/* The last line, with no newline: room was kept. */
			l->buf[l->end] = '\0';
			*len = l->end - l->start;
			l->start = l->end;
			return l->buf + l->end - *len;
		}
		if (l->start > 0) {
			memmove(l->buf, l->buf + l->start, l->end - l->start);
			l->end -= l->start;
			l->start = 0;
		}
		if (l->end + 1 >= l->cap) {
			char *nb = realloc(l->buf, l->cap * 2);

			if (nb == NULL)
				return NULL;
			l->buf = nb;
			l->cap *= 2;
		}
		for (;;) {
			ssize_t n = read(l->fd, l->buf + l->end,
			    l->cap - 1 - l->end);

			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				return NULL;
			if (n == 0)
				l->eof = true;
			l->end += (size_t)n;
			break;
		}
	}
}

void
lines_close(struct lines *l)
{
	int e = errno;

	if (l->fd != -1)
		close(l->fd);
	free(l->buf);
	l->fd = -1;
	l->buf = NULL;
	errno = e;
}

/*
 * Our effective uid, asked of the kernel once: the tools never change it
 * (they act as a place's owner through the file system uid alone,
 * owner.c), and a bulk removal asks once a segment.
 */
uid_t
shm_euid(void)
{
	static uid_t euid;
	static bool known;

	if (!known) {
		euid = geteuid();
		known = true;
	}
	return euid;
}

/*
 * A bound in milliseconds from environment variable name (the tests set
 * one short), or dflt where it is unset or not 0 to an hour.
 */
long
shm_env_ms(const char *name, long dflt)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return dflt;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > 3600000)
		return dflt;
	return v;
}
