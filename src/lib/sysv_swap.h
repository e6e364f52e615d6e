/*
 * sysv_swap.h - how much of each System V segment is in swap.
 */
#ifndef SHMTOOLS_SYSV_SWAP_H
#define SHMTOOLS_SYSV_SWAP_H

#include <stddef.h>
#include <stdint.h>

struct sysv_swap {
	int		 id;		/* shmid */
	uint64_t	 swap;		/* bytes swapped out */
};

int	 sysv_swap_list(struct sysv_swap **, size_t *);
int	 sysv_swap_parse_line(const char *, struct sysv_swap *);
uint64_t sysv_swap_of(const struct sysv_swap *, size_t, int);

#endif
