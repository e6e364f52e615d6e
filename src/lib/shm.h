/*
 * shm.h - the shmtools helper library: one address grammar, one segment
 * record, and one small backend interface for every kind of shared memory.
 *
 * The library never prints and never exits.  Functions return -1 (or NULL)
 * with errno set; parsers also give a short reason naming the rule broken.
 *
 * This header is what the programs call; what only the library and its
 * tests use is in shm-private.h.
 */
#ifndef SHMTOOLS_SHM_H
#define SHMTOOLS_SHM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

enum shm_kind {
	SHM_SYSV,		/* System V segment: key or shmid */
	SHM_POSIX,		/* POSIX object: a name in /dev/shm */
	SHM_FILE,		/* an ordinary file, shared with MAP_SHARED */
	SHM_MEMFD,		/* a memfd that a process holds or maps */
	SHM_ANON,		/* an anonymous shared mapping (MAP_SHARED |
				   MAP_ANONYMOUS, or of /dev/zero) */
	SHM_NKINDS
};

#define SHM_KIND_BIT(k)	(1u << (k))
#define SHM_KINDS_ALL	((1u << SHM_NKINDS) - 1)
/* The kinds only the /proc scan finds: no table or directory lists them. */
#define SHM_KINDS_FOUND	(SHM_KIND_BIT(SHM_MEMFD) | SHM_KIND_BIT(SHM_ANON))

/*
 * The library's own result codes, set in errno where the kernel has no
 * word for what went wrong.  They lie above every errno value (Linux's
 * MAX_ERRNO is 4095), so that none is mistaken for the kernel's or for
 * another of ours; shm_strerror() names every one, shm_explain() says
 * more.
 */
enum shm_error {
	SHM_ENOTREG = 4096,	/* not a regular file */
	SHM_ESHRUNK,		/* shrank under us while being read */
	SHM_ENOTMEMFD,		/* memfd:PID:... is not a memfd */
	SHM_ENOTHUGE,		/* huge pages asked of a POSIX object or file
				   not on hugetlbfs of that size */
	SHM_ENOTDELETED,	/* deleted:PID:...: not an unlinked object of
				   the place's /dev/shm */
	SHM_EUNLINKED,		/* removing what has no name left */
	SHM_EZOMBIE,		/* -N PID: a zombie */
	SHM_EKTHREAD,		/* -N PID: a kernel thread */
	SHM_EHIDDEN,		/* -A: /proc hides processes */
	SHM_EPENDING,		/* an earlier resize left its data in a
				   recovery file */
	SHM_EPAGESIZE,		/* the size is not whole huge pages (see
				   res->pagesize) */
	SHM_EINCOMPLETE,	/* a recovery file holds less than its
				   header says */
	SHM_ENOTTMPFS,		/* -N, -A: a /dev/shm that is not a tmpfs
				   or hugetlbfs: no place for POSIX objects */
	SHM_ENOANSWER,		/* -N, -A: a /dev/shm whose file system
				   does not answer */
	SHM_EFOREIGN,		/* a place whose owner cannot be told: its
				   files are not changed */
	SHM_EOTHERSEG,		/* a recovery file that does not name the
				   segment its key names now */
	SHM_ENOTANON,		/* anon:PID:START-END is not an anonymous
				   shared mapping (or no longer the one) */
	SHM_ELAST
};

#define SHM_DEVSHM	"/dev/shm"
#define SHM_PROC	"/proc"

/*
 * place.c, places.c: where segments live (an IPC namespace, a /dev/shm, the
 * processes of a /proc).  Every operation acts in the place of its
 * address, a listing in the place it is given; NULL is the default one,
 * the caller's own.
 */
struct shm_place;
struct shm_backend;
struct statvfs;
const struct shm_place *shm_place_default(void);

/*
 * -N PID: the place of a process (its IPC namespace, the /dev/shm under
 * its root), and -A: every place of the host, ours first.  Errors are
 * worded by shm_place_explain(): ESRCH (exited), SHM_EZOMBIE,
 * SHM_EKTHREAD, EPERM (needs CAP_SYS_ADMIN), ELOOP or ENOTDIR (its
 * /dev/shm is a symlink or not a directory: refused), SHM_ENOTTMPFS
 * (not a tmpfs or hugetlbfs: refused), SHM_ENOANSWER (its file system
 * does not answer).
 */
struct shm_place_id {
	unsigned long long ipcns, mntns;	/* namespace inodes, as lsns */
	pid_t		 pid;		/* a process there, for -N; 0: none */
	const char	*container;	/* from its cgroup; NULL: none */
	dev_t		 devshm_dev;	/* its /dev/shm: two places in one */
	ino_t		 devshm_ino;	/* mount namespace may have two */
};
int	 shm_place_of_pid(pid_t, const struct shm_place **);
int	 shm_places_all(const struct shm_place ***, size_t *, pid_t *);
void	 shm_place_free(const struct shm_place *);
void	 shm_places_free(const struct shm_place **, size_t);
const struct shm_place_id *shm_place_id(const struct shm_place *);
unsigned shm_place_kinds(const struct shm_place *);
int	 shm_place_devshm_err(const struct shm_place *);
int	 shm_place_statvfs(const struct shm_place *, struct statvfs *);
const char *shm_place_explain(int, pid_t, char *, size_t);

/* A parsed ADDRESS.  The record owning it frees name. */
struct shm_addr {
	enum shm_kind	 kind;
	bool		 by_id;		/* SHM_SYSV: named by shmid, not key */
	key_t		 key;
	int		 id;
	pid_t		 pid;		/* SHM_MEMFD, SHM_ANON, or SHM_POSIX:
					   the holder of an unlinked object,
					   or 0 */
	int		 fd;		/* SHM_MEMFD, SHM_POSIX held: its
					   descriptor, or -1 for... */
	uint64_t	 map_start;	/* ...the mapping START-END of */
	uint64_t	 map_end;	/*    /proc/PID/map_files */
	char		*name;		/* SHM_POSIX: name without '/' (held:
					   the name it had, or NULL);
					   SHM_FILE: path; SHM_MEMFD: memfd name */
	const struct shm_place *place;	/* where; NULL: the default place.
					   Not owned: it outlives the address */
};

/* addr.c */
int	 shm_addr_parse(const char *, struct shm_addr *, const char **);
int	 shm_addr_format(const struct shm_addr *, char *, size_t);
void	 shm_addr_free(struct shm_addr *);
const char *shm_kind_name(enum shm_kind);
bool	 shm_name_is_semaphore(const char *);
bool	 shm_addr_deleted(const struct shm_addr *);
bool	 shm_addr_mapped(const struct shm_addr *);
/* Enough for every ADDRESS but file: paths, which are formatted to fit. */
#define SHM_ADDR_BUFSZ	4200

/* size.c */
int	 shm_size_parse(const char *, uint64_t *, const char **);
int	 shm_size_parse_rel(const char *, int *, uint64_t *, const char **);
int	 shm_mode_parse(const char *, mode_t *, const char **);
void	 shm_size_human(uint64_t, char *, size_t);
#define SHM_SIZE_BUFSZ	16

/* Status flags of a segment. */
#define SHM_ST_DEST	0x01	/* System V: removed, still attached */
#define SHM_ST_LOCKED	0x02	/* System V: SHM_LOCK */
#define SHM_ST_HUGETLB	0x04
#define SHM_ST_NORESERVE 0x08
#define SHM_ST_DELETED	0x10	/* POSIX: unlinked, still mapped or held */

#define SHM_UNKNOWN_ID	((uid_t)-1)

/* One segment of any kind: the row shmls prints. */
struct shm_rec {
	struct shm_addr	 addr;
	uint64_t	 size;
	int64_t		 rss;		/* bytes resident; -1: unknown */
	int64_t		 swap;		/* bytes swapped out; -1: unknown */
	mode_t		 mode;		/* permission bits only */
	uid_t		 uid, cuid;	/* SHM_UNKNOWN_ID: unknown */
	gid_t		 gid, cgid;
	long		 nattch;	/* -1: unknown */
	pid_t		 cpid, lpid;	/* 0: unknown or none */
	time_t		 ctime, atime, dtime, mtime; /* 0: never or unknown */
	unsigned	 status;	/* SHM_ST_* */
	dev_t		 dev;		/* descriptor-backed kinds: identity */
	ino_t		 ino;
	pid_t		*pids;		/* processes using it, from a proc scan */
	size_t		 npids;
	bool		 users_known;	/* the scan saw every process */
	bool		 inode_unknown;	/* held, seen only mapped where we
					   may not open the mapping: size,
					   mode, owner and times unknown */
};

void	 shm_rec_free(struct shm_rec *);
void	 shm_rec_list_free(struct shm_rec *, size_t);
int	 shm_rec_cmp(const void *, const void *);

/* An open segment. */
struct shm_seg {
	struct shm_addr	 addr;
	int		 fd;		/* fd-backed kinds; -1 otherwise */
	int		 shmid;		/* SHM_SYSV */
	unsigned char	*base;		/* SHM_SYSV: attached mapping */
	int		 lockfd;	/* SHM_SYSV: the key's shared lock, or
					   -1; set by the sysv backend */
	const struct shm_backend *ops;	/* its kind's operations, from the
					   open on; NULL: not open */
	uint64_t	 size;
	bool		 writable;
	/*
	 * SHM_ANON reached through /proc/PID/mem (ptrace access, no
	 * CAP_SYS_ADMIN): fd is that, procfd the process's /proc directory
	 * (-1 for every other segment), at where the mapping starts, and
	 * dev, ino what it must still map at each read and write.
	 */
	int		 procfd;
	uint64_t	 at;
	dev_t		 dev;
	ino_t		 ino;
};

/* shm_open_seg() / shm_create() flags */
#define SHM_O_RDONLY	0x00
#define SHM_O_RDWR	0x01
#define SHM_C_REUSE	0x02	/* accept an existing, large enough segment */
#define SHM_C_RESERVE	0x04	/* back the memory now */
#define SHM_O_NOATIME	0x10	/* shm_open_seg(): leave the access time
				   (EPERM unless we own the file) */
#define SHM_C_HUGE	0x08	/* huge pages, of the size that
				   shm_huge_flags() encodes with it */

/* seg.c: dispatch to the backend of the address's kind, in its place */
int	 shm_stat(const struct shm_addr *, struct shm_rec *);
int	 shm_open_seg(const struct shm_addr *, int, struct shm_seg *);
int	 shm_create_check(const struct shm_addr *, bool, int, const char **);
int	 shm_create(const struct shm_addr *, uint64_t, mode_t, int,
	    struct shm_seg *, bool *);
ssize_t	 shm_pwrite(struct shm_seg *, const void *, size_t, uint64_t);
bool	 shm_can_grow(const struct shm_seg *);
int	 shm_grow(struct shm_seg *, uint64_t);
int	 shm_ungrow(struct shm_seg *, uint64_t, uint64_t);
int	 shm_close(struct shm_seg *);
int	 shm_remove_check(const struct shm_addr *);
int	 shm_remove(const struct shm_addr *);
int	 shm_remove_stat(const struct shm_addr *, struct shm_rec *);
#define SHM_RM_FORCE	0x01	/* shm_remove_listed(): even if attached */
#define SHM_RM_SAME	0x02	/* the name was not made again since the
				   listing (watch.c): no need to check */
#define SHM_RM_FRESH	0x04	/* the record was read just now, under the
				   namespace's lock (shm_sysv_walk) */
int	 shm_sysv_walk(const struct shm_place *,
	    int (*)(void *, struct shm_rec *), void *);
int	 shm_remove_listed(const struct shm_rec *, int);
void	 shm_remove_listed_done(void);
void	 shm_remove_batch(void);
void	 shm_list_need_resident(bool);
/* watch.c: which POSIX objects were opened by name since a scan */
void	 shm_open_watch_start(const struct shm_place *const *, size_t);
bool	 shm_open_watch_active(void);
bool	 shm_opened_since(const struct shm_rec *);
bool	 shm_name_changed_since(const struct shm_rec *);
void	 shm_open_watch_reset(void);
void	 shm_open_watch_end(void);
bool	 shm_may_remove(const struct shm_rec *);

/* io.c: moving bytes between a segment and a descriptor */
#define SHM_IO_OTHER	(-2)	/* failed on the other descriptor, not the
				   segment: stdout full, stdin unreadable */
int	 shm_copy_out(struct shm_seg *, int, uint64_t, uint64_t, bool,
	    uint64_t *);
int	 shm_copy_in(struct shm_seg *, int, uint64_t, bool, uint64_t *,
	    bool *);
int	 shm_zero(struct shm_seg *, uint64_t, uint64_t);
bool	 shm_seg_same_file(const struct shm_seg *, int);

/* errors.c: the real cause of a failure, in words */
const char *shm_strerror(int);
enum shm_op {
	SHM_OP_OPEN, SHM_OP_CREATE, SHM_OP_READ, SHM_OP_WRITE,
	SHM_OP_RESIZE, SHM_OP_REMOVE, SHM_OP_STAT
};
const char *shm_explain(int, enum shm_op, const struct shm_addr *, char *,
	    size_t);

/*
 * resize.c: resize the segment at an address to n bytes (sign 0), or by +n
 * or -n (sign > 0, < 0).  POSIX objects, files and memfds change size in
 * place; a System V segment cannot, and is copied into a new one under
 * the same key, mode and owner (sysv_resize.c).  Unless SHM_RESIZE_FORCE,
 * it refuses to shrink an object that processes use (or may use, unseen:
 * they would die of SIGBUS), and to copy a System V segment processes are
 * attached to (they would stay on the old one).  Success: res->addr is
 * the segment now.  Failure: -1 with errno, and res says why and where
 * the data is.  Either way the caller frees res.
 */
#define SHM_RESIZE_FORCE 0x01
struct shm_resize_result {
	struct shm_addr	 addr;		/* the segment holding the data now */
	uint64_t	 old_size;	/* the size before */
	bool		 by_copy;	/* resized by copying: on failure the
					   data is intact in addr */
	enum shm_op	 op;		/* failure: the operation that failed,
					   for shm_explain() */
	long		 users;		/* EBUSY: the processes that map or hold
					   it (-1: cannot see); 0 when it is
					   the kernel's count of attaches */
	pid_t		 user_pid;	/* EBUSY: the first of them */
	char		*saved;		/* failure: the recovery file holding
					   the data (SHM_EPENDING: the one
					   pending), else NULL */
	char		*savedir;	/* could not save first: the directory
					   tried (nothing changed), else NULL */
	char		*lockpath;	/* could not open the key's lock file
					   (nothing changed), else NULL */
	pid_t		 late_pid;	/* success, but this process attached
					   during the copy (0: none)... */
	int		 late_id;	/* ...to this shmid (old or new) */
	uint64_t	 pagesize;	/* System V: its huge page size, kept
					   by the copy (0: not huge).
					   SHM_EPAGESIZE: the new size is
					   not a multiple of it, or (0) the
					   page size cannot be told */
};
int	 shm_resize_to(const struct shm_addr *, int, uint64_t, int,
	    struct shm_resize_result *);
void	 shm_resize_result_free(struct shm_resize_result *);

/*
 * sysv_resize.c: a recovery file that an interrupted resize left in
 * $TMPDIR.
 */
struct shm_recovery {
	char		*path;
	key_t		 key;		/* IPC_PRIVATE: a private segment... */
	int		 old_id;	/* ...known by the shmid it had */
	uint64_t	 old_size, new_size;
	mode_t		 mode;
	uid_t		 uid;
	gid_t		 gid;
	time_t		 mtime;
	uint64_t	 pagesize;	/* huge pages of this size; 0: not */
	bool		 complete;	/* holds all old_size bytes */
	unsigned	 version;	/* of its format (1: the key's
					   segment is not named in it) */
	uint64_t	 data_off;	/* where the data starts in it */
	int		 state;		/* what the key names now (enum
					   recovery_state, backend.h) */
	bool		 proven;	/* the IPC namespace's id says it is
					   this namespace's file */
};
int	 sysv_recovery_list(const struct shm_place *, struct shm_recovery **,
	    size_t *);
void	 sysv_recovery_list_free(struct shm_recovery *, size_t);
void	 shm_recovery_command(const struct shm_place *, key_t, int, char *,
	    size_t);

struct shm_recover_result {
	struct shm_addr	 addr;		/* the segment that holds the data */
	char		*path;		/* the recovery file used */
	bool		 stale;		/* the original was never removed:
					   the file was only deleted */
	pid_t		 busy_pid;	/* EBUSY: a process attached there */
	uint64_t	 pagesize;	/* of the file's segment; 0: not huge */
};
/*
 * seg.c: put back the data that an interrupted resize of the segment at
 * an address left in its recovery file (System V: shm_can_recover() says
 * whether the kind can leave one).
 */
bool	 shm_can_recover(const struct shm_addr *);
int	 shm_recover(const struct shm_addr *, int,
	    struct shm_recover_result *);
void	 shm_recover_result_free(struct shm_recover_result *);

/* sysv.c */
int	 shm_ftok(const struct shm_place *, const char *, int, key_t *);
uint64_t shm_sysv_pages(uint64_t);

/* fmt.c: fields as text */
enum shm_time_style { SHM_TIME_SHORT, SHM_TIME_FULL, SHM_TIME_ISO };
void	 shm_fmt_perms(mode_t, bool, char *, size_t);
const char *shm_fmt_user(uid_t, char *, size_t);
const char *shm_fmt_group(gid_t, char *, size_t);
void	 shm_fmt_time(time_t, enum shm_time_style, char *, size_t);
void	 shm_fmt_status(unsigned, char *, size_t);
char	*shm_escape(const char *);
/* One UTF-8 character at p: its length and code point, or 0 if invalid. */
size_t	 shm_utf8_char(const unsigned char *, size_t, uint32_t *);
bool	 shm_utf8_valid(const char *, size_t);
bool	 shm_needs_escape(const char *);
char	*shm_escape_hex(const char *, const char *);
bool	 shm_needs_escape_hex(const char *, const char *);
/* What a name holds that must be escaped: shm_escape{,_hex}_reasons() */
#define SHM_ESCW_CONTROL	0x01	/* a control character, C0, DEL or C1 */
#define SHM_ESCW_INVALID	0x02	/* bytes that are not valid UTF-8 */
#define SHM_ESCW_NONASCII	0x04	/* valid, but not ASCII: outside a UTF-8
					   locale, and always in \\xHH */
#define SHM_ESCW_FORMAT		0x08	/* an invisible or bidirectional
					   formatting character */
#define SHM_ESCW_UNPRINTABLE	0x10	/* not printable (iswprint) */
#define SHM_ESCW_BACKSLASH	0x20	/* a backslash, the escape character */
#define SHM_ESCW_SPECIAL	0x40	/* a byte of the special set */
unsigned shm_escape_reasons(const char *);
unsigned shm_escape_hex_reasons(const char *, const char *);
/*
 * What else shm_escape_hex() escapes: in raw output, what xargs(1) or a
 * shell would split words at or unquote; inside the double quotes of
 * export output, what a shell would expand or end the quotes with.
 */
#define SHM_ESC_RAW	" '\""
#define SHM_ESC_EXPORT	"\"`$"

/* json.c: JSON values that keep every byte (names that are not UTF-8) */
enum shm_json_type {
	SHM_JSON_STRING, SHM_JSON_NUMBER, SHM_JSON_ARRAY_STRING,
	SHM_JSON_ARRAY_NUMBER
};
int	 shm_json_string(FILE *, const char *, size_t);
int	 shm_json_value(FILE *, enum shm_json_type, const char *);

/* procfs.c: a process's command name, or NULL if it is gone */
const char *proc_comm(pid_t, char *, size_t);

/* huge.c: huge pages */
int	 shm_huge_sizes(uint64_t *, size_t, size_t *);
uint64_t shm_huge_default(void);
int	 shm_huge_parse(const char *, uint64_t *, const char **);
int	 shm_huge_flags(uint64_t);
int	 shm_huge_pool(uint64_t, uint64_t *, uint64_t *);
void	 shm_huge_name(uint64_t, char *, size_t);
const char *shm_huge_explain(int, uint64_t, char *, size_t);
/* The page size an open segment is made of; 0 if unknown. */
uint64_t shm_seg_pagesize(const struct shm_seg *);

/* util.c: a number from /proc/sys, e.g. "kernel/shmmax" */
int	 shm_sysctl(const char *, uint64_t *);
/* place.c: the same, as the IPC namespace of a place has it */
int	 shm_place_sysctl(const struct shm_place *, const char *, uint64_t *);

/* filter.c: the filters shmls and shmrm share */
struct shm_filter {
	unsigned	 kinds;		/* SHM_KIND_BIT()s */
	bool		 has_uid;
	uid_t		 uid;
	bool		 unused;	/* NATTCH known to be 0 */
	bool		 orphans;
	bool		 has_older;
	time_t		 older_than;	/* seconds since CTIME */
	char		**names;	/* --name GLOBs: any matches */
	size_t		 nnames;
	char		**excludes;	/* --exclude GLOBs: none matches */
	size_t		 nexcludes;
};
int	 shm_duration_parse(const char *, time_t *, const char **);
/* glob.c: --name, --exclude (fnmatch(3), as shmls(1) says) */
int	 shm_glob_check(const char *, const char **);
bool	 shm_glob_match(const char *, const struct shm_rec *);
bool	 shm_globs_match(const struct shm_filter *, const struct shm_rec *);
int	 shm_user_parse(const char *, uid_t *);
/* The one judgement of shmls's filters and shmrm's bulk mode. */
bool	 shm_filter_match(const struct shm_filter *, const struct shm_rec *,
	    time_t);
bool	 shm_is_orphan(const struct shm_rec *);
const char *shm_kept_why(const struct shm_rec *, bool, char *, size_t,
	    bool *);
/* procfs.c: is use unknown because this /proc is a child PID namespace's
   (not said private by SHMTOOLS_PIDNS_PRIVATE=1)? */
bool	 shm_pidns_partial(void);
bool	 shm_use_from_scan(const struct shm_rec *);

/* select.c: who uses what, and what the filters select */
/* shm_scan_users(): what else to append, found by the same scan */
#define SHM_FIND_MEMFDS	0x01	/* every memfd a process holds */
#define SHM_FIND_DELETED 0x02	/* every unlinked POSIX object still held */
#define SHM_FIND_ANON	0x04	/* every anonymous shared mapping */
int	 shm_scan_users(const struct shm_place *, struct shm_rec **, size_t *,
	    unsigned);
/*
 * The last argument, if not NULL, gets the SHM_KIND_BIT()s of the kinds
 * that may have more segments than listed: memfds, and POSIX objects
 * (those unlinked but still held), when the scan that finds them could
 * not see every process.  Their counts and sums are unknown.
 */
int	 shm_select(const struct shm_place *, const struct shm_filter *, bool,
	    struct shm_rec **, size_t *, unsigned *);
int	 shm_select_places(const struct shm_place *const *, size_t,
	    const struct shm_filter *, bool, struct shm_rec **, size_t *,
	    unsigned *);

/* shmem.c: the kernel's Shmem, accounted for */
struct shm_shmem {
	uint64_t	 total;			/* /proc/meminfo's Shmem */
	int64_t		 kind[SHM_NKINDS];	/* each kind's RSS in it; -1:
						   unknown */
	int64_t		 tmpfs;			/* the other tmpfs mounts' */
	size_t		 ntmpfs;		/* how many mounts */
	int64_t		 unattributed;		/* the rest; -1: unknown */
	bool		 over;			/* the rows exceed Shmem (tmpfs
						   pages in swap): rest 0 */
};
bool	 shm_shmem_accountable(const struct shm_filter *);
int	 shm_shmem_account(const struct shm_place *const *, size_t,
	    const struct shm_rec *, size_t, unsigned, struct shm_shmem *);

/* swap.c: RSS and SWAP of named System V segments, from one read of
   the table; of the others, where the kernel tells them. */
int	 shm_fill_resident(const struct shm_place *, struct shm_rec *,
	    size_t);
void	 shm_fill_swap(struct shm_rec *, size_t);
/* The huge pages of attached System V segments, from CPID and LPID. */
size_t	 shm_fill_pagesize(struct shm_rec *, size_t);
/* seg.c: every segment of the kinds, unfiltered, with no scan
   (shmls --metrics). */
int	 shm_list(const struct shm_place *, unsigned, struct shm_rec **,
	    size_t *);

#endif
