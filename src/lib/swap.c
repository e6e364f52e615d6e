/*
 * swap.c - how much of a POSIX object, file or memfd is resident and how
 * much is swapped out.
 *
 * The kernel tells System V's split in /proc/sysvipc/shm.  For a file on
 * tmpfs (POSIX objects, memfds) it tells two things: st_blocks counts
 * every page the file has, in memory or in swap, and mincore(2) over a
 * mapping of it says which of them are in memory (a page in the swap
 * cache counts as in memory: it is).  The rest is in swap.
 *
 * mincore() is honest only to the file's owner or one who may write it
 * (Linux 5.0: to others it says every page is resident), and mmap()
 * would set the access time: so the file is opened with O_NOATIME, which
 * the kernel allows to its owner (and CAP_FOWNER) alone, and a file we
 * cannot open so keeps its split unknown, never zero.
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

#define MINCORE_CHUNK	(1u << 20)	/* pages asked of mincore at once */

/*
 * Split a file's allocated bytes (in memory or swap) given those in
 * memory.  Pages can come and go between the two looks: more resident
 * than allocated is taken as nothing swapped.
 */
void
shm_swap_split(uint64_t allocated, uint64_t resident, int64_t *rss,
    int64_t *swap)
{
	if (resident > INT64_MAX)
		resident = INT64_MAX;
	*rss = (int64_t)resident;
	*swap = allocated > resident ?
	    (int64_t)(allocated - resident > INT64_MAX ? INT64_MAX :
	    allocated - resident) : 0;
}

/* Is any swap area in use?  With none, nothing can be swapped out. */
static bool
swap_active(void)
{
	struct sysinfo si;

	return sysinfo(&si) == -1 || si.totalswap != 0;
}

/* The bytes of fd's first size bytes that are in memory, or -1. */
static int64_t
resident_bytes(int fd, uint64_t size)
{
	size_t page = (size_t)getpagesize(), pages, done, i;
	unsigned char *vec;
	uint64_t count = 0;
	void *map;

	if (size == 0)
		return 0;
	if (size > SIZE_MAX - page)
		return -1;
	pages = (size_t)((size + page - 1) / page);
	if ((map = mmap(NULL, pages * page, PROT_READ, MAP_SHARED, fd, 0)) ==
	    MAP_FAILED)
		return -1;
	if ((vec = malloc(pages < MINCORE_CHUNK ? pages : MINCORE_CHUNK)) ==
	    NULL) {
		munmap(map, pages * page);
		return -1;
	}
	for (done = 0; done < pages; ) {
		size_t n = pages - done < MINCORE_CHUNK ? pages - done :
		    MINCORE_CHUNK;

		if (mincore((char *)map + done * page, n * page, vec) == -1) {
			count = UINT64_MAX;
			break;
		}
		for (i = 0; i < n; i++)
			count += vec[i] & 1;
		done += n;
	}
	free(vec);
	munmap(map, pages * page);
	return count == UINT64_MAX ? -1 : (int64_t)(count * page);
}

/* The split of one descriptor-backed record; unknown on any failure. */
static void
fill_one(struct shm_rec *r)
{
	struct shm_seg seg;
	struct statfs sf;
	struct stat st;
	int64_t resident;

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
	if ((resident = resident_bytes(seg.fd, (uint64_t)st.st_size)) >= 0)
		shm_swap_split((uint64_t)st.st_blocks * 512, (uint64_t)resident,
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
