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
 * unlinked files held on a tmpfs, mounts hidden under others; it is
 * unknown when one share is.
 *
 * Layer: operations (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "backend.h"

static bool
on_tmpfs(const struct shm_rec *r, const struct shm_tmpfs *t, size_t nt,
    const dev_t *devshm, size_t nd)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (t[i].dev == r->dev)
			return true;
	for (i = 0; i < nd; i++)
		if (devshm[i] == r->dev)
			return true;
	return false;
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
	struct shm_tmpfs *t = NULL;
	size_t nt = 0, i;
	dev_t *devshm;
	int64_t sum = 0;
	bool unknown = false;
	int k;

	*a = (struct shm_shmem){ .tmpfs = 0 };
	if (shm_meminfo("Shmem", &a->total) == -1)
		return -1;
	if ((devshm = calloc(nplaces ? nplaces : 1, sizeof(*devshm))) == NULL)
		return -1;
	for (i = 0; i < nplaces; i++)
		devshm[i] = shm_place_id(places[i])->devshm_dev;
	/*
	 * Each mount namespace once: ours, and with -A the places'.  One we
	 * cannot read (hidepid, gone) leaves its mounts to the rest.
	 */
	(void)shm_tmpfs_mounts(0, devshm, nplaces, &t, &nt);
	for (i = 0; i < nplaces; i++)
		if (shm_place_id(places[i])->pid > 0)
			(void)shm_tmpfs_mounts(shm_place_id(places[i])->pid,
			    devshm, nplaces, &t, &nt);
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
}
