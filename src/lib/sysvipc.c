/*
 * sysvipc.c - what the kernel says of System V segments, one at a time:
 * the shmid a key names, a segment's shmid_ds (without read permission
 * where the kernel allows), its key, and the record a shmid_ds or a line
 * of /proc/sysvipc/shm makes.  No attach, no lock, no place: the caller
 * is in the IPC namespace already.
 *
 * Layer: kernel facts (src/lib/LAYERS).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backend.h"

/* The shmid an address names, or -1 with errno ENOENT. */
int
sysv_resolve(const struct shm_addr *a)
{
	int id;

	if (a->by_id)
		return a->id;
	if ((id = shmget(a->key, 0, 0)) == -1 && errno == EINVAL)
		errno = ENOENT;		/* only when size > existing size */
	return id;
}

void
sysv_fill_from_ds(int id, const struct shmid_ds *ds, struct shm_rec *rec)
{
	rec->addr.kind = SHM_SYSV;
	rec->addr.key = IPC_PERM_KEY(ds->shm_perm);
	rec->addr.id = id;
	rec->addr.by_id = IPC_PERM_KEY(ds->shm_perm) == IPC_PRIVATE;
	rec->addr.fd = -1;
	rec->size = ds->shm_segsz;
	rec->mode = ds->shm_perm.mode & 0777;
	rec->uid = ds->shm_perm.uid;
	rec->gid = ds->shm_perm.gid;
	rec->cuid = ds->shm_perm.cuid;
	rec->cgid = ds->shm_perm.cgid;
	rec->nattch = (long)ds->shm_nattch;
	rec->cpid = ds->shm_cpid;
	rec->lpid = ds->shm_lpid;
	rec->atime = ds->shm_atime;
	rec->dtime = ds->shm_dtime;
	rec->ctime = ds->shm_ctime;
	rec->status = 0;
	if (ds->shm_perm.mode & SHM_DEST)
		rec->status |= SHM_ST_DEST;
	if (ds->shm_perm.mode & SHM_LOCKED)
		rec->status |= SHM_ST_LOCKED;
}

/*
 * Bytes of a segment of size bytes that are resident (or swapped), as
 * the kernel counts them: never more than the segment in whole pages.
 * The kernel's count of a huge-page segment is (each huge page once
 * per base page in it: a 4 MiB segment of 2 MiB pages shows 2 GiB), and
 * who cannot see an attacher cannot tell it is made of huge pages: a
 * count beyond the size is unknown (-1), never a figure to sum.
 */
static int64_t
sysv_bytes_in(unsigned long long v, unsigned long long size)
{
	unsigned long long page = (unsigned long long)getpagesize();
	unsigned long long most = size > ULLONG_MAX - (page - 1) ? ULLONG_MAX :
	    (size + page - 1) / page * page;

	if (v > most)
		return -1;
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* The next blank-separated signed decimal number at *p: 0, or -1. */
static int
num_signed(const char **p, long long *v)
{
	char *end;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (!(isdigit((unsigned char)**p) || (**p == '-' &&
	    isdigit((unsigned char)(*p)[1]))))
		return -1;
	errno = 0;
	*v = strtoll(*p, &end, 10);
	if (errno != 0)
		return -1;
	*p = end;
	return 0;
}

/* The next blank-separated unsigned number in base at *p: 0, or -1. */
static int
num_unsigned(const char **p, int base, unsigned long long *v)
{
	char *end;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (!isdigit((unsigned char)**p) || (base == 8 && **p > '7'))
		return -1;
	errno = 0;
	*v = strtoull(*p, &end, base);
	if (errno != 0)
		return -1;
	*p = end;
	return 0;
}

/*
 * One line of /proc/sysvipc/shm:
 *   key shmid perms size cpid lpid nattch uid gid cuid cgid
 *   atime dtime ctime rss swap
 * perms is octal and carries SHM_DEST and SHM_LOCKED; rss and swap are
 * in bytes (sysv_bytes_in: unknown where beyond the size).
 * Returns 0, or -1 for a line that is not a segment (the header).
 */
int
sysv_parse_proc_line(const char *line, struct shm_rec *rec)
{
	long long key, id, cpid, lpid, atime, dtime, ctime;
	unsigned long long size, rss, swap, perms, nattch, uid, gid, cuid, cgid;
	const char *p = line;

	/*
	 * By hand, not sscanf(3): a bulk removal reads the table once for
	 * each segment it removes, and the format string cost most of it.
	 */
	if (num_signed(&p, &key) == -1 || num_signed(&p, &id) == -1 ||
	    num_unsigned(&p, 8, &perms) == -1 ||
	    num_unsigned(&p, 10, &size) == -1 ||
	    num_signed(&p, &cpid) == -1 || num_signed(&p, &lpid) == -1 ||
	    num_unsigned(&p, 10, &nattch) == -1 ||
	    num_unsigned(&p, 10, &uid) == -1 ||
	    num_unsigned(&p, 10, &gid) == -1 ||
	    num_unsigned(&p, 10, &cuid) == -1 ||
	    num_unsigned(&p, 10, &cgid) == -1 ||
	    num_signed(&p, &atime) == -1 || num_signed(&p, &dtime) == -1 ||
	    num_signed(&p, &ctime) == -1 ||
	    num_unsigned(&p, 10, &rss) == -1 ||
	    num_unsigned(&p, 10, &swap) == -1 ||
	    id < 0 || id > INT_MAX || key < INT32_MIN || key > UINT32_MAX ||
	    cpid < INT_MIN || cpid > INT_MAX || lpid < INT_MIN ||
	    lpid > INT_MAX || uid > UINT32_MAX || gid > UINT32_MAX ||
	    cuid > UINT32_MAX || cgid > UINT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	rec->addr.kind = SHM_SYSV;
	rec->addr.key = (key_t)(uint32_t)key;
	rec->addr.id = (int)id;
	rec->addr.by_id = key == 0;
	rec->addr.fd = -1;
	rec->size = size;
	rec->rss = sysv_bytes_in(rss, size);
	rec->swap = sysv_bytes_in(swap, size);
	rec->mode = (mode_t)(perms & 0777);
	rec->uid = (uid_t)uid;
	rec->gid = (gid_t)gid;
	rec->cuid = (uid_t)cuid;
	rec->cgid = (gid_t)cgid;
	rec->nattch = nattch > LONG_MAX ? LONG_MAX : (long)nattch;
	rec->cpid = (pid_t)cpid;
	rec->lpid = (pid_t)lpid;
	rec->atime = (time_t)atime;
	rec->dtime = (time_t)dtime;
	rec->ctime = (time_t)ctime;
	rec->status = 0;
	if (perms & SHM_DEST)
		rec->status |= SHM_ST_DEST;
	if (perms & SHM_LOCKED)
		rec->status |= SHM_ST_LOCKED;
	return 0;
}

/*
 * The kernel's record of shmid id, without read permission where the
 * kernel allows (SHM_STAT_ANY, Linux 4.17, takes the index in the table:
 * the low 15 bits of the id, or 24 with ipcmni_extend).  One call, not a
 * read of the whole table: naming one segment among 100,000 costs the
 * same as among ten.
 */
int
sysv_stat_id(int id, struct shmid_ds *ds)
{
	static const int idx_bits[] = { IPCMNI_SHIFT, IPCMNI_EXTEND_SHIFT };
	size_t i;

	for (i = 0; i < sizeof(idx_bits) / sizeof(idx_bits[0]); i++)
		if (shmctl(id & ((1 << idx_bits[i]) - 1), SHM_STAT_ANY, ds) == id)
			return 0;
	if (shmctl(id, IPC_STAT, ds) == 0)
		return 0;
	if (errno == EINVAL || errno == EIDRM)
		errno = ENOENT;
	return -1;
}

/*
 * The key of segment id, for its lock: sysv_stat_id() needs no read
 * permission where the kernel allows (the owner may remove a segment of
 * mode 0).
 */
int
sysv_key_of(int id, key_t *key)
{
	struct shmid_ds ds;

	if (sysv_stat_id(id, &ds) == -1)
		return -1;
	*key = IPC_PERM_KEY(ds.shm_perm);
	return 0;
}

#ifndef NS_GET_ID
#define NS_GET_ID	_IOR(0xb7, 0xd, uint64_t)	/* linux/nsfs.h, 6.18 */
#endif

/*
 * What names the IPC namespace we are in for good, unlike its inode
 * number, which the kernel gives the next namespace made once this one
 * is gone: its id (NS_GET_ID, Linux 6.18: 64 bits, never handed out
 * twice while the machine runs; 0 where the kernel has none) and the
 * boot's id (/proc/sys/kernel/random/boot_id; "" if unreadable), without
 * which the id would name another namespace after a reboot.
 */
void
sysv_ipcns_identity(uint64_t *nsid, char *boot, size_t len)
{
	int fd;

	*nsid = 0;
	if ((fd = open("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC)) != -1) {
		if (ioctl(fd, NS_GET_ID, nsid) == -1)
			*nsid = 0;
		close(fd);
	}
	if (shm_read_small(AT_FDCWD, "/proc/sys/kernel/random/boot_id", boot,
	    len) <= 0)
		boot[0] = '\0';
	boot[strcspn(boot, "\n")] = '\0';
}
