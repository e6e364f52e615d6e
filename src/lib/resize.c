/*
 * resize.c - the policy of a resize, for every kind: what it may do to
 * the processes that use the segment.  Shrinking an object someone maps
 * would kill them with SIGBUS, so it asks the /proc scan who does; a
 * System V segment, which cannot change size, is copied by its backend
 * (sysv_resize.c), which refuses to copy one that processes are
 * attached to.
 *
 * Layer: operations (src/lib/LAYERS), above the selection it asks.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shm-private.h"

/*
 * Shrinking an object that a process maps makes that process die of
 * SIGBUS when it touches the lost pages: refuse while anyone (or someone
 * we cannot see) uses it.  -1 with EBUSY then, and res says who; -1 with
 * res->op SHM_OP_STAT when we cannot tell.
 */
static int
shrink_check(const struct shm_addr *a, struct shm_resize_result *res)
{
	struct shm_rec *rec;
	size_t n = 1;
	int r = 0;

	if ((rec = calloc(1, sizeof(*rec))) == NULL)
		return -1;
	if (shm_stat(a, rec) == -1 ||
	    shm_scan_users(shm_addr_place(a), &rec, &n, false) == -1) {
		res->op = SHM_OP_STAT;
		r = -1;
	} else if (rec->nattch != 0) {
		res->users = rec->nattch;
		res->user_pid = rec->npids > 0 ? rec->pids[0] : 0;
		errno = EBUSY;
		r = -1;
	}
	shm_rec_list_free(rec, n);
	return r;
}

/* On hugetlbfs a file's size is whole huge pages: say so, not EINVAL. */
static int
fd_page_check(const struct shm_seg *seg, uint64_t size,
    struct shm_resize_result *res)
{
	uint64_t page = shm_seg_pagesize(seg);

	if (page <= (uint64_t)getpagesize() || size % page == 0)
		return 0;
	res->pagesize = page;
	errno = SHM_EPAGESIZE;
	return -1;
}

/*
 * Resize an object in place (the descriptor kinds).  Growing is harmless
 * to those who map it; shrinking is checked first.
 */
static int
resize_in_place(const struct shm_addr *a, int sign, uint64_t n, int flags,
    struct shm_resize_result *res)
{
	struct shm_seg seg;
	uint64_t size;
	int r = -1, e;

	if (shm_addr_copy(&res->addr, a) == -1 ||
	    shm_open_seg(a, SHM_O_RDWR, &seg) == -1)
		return -1;
	res->old_size = seg.size;
	if (shm_size_apply(seg.size, sign, n, &size) == 0 &&
	    fd_page_check(&seg, size, res) == 0 &&
	    (size >= seg.size || (flags & SHM_RESIZE_FORCE) ||
	    shrink_check(a, res) == 0))
		r = shm_seg_truncate(&seg, size);
	e = errno;
	shm_close(&seg);
	errno = e;
	return r;
}

/* See shm.h: every kind resizes, each its own way. */
int
shm_resize_to(const struct shm_addr *a, int sign, uint64_t n, int flags,
    struct shm_resize_result *res)
{
	int r;

	memset(res, 0, sizeof(*res));
	res->op = SHM_OP_RESIZE;
	res->addr.place = a->place;
	/* Anonymous memory has its mapping's size: only its process sets it. */
	if (a->kind == SHM_ANON) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (shm_copy_resize(a, sign, n, flags, res, &r))
		return r;
	return resize_in_place(a, sign, n, flags, res);
}
