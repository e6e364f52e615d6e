/*
 * sysv_resize.c - resizing a System V segment, which the kernel cannot do:
 * its size is fixed at shmget().  So the data moves into a new segment
 * under the same key, mode and owner.  The original's data must survive
 * every failure: it stays in the original, is restored into a segment of
 * the old size, or is left in a file whose path the caller prints.
 *
 * The protocol:
 *  1. refuse if other processes are attached (unless forced), or if the
 *     new size is over kernel.shmmax: nothing has changed yet;
 *  2. save the data to a file ($TMPDIR, else /tmp); if that fails, stop:
 *     nothing has changed yet;
 *  3. IPC_RMID the original, which frees its key while our attachment
 *     keeps its memory, and create the new segment under the key;
 *  4. if there was no room for both (kernel.shmmni, kernel.shmall), detach
 *     to free the original and try again from the file; failing that,
 *     recreate the old size from the file; failing that too, keep the file
 *     and tell its path.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

static int
read_all(int fd, unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = SHM_ESHRUNK;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A new segment with the old one's key, mode and owner, filled from src. */
static int
make_copy(const struct shmid_ds *old, uint64_t size, const unsigned char *src,
    int srcfd, size_t len)
{
	struct shmid_ds ds;
	unsigned char *dst;
	int id, e;

	id = shmget(old->shm_perm.__key, (size_t)size,
	    IPC_CREAT | IPC_EXCL | (old->shm_perm.mode & 0777));
	if (id == -1)
		return -1;
	if ((dst = shmat(id, NULL, 0)) == (void *)-1)
		goto undo;
	if (src != NULL)
		memcpy(dst, src, len);
	else if (lseek(srcfd, 0, SEEK_SET) == -1 || read_all(srcfd, dst, len) == -1) {
		e = errno;
		shmdt(dst);
		errno = e;
		goto undo;
	}
	shmdt(dst);
	/* The creator is us; the owner can be given back. */
	if (shmctl(id, IPC_STAT, &ds) == 0) {
		ds.shm_perm.uid = old->shm_perm.uid;
		ds.shm_perm.gid = old->shm_perm.gid;
		ds.shm_perm.mode = old->shm_perm.mode & 0777;
		(void)shmctl(id, IPC_SET, &ds);
	}
	return id;
undo:
	e = errno;
	shmctl(id, IPC_RMID, NULL);
	errno = e;
	return -1;
}

static int
save_to_file(const unsigned char *p, size_t len, char *path, size_t pathlen)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, pathlen, "%s/shmresize.XXXXXX", dir) >= pathlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
		return -1;
	if (write_full(fd, p, len) == -1) {
		int e = errno;

		close(fd);
		unlink(path);
		errno = e;
		return -1;
	}
	return fd;
}

static void
discard(int fd, char *path)
{
	close(fd);
	unlink(path);
	path[0] = '\0';
}

/* Let go of the original: ours if we attached it, else the caller's. */
static void
detach(struct shm_seg *seg, unsigned char *old)
{
	if (old == NULL)
		return;
	if (old != seg->base)
		shmdt(old);
	else
		sysv_backend.close(seg);
}

static void
set_result(struct shm_resize_result *res, key_t key, int id)
{
	res->addr.kind = SHM_SYSV;
	res->addr.key = key;
	res->addr.id = id;
	res->addr.by_id = key == IPC_PRIVATE;
	res->addr.fd = -1;
}

int
sysv_resize_copy(struct shm_seg *seg, uint64_t size, int flags,
    struct shm_resize_result *res)
{
	struct shmid_ds ds;
	unsigned char *old;
	uint64_t shmmax;
	size_t keep;
	int id, fd, e;

	memset(res, 0, sizeof(*res));
	if (shmctl(seg->shmid, IPC_STAT, &ds) == -1)
		return -1;
	set_result(res, ds.shm_perm.__key, seg->shmid);
	if (size == ds.shm_segsz)
		return 0;
	if (size == 0 || size > SIZE_MAX ||
	    (shm_sysctl("kernel/shmmax", &shmmax) == 0 && size > shmmax)) {
		errno = EINVAL;
		return -1;
	}
	if (ds.shm_nattch > (seg->base != NULL ? 1u : 0u) &&
	    !(flags & SHM_RESIZE_FORCE)) {
		errno = EBUSY;
		return -1;
	}
	if (seg->base != NULL)
		old = seg->base;
	else if ((old = shmat(seg->shmid, NULL, SHM_RDONLY)) == (void *)-1)
		return -1;
	keep = (size_t)(size < ds.shm_segsz ? size : ds.shm_segsz);

	if ((fd = save_to_file(old, ds.shm_segsz, res->saved,
	    sizeof(res->saved))) == -1) {
		char *slash = strrchr(res->saved, '/');

		/* The directory it tried, for the message. */
		if (slash != NULL)
			*slash = '\0';
		snprintf(res->savedir, sizeof(res->savedir), "%s", res->saved);
		res->saved[0] = '\0';
		res->save_failed = true;
		goto fail;
	}
	if (shmctl(seg->shmid, IPC_RMID, NULL) == -1)
		goto fail_saved;
	if ((id = make_copy(&ds, size, old, -1, keep)) != -1)
		goto done;

	/* No room for both at once: free the original, copy from the file. */
	detach(seg, old);
	old = NULL;
	if ((id = make_copy(&ds, size, NULL, fd, keep)) != -1)
		goto done;
	e = errno;
	if ((id = make_copy(&ds, ds.shm_segsz, NULL, fd, ds.shm_segsz)) != -1) {
		set_result(res, ds.shm_perm.__key, id);
		discard(fd, res->saved);
	} else
		close(fd);	/* the data stays in res->saved */
	errno = e;
	return -1;

done:
	detach(seg, old);
	discard(fd, res->saved);
	set_result(res, ds.shm_perm.__key, id);
	return 0;

fail_saved:
	e = errno;
	discard(fd, res->saved);
	errno = e;
fail:
	e = errno;
	detach(seg, old);
	errno = e;
	return -1;
}
