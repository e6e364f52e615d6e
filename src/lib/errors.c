/*
 * errors.c - the real cause of a failure, in words: which limit, which
 * filesystem, which rule.  strerror() alone says "Invalid argument" for a
 * System V segment over kernel.shmmax.
 *
 * Layer: operations (src/lib/LAYERS): it may ask any floor below
 * what went wrong.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "backend.h"

static size_t
count_sysv_segments(const struct shm_addr *a)
{
	struct shm_rec *v;
	size_t n;

	if (shm_list(shm_addr_place(a), SHM_KIND_BIT(SHM_SYSV), &v, &n) == -1)
		return 0;
	shm_rec_list_free(v, n);
	return n;
}

/* SHM_EPENDING: which recovery file, and the command that empties it. */
static const char *
explain_pending(const struct shm_addr *a, char *buf, size_t len)
{
	struct shm_recovery rec;
	char cmd[128];
	key_t key = a->key;

	if (a->by_id && sysv_key_of(a->id, &key) == -1)
		key = IPC_PRIVATE;
	if (recovery_pending(a, key, &rec) == -1 || rec.path == NULL)
		return NULL;
	shm_recovery_command(shm_addr_place(a), rec.key, rec.old_id, cmd,
	    sizeof(cmd));
	snprintf(buf, len, "an interrupted resize left its data in %s: run "
	    "'%s' first; not used until then", rec.path, cmd);
	free(rec.path);
	return buf;
}

static const char *
explain_sysv(int err, enum shm_op op, const struct shm_addr *a, char *buf,
    size_t len)
{
	uint64_t v;

	switch (err) {
	case SHM_EPENDING:
		return explain_pending(a, buf, len);
	case EINVAL:
		if ((op == SHM_OP_CREATE || op == SHM_OP_RESIZE) &&
		    shm_sysctl("kernel/shmmax", &v) == 0) {
			snprintf(buf, len, "size is 0 or larger than "
			    "kernel.shmmax (%" PRIu64 " bytes)", v);
			return buf;
		}
		break;
	case ENOSPC:
		if (shm_sysctl("kernel/shmmni", &v) == 0 &&
		    count_sysv_segments(a) >= v) {
			snprintf(buf, len, "limit kernel.shmmni reached "
			    "(%" PRIu64 " segments)", v);
			return buf;
		}
		if (shm_sysctl("kernel/shmall", &v) == 0) {
			snprintf(buf, len, "limit kernel.shmall reached "
			    "(%" PRIu64 " pages in all segments)", v);
			return buf;
		}
		break;
	case ENOMEM:
		return "out of memory (or RLIMIT_MEMLOCK for locked segments)";
	case EBUSY:
		return "processes are attached (use -f to force)";
	case ERANGE:
		return "offset beyond the end of the segment";
	case EOPNOTSUPP:
		return "a System V segment cannot do this";
	case EEXIST:
		return "a segment with this key already exists";
	case ENOENT:
		return "no such segment";
	case EACCES:
		if (op == SHM_OP_REMOVE)
			return "permission denied (not the owner or creator)";
		return NULL;	/* explain_access() says which permission */
	case EPERM:
		return "operation not permitted (not the owner or creator)";
	}
	return NULL;
}

/*
 * EPERM on a memfd is a seal its holder set (fcntl F_ADD_SEALS): name
 * the seals that forbid op, or every seal if none of those is set.
 */
static const char *
explain_seals(enum shm_op op, const struct shm_addr *a, char *buf, size_t len)
{
	static const struct {
		int		 seal;
		const char	*name;
		unsigned	 ops;	/* bits of enum shm_op it forbids */
	} seals[] = {
		{ F_SEAL_WRITE, "F_SEAL_WRITE", 1u << SHM_OP_WRITE },
		{ F_SEAL_FUTURE_WRITE, "F_SEAL_FUTURE_WRITE", 1u << SHM_OP_WRITE },
		{ F_SEAL_GROW, "F_SEAL_GROW",
		  1u << SHM_OP_WRITE | 1u << SHM_OP_RESIZE },
		{ F_SEAL_SHRINK, "F_SEAL_SHRINK", 1u << SHM_OP_RESIZE },
		{ F_SEAL_SEAL, "F_SEAL_SEAL", 0 },
	};
	struct shm_seg seg;
	size_t i, off;
	int set, pass;

	if (shm_open_seg(a, SHM_O_RDONLY, &seg) == -1)
		return NULL;
	set = fcntl(seg.fd, F_GET_SEALS);
	shm_close(&seg);
	if (set <= 0)
		return NULL;
	off = (size_t)snprintf(buf, len, "the memfd is sealed by its holder (");
	for (pass = 0; pass < 2 && off < len; pass++) {
		for (i = 0; i < sizeof(seals) / sizeof(seals[0]); i++) {
			int n;

			if (!(set & seals[i].seal) ||
			    (pass == 0 && !(seals[i].ops & (1u << op))))
				continue;
			n = snprintf(buf + off, len - off, "%s%s",
			    buf[off - 1] == '(' ? "" : ", ", seals[i].name);
			if (n < 0 || (size_t)n >= len - off)
				return buf;
			off += (size_t)n;
		}
		if (buf[off - 1] != '(')
			break;	/* the seals that forbid op, and only those */
	}
	if (off < len)
		snprintf(buf + off, len - off, ")");
	return buf;
}

/*
 * EINVAL on hugetlbfs (a /dev/shm mounted so): sizes are whole huge
 * pages, and there is no write(2), only mappings.
 */
static const char *
explain_huge_fs(enum shm_op op, const struct shm_addr *a, char *buf,
    size_t len)
{
	uint64_t page;
	char name[32];

	if ((op != SHM_OP_CREATE && op != SHM_OP_RESIZE &&
	    op != SHM_OP_WRITE) || (page = posix_addr_pagesize(a)) == 0)
		return NULL;
	shm_huge_name(page, name, sizeof(name));
	if (op == SHM_OP_WRITE)
		snprintf(buf, len, "on hugetlbfs (%s pages), which has no "
		    "write(2): only a mapping can write it", name);
	else
		snprintf(buf, len, "on hugetlbfs, sizes are whole %s huge "
		    "pages", name);
	return buf;
}

/*
 * What a name that is not a regular file is instead: never opened, never
 * followed, never removed by any program.
 */
static const char *
explain_type(const struct shm_addr *a)
{
	struct stat st;
	int dirfd = a->kind == SHM_POSIX ? place_devshm(shm_addr_place(a)) :
	    AT_FDCWD;

	if (a->kind == SHM_MEMFD || dirfd == -1 ||
	    fstatat(dirfd, a->name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return "not a regular file";
	if (S_ISDIR(st.st_mode))
		return "not a regular file (a directory: not entered)";
	if (S_ISFIFO(st.st_mode))
		return "not a regular file (a FIFO: not opened)";
	if (S_ISSOCK(st.st_mode))
		return "not a regular file (a socket)";
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return "not a regular file (a device: not opened)";
	return "not a regular file";
}

static const char *
explain_fd(int err, enum shm_op op, const struct shm_addr *a, char *buf,
    size_t len)
{
	struct statvfs sv;
	const char *text;

	switch (err) {
	case ENOSPC:
		if (a->kind == SHM_POSIX &&
		    fstatvfs(place_devshm(shm_addr_place(a)), &sv) == 0) {
			char size[SHM_SIZE_BUFSZ], avail[SHM_SIZE_BUFSZ];

			shm_size_human((uint64_t)sv.f_blocks * sv.f_frsize,
			    size, sizeof(size));
			shm_size_human((uint64_t)sv.f_bavail * sv.f_frsize,
			    avail, sizeof(avail));
			snprintf(buf, len, "no space left in " SHM_DEVSHM
			    " (size %s, %s free)", size, avail);
			return buf;
		}
		return "no space left on device";
	case ELOOP:
		return "is a symbolic link (not followed)";
	case SHM_ENOTREG:
		return explain_type(a);
	case SHM_ENOTMEMFD:
		return a->fd >= 0 ? "that descriptor is not a memfd" :
		    "that mapping is not of a memfd";
	case SHM_ENOTHUGE:
		return shm_huge_explain(err, 0, buf, len);
	case SHM_ENOTANON:
		return "that mapping is not anonymous shared memory (or no "
		    "longer the one listed)";
	case SHM_ENOTDELETED:
		return a->fd >= 0 ? "that descriptor is not an unlinked "
		    "object of " SHM_DEVSHM " (a named one is /NAME)" :
		    "that mapping is not of an unlinked object of "
		    SHM_DEVSHM " (a named one is /NAME)";
	case SHM_EUNLINKED:
		return "unlinked already: it has no name to remove, and its "
		    "memory is freed when the last process that maps it or "
		    "holds it open lets go (shmls -o +PIDS shows them)";
	case SHM_ESHRUNK:
		return "segment shrank while being read";
	case ERANGE:
		return "offset beyond the end of the segment";
	case EEXIST:
		return "already exists";
	case ENOENT:
		if (shm_addr_mapped(a))
			return "no such process or mapping";
		if (a->kind == SHM_MEMFD || shm_addr_deleted(a))
			return "no such process or descriptor";
		/* The place has no /dev/shm at all (a container without). */
		if (a->kind == SHM_POSIX && place_devshm(shm_addr_place(a)) == -1)
			return "there is no " SHM_DEVSHM " to hold it";
		return a->kind == SHM_POSIX ? "no such object in " SHM_DEVSHM :
		    "no such file";
	case EOPNOTSUPP:
		if (a->kind == SHM_ANON)
			return op == SHM_OP_CREATE ? "anonymous shared memory "
			    "is made by mmap(2) in its process" :
			    op == SHM_OP_RESIZE || op == SHM_OP_WRITE ?
			    "anonymous shared memory has the size of its "
			    "mapping, which only its process can change" :
			    "anonymous shared memory has no name: it lives as "
			    "long as a process maps it, and cannot be removed "
			    "(shmls -o +PIDS shows who maps it)";
		if (a->kind == SHM_MEMFD)
			return op == SHM_OP_CREATE ? "a memfd is made by "
			    "memfd_create(2) in its process" : "a memfd lives "
			    "while a process holds it open or maps it; it "
			    "cannot be removed";
		break;
	case EACCES:
		/* its maps, which only root and its user may read */
		if (a->kind == SHM_ANON)
			return "permission denied: another user's process, "
			    "whose mappings only root and that user may see";
		if (op == SHM_OP_REMOVE || op == SHM_OP_CREATE)
			return "permission denied (no write permission on the "
			    "directory)";
		return NULL;	/* explain_access() says which permission */
	case EPERM:
		/* A seal its holder set, if we can open it to see. */
		if (a->kind == SHM_MEMFD &&
		    (text = explain_seals(op, a, buf, len)) != NULL)
			return text;
		/* proc_map_files_get_link() asks for these, whoever we are */
		if (shm_addr_mapped(a))
			return a->kind == SHM_ANON ? "opening another "
			    "process's mapping through /proc/PID/map_files "
			    "needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE, and "
			    "its memory through /proc/PID/mem the right to "
			    "trace it (run as root, or as the user it runs "
			    "as)" : a->kind == SHM_MEMFD ? "opening another "
			    "process's mapping through /proc/PID/map_files "
			    "needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE (run "
			    "as root, or use a memfd:PID:FD of a process holding "
			    "it open)" : "opening another process's mapping "
			    "through /proc/PID/map_files needs CAP_SYS_ADMIN or "
			    "CAP_CHECKPOINT_RESTORE (run as root, or use a "
			    "deleted:PID:FD of a process holding it open)";
		if (op == SHM_OP_REMOVE)
			return "permission denied (the directory is sticky: "
			    "only the owner may remove it)";
		break;
	case EFBIG:
		return "size too large for this file";
	case EINVAL:
		return explain_huge_fs(op, a, buf, len);
	}
	return NULL;
}

/*
 * Which permission was missing: read to read, read and write to write or
 * resize; and what the mode and owner are.
 */
static const char *
explain_access(enum shm_op op, const struct shm_addr *a, char *buf,
    size_t len)
{
	const char *need = op == SHM_OP_WRITE || op == SHM_OP_RESIZE ?
	    "read and write" : "read";
	char perms[16], owner[64];
	struct shm_rec rec;

	if (shm_stat(a, &rec) == -1) {
		snprintf(buf, len, "permission denied: no %s permission", need);
		return buf;
	}
	shm_fmt_perms(rec.mode, false, perms, sizeof(perms));
	shm_fmt_user(rec.uid, owner, sizeof(owner));
	snprintf(buf, len, "permission denied: no %s permission (mode %s, "
	    "owner %s)", need, perms, owner);
	shm_rec_free(&rec);
	return buf;
}

/* The library's own codes in a few words; strerror(3) for the rest. */
const char *
shm_strerror(int err)
{
	static const char *const words[SHM_ELAST - SHM_ENOTREG] = {
		[SHM_ENOTREG - SHM_ENOTREG] = "not a regular file",
		[SHM_ESHRUNK - SHM_ENOTREG] = "segment shrank while being read",
		[SHM_ENOTMEMFD - SHM_ENOTREG] = "not a memfd",
		[SHM_ENOTHUGE - SHM_ENOTREG] = "not on hugetlbfs of that page "
		    "size",
		[SHM_ENOTDELETED - SHM_ENOTREG] = "not an unlinked object of "
		    SHM_DEVSHM,
		[SHM_EUNLINKED - SHM_ENOTREG] = "unlinked already: it has no "
		    "name",
		[SHM_EZOMBIE - SHM_ENOTREG] = "a zombie",
		[SHM_EKTHREAD - SHM_ENOTREG] = "a kernel thread",
		[SHM_EHIDDEN - SHM_ENOTREG] = "/proc does not show every process",
		[SHM_EPENDING - SHM_ENOTREG] = "an earlier resize left its data "
		    "in a recovery file",
		[SHM_EPAGESIZE - SHM_ENOTREG] = "not a whole number of huge "
		    "pages",
		[SHM_EINCOMPLETE - SHM_ENOTREG] = "the recovery file is "
		    "incomplete",
		[SHM_ENOTTMPFS - SHM_ENOTREG] = SHM_DEVSHM " is not a tmpfs "
		    "or hugetlbfs",
		[SHM_ENOANSWER - SHM_ENOTREG] = "its file system does not "
		    "answer",
		[SHM_EFOREIGN - SHM_ENOTREG] = "the owner of its place cannot "
		    "be told: not changed",
		[SHM_ENOTANON - SHM_ENOTREG] = "not an anonymous shared "
		    "mapping",
		[SHM_EOTHERSEG - SHM_ENOTREG] = "the key names a segment the "
		    "recovery file does not",
	};

	if (err >= SHM_ENOTREG && err < SHM_ELAST)
		return words[err - SHM_ENOTREG];
	return strerror(err);
}

/* Words for errno err, met doing op on a; buf holds them when needed. */
const char *
shm_explain(int err, enum shm_op op, const struct shm_addr *a, char *buf,
    size_t len)
{
	const char *s;

	/* shm_key_lock() waited its bound for a resize to end */
	if (a->kind == SHM_SYSV && err == EWOULDBLOCK) {
		if (a->by_id)
			snprintf(buf, len, "locked: a resize of id:%d is in "
			    "progress", a->id);
		else
			snprintf(buf, len, "locked: a resize of 0x%08x is in "
			    "progress", (unsigned)a->key);
		return buf;
	}
	if (a->kind == SHM_SYSV)
		s = explain_sysv(err, op, a, buf, len);
	else
		s = explain_fd(err, op, a, buf, len);
	if (s == NULL && err == EACCES)
		s = explain_access(op, a, buf, len);
	return s != NULL ? s : shm_strerror(err);
}

/* Words for errno err, met making the place of process pid (-N, -A). */
const char *
shm_place_explain(int err, pid_t pid, char *buf, size_t len)
{
	switch (err) {
	case ESRCH:
		snprintf(buf, len, "PID %d: no such process", (int)pid);
		break;
	case SHM_EZOMBIE:
		snprintf(buf, len, "PID %d is a zombie", (int)pid);
		break;
	case SHM_EKTHREAD:
		snprintf(buf, len, "PID %d is a kernel thread", (int)pid);
		break;
	case EPERM:
	case EACCES:
		snprintf(buf, len, "entering the IPC namespace of PID %d needs "
		    "CAP_SYS_ADMIN", (int)pid);
		break;
	case ELOOP:
		snprintf(buf, len, "the /dev/shm of PID %d is a symbolic link "
		    "(or under one): not followed", (int)pid);
		break;
	case ENOTDIR:
		snprintf(buf, len, "the /dev/shm of PID %d is not a directory",
		    (int)pid);
		break;
	case SHM_ENOTTMPFS:
		snprintf(buf, len, "the /dev/shm of PID %d is not a tmpfs or "
		    "hugetlbfs: no place for POSIX objects", (int)pid);
		break;
	case SHM_ENOANSWER:
		snprintf(buf, len, "the /dev/shm of PID %d does not answer",
		    (int)pid);
		break;
	default:
		snprintf(buf, len, "PID %d: %s", (int)pid, shm_strerror(err));
		break;
	}
	return buf;
}
