/*
 * scan.h - the /proc scan's own state, shared by its four files and
 * by no one else: users.c (the table from a segment's identity to the
 * processes that use it), found.c (the memfds and unlinked objects it
 * finds, as records), unseen.c (the users /proc/PID/fd does not show: an
 * io_uring's registered files, loop devices) and scan.c (the walk of
 * /proc).
 *
 * Layer: engines (src/lib/LAYERS): scan.c > unseen.c, found.c > users.c.
 */
#ifndef SHMTOOLS_SCAN_H
#define SHMTOOLS_SCAN_H

#include <errno.h>
#include <sys/stat.h>

#include "backend.h"

/*
 * The identity of a System V segment: this device, and an inode that is
 * its namespace's inode (32 bits, as the kernel numbers them) above its
 * shmid: one number, and no two segments share it.
 */
#define SYSV_DEV	((dev_t)-1)

static inline ino_t
sysv_ino(unsigned long long ipcns, int shmid)
{
	return (ino_t)((uint64_t)(uint32_t)ipcns << 32 | (uint32_t)shmid);
}

/* The processes that use one segment. */
struct seg_users {
	dev_t		 dev;
	ino_t		 ino;
	uint64_t	 pagesize;	/* System V: its mappings' (0: unknown) */
	bool		 deleted;	/* found: an unlinked POSIX object */
	bool		 unseen;	/* used by what no pid stands for */
	pid_t		*pids;
	size_t		 n, cap;
};

/*
 * Every segment's users, by identity.  The identities asked about (the
 * records listed) are the records' indexes sorted by identity, and get
 * an entry only once some process uses them: 100,000 objects cost 4
 * bytes each, not an entry and a slot of the hash table.
 */
struct users_tab {
	struct hash	 idx;		/* (dev, ino) -> index in v */
	struct seg_users *v;
	size_t		 n, cap;
	const struct shm_rec *recs;	/* the records asked about... */
	uint32_t	*asked;		/* ...their indexes, by identity */
	size_t		 nasked, capasked;
};

/* A process holding a memfd, an unlinked object or anonymous memory. */
struct holder {
	pid_t		 pid;
	int		 fd;		/* -1: it maps it at start-end */
	uint64_t	 start, end;
	struct stat	 st;		/* st_dev and st_ino always... */
	bool		 have_st;	/* ...the rest only if this is set */
	char		*name;
};

struct holders {
	struct holder	*v;
	size_t		 n, cap;
};

/* A /dev/shm whose unlinked objects are found, and the place it is. */
struct devshm {
	dev_t		 dev;
	const struct shm_place *place;
};

struct proc_scan {
	struct users_tab users;
	struct holders	 mf;		/* memfd holders */
	struct holders	 del;		/* holders of unlinked objects */
	struct holders	 an;		/* mappers of anonymous shared memory */
	dev_t		*devs;		/* where the segments asked about are */
	size_t		 ndevs, capdevs;
	bool		 memfds;	/* find every memfd, not only those asked */
	bool		 deleted;	/* find every unlinked POSIX object */
	bool		 anon;		/* find every anonymous shared mapping */
	struct devshm	*shms;		/* ...on the device of these /dev/shm */
	size_t		 nshms;
	bool		 has_memfd_dev;
	dev_t		 memfd_dev;
	pid_t		 self;		/* our pid as this /proc numbers it */
	const struct shm_place *place;	/* whose /proc; the memfds' place */
	bool		 complete;	/* it saw every process, and read all */
};

/* Something could not be read: what it would have said is unknown. */
static inline void
scan_incomplete(struct proc_scan *scan)
{
	scan->complete = false;
}

/* A failure that only means the process (or descriptor) is gone. */
static inline bool
gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

/* users.c */
bool	 dev_wanted(const struct proc_scan *, dev_t);
struct seg_users *users_find(const struct users_tab *, dev_t, ino_t);
struct seg_users *users_entry(struct users_tab *, dev_t, ino_t);
int	 users_reserve(struct users_tab *, size_t);
int	 users_ask(struct users_tab *, const struct shm_rec *, size_t);
void	 users_ask_done(struct users_tab *);
bool	 users_asked(const struct users_tab *, dev_t, ino_t);
void	 users_free(struct users_tab *);
void	 scan_add_user(struct proc_scan *, dev_t, ino_t, pid_t, bool);

/* unseen.c */
void	 scan_uring_fd(struct proc_scan *, int, const char *, pid_t, char **);
void	 scan_loop_devices(struct proc_scan *);

/* found.c */
const struct shm_place *devshm_place(const struct proc_scan *, dev_t);
struct seg_users *deleted_identity(struct proc_scan *, dev_t, ino_t,
	    const char *);
int	 holders_add(struct holders *, pid_t, int, const struct stat *, bool,
	    const char *, size_t);
void	 holders_free(struct holders *);

#endif
