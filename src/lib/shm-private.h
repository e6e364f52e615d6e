/*
 * shm-private.h - the parts of the helper library that the programs do
 * not call: its own building blocks, and the pure parsers that the unit
 * tests (tests/unit) and the fuzzers (tests/fuzz) reach directly.
 */
#ifndef SHMTOOLS_SHM_PRIVATE_H
#define SHMTOOLS_SHM_PRIVATE_H

#include "shm.h"

/* place.c */
struct shm_place {
	int		 devshm;	/* the /dev/shm directory (O_PATH)... */
	int		 devshm_err;	/* ...or -1 and why */
	int		 proc;		/* the /proc to scan (O_PATH)... */
	int		 proc_err;	/* ...or -1 and why */
	int		 ipcns;		/* the IPC namespace to setns() into;
					   -1: the caller's own */
	struct shm_place_id id;		/* its namespaces, a process in it */
	dev_t		 devshm_dev;	/* which /dev/shm: two places with */
	ino_t		 devshm_ino;	/* one are one place for POSIX */
	char		*container;	/* id.container's storage */
	unsigned	 lists;		/* -A: the kinds it lists */
	int		 order;		/* -A: its rank, ours 0 */
};
const struct shm_place *shm_addr_place(const struct shm_addr *);

/* util.c */
ssize_t	 shm_read_small(int, const char *, char *, size_t);

int	 place_devshm(const struct shm_place *);
int	 place_proc(const struct shm_place *);
int	 place_enter(const struct shm_place *);
unsigned long long place_ipcns_ino(const struct shm_place *);
unsigned long long place_current_ipcns(void);
int	 place_container_parse(const char *, char *, size_t);
int	 place_stat_parse(const char *, char *, unsigned long *);

/* addr.c */
int	 shm_addr_copy(struct shm_addr *, const struct shm_addr *);

/* size.c */
int	 shm_size_apply(uint64_t, int, uint64_t, uint64_t *);

/* rec.c */
void	 shm_rec_init(struct shm_rec *);

/* seg.c */
ssize_t	 shm_pread(struct shm_seg *, void *, size_t, uint64_t);

/* sysv.c */
int	 sysv_parse_proc_line(const char *, struct shm_rec *);

/* swap.c */
void	 shm_swap_split(uint64_t, uint64_t, int64_t *, int64_t *);

/* filter.c */
bool	 shm_filter_needs_scan(const struct shm_filter *);

/*
 * proc.c: one pass over /proc/PID/maps and /proc/PID/fd that maps
 * segments to the processes that map them or hold them open.  Where it
 * cannot see every process, users are unknown, never none.  The programs
 * reach it through shm_scan_users() and shm_select().
 */
struct proc_scan;
struct proc_scan *proc_scan_new(const struct shm_place *const *, size_t,
	    const struct shm_rec *, size_t, unsigned);
void	 proc_scan_free(struct proc_scan *);
int	 proc_scan_users(const struct proc_scan *, struct shm_rec *);
int	 proc_scan_memfds(const struct proc_scan *, struct shm_rec **,
	    size_t *);
int	 proc_scan_deleted(const struct proc_scan *, struct shm_rec **,
	    size_t *);
int	 proc_maps_parse_line(const char *, dev_t *, ino_t *, bool *,
	    const char **);
const char *memfd_link_name(const char *, size_t *);
const char *deleted_link_name(const char *, size_t *);
bool	 proc_alive(pid_t);
bool	 proc_sees_every_process(int);

#endif
