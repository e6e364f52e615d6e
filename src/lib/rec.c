/*
 * rec.c - the segment record and the growable list of them.
 *
 * Layer: text (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

/* An empty record: what is not filled in is unknown, not zero. */
void
shm_rec_init(struct shm_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->rss = rec->swap = -1;
	rec->nattch = -1;
	rec->uid = rec->cuid = SHM_UNKNOWN_ID;
	rec->gid = rec->cgid = SHM_UNKNOWN_ID;
	rec->addr.id = rec->addr.fd = -1;
}

void
shm_rec_free(struct shm_rec *info)
{
	shm_addr_free(&info->addr);
	free(info->pids);
	info->pids = NULL;
	info->npids = 0;
}

/* Free the records and their array; errno is left as it was. */
void
shm_rec_list_free(struct shm_rec *v, size_t n)
{
	int e = errno;
	size_t i;

	for (i = 0; i < n; i++)
		shm_rec_free(&v[i]);
	free(v);
	errno = e;
}

/* A new zeroed record at the end of vec, its unknowns marked unknown. */
struct shm_rec *
shm_vec_push(struct shm_vec *vec)
{
	struct shm_rec *info;

	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 64;
		struct shm_rec *v = reallocarray(vec->v, cap, sizeof(*v));

		if (v == NULL)
			return NULL;
		vec->v = v;
		vec->cap = cap;
	}
	info = &vec->v[vec->n++];
	shm_rec_init(info);
	return info;
}

/*
 * The order of listings: by place (with -A, ours first), then System V
 * by id, then the others by kind and name.
 */
int
shm_rec_cmp(const void *x, const void *y)
{
	const struct shm_rec *a = x, *b = y;
	int pa = a->addr.place != NULL ? a->addr.place->order : 0;
	int pb = b->addr.place != NULL ? b->addr.place->order : 0;
	bool held;
	int c;

	if (pa != pb)
		return (pa > pb) - (pa < pb);
	if (a->addr.kind != b->addr.kind)
		return (int)a->addr.kind - (int)b->addr.kind;
	if (a->addr.kind == SHM_SYSV)
		return (a->addr.id > b->addr.id) - (a->addr.id < b->addr.id);
	/* memfds and anonymous mappings: by holder, descriptor, mapping */
	held = a->addr.kind == SHM_MEMFD || a->addr.kind == SHM_ANON;
	if (held && a->addr.pid != b->addr.pid)
		return (a->addr.pid > b->addr.pid) - (a->addr.pid < b->addr.pid);
	if (held && a->addr.fd != b->addr.fd)
		return (a->addr.fd > b->addr.fd) - (a->addr.fd < b->addr.fd);
	if (held)
		return (a->addr.map_start > b->addr.map_start) -
		    (a->addr.map_start < b->addr.map_start);
	/* POSIX: by name; an unlinked one after a live one of that name */
	if ((c = strcmp(a->addr.name != NULL ? a->addr.name : "",
	    b->addr.name != NULL ? b->addr.name : "")) != 0)
		return c;
	if (a->addr.pid != b->addr.pid)
		return (a->addr.pid > b->addr.pid) - (a->addr.pid < b->addr.pid);
	if (a->addr.fd != b->addr.fd)
		return (a->addr.fd > b->addr.fd) - (a->addr.fd < b->addr.fd);
	return (a->addr.map_start > b->addr.map_start) -
	    (a->addr.map_start < b->addr.map_start);
}

/*
 * What an attacher's mapping tells of a System V segment's pages.  The
 * kernel's resident count of a huge-page segment (/proc/sysvipc/shm)
 * counts each huge page once per base page in it on this kernel (one
 * 2 MiB page shows as 1 GiB), so it is unknown; huge pages are never
 * swapped.
 */
void
shm_rec_sysv_pagesize(struct shm_rec *rec, uint64_t pagesize)
{
	if (pagesize <= (uint64_t)getpagesize())
		return;
	rec->status |= SHM_ST_HUGETLB;
	rec->rss = -1;
	rec->swap = 0;
}
