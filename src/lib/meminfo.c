/*
 * meminfo.c - where the kernel's shmem is, as far as the kernel tells:
 * the Shmem line of /proc/meminfo (the "shared" column of free), the
 * tmpfs mounts a mountinfo lists, and the bytes one of them holds.
 *
 * Shmem counts the pages of every shmem inode that are in memory: System
 * V segments, POSIX objects, memfds, anonymous shared mappings, files on
 * every tmpfs (devtmpfs too), unlinked or not.  Pages in swap are not in
 * it.  A tmpfs mount's used bytes (statfs) count its pages in memory and
 * in swap alike; a mount without a size limit has none to tell, and its
 * files are added up instead, by a walk that never leaves it: nothing
 * here waits on another file system (a FUSE mount under it is looked at
 * from the cache only, and never entered); a file of several links
 * counts once per link.
 *
 * Layer: kernel facts (src/lib/LAYERS).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>

#include "shm-private.h"
#include "proctext.h"

/* How deep the walk of a mount without a size limit goes: then unknown. */
#define WALK_DEPTH	64

/* A line "Field:   N kB" of /proc/meminfo, in bytes. */
int
shm_meminfo(const char *field, uint64_t *bytes)
{
	size_t flen = strlen(field);
	char line[256];
	bool found = false;
	FILE *fp;

	if ((fp = fopen("/proc/meminfo", "re")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		unsigned long long kb;

		if (strncmp(line, field, flen) == 0 && line[flen] == ':' &&
		    sscanf(line + flen + 1, "%llu kB", &kb) == 1 &&
		    kb <= UINT64_MAX / 1024) {
			*bytes = (uint64_t)kb * 1024;
			found = true;
		}
	}
	fclose(fp);
	if (!found)
		errno = ENOENT;
	return found ? 0 : -1;
}

/*
 * The tmpfs mounts (devtmpfs too) in the mountinfo at path (from dirfd,
 * as openat(2)), in its order: each one's device and mount point.  0, or
 * -1 with errno if it cannot be read.
 */
int
tmpfs_mountinfo(int dirfd, const char *path, struct tmpfs_mnt **v,
    size_t *n)
{
	struct mountinfo_ent *m;
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;
	int fd, r = 0;

	*v = NULL;
	*n = 0;
	if ((m = malloc(sizeof(*m))) == NULL)
		return -1;
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (fp = fdopen(fd, "re")) == NULL) {
		if (fd != -1)
			close(fd);
		free(m);
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		struct tmpfs_mnt *nv;

		if (proc_mountinfo_parse(line, m) == -1 ||
		    !(proc_mountinfo_is(m, "tmpfs") ||
		    proc_mountinfo_is(m, "devtmpfs")))
			continue;
		if ((nv = reallocarray(*v, *n + 1, sizeof(**v))) == NULL) {
			r = -1;
			break;
		}
		*v = nv;
		if (((*v)[*n].mnt = strdup(m->mnt)) == NULL) {
			r = -1;
			break;
		}
		(*v)[(*n)++].dev = m->dev;
	}
	if (r == 0 && !feof(fp))
		r = -1;
	free(line);
	free(m);
	fclose(fp);
	if (r == -1)
		tmpfs_mountinfo_free(*v, *n);
	return r;
}

void
tmpfs_mountinfo_free(struct tmpfs_mnt *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].mnt);
	free(v);
}

/*
 * Add the blocks of what directory dfd holds on device dev to *bytes,
 * its subdirectories too; dfd is closed.  Another file system mounted
 * in it is seen from the cache only (AT_STATX_DONT_SYNC) and never
 * entered (RESOLVE_NO_XDEV).  -1 where something cannot be read.
 */
static int
walk_dir(int dfd, dev_t dev, unsigned depth, uint64_t *bytes)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (depth > WALK_DEPTH || (d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return -1;
	}
	while (r == 0 && (errno = 0, de = readdir(d)) != NULL) {
		struct open_how how = {
			.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC,
			.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS |
			    RESOLVE_BENEATH,
		};
		struct statx sx;
		int fd;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (statx(dirfd(d), de->d_name, AT_SYMLINK_NOFOLLOW |
		    AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC, STATX_TYPE |
		    STATX_BLOCKS, &sx) == -1) {
			if (errno != ENOENT)	/* gone: nothing held */
				r = -1;
			continue;
		}
		if (makedev(sx.stx_dev_major, sx.stx_dev_minor) != dev)
			continue;	/* another mount: not this one's */
		*bytes += sx.stx_blocks * 512;
		if (!S_ISDIR(sx.stx_mode))
			continue;
		if ((fd = (int)syscall(SYS_openat2, dirfd(d), de->d_name, &how,
		    sizeof(how))) == -1) {
			if (errno != ENOENT && errno != EXDEV)
				r = -1;
			continue;
		}
		r = walk_dir(fd, dev, depth + 1, bytes);
	}
	if (r == 0 && errno != 0)
		r = -1;
	closedir(d);
	return r;
}

/*
 * The bytes the tmpfs mount of device dev holds, reached by fd (O_PATH),
 * and its size limit (0: none): its used blocks from statfs, or for a
 * mount without a limit, the blocks of its files.  -1 with errno:
 * ENOENT if fd is not that mount (another mounted over it), why it
 * cannot be read otherwise.
 */
int64_t
tmpfs_used(int fd, dev_t dev, uint64_t *size)
{
	struct statfs sf;
	struct statx sx;
	uint64_t bytes = 0;
	int dfd;

	/* What fd is, from the cache: it may be anything by now. */
	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_TYPE,
	    &sx) == -1)
		return -1;
	if (makedev(sx.stx_dev_major, sx.stx_dev_minor) != dev ||
	    fstatfs(fd, &sf) == -1 || sf.f_type != TMPFS_MAGIC) {
		errno = ENOENT;
		return -1;
	}
	*size = (uint64_t)sf.f_blocks * (uint64_t)sf.f_bsize;
	if (sf.f_blocks != 0)
		return (int64_t)((uint64_t)(sf.f_blocks - sf.f_bfree) *
		    (uint64_t)sf.f_bsize);
	if ((dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (walk_dir(dfd, dev, 0, &bytes) == -1) {
		errno = EACCES;
		return -1;
	}
	return bytes > INT64_MAX ? INT64_MAX : (int64_t)bytes;
}
