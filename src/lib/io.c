/*
 * io.c - moving bytes between a segment and a descriptor.
 *
 * POSIX objects, files and memfds are read with pread, never mapped: a
 * mapping raises SIGBUS when another process shrinks the object under us,
 * while pread just returns short, which we report.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

#define IO_BUFSZ	(128 * 1024)

static int
write_full(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t
read_some(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n == -1 && errno == EINTR);
	return n;
}

/*
 * Copy the segment from off, at most len bytes (UINT64_MAX: to the end),
 * to outfd.  With stop_at_nul, stop before the first NUL byte.  *copied
 * counts the bytes written out, also on error.
 */
int
shm_copy_out(struct shm_seg *seg, int outfd, uint64_t off, uint64_t len,
    bool stop_at_nul, uint64_t *copied)
{
	uint64_t end, pos;
	unsigned char *buf;
	int r = -1;

	*copied = 0;
	if (off > seg->size) {
		errno = ERANGE;
		return -1;
	}
	end = len > seg->size - off ? seg->size : off + len;

	if (seg->fd == -1) {
		/* System V: the mapping is the buffer. */
		const unsigned char *p;
		size_t n = (size_t)(end - off);

		if (n == 0)
			return 0;
		if (sysv_attach(seg) == -1)
			return -1;
		p = seg->base + off;
		if (stop_at_nul) {
			const unsigned char *nul = memchr(p, '\0', n);

			if (nul != NULL)
				n = (size_t)(nul - p);
		}
		if (write_full(outfd, p, n) == -1)
			return -1;
		*copied = n;
		return 0;
	}

	if ((buf = malloc(IO_BUFSZ)) == NULL)
		return -1;
	for (pos = off; pos < end; ) {
		size_t want = end - pos > IO_BUFSZ ? IO_BUFSZ : (size_t)(end - pos);
		ssize_t n = shm_pread(seg, buf, want, pos);
		bool stop = false;

		if (n == -1)
			goto out;
		if (n == 0) {
			errno = SHM_ESHRUNK;	/* truncated while we read */
			goto out;
		}
		if (stop_at_nul) {
			unsigned char *nul = memchr(buf, '\0', (size_t)n);

			if (nul != NULL) {
				n = nul - buf;
				stop = true;
			}
		}
		if (write_full(outfd, buf, (size_t)n) == -1)
			goto out;
		*copied += (uint64_t)n;
		pos += (uint64_t)n;
		if (stop)
			break;
	}
	r = 0;
out:
	{
		int e = errno;

		free(buf);
		errno = e;
	}
	return r;
}

static int
pwrite_full(struct shm_seg *seg, const unsigned char *p, size_t len,
    uint64_t off)
{
	while (len > 0) {
		ssize_t n = shm_pwrite(seg, p, len, off);

		if (n == -1)
			return -1;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Copy infd into the segment at off until end of input.  Nothing is ever
 * written past the end: when the input does not fit, *overflow is set and
 * the bytes that fit stay written.  With grow, a descriptor-backed segment
 * is extended to fit instead.  *written counts the bytes stored.
 */
int
shm_copy_in(struct shm_seg *seg, int infd, uint64_t off, bool grow,
    uint64_t *written, bool *overflow)
{
	unsigned char *buf = NULL;
	uint64_t pos = off;
	int r = -1;

	*written = 0;
	*overflow = false;
	if (seg->fd == -1)
		grow = false;	/* System V cannot grow in place */
	if (off > seg->size && !grow) {
		errno = ERANGE;
		return -1;
	}
	if (seg->fd == -1 && sysv_attach(seg) == -1)
		return -1;
	if (seg->fd != -1 && (buf = malloc(IO_BUFSZ)) == NULL)
		return -1;
	for (;;) {
		uint64_t room = seg->size > pos ? seg->size - pos : 0;
		size_t want;
		ssize_t n;

		if (room == 0 && !grow) {
			unsigned char c;

			/* Full: is there more input? */
			if ((n = read_some(infd, &c, 1)) == -1)
				goto out;
			*overflow = n > 0;
			break;
		}
		want = IO_BUFSZ;
		if (!grow && room < want)
			want = (size_t)room;
		if (seg->fd == -1) {
			/* System V: read straight into the mapping. */
			n = read_some(infd, seg->base + pos, want);
		} else {
			n = read_some(infd, buf, want);
			if (n > 0 && pos + (uint64_t)n > seg->size &&
			    shm_resize(seg, pos + (uint64_t)n) == -1)
				goto out;
			if (n > 0 && pwrite_full(seg, buf, (size_t)n, pos) == -1)
				goto out;
		}
		if (n == -1)
			goto out;
		if (n == 0)
			break;
		pos += (uint64_t)n;
		*written += (uint64_t)n;
	}
	/* Growing to fit holds for empty input at an offset past the end. */
	if (grow && pos > seg->size && shm_resize(seg, pos) == -1)
		goto out;
	r = 0;
out:
	{
		int e = errno;

		free(buf);
		errno = e;
	}
	return r;
}

/* Clear [from, to): punch a hole where the filesystem can, else write. */
int
shm_zero(struct shm_seg *seg, uint64_t from, uint64_t to)
{
	static const unsigned char zeros[64 * 1024];

	if (to > seg->size)
		to = seg->size;
	if (from >= to)
		return 0;
	if (seg->fd == -1) {
		if (sysv_attach(seg) == -1)
			return -1;
		memset(seg->base + from, 0, (size_t)(to - from));
		return 0;
	}
	if (fallocate(seg->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)from, (off_t)(to - from)) == 0)
		return 0;
	while (from < to) {
		size_t n = to - from > sizeof(zeros) ? sizeof(zeros) :
		    (size_t)(to - from);

		if (pwrite_full(seg, zeros, n, from) == -1)
			return -1;
		from += n;
	}
	return 0;
}
