/*
 * unseen.c - the users of a segment that /proc/PID/fd and /proc/PID/maps
 * do not show, for the /proc scan: the files an io_uring holds
 * registered, which only the ring's fdinfo names (its process is their
 * user), and the files that back loop devices (in use, by no process).
 * What cannot be seen of them makes the users unknown, never none.
 *
 * Layer: engines (src/lib/LAYERS), for scan.c (scan.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "scan.h"

/* The link of an io_uring's descriptor. */
#define URING_LINK	"anon_inode:[io_uring]"

/*
 * A file an io_uring of the process at "at" holds registered, by the
 * path its fdinfo gives (from our root, as the kernel prints it): note
 * the process as a user of a file of a /dev/shm the scan wants.  root is
 * the process's root directory as the kernel prints it for us, or NULL.
 */
static void
scan_uring_file(struct proc_scan *scan, int at, const char *root,
    const char *path, pid_t pid)
{
	size_t rlen = root != NULL ? strlen(root) : 0;
	const char *rel = path;
	char buf[PATH_MAX + 8];
	struct statx stx;
	size_t len;
	dev_t dev;

	if (scan->memfds && memfd_link_name(path, &len) != NULL) {
		scan_incomplete(scan);	/* a memfd: no link, no inode */
		return;
	}
	if (*path != '/')
		return;
	/* Inside the process's root: the rest is its path there. */
	if (root == NULL || (strcmp(root, "/") != 0 &&
	    (strncmp(path, root, rlen) != 0 || path[rlen] != '/'))) {
		scan_incomplete(scan);
		return;
	}
	if (strcmp(root, "/") != 0)
		rel += rlen;
	/* Only the objects of its /dev/shm: a path elsewhere is no place. */
	if (strncmp(rel, "/dev/shm/", 9) != 0)
		return;
	snprintf(buf, sizeof(buf), "root%s", rel);
	if (statx(at, buf, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC,
	    STATX_TYPE | STATX_INO, &stx) == -1) {
		/*
		 * Unlinked (no inode to know it by), or renamed since the
		 * kernel printed it: an object we cannot tell.  An unlinked
		 * one matters only to a scan that finds them.
		 */
		if (errno == ENOENT && deleted_link_name(rel, &len) != NULL &&
		    !scan->deleted)
			return;
		if (!gone(errno) || errno == ENOENT)
			scan_incomplete(scan);
		return;
	}
	dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	if (S_ISREG(stx.stx_mode) && dev_wanted(scan, dev))
		scan_add_user(scan, dev, (ino_t)stx.stx_ino, pid, false);
}

/* Read the io_uring's fdinfo once: 0, or -1 and errno (EAGAIN: busy). */
static int
scan_uring_once(struct proc_scan *scan, int at, const char *info,
    const char *root, pid_t pid)
{
	struct uring_files u;
	char path[PATH_MAX];
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;
	int fd, r;

	if ((fd = openat(at, info, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((fp = fdopen(fd, "r")) == NULL) {
		close_keep_errno(fd);
		return -1;
	}
	proc_uring_files_init(&u);
	for (;;) {
		errno = 0;
		if (getline(&line, &cap, fp) <= 0)
			break;
		if (proc_uring_files_line(&u, line, path, sizeof(path)) == 1)
			scan_uring_file(scan, at, root, path, pid);
	}
	r = !feof(fp) ? -1 : proc_uring_files_done(&u);
	if (!feof(fp) && errno == 0)
		errno = EIO;
	free(line);
	fclose(fp);
	return r;
}

/*
 * Descriptor fdname of the process at "at", a file of no file type, may
 * be an io_uring: the files it holds registered (fixed files, direct
 * descriptors) have no link in /proc/PID/fd, and only its fdinfo names
 * them.  Where that cannot be read or understood, the users of every
 * segment are unknown.  *root: the process's root, read once (free it).
 */
void
scan_uring_fd(struct proc_scan *scan, int at, const char *fdname, pid_t pid,
    char **root)
{
	char info[32], link[PATH_MAX];
	ssize_t n;
	int tries;

	snprintf(info, sizeof(info), "fd/%s", fdname);
	if ((n = readlinkat(at, info, link, sizeof(link) - 1)) == -1) {
		if (!gone(errno))
			scan_incomplete(scan);
		return;
	}
	link[n] = '\0';
	if (strcmp(link, URING_LINK) != 0)
		return;
	if (*root == NULL &&
	    (n = readlinkat(at, "root", link, sizeof(link) - 1)) != -1) {
		link[n] = '\0';
		if ((*root = strdup(link)) == NULL) {
			scan_incomplete(scan);
			return;
		}
	}
	snprintf(info, sizeof(info), "fdinfo/%s", fdname);
	/* A busy ring prints no files: ask again, a few times. */
	for (tries = 0; tries < 3; tries++) {
		if (scan_uring_once(scan, at, info, *root, pid) == 0)
			return;
		if (errno != EAGAIN)
			break;
	}
	if (!gone(errno))
		scan_incomplete(scan);
}

/*
 * A loop device bound to a file of a /dev/shm: the object is in use, and
 * no process stands for that use.  A bound device whose file we may not
 * identify (only who may open /dev/loopN can ask) and whose path says
 * /dev/shm, or an unlinked object that backs one (no process holds it,
 * so no scan finds it), leaves the users unknown.
 */
void
scan_loop_devices(struct proc_scan *scan)
{
	struct loop_backing *v;
	size_t i, n, len;

	if (loop_backing_list(&v, &n) == -1) {
		scan_incomplete(scan);
		return;
	}
	for (i = 0; i < n; i++) {
		struct seg_users *u;

		if (!v[i].known) {
			if (strstr(v[i].path, "/dev/shm/") != NULL)
				scan_incomplete(scan);
			continue;
		}
		if (!dev_wanted(scan, v[i].dev))
			continue;
		if (users_asked(&scan->users, v[i].dev, v[i].ino) ||
		    users_find(&scan->users, v[i].dev, v[i].ino) != NULL) {
			if ((u = users_entry(&scan->users, v[i].dev,
			    v[i].ino)) != NULL)
				u->unseen = true;
			else
				scan_incomplete(scan);
		}
		else if (scan->deleted && devshm_place(scan, v[i].dev) != NULL &&
		    deleted_link_name(v[i].path, &len) != NULL)
			scan_incomplete(scan);
	}
	free(v);
}
