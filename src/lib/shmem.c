/*
 * shmem.c - the kernel's Shmem (the "shared" column of free) accounted
 * for: what each kind of segment listed holds of it, what the other
 * tmpfs mounts hold, and the rest, which no listing reaches.
 *
 * Shmem counts the pages in memory of every shmem inode; a page swapped
 * out (in swap or the swap cache) leaves it, and is a segment's SWAP, not
 * its RSS.  So a kind's share is the RSS of its segments, but for
 * hugetlb ones (huge pages are not shmem) and files that are not on a
 * tmpfs (page cache).  A tmpfs mount's share is its used bytes less the
 * files listed on it; /dev/shm of every place is left out, its objects
 * being the POSIX kind's.  The unattributed rest is Shmem less all of
 * these: anonymous shared mappings, DRM and other drivers' buffers,
 * unlinked files held on a tmpfs without a size limit (whose files are
 * added up, statfs telling nothing), mounts hidden under others; it is
 * unknown when one share is.
 *
 * Layer: operations (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>

#include "shm-private.h"

/* The tmpfs mounts counted: each device once, what it holds. */
struct mnt_bytes {
	dev_t		 dev;
	int64_t		 used;		/* -1: unknown */
};

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
 * Add to *v the tmpfs mounts in the mountinfo at dir/mountinfo, reached
 * beneath root, that are not in it yet nor in skip.  The walk to a mount
 * point may cross a file system that never answers: it is made by a
 * child within a bound (devshm.c).  A mount hidden under another, which
 * no path reaches, is left out, to the unattributed rest; one that
 * cannot be read is unknown.
 */
static int
add_mounts(int dir, int root, const dev_t *skip, size_t nskip,
    struct mnt_bytes **v, size_t *n)
{
	struct tmpfs_mnt *m;
	size_t nm, i, j;
	int r = 0;

	if (tmpfs_mountinfo(dir, "mountinfo", &m, &nm) == -1)
		return 0;	/* gone: its mounts are the rest's */
	for (i = 0; i < nm && r == 0; i++) {
		struct mnt_bytes *nv;
		uint64_t size;
		int64_t used = -1;
		int fd;

		if (dev_in(m[i].dev, skip, nskip))
			continue;
		for (j = 0; j < *n && (*v)[j].dev != m[i].dev; j++)
			;
		if (j < *n && (*v)[j].used >= 0)
			continue;	/* counted once, by device */
		if ((fd = place_root_open(root, m[i].mnt)) != -1) {
			used = tmpfs_used(fd, m[i].dev, &size);
			close(fd);
		}
		if (used == -1 && errno == ENOENT)
			continue;	/* under another mount */
		if (j < *n) {
			(*v)[j].used = used;
			continue;
		}
		if ((nv = reallocarray(*v, *n + 1, sizeof(**v))) == NULL) {
			r = -1;
			break;
		}
		*v = nv;
		(*v)[(*n)++] = (struct mnt_bytes){ m[i].dev, used };
	}
	tmpfs_mountinfo_free(m, nm);
	return r;
}

static bool
on_tmpfs(const struct shm_rec *r, const struct mnt_bytes *t, size_t nt,
    const dev_t *devshm, size_t nd)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (t[i].dev == r->dev)
			return true;
	return dev_in(r->dev, devshm, nd);
}

/*
 * Does a listing with filter f account for Shmem?  Only one of all of
 * it: every kind, and no filter but the places.
 */
bool
shm_shmem_accountable(const struct shm_filter *f)
{
	return f->kinds == SHM_KINDS_ALL && !f->has_uid && !f->unused &&
	    !f->orphans && !f->has_older && f->nnames == 0 &&
	    f->nexcludes == 0;
}

/*
 * Account for the kernel's Shmem with the records v (a listing of every
 * kind in places; unseen: the SHM_KIND_BIT()s of the kinds that may hold
 * more than listed).  0, or -1 with errno if Shmem cannot be read.
 */
int
shm_shmem_account(const struct shm_place *const *places, size_t nplaces,
    const struct shm_rec *v, size_t n, unsigned unseen, struct shm_shmem *a)
{
	struct mnt_bytes *t = NULL;
	size_t nt = 0, i;
	dev_t *devshm;
	int64_t sum = 0;
	bool unknown = false;
	int k, root = -1, dir = -1, r = 0;

	*a = (struct shm_shmem){ .tmpfs = 0 };
	if (shm_meminfo("Shmem", &a->total) == -1)
		return -1;
	if ((devshm = calloc(nplaces ? nplaces : 1, sizeof(*devshm))) == NULL)
		return -1;
	for (i = 0; i < nplaces; i++)
		devshm[i] = shm_place_id(places[i])->devshm_dev;
	/*
	 * Ours, and with -A the places': each mount once, by device.  Our
	 * own may be under a FUSE mount too: reached the same way.
	 */
	if ((root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (dir = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		goto fail;
	r = add_mounts(dir, root, devshm, nplaces, &t, &nt);
	close(root);
	close(dir);
	root = dir = -1;
	if (r == -1)
		goto fail;
	for (i = 0; i < nplaces; i++) {
		const struct shm_place *p = places[i];
		char name[32];
		size_t j;

		/* Each mount namespace once: ours is done. */
		for (j = 0; j < i && places[j]->id.mntns != p->id.mntns; j++)
			;
		if (j < i || p->id.pid <= 0 || place_proc(p) == -1 ||
		    p->id.mntns == place_own()->id.mntns)
			continue;
		/*
		 * Its NSPID's mountinfo and root, from one /proc/PID that
		 * is still in the place's mount namespace: not a PID reused.
		 */
		snprintf(name, sizeof(name), "%ld", (long)p->id.pid);
		if ((dir = openat(place_proc(p), name, O_PATH | O_DIRECTORY |
		    O_CLOEXEC)) == -1)
			continue;
		if ((root = openat(dir, "root", O_PATH | O_DIRECTORY |
		    O_CLOEXEC)) != -1 &&
		    proc_ino_at(dir, "ns/mnt") == p->id.mntns)
			r = add_mounts(dir, root, devshm, nplaces, &t, &nt);
		if (root != -1)
			close(root);
		close(dir);
		root = dir = -1;
		if (r == -1)
			goto fail;
	}
	for (k = 0; k < SHM_NKINDS; k++)
		a->kind[k] = (unseen & SHM_KIND_BIT(k)) ? -1 : 0;
	for (i = 0; i < n; i++) {
		k = v[i].addr.kind;
		if (v[i].status & SHM_ST_HUGETLB)
			continue;
		if (k == SHM_FILE && !on_tmpfs(&v[i], t, nt, devshm, nplaces))
			continue;
		if (v[i].rss < 0 || v[i].inode_unknown)
			a->kind[k] = -1;
		else if (a->kind[k] >= 0)
			a->kind[k] += v[i].rss;
	}
	a->ntmpfs = nt;
	for (i = 0; i < nt; i++) {
		if (t[i].used < 0)
			a->tmpfs = -1;
		else if (a->tmpfs >= 0)
			a->tmpfs += t[i].used;
	}
	/* Files listed on them are the file kind's. */
	for (i = 0; i < n && a->tmpfs >= 0; i++)
		if (v[i].addr.kind == SHM_FILE && v[i].rss > 0 &&
		    on_tmpfs(&v[i], t, nt, NULL, 0))
			a->tmpfs -= v[i].rss;
	if (a->tmpfs < 0 && a->tmpfs != -1)
		a->tmpfs = 0;
	for (k = 0; k < SHM_NKINDS; k++) {
		if (a->kind[k] < 0)
			unknown = true;
		else
			sum += a->kind[k];
	}
	if (a->tmpfs < 0)
		unknown = true;
	else
		sum += a->tmpfs;
	if (unknown)
		a->unattributed = -1;
	else if ((uint64_t)sum > a->total) {
		/* tmpfs pages in swap, counted by statfs */
		a->unattributed = 0;
		a->over = true;
	} else
		a->unattributed = (int64_t)(a->total - (uint64_t)sum);
	free(t);
	free(devshm);
	return 0;
fail:
	if (root != -1)
		close(root);
	if (dir != -1)
		close(dir);
	free(t);
	free(devshm);
	return -1;
}
