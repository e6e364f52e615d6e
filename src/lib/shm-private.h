/*
 * shm-private.h - the parts of the helper library that the programs do
 * not call: its own building blocks, floor by floor as src/lib/LAYERS
 * lists them, and the pure parsers that the unit tests (tests/unit) and
 * the fuzzers (tests/fuzz) reach directly.  The kinds' interface is in
 * backend.h, the kernel's ABI in kernel.h.
 */
#ifndef SHMTOOLS_SHM_PRIVATE_H
#define SHMTOOLS_SHM_PRIVATE_H

#include <limits.h>
#include <sys/stat.h>

#include "shm.h"
#include "proctext.h"

/* ---- text ---- */

/* addr.c */
int	 shm_addr_copy(struct shm_addr *, const struct shm_addr *);

/* size.c */
int	 shm_size_apply(uint64_t, int, uint64_t, uint64_t *);

/* rec.c: a record, and a growing array of them */
void	 shm_rec_init(struct shm_rec *);
void	 shm_rec_sysv_pagesize(struct shm_rec *, uint64_t);
struct shm_vec {
	struct shm_rec	*v;
	size_t		 n, cap;
};
struct shm_rec *shm_vec_push(struct shm_vec *);

/*
 * hash.c: keys of three numbers, each mapped to the index of what the
 * caller keeps about it.  Zeroed, it is empty.
 */
struct hash_slot {
	uint64_t	 k[3];
	uint32_t	 v;		/* the index + 1; 0: an empty slot */
};
struct hash {
	struct hash_slot *slot;
	size_t		 n, cap;
};
int	 hash_reserve(struct hash *, size_t);
ssize_t	 hash_get(const struct hash *, uint64_t, uint64_t, uint64_t);
int	 hash_put(struct hash *, uint64_t, uint64_t, uint64_t, size_t *);
void	 hash_free(struct hash *);

/* ---- kernel facts ---- */

/* util.c */
bool	 shm_have_cap(int);
bool	 shm_cap_counts_for(int, int);
bool	 shm_cap_counts_for_owner(int, uid_t, gid_t);
ssize_t	 shm_read_small(int, const char *, char *, size_t);
int	 write_full(int, const void *, size_t);
void	 close_keep_errno(int);
void	 free_keep_errno(void *);
void	 self_fd_path(int, char *, size_t);
int	 self_fd_reopen(int, int);
ssize_t	 self_fd_link(int, char *, size_t);
int	 read_full_at(int, void *, size_t, off_t);
struct lines {
	int		 fd;
	char		*buf;
	size_t		 cap, start, end;
	bool		 eof;
};
int	 lines_open(struct lines *, int, const char *);
char	*lines_next(struct lines *, size_t *);
void	 lines_close(struct lines *);
long	 shm_env_ms(const char *, long);
uid_t	 shm_euid(void);

/* procfs.c */
bool	 proc_alive(pid_t);
bool	 proc_uid_runs(uid_t);
bool	 proc_flocked(const struct stat *, bool);
bool	 proc_sees_every_process(int);
pid_t	 proc_self_pid(int);
unsigned long long proc_ino_at(int, const char *);
int	 proc_task_check(int);
int	 proc_sysv_map_dev(int, pid_t, unsigned long long, int, dev_t *);
int	 proc_task_open(int);
struct stat;
int	 proc_stat_nosync(int, const char *, int, struct stat *);

/* loopdev.c: a bound loop device's backing file */
struct loop_backing {
	bool		 known;		/* dev and ino are its */
	dev_t		 dev;
	ino_t		 ino;
	char		 path[PATH_MAX];	/* as sysfs prints it */
};
int	 loop_backing_list(struct loop_backing **, size_t *);

/* kmem.c: the memfds' device (0: none can be made here), huge pages */
dev_t	 memfd_dev(void);
unsigned huge_log2(uint64_t);
uint64_t huge_dev_pagesize(dev_t);
uint64_t huge_map_pagesize(const void *);
int64_t	 smaps_field(const void *, const char *);

/* meminfo.c: the kernel's Shmem, the tmpfs mounts of a mountinfo */
struct tmpfs_mnt {
	dev_t		 dev;
	char		*mnt;		/* its mount point there */
};
int	 shm_meminfo(const char *, uint64_t *);
int	 tmpfs_mountinfo(int, const char *, struct tmpfs_mnt **, size_t *);
void	 tmpfs_mountinfo_free(struct tmpfs_mnt *, size_t);
int64_t	 tmpfs_used(int, dev_t, uint64_t *);

/* huge.c */
uint64_t huge_flags_size(int);
int	 huge_shmflg(uint64_t);
int	 huge_fs_check(int, uint64_t);

/* ---- places ---- */

/* place.c */
struct shm_place {
	int		 devshm;	/* the /dev/shm directory (O_PATH)... */
	int		 devshm_err;	/* ...or -1 and why */
	int		 proc;		/* the /proc to scan (O_PATH)... */
	int		 proc_err;	/* ...or -1 and why */
	int		 ipcns;		/* the IPC namespace to setns() into;
					   -1: the caller's own */
	int		 root;		/* -N: its root (O_PATH), where its
					   paths mean something; -1: ours */
	struct shm_place_id id;		/* its namespaces, a process in it */
	dev_t		 devshm_dev;	/* which /dev/shm: two places with */
	ino_t		 devshm_ino;	/* one are one place for POSIX */
	char		*container;	/* id.container's storage */
	unsigned	 lists;		/* -A: the kinds it lists */
	int		 order;		/* -A: its rank, ours 0 */
	enum place_act_how {		/* who changes its files (owner.c): */
		PLACE_ACT_SELF,		/*   we, as we are */
		PLACE_ACT_AS,		/*   its owner, act_uid and act_gid */
		PLACE_ACT_NEVER,	/*   no one: its owner cannot be told */
	}		 act;
	uid_t		 act_uid;
	gid_t		 act_gid;
};
const struct shm_place *shm_addr_place(const struct shm_addr *);
struct shm_place *place_own(void);
struct shm_place *place_make(pid_t, bool);
void	 place_free(struct shm_place *);
int	 place_devshm(const struct shm_place *);
int	 place_proc(const struct shm_place *);
int	 place_enter(const struct shm_place *);
unsigned long long place_ipcns_ino(const struct shm_place *);

/* devshm.c: a process's /dev/shm beneath its root, never waited on */
int	 devshm_open(int, dev_t *, ino_t *);
int	 place_root_stat(int, const char *, dev_t *, ino_t *);
int	 place_root_open(int, const char *);

/* owner.c: files of a place are changed as its owner would */
struct place_act {
	bool		 on;
	uid_t		 fsuid;
	gid_t		 fsgid;
	gid_t		*groups;
	int		 ngroups;
	bool		 groups_set;
};
int	 place_owner_find(struct shm_place *, int);
int	 place_act_begin(const struct shm_place *, struct place_act *);
void	 place_act_end(struct place_act *);
uid_t	 place_acting_uid(void);

/*
 * lock.c: the per-key lock.  shm_key_lock(place, key, shmid, exclusive)
 * locks key of place (shmid when key is IPC_PRIVATE) and returns the
 * descriptor that holds the lock; it fails with EWOULDBLOCK when the
 * lock stays taken past the bound, and with EINTR when a signal the
 * caller blocked is pending (shm_signal_pending: one that would end the
 * process); with another errno, nothing is locked (EPERM: we could not
 * change the segment, so we hold no lock others would wait for).
 * shm_key_lock_owned() is the same for a segment whose owner and creator
 * the caller knows.  lock_bulk_covers() says whether a bulk removal's
 * one namespace lock stands for key's lock; lock_bulk_end() lets it go.
 * lock_sysv_admin(): does CAP_SYS_ADMIN count for place's IPC namespace?
 */
int	 shm_key_lock(const struct shm_place *, key_t, int, bool);
int	 shm_key_lock_owned(const struct shm_place *, key_t, int, uid_t, uid_t,
	    bool);
void	 shm_key_unlock(int);
int	 shm_lock_path(const struct shm_place *, key_t, int, char *, size_t);
bool	 lock_bulk_take(const struct shm_place *);
bool	 lock_bulk_covers(const struct shm_place *, key_t, int);
void	 lock_bulk_end(void);
bool	 lock_sysv_admin(const struct shm_place *);
bool	 shm_signal_pending(void);

/* ---- kinds (their interface: backend.h) ---- */

/* sysvipc.c */
int	 sysv_parse_proc_line(const char *, struct shm_rec *);

/* ---- engines ---- */

/* seg.c */
ssize_t	 shm_pread(struct shm_seg *, void *, size_t, uint64_t);
void	*shm_seg_map(struct shm_seg *);
int	 shm_seg_map_fd(struct shm_seg *, bool);
bool	 shm_seg_is_mapping(const struct shm_seg *);
bool	 shm_seg_by_address(const struct shm_seg *);
int	 shm_seg_truncate(struct shm_seg *, uint64_t);
int	 shm_copy_resize(const struct shm_addr *, int, uint64_t, int,
	    struct shm_resize_result *, int *);

/*
 * scan.c, found.c, users.c: one pass over /proc/PID/maps and
 * /proc/PID/fd that maps segments to the processes that map them or
 * hold them open.  Where it cannot see every process, users are
 * unknown, never none.  The programs reach it through shm_scan_users()
 * and shm_select().
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
int	 proc_scan_anon(const struct proc_scan *, struct shm_rec **,
	    size_t *);
bool	 proc_scan_complete(const struct proc_scan *);

/* ---- operations ---- */

/* swap.c */
void	 shm_swap_split(uint64_t, uint64_t, int64_t *, int64_t *);

/* filter.c */
bool	 shm_filter_needs_scan(const struct shm_filter *);

#endif
