/*
 * metrics.h - shmls --metrics: Prometheus text exposition format.
 */
#ifndef SHMTOOLS_METRICS_H
#define SHMTOOLS_METRICS_H

#include <stdio.h>

#include "shm.h"

/* --metrics-owners: how many owners get a label of their own, per type. */
#define METRICS_OWNERS_DEFAULT	10
#define METRICS_OWNERS_MAX	1000

/*
 * The place a segment is in, as a label.  Today every segment is in the
 * caller's own place and there is no such label (place_label NULL); -A
 * (all namespaces) sets a label name and a function giving each record's
 * value, and every metric then has one series per place.
 */
struct metrics_opts {
	const struct shm_filter *filter;
	size_t		 owners;	/* top owners per type; 0: none */
	const char	*place_label;	/* e.g. "namespace"; NULL: none */
	const char	*(*place_of)(const struct shm_rec *);
};

int	 metrics_owners_parse(const char *, size_t *, const char **);
int	 metrics_print(FILE *, const struct metrics_opts *);
int	 metrics_label_value(FILE *, const char *);

#endif
