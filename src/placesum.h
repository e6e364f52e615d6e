/*
 * placesum.h - shmls -A --summary, -N PID --summary: one row per place,
 * the fullest /dev/shm first.
 */
#ifndef SHMTOOLS_PLACESUM_H
#define SHMTOOLS_PLACESUM_H

#include "cols.h"

int	 placesum_print(struct cols_fmt *, const struct shm_place *const *,
	    size_t, const struct shm_rec *, size_t, unsigned, unsigned);

#endif
