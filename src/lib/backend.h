/*
 * backend.h - the small interface each kind of segment implements (the
 * kinds' floor of src/lib/LAYERS), and what the kinds share.  The
 * kernel's ABI details are in kernel.h.
 */
#ifndef SHMTOOLS_BACKEND_H
#define SHMTOOLS_BACKEND_H

#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "kernel.h"
#include "shm-private.h"

/*
 * One kind's operations.  The contract:
 * - The dispatcher (seg.c) enters the address's place (place_enter)
 *   before stat, open, create, copy_resize, remove, remove_listed, list
 *   and recover: System V calls act in the IPC namespace we are in.  The
 *   slots that take an open segment need no place: its attach or its
 *   descriptor reaches the memory wherever we are.  may_remove is asked
 *   without entering anything: it only judges a record.
 * - A slot never calls the dispatcher, the /proc scan or the selection
 *   (they are floors above): a policy that needs to know who uses a
 *   segment (shrinking what someone maps) belongs to resize.c.
 * - A slot returns -1 (or NULL) with errno; it never prints or exits.
 * - A NULL slot is an operation the kind does not have: the dispatcher
 *   says EOPNOTSUPP, or (remove, copy_resize, recover, map) says why.
 */
struct shm_backend {
	int	(*stat)(const struct shm_addr *, struct shm_rec *);
	int	(*open)(const struct shm_addr *, int, struct shm_seg *);
	int	(*create)(const struct shm_addr *, uint64_t, mode_t, int,
		    struct shm_seg *, bool *);
	ssize_t	(*pread)(struct shm_seg *, void *, size_t, uint64_t);
	ssize_t	(*pwrite)(struct shm_seg *, const void *, size_t, uint64_t);
	/*
	 * A kind whose bytes are reached through a mapping of ours (System
	 * V): the mapping, made once (map), and where the kernel hands one
	 * out, a descriptor of its pages (map_fd; for writing only if
	 * the segment was opened for writing).  NULL: it has a descriptor
	 * of its own, seg->fd.
	 */
	void	*(*map)(struct shm_seg *);
	int	(*map_fd)(struct shm_seg *, bool);
	/* Resize in place (descriptor kinds); the policy is resize.c's. */
	int	(*truncate)(struct shm_seg *, uint64_t);
	/* Resize by copying into a new segment (System V: sysv_resize.c). */
	int	(*copy_resize)(const struct shm_addr *, int, uint64_t, int,
		    struct shm_resize_result *);
	int	(*grow)(struct shm_seg *, uint64_t);	/* in place, never
							   shrinks; NULL: it
							   cannot grow */
	int	(*ungrow)(struct shm_seg *, uint64_t, uint64_t);
	int	(*close)(struct shm_seg *);
	int	(*remove)(const struct shm_addr *);
	/* remove, and say what was removed (NULL: stat, then remove) */
	int	(*remove_stat)(const struct shm_addr *, struct shm_rec *);
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
extern const struct shm_backend anon_backend;	/* anon:PID:START-END */

/* fdseg.c: what every descriptor kind shares */
ssize_t	 fd_pread(struct shm_seg *, void *, size_t, uint64_t);
ssize_t	 fd_pwrite(struct shm_seg *, const void *, size_t, uint64_t);
int	 fd_resize(struct shm_seg *, uint64_t);
int	 fd_grow(struct shm_seg *, uint64_t);
int	 fd_ungrow(struct shm_seg *, uint64_t, uint64_t);
int	 fd_close(struct shm_seg *);
void	 fd_fill_info(const struct stat *, struct shm_rec *);
int	 fd_adopt(int, int, struct shm_seg *);
/* The slots of every descriptor kind's table. */
#define FDSEG_OPS \
	.pread = fd_pread, .pwrite = fd_pwrite, .truncate = fd_resize, \
	.grow = fd_grow, .ungrow = fd_ungrow, .close = fd_close

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

/* posix.c */
uint64_t posix_addr_pagesize(const struct shm_addr *);

/* deleted.c */
int	 deleted_devshm_dev(const struct shm_place *, dev_t *);

/* sysvipc.c: what the kernel says of one segment */
int	 sysv_resolve(const struct shm_addr *);
int	 sysv_stat_id(int, struct shmid_ds *);
int	 sysv_key_of(int, key_t *);
void	 sysv_fill_from_ds(int, const struct shmid_ds *, struct shm_rec *);
void	 sysv_ipcns_identity(uint64_t *, char *, size_t);

/*
 * sysv_resize.c: a recovery file is this header, then the old segment's
 * old_size bytes.  Native byte order: it is read back on this machine.
 * Version 1 ended at ipcns (56 bytes); version 2 adds what names the
 * namespace and the segments for good (recovery.c): an inode number the
 * kernel gives the next namespace made, shmids and PIDs come back.
 */
#define SHM_RECOVERY_MAGIC	"SHMTRSZ"	/* with its NUL: 8 bytes */
#define SHM_RECOVERY_VERSION	2
#define SHM_RECOVERY_V1_SIZE	56
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
	/* version 2 */
	uint64_t	 nsid;		/* its NS_GET_ID; 0: unknown */
	char		 boot[40];	/* the boot's id, with a NUL */
	int64_t		 old_ctime;	/* the original: shm_ctime... */
	int32_t		 old_cpid;	/* ...and shm_cpid */
	int32_t		 new_id;	/* the new segment, once made; -1... */
	int64_t		 new_ctime;	/* ...its shm_ctime (after IPC_SET... */
	int32_t		 new_cpid;	/* ...too) and shm_cpid */
	uint32_t	 pad;
};
/*
 * What the key of a recovery file names now, in its namespace: nothing,
 * the original the file was saved from, the new segment the file names,
 * or another segment.
 */
enum recovery_state { REC_NONE, REC_ORIGINAL, REC_NEW, REC_OTHER };
/* recovery.c */
int	 recovery_open(int, const char *, const char *, unsigned long long,
	    struct shm_recovery *);
int	 recovery_note_new(int, int);
int	 recovery_find(const struct shm_addr *, struct shm_recovery *);
int	 recovery_pending(const struct shm_addr *, key_t,
	    struct shm_recovery *);
int	 recovery_pending_bulk(const struct shm_addr *, key_t,
	    struct shm_recovery *);
void	 recovery_bulk_end(void);
int	 recovery_save(const struct shm_addr *, const struct shmid_ds *, int,
	    uint64_t, uint64_t, const unsigned char *, char **);
void	 resize_test_pause(const char *);

/* sysv.c */
int	 sysv_walk(const struct shm_place *,
	    int (*)(void *, struct shm_rec *), void *);
void	 sysv_remove_batch(bool);
void	 sysv_list_resident(bool);

/* sysv_resize.c */
int	 sysv_resize_copy(const struct shm_addr *, int, uint64_t, int,
	    struct shm_resize_result *);
int	 sysv_recover(const struct shm_addr *, int,
	    struct shm_recover_result *);

#endif
