/*
 * meminfo.c - where the kernel's shmem is, as far as the kernel tells:
 * the Shmem line of /proc/meminfo (the "shared" column of free), and
 * every tmpfs mount of some mount namespaces, each once by device, with
 * the bytes it holds.
 *
 * Shmem counts the pages of every shmem inode that are in memory: System
 * V segments, POSIX objects, memfds, anonymous shared mappings, files on
 * every tmpfs (devtmpfs too), unlinked or not.  Pages in swap are not in
 * it.  A tmpfs mount's used bytes (statfs) count its pages in memory and
 * in swap alike.
 *
 * Layer: kernel facts (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "backend.h"
#include "proctext.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif

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

/* nftw() has no closure: the sum of the walk under way. */
static uint64_t walk_bytes;
static bool walk_unknown;

static int
walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_DNR || type == FTW_NS)
		walk_unknown = true;
	else if (type == FTW_F)
		walk_bytes += (uint64_t)st->st_blocks * 512;
	return 0;
}

/*
 * The bytes a tmpfs mount holds, the mount at path of device dev: its
 * used blocks from statfs, or for a mount without a size limit (whose
 * statfs says nothing of use), the blocks of its files, found by a walk
 * that stays on it.  -1 if it is not that tmpfs or cannot be read.
 */
static int64_t
tmpfs_used(const char *path, dev_t dev, uint64_t *size)
{
	struct statfs sf;
	struct stat st;
	int fd;

	/* A tmpfs never waits; the path to it is checked to lead there. */
	if ((fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || fstatfs(fd, &sf) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	if (st.st_dev != dev || sf.f_type != TMPFS_MAGIC) {
		errno = ENOENT;		/* another mount over it */
		return -1;
	}
	*size = (uint64_t)sf.f_blocks * (uint64_t)sf.f_bsize;
	if (sf.f_blocks != 0)
		return (int64_t)((uint64_t)(sf.f_blocks - sf.f_bfree) *
		    (uint64_t)sf.f_bsize);
	walk_bytes = 0;
	walk_unknown = false;
	if (nftw(path, walk_one, 16, FTW_PHYS | FTW_MOUNT) != 0 ||
	    walk_unknown) {
		errno = EACCES;
		return -1;
	}
	return (int64_t)walk_bytes;
}

static bool
dev_in(dev_t dev, const dev_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == dev)
			return true;
	return false;
}

/*
 * Append to *v the tmpfs mounts (devtmpfs too) of the mount namespace of
 * process pid (0: ours) that are not in it yet nor in skip: each device
 * once, its used bytes (-1: unknown; a mount under another, which no path
 * reaches, is left out).  0, or -1 with errno if its mountinfo cannot be
 * read.
 */
int
shm_tmpfs_mounts(pid_t pid, const dev_t *skip, size_t nskip,
    struct shm_tmpfs **v, size_t *n)
{
	struct mountinfo_ent *m;
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *fp;
	int r = 0;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/mountinfo");
	else
		snprintf(path, sizeof(path), "/proc/%ld/mountinfo", (long)pid);
	if ((m = malloc(sizeof(*m))) == NULL)
		return -1;
	if ((fp = fopen(path, "re")) == NULL) {
		free(m);
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		char full[sizeof(m->mnt) + 32];
		struct shm_tmpfs t = { 0 };
		struct shm_tmpfs *nv;
		size_t i;

		if (proc_mountinfo_parse(line, m) == -1 ||
		    !(proc_mountinfo_is(m, "tmpfs") ||
		    proc_mountinfo_is(m, "devtmpfs")) ||
		    dev_in(m->dev, skip, nskip))
			continue;
		for (i = 0; i < *n && (*v)[i].dev != m->dev; i++)
			;
		if (i < *n && (*v)[i].used >= 0)
			continue;	/* counted once, by device */
		if (pid == 0)
			snprintf(full, sizeof(full), "%s", m->mnt);
		else
			snprintf(full, sizeof(full), "/proc/%ld/root%s",
			    (long)pid, m->mnt);
		t.dev = m->dev;
		t.used = tmpfs_used(full, m->dev, &t.size);
		if (t.used == -1 && errno != EACCES && errno != EPERM &&
		    i == *n)
			continue;	/* hidden under another mount */
		if (i < *n) {
			(*v)[i] = t;
			continue;
		}
		if ((nv = reallocarray(*v, *n + 1, sizeof(**v))) == NULL) {
			r = -1;
			break;
		}
		*v = nv;
		(*v)[(*n)++] = t;
	}
	if (r == 0 && !feof(fp))
		r = -1;
	free(line);
	free(m);
	fclose(fp);
	return r;
}
