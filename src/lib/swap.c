/*
 * swap.c - how much of a segment is resident and how much is swapped
 * out: System V's from one read of the kernel's table, a POSIX object's,
 * file's or memfd's from the file.
 *
 * The kernel tells System V's split in /proc/sysvipc/shm.  For a file on
 * tmpfs (POSIX objects, memfds) it tells it too, in two places: st_blocks
 * counts every page the file has, in memory or in swap, and the Swap: of
 * a shared mapping of the whole file in /proc/self/smaps is the file's
 * own count of swapped pages (shmem_swap_usage), the one System V's swap
 * column shows (a page in the swap cache counts as swapped: mincore(2)
 * would call it resident, so it is not used).  The rest is resident.
 *
 * mmap() would set the access time: so the file is opened with O_NOATIME,
 * which the kernel allows to its owner (and CAP_FOWNER) alone, and a file
 * we cannot open so keeps its split unknown, never zero.
 *
 * Layer: operations (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "backend.h"

/*
 * Split a file's allocated bytes (in memory or swap) given those in
 * swap.  Pages can come and go between the two looks: more swapped than
 * allocated is taken as all swapped.
 */
void
shm_swap_split(uint64_t allocated, uint64_t swapped, int64_t *rss,
    int64_t *swap)
{
	if (swapped > allocated)
		swapped = allocated;
	*rss = (int64_t)(allocated - swapped > INT64_MAX ? INT64_MAX :
	    allocated - swapped);
	*swap = (int64_t)(swapped > INT64_MAX ? INT64_MAX : swapped);
}

/* Is any swap area in use?  With none, nothing can be swapped out. */
static bool
swap_active(void)
{
	struct sysinfo si;

	return sysinfo(&si) == -1 || si.totalswap != 0;
}

/* The bytes of the tmpfs file fd (of size bytes) in swap, or -1. */
static int64_t
swapped_bytes(int fd, uint64_t size)
{
	size_t page = (size_t)getpagesize(), len;
	int64_t swap;
	void *map;

	if (size == 0)
		return 0;
	if (size > SIZE_MAX - page)
		return -1;
	/* All of it, shared: then smaps counts the file's, not ours. */
	len = (size_t)((size + page - 1) / page * page);
	if ((map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0)) ==
	    MAP_FAILED)
		return -1;
	swap = smaps_field(map, "Swap");
	munmap(map, len);
	return swap;
}

/* The split of one descriptor-backed record; unknown on any failure. */
static void
fill_one(struct shm_rec *r)
{
	struct shm_seg seg;
	struct statfs sf;
	struct stat st;
	int64_t swapped;

	r->rss = r->swap = -1;
	if (shm_open_seg(&r->addr, SHM_O_RDONLY | SHM_O_NOATIME, &seg) == -1)
		return;
	if (fstat(seg.fd, &st) == -1 || fstatfs(seg.fd, &sf) == -1 ||
	    st.st_dev != r->dev || st.st_ino != r->ino)
		goto out;	/* the name is another file's now */
	if (sf.f_type != TMPFS_MAGIC) {
		/*
		 * Only tmpfs pages go to swap: hugetlbfs pages never do,
		 * and a disk file's are written back to it instead.
		 */
		r->rss = (int64_t)st.st_blocks * 512;
		r->swap = 0;
		goto out;
	}
	if ((swapped = swapped_bytes(seg.fd, (uint64_t)st.st_size)) >= 0)
		shm_swap_split((uint64_t)st.st_blocks * 512, (uint64_t)swapped,
		    &r->rss, &r->swap);
out:
	shm_close(&seg);
}

/*
 * RSS and SWAP of the POSIX objects, files and memfds among v[0..n): for
 * a listing that shows them.  With no swap in use, the allocated pages
 * are all resident; else each is opened and looked at (fill_one).
 */
void
shm_fill_swap(struct shm_rec *v, size_t n)
{
	bool active = swap_active();
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].addr.kind == SHM_SYSV)
			continue;
		if (!active)
			v[i].swap = v[i].rss >= 0 ? 0 : -1;
		else
			fill_one(&v[i]);
	}
}

static int
id_cmp(const void *x, const void *y)
{
	int a = ((const struct shm_rec *)x)->addr.id;
	int b = ((const struct shm_rec *)y)->addr.id;

	return (a > b) - (a < b);
}

/*
 * The resident and swapped sizes of the System V records among v[0..n),
 * from one read of the place's table: for a listing of named segments
 * that shows them, never for naming one (a stat is one call).
 */
int
shm_fill_resident(const struct shm_place *place, struct shm_rec *v, size_t n)
{
	struct shm_rec *t;
	size_t i, nt;

	for (i = 0; i < n && v[i].addr.kind != SHM_SYSV; i++)
		;
	if (i == n)
		return 0;
	if (shm_list(place, SHM_KIND_BIT(SHM_SYSV), &t, &nt) == -1)
		return -1;
	if (nt > 1)
		qsort(t, nt, sizeof(*t), id_cmp);
	for (i = 0; i < n; i++) {
		const struct shm_rec *row;

		if (v[i].addr.kind != SHM_SYSV || nt == 0)
			continue;
		if ((row = bsearch(&v[i], t, nt, sizeof(*t), id_cmp)) != NULL) {
			v[i].rss = row->rss;
			v[i].swap = row->swap;
		}
	}
	shm_rec_list_free(t, nt);
	return 0;
}

/*
 * Which System V segments among v[0..n) are made of huge pages, asked
 * of the processes that CPID and LPID name instead of a walk of every
 * process: one that still attaches the segment shows the device of its
 * mapping (kmem.c).  Only attached segments (NATTCH > 0) can tell.
 * Returns how many attached segments neither could tell of (both gone,
 * detached, or not ours to read): for those the caller may scan /proc.
 */
size_t
shm_fill_pagesize(struct shm_rec *v, size_t n)
{
	size_t i, untold = 0;

	for (i = 0; i < n; i++) {
		struct shm_rec *r = &v[i];
		const struct shm_place *place = shm_addr_place(&r->addr);
		const pid_t pids[2] = { r->lpid, r->cpid };
		int k, procfd = place_proc(place), found = 0;
		dev_t dev;

		if (r->addr.kind != SHM_SYSV || r->nattch <= 0 ||
		    (r->status & SHM_ST_HUGETLB))
			continue;
		for (k = 0; k < 2 && found != 1 && procfd != -1; k++)
			if (pids[k] > 0 && (k == 0 || pids[1] != pids[0]))
				found = proc_sysv_map_dev(procfd, pids[k],
				    place_ipcns_ino(place), r->addr.id, &dev);
		if (found == 1)
			shm_rec_sysv_pagesize(r, huge_dev_pagesize(dev));
		else
			untold++;
	}
	return untold;
}
