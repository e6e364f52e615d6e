/*
 * sysv_swap.c - the swap column of /proc/sysvipc/shm, which only the
 * table has (shmctl does not say how much of a segment is swapped out).
 * Kept apart from the record: only shmls --metrics needs it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "shm-private.h"
#include "sysv_swap.h"

#define PROC_SYSVIPC_SHM "/proc/sysvipc/shm"

/*
 * One line of the table: the shmid and the last column, swap (bytes).
 * The line must be one sysv_parse_proc_line() accepts, so that the two
 * never disagree about what a segment line is.  -1 for the header.
 */
int
sysv_swap_parse_line(const char *line, struct sysv_swap *out)
{
	struct shm_rec rec;
	unsigned long long swap;

	shm_rec_init(&rec);
	if (sysv_parse_proc_line(line, &rec) == -1)
		return -1;
	if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
	    "%*s %*s %*s %llu", &swap) != 1) {
		errno = EINVAL;
		return -1;
	}
	out->id = rec.addr.id;
	out->swap = swap;
	return 0;
}

static int
swap_cmp(const void *a, const void *b)
{
	const struct sysv_swap *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Every segment's swap, as an array sorted by shmid that the caller frees.  Without the table
 * (no /proc), -1: swap is unknown, not zero.
 */
int
sysv_swap_list(struct sysv_swap **v, size_t *n)
{
	struct sysv_swap *nv;
	char *line = NULL;
	size_t cap = 0, vcap = 0;
	FILE *fp;
	int r = 0, e;

	*v = NULL;
	*n = 0;
	if ((fp = fopen(PROC_SYSVIPC_SHM, "re")) == NULL)
		return -1;
	while (getline(&line, &cap, fp) != -1) {
		if (*n == vcap) {
			vcap = vcap ? vcap * 2 : 16;
			if ((nv = reallocarray(*v, vcap, sizeof(**v))) == NULL) {
				r = -1;
				break;
			}
			*v = nv;
		}
		if (sysv_swap_parse_line(line, &(*v)[*n]) == 0)
			(*n)++;
	}
	if (ferror(fp))
		r = -1;
	e = errno;
	free(line);
	fclose(fp);
	if (r == -1) {
		free(*v);
		*v = NULL;
		*n = 0;
		errno = e;
	} else if (*n > 1)
		qsort(*v, *n, sizeof(**v), swap_cmp);
	return r;
}

/*
 * The swap of shmid id in v[0..n) (sorted by sysv_swap_list), 0 when the
 * table had no such line: a segment made since is not yet in swap.
 */
uint64_t
sysv_swap_of(const struct sysv_swap *v, size_t n, int id)
{
	struct sysv_swap key = { .id = id }, *hit;

	if (n == 0)
		return 0;
	hit = bsearch(&key, v, n, sizeof(*v), swap_cmp);
	return hit != NULL ? hit->swap : 0;
}
