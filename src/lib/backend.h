/*
 * backend.h - the small interface each kind of segment implements, and
 * what the backends share.  The kernel ABI details are in kernel.h.
 */
#ifndef SHMTOOLS_BACKEND_H
#define SHMTOOLS_BACKEND_H

#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "kernel.h"
#include "shm-private.h"

/*
 * Error values the kernel has no words for.  They are real errno values,
 * so strerror() still says something sensible; shm_explain() says better.
 */
#define SHM_ENOTREG	EMEDIUMTYPE	/* not a regular file */
#define SHM_ESHRUNK	ENODATA		/* shrank under us while reading */
#define SHM_ENOTMEMFD	ENOMEDIUM	/* /proc/PID/fd/FD is not a memfd */
#define SHM_ENOTHUGE	EXDEV		/* huge pages asked for a POSIX
					   object or file not on hugetlbfs */
#define SHM_ENOTDELETED	ENOTNAM		/* deleted:PID:...: not an unlinked
					   object in the place's /dev/shm */
#define SHM_EUNLINKED	EIDRM		/* removing what has no name left */

/* What the kernel appends to the link text of an unlinked file. */
#define SHM_DELETED_SUFFIX " (deleted)"

struct shm_vec {
	struct shm_rec	*v;
	size_t		 n, cap;
};

struct shm_rec *shm_vec_push(struct shm_vec *);

struct shm_backend {
	int	(*stat)(const struct shm_addr *, struct shm_rec *);
	int	(*open)(const struct shm_addr *, int, struct shm_seg *);
	int	(*create)(const struct shm_addr *, uint64_t, mode_t, int,
		    struct shm_seg *, bool *);
	ssize_t	(*pread)(struct shm_seg *, void *, size_t, uint64_t);
	ssize_t	(*pwrite)(struct shm_seg *, const void *, size_t, uint64_t);
	int	(*resize_to)(const struct shm_addr *, int, uint64_t, int,
		    struct shm_resize_result *);
	int	(*grow)(struct shm_seg *, uint64_t);	/* in place, never
							   shrinks; NULL: it
							   cannot grow */
	int	(*ungrow)(struct shm_seg *, uint64_t, uint64_t);
	int	(*close)(struct shm_seg *);
	int	(*remove)(const struct shm_addr *);
	int	(*remove_listed)(const struct shm_rec *, int);
	bool	(*may_remove)(const struct shm_rec *);	/* NULL: yes */
	int	(*list)(const struct shm_place *, struct shm_vec *);
	int	(*recover)(const struct shm_addr *, int,
		    struct shm_recover_result *);	/* NULL: nothing to */
};

extern const struct shm_backend sysv_backend;
extern const struct shm_backend posix_backend;	/* POSIX objects and files */
extern const struct shm_backend memfd_backend;
extern const struct shm_backend deleted_backend;	/* deleted:PID:... */

/* held.c: what a process holds, opened once through its /proc */
typedef char *(*held_verify_fn)(int, const struct stat *,
	    const struct shm_addr *, const char *);
void	 held_path(const struct shm_addr *, char *, size_t);
int	 held_open_path(const struct shm_addr *, held_verify_fn, struct stat *,
	    char **);
int	 held_reopen(int, const struct stat *, int, int, struct shm_seg *);
int	 held_stat(const struct shm_addr *, held_verify_fn, struct shm_rec *);
int	 held_open(const struct shm_addr *, held_verify_fn, int, int,
	    struct shm_seg *);

/* deleted.c */
int	 deleted_devshm_dev(const struct shm_place *, dev_t *);

/* memfd.c: the device memfds live on (0: none can be made here) */
dev_t	 memfd_dev(void);

/* huge.c */
uint64_t huge_flags_size(int);
int	 huge_shmflg(uint64_t);
uint64_t huge_dev_pagesize(dev_t);
uint64_t huge_map_pagesize(const void *);
int64_t	 huge_smaps_field(const void *, const char *);
int	 huge_fs_check(int, uint64_t);
uint64_t huge_addr_pagesize(const struct shm_addr *);

/* posix.c: descriptor-backed operations that memfd.c shares */
ssize_t	 fd_pread(struct shm_seg *, void *, size_t, uint64_t);
ssize_t	 fd_pwrite(struct shm_seg *, const void *, size_t, uint64_t);
int	 fd_resize(struct shm_seg *, uint64_t);
int	 fd_resize_to(const struct shm_addr *, int, uint64_t, int,
	    struct shm_resize_result *);
int	 fd_grow(struct shm_seg *, uint64_t);
int	 fd_ungrow(struct shm_seg *, uint64_t, uint64_t);
int	 fd_close(struct shm_seg *);
void	 fd_fill_info(const struct stat *, struct shm_rec *);
int	 fd_adopt(int, int, struct shm_seg *);

/*
 * sysv_resize.c: a recovery file is this header, then the old segment's
 * old_size bytes.  Native byte order: it is read back on this machine.
 */
#define SHM_RECOVERY_MAGIC	"SHMTRSZ"	/* with its NUL: 8 bytes */
#define SHM_RECOVERY_VERSION	1
struct shm_recovery_header {
	char		 magic[8];
	uint32_t	 version;
	uint32_t	 key;
	int32_t		 old_id;
	uint32_t	 mode;
	uint32_t	 uid;
	uint32_t	 gid;
	uint64_t	 old_size;
	uint64_t	 new_size;
	uint64_t	 ipcns;		/* the IPC namespace's inode */
};

/*
 * Are the segment's bytes reached through an attached mapping (System V,
 * seg->base) rather than through a descriptor of its own (seg->fd)?
 */
static inline bool
seg_is_mapping(const struct shm_seg *seg)
{
	return seg->fd == -1;
}

/* sysv_resize.c */
int	 sysv_resize_copy(const struct shm_addr *, int, uint64_t, int,
	    struct shm_resize_result *);
int	 sysv_recover(const struct shm_addr *, int,
	    struct shm_recover_result *);

/* io.c */
int	 write_full(int, const void *, size_t);

/* util.c */
bool	 shm_have_cap(int);

/* sysv.c */
int	 sysv_resolve(const struct shm_addr *);
int	 sysv_attach(struct shm_seg *);
int	 sysv_map_fd(struct shm_seg *);
int	 sysv_key_of(int, key_t *);

/*
 * lock.c: the per-key lock.  shm_key_lock(key, shmid, exclusive) locks key
 * (shmid when key is IPC_PRIVATE) and returns the descriptor that holds
 * the lock; it fails with EWOULDBLOCK when the lock stays taken past the
 * bound, and with EINTR when a signal the caller blocked is pending
 * (shm_signal_pending: one that would end the process).
 */
int	 shm_key_lock(key_t, int, bool);
void	 shm_key_unlock(int);
int	 shm_lock_path(key_t, int, char *, size_t);
bool	 shm_signal_pending(void);
unsigned long long shm_ipcns_ino(void);


#endif
