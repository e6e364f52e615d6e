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
 * Where: the places to count (one, the caller's or -N's, and then no
 * label says where; with -A every place of the host, and every metric
 * has one series per place, labelled place="ipc:IPCNS,mnt:MNTNS"
 * and container="ID" where NSPID's cgroup names one).
 */
struct metrics_opts {
	const struct shm_filter *filter;
	size_t		 owners;	/* top owners per type; 0: none */
	const struct shm_place *const *places;
	size_t		 nplaces;
	bool		 label_places;	/* -A */
};

int	 metrics_owners_parse(const char *, size_t *, const char **);
int	 metrics_print(FILE *, const struct metrics_opts *);
int	 metrics_label_value(FILE *, const char *);

#endif
