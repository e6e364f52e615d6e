/*
 * seg.c - the dispatcher: one entry point per operation, from an address
 * to the backend of its kind, in the address's place.  An open segment
 * carries its backend, so that reading and writing it dispatch once, at
 * the open.
 *
 * Layer: engines (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

static const struct shm_backend *const backends[SHM_NKINDS] = {
	[SHM_SYSV] = &sysv_backend,
	[SHM_POSIX] = &posix_backend,
	[SHM_FILE] = &posix_backend,
	[SHM_MEMFD] = &memfd_backend,
	[SHM_ANON] = &anon_backend,
};

/* The backend of a: its kind's, but an unlinked POSIX object's own. */
static const struct shm_backend *
backend_of(const struct shm_addr *a)
{
	if (shm_addr_deleted(a))
		return &deleted_backend;
	return a->kind < SHM_NKINDS ? backends[a->kind] : NULL;
}

/*
 * The backend of a's kind, acting in a's place from now on; NULL with
 * errno if there is none or the place cannot be entered.
 */
static const struct shm_backend *
backend_in_place(const struct shm_addr *a)
{
	const struct shm_backend *be = backend_of(a);

	if (be == NULL) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	return place_enter(shm_addr_place(a)) == 0 ? be : NULL;
}

/*
 * What changes a file of a's place (a POSIX object's unlink, create, an
 * open for writing) is done as the place's owner would do it, never
 * with more authority (owner.c): -1 with errno if it may not be.
 */
static int
act_begin(const struct shm_addr *a, struct place_act *s)
{
	s->on = false;
	if (a->kind != SHM_POSIX)
		return 0;
	return place_act_begin(shm_addr_place(a), s);
}

static void
seg_init(struct shm_seg *seg)
{
	memset(seg, 0, sizeof(*seg));
	seg->fd = -1;
	seg->shmid = -1;
	seg->lockfd = -1;
	seg->procfd = -1;
	seg->ops = NULL;
}

static int
unsupported(void)
{
	errno = EOPNOTSUPP;
	return -1;
}

/* The record of one segment; the backend fills in its address too. */
int
shm_stat(const struct shm_addr *a, struct shm_rec *info)
{
	const struct shm_backend *be;

	shm_rec_init(info);
	if ((be = backend_in_place(a)) == NULL)
		return -1;
	if (be->stat == NULL)
		return unsupported();
	if (be->stat(a, info) == -1)
		return -1;
	info->addr.place = a->place;
	return 0;
}

int
shm_open_seg(const struct shm_addr *a, int flags, struct shm_seg *seg)
{
	const struct shm_backend *be;
	struct place_act act = { .on = false };
	int r;

	seg_init(seg);
	if ((be = backend_in_place(a)) == NULL)
		return -1;
	if (be->open == NULL)
		return unsupported();
	seg->writable = (flags & SHM_O_RDWR) != 0;
	if (seg->writable && act_begin(a, &act) == -1)
		return -1;
	r = be->open(a, flags, seg);
	place_act_end(&act);
	if (r == -1)
		return -1;
	/* A kind may open another way, with operations of its own (anon). */
	if (seg->ops == NULL)
		seg->ops = be;
	if (shm_addr_copy(&seg->addr, a) == -1) {
		int e = errno;

		be->close(seg);
		seg->ops = NULL;
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * Can shm_create() make what a names, with or without a size?  A memfd is
 * made only by its holder, a shmid only by the kernel (a private segment
 * is by_id with no id yet), and a System V
 * segment has a size from its birth (unless SHM_C_REUSE takes an
 * existing one).  -1 with *why for a usage error.
 */
int
shm_create_check(const struct shm_addr *a, bool sized, int flags,
    const char **why)
{
	*why = NULL;
	if (a->kind == SHM_MEMFD)
		*why = "a memfd is made by memfd_create(2) in the process "
		    "that holds it";
	else if (a->kind == SHM_ANON)
		*why = "anonymous shared memory is made by mmap(2) "
		    "(MAP_SHARED | MAP_ANONYMOUS) in the process that maps it";
	else if (shm_addr_deleted(a))
		*why = "a deleted: address names an unlinked object, which "
		    "cannot be made: use /NAME";
	else if (a->kind == SHM_SYSV && a->by_id && a->id >= 0)
		*why = "a shmid is chosen by the kernel: use a key, or "
		    "--private";
	else if (a->kind == SHM_SYSV && !sized && !(flags & SHM_C_REUSE))
		*why = "a System V segment needs a size (-s SIZE)";
	return *why != NULL ? -1 : 0;
}

/*
 * Create a segment exclusively.  With SHM_C_REUSE an existing one is
 * opened instead and *existed says so; the caller judges its size.
 */
int
shm_create(const struct shm_addr *a, uint64_t size, mode_t mode, int flags,
    struct shm_seg *seg, bool *existed)
{
	const struct shm_backend *be;
	struct place_act act;
	int r;

	seg_init(seg);
	*existed = false;
	if ((be = backend_in_place(a)) == NULL)
		return -1;
	if (be->create == NULL)
		return unsupported();
	seg->writable = true;
	if (shm_addr_copy(&seg->addr, a) == -1)
		return -1;
	if (act_begin(a, &act) == -1) {
		shm_addr_free(&seg->addr);
		return -1;
	}
	r = be->create(a, size, mode, flags, seg, existed);
	place_act_end(&act);
	if (r == -1) {
		shm_addr_free(&seg->addr);
		return -1;
	}
	seg->ops = be;
	return 0;
}

/*
 * Is seg's descriptor not a file of its bytes, so that the kernel's own
 * copies (splice, copy_file_range, sendfile, a punched hole) cannot
 * reach them: anonymous memory through /proc/PID/mem, where an offset
 * is an address and each access is checked (anon.c)?
 */
bool
shm_seg_by_address(const struct shm_seg *seg)
{
	return seg->procfd != -1;
}

ssize_t
shm_pread(struct shm_seg *seg, void *buf, size_t len, uint64_t off)
{
	return seg->ops->pread(seg, buf, len, off);
}

ssize_t
shm_pwrite(struct shm_seg *seg, const void *buf, size_t len, uint64_t off)
{
	return seg->ops->pwrite(seg, buf, len, off);
}

/* Are the segment's bytes reached through a mapping of ours (System V)? */
bool
shm_seg_is_mapping(const struct shm_seg *seg)
{
	return seg->ops != NULL && seg->ops->map != NULL;
}

/* The mapping of a mapped kind, made once; NULL with errno. */
void *
shm_seg_map(struct shm_seg *seg)
{
	if (!shm_seg_is_mapping(seg)) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	return seg->ops->map(seg);
}

/*
 * A descriptor of a mapped kind's pages, where the kernel gives one, read
 * only or (write) read and write; -1.
 */
int
shm_seg_map_fd(struct shm_seg *seg, bool write)
{
	if (!shm_seg_is_mapping(seg) || seg->ops->map_fd == NULL) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return seg->ops->map_fd(seg, write);
}

/* Set the size of an open segment in place (EOPNOTSUPP: it cannot). */
int
shm_seg_truncate(struct shm_seg *seg, uint64_t size)
{
	if (seg->ops == NULL || seg->ops->truncate == NULL)
		return unsupported();
	return seg->ops->truncate(seg, size);
}

/*
 * Resize by copying into a new segment, for a kind that cannot change
 * size in place (System V): 1 and the slot's result, or 0 if the kind
 * resizes in place (then the caller truncates an open segment).
 */
int
shm_copy_resize(const struct shm_addr *a, int sign, uint64_t n, int flags,
    struct shm_resize_result *res, int *r)
{
	const struct shm_backend *be;

	if ((be = backend_in_place(a)) == NULL) {
		*r = -1;
		return 1;
	}
	if (be->copy_resize == NULL)
		return 0;
	*r = be->copy_resize(a, sign, n, flags, res);
	return 1;
}

bool
shm_can_recover(const struct shm_addr *a)
{
	const struct shm_backend *be = backend_of(a);

	return be != NULL && be->recover != NULL;
}

/*
 * Put back the data of the oldest recovery file an interrupted resize of
 * a left (ENOENT with out->path NULL: there is none).
 */
int
shm_recover(const struct shm_addr *a, int flags,
    struct shm_recover_result *out)
{
	const struct shm_backend *be;

	memset(out, 0, sizeof(*out));
	if ((be = backend_in_place(a)) == NULL)
		return -1;
	if (be->recover == NULL)
		return unsupported();
	return be->recover(a, flags, out);
}

/* Can the segment grow in place?  A System V segment cannot. */
bool
shm_can_grow(const struct shm_seg *seg)
{
	return seg->ops != NULL && seg->ops->grow != NULL;
}

/*
 * Make the segment at least size bytes, never smaller (EOPNOTSUPP for a
 * kind that cannot grow in place: see shm_can_grow()).
 */
int
shm_grow(struct shm_seg *seg, uint64_t size)
{
	if (!shm_can_grow(seg))
		return unsupported();
	return seg->ops->grow(seg, size);
}

/* Undo a shm_grow() from grown back to size, if no one grew it since. */
int
shm_ungrow(struct shm_seg *seg, uint64_t grown, uint64_t size)
{
	if (seg->ops == NULL || seg->ops->ungrow == NULL)
		return unsupported();
	return seg->ops->ungrow(seg, grown, size);
}

int
shm_close(struct shm_seg *seg)
{
	int r = 0;

	if (seg->ops != NULL)
		r = seg->ops->close(seg);
	seg->ops = NULL;
	shm_addr_free(&seg->addr);
	return r;
}

/*
 * Can what a names be removed at all?  -1 with errno if not: a memfd
 * (EOPNOTSUPP) and an unlinked object (SHM_EUNLINKED) have no name to
 * remove, and live until their last holder lets go.
 */
int
shm_remove_check(const struct shm_addr *a)
{
	if (shm_addr_deleted(a)) {
		errno = SHM_EUNLINKED;
		return -1;
	}
	if (backend_of(a) == NULL || backend_of(a)->remove == NULL) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return 0;
}

int
shm_remove(const struct shm_addr *a)
{
	const struct shm_backend *be;
	struct place_act act;
	int r;

	if (shm_remove_check(a) == -1 || (be = backend_in_place(a)) == NULL)
		return -1;
	if (be->remove == NULL)
		return unsupported();
	if (act_begin(a, &act) == -1)
		return -1;
	r = be->remove(a);
	place_act_end(&act);
	return r;
}

/*
 * Remove what a names, and fill in info as it was just before: what
 * shm_stat() then shm_remove() do, in one look where the backend can
 * (System V: the look is taken under the key's lock, with the removal).
 * On failure info holds nothing to free.
 */
int
shm_remove_stat(const struct shm_addr *a, struct shm_rec *info)
{
	const struct shm_backend *be;
	struct place_act act;
	int r;

	shm_rec_init(info);
	if (shm_remove_check(a) == -1 || (be = backend_in_place(a)) == NULL)
		return -1;
	if (be->remove == NULL || (be->remove_stat == NULL && be->stat == NULL))
		return unsupported();
	if (act_begin(a, &act) == -1)
		return -1;
	if (be->remove_stat != NULL)
		r = be->remove_stat(a, info);
	else if ((r = be->stat(a, info)) == 0 && (r = be->remove(a)) == -1) {
		int e = errno;

		shm_rec_free(info);
		shm_rec_init(info);
		errno = e;
	}
	place_act_end(&act);
	if (r == 0)
		info->addr.place = a->place;
	return r;
}

/*
 * Remove the segment a listing found in r, only if it is still that
 * segment, and (System V, unless SHM_RM_FORCE) still has no process
 * attached: EBUSY if one attached, ESTALE if the name now holds another
 * object, ENOENT if it is gone.
 */
int
shm_remove_listed(const struct shm_rec *r, int flags)
{
	const struct shm_backend *be;
	struct place_act act;
	int rv;

	if (shm_remove_check(&r->addr) == -1 ||
	    (be = backend_in_place(&r->addr)) == NULL)
		return -1;
	if (be->remove_listed == NULL)
		return unsupported();
	if (act_begin(&r->addr, &act) == -1)
		return -1;
	rv = be->remove_listed(r, flags);
	place_act_end(&act);
	return rv;
}

/*
 * The bulk removal is over: let go of what shm_remove_listed() kept for
 * the next one (a namespace's lock).  Exiting does as well.
 */
void
shm_remove_listed_done(void)
{
	lock_bulk_end();
	recovery_bulk_end();
	sysv_remove_batch(false);
}

/*
 * Many shm_remove() calls follow, ended by shm_remove_listed_done(): as
 * root, System V keys are removed under one namespace lock, as a bulk
 * removal's listed ones are (lock.c), instead of a lock file each.
 */
void
shm_remove_batch(void)
{
	sysv_remove_batch(true);
}

/*
 * Would removing the segment r describes be permitted, by the kernel's
 * rules, to this process?  Asked without trying, so that a dry run says
 * exactly what the real one will do: as the place's owner, where the
 * removal would act as it.  If it cannot tell, yes: the removal itself
 * then says why it failed.  A question, not an act: it enters no
 * namespace (the record says all it needs).
 */
bool
shm_may_remove(const struct shm_rec *r)
{
	const struct shm_backend *be = backend_of(&r->addr);
	struct place_act act;
	bool may;

	if (be == NULL || be->may_remove == NULL)
		return true;
	if (act_begin(&r->addr, &act) == -1)
		return false;
	may = be->may_remove(r);
	place_act_end(&act);
	return may;
}

/*
 * A bulk removal of System V segments alone: fn is called on each
 * segment of place (NULL: the default) as soon as it is read, with the
 * namespace's lock held where we may take it; a removal fn makes of it
 * with SHM_RM_FRESH takes that look as its last.  -1 (ENOSYS: the
 * kernel cannot walk its table; list instead) or 0.
 */
int
shm_sysv_walk(const struct shm_place *place,
    int (*fn)(void *, struct shm_rec *), void *ctx)
{
	if (place == NULL)
		place = shm_place_default();
	if (place_enter(place) == -1)
		return -1;
	return sysv_walk(place, fn, ctx);
}

/*
 * Must listings fill in the resident and swapped bytes of System V
 * segments (the default)?  A caller that never shows them (shmrm) says
 * no, and the kernel's table is read the cheaper way.
 */
void
shm_list_need_resident(bool need)
{
	sysv_list_resident(need);
}

/*
 * Every segment of the kinds in the mask in place (NULL: the default),
 * as an array the caller frees; each record's address is in that place.
 * Files are never listed: there is no table of them, only their names.
 */
int
shm_list(const struct shm_place *place, unsigned kinds, struct shm_rec **v,
    size_t *n)
{
	struct shm_vec vec = { NULL, 0, 0 };
	size_t i;
	int k;

	if (place == NULL)
		place = shm_place_default();
	if (place_enter(place) == -1)
		return -1;
	for (k = 0; k < SHM_NKINDS; k++) {
		const struct shm_backend *be = backends[k];

		if (!(kinds & SHM_KIND_BIT(k)) || k == SHM_FILE ||
		    be->list == NULL)
			continue;
		if (be->list(place, &vec) == -1) {
			shm_rec_list_free(vec.v, vec.n);
			return -1;
		}
	}
	for (i = 0; i < vec.n; i++)
		vec.v[i].addr.place = place;
	*v = vec.v;
	*n = vec.n;
	return 0;
}

