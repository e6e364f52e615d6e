/*
 * io.c - moving bytes between a segment and a descriptor.
 *
 * POSIX objects, files and memfds are never mapped: a mapping raises
 * SIGBUS when another process shrinks the object under us, while a read
 * just comes back short, which we report.  Where the kernel can move the
 * bytes itself it does: splice(2) from a descriptor into a pipe,
 * copy_file_range(2) or sendfile(2) between files, vmsplice(2) from a
 * System V mapping into a pipe.  Each falls back to plain read and write
 * when the descriptors don't allow it.
 *
 * Layer: operations (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "backend.h"

#define IO_BUFSZ	(1024 * 1024)
#define KERNEL_CHUNK	(1 << 30)	/* per splice/copy_file_range call */
#define MAP_CHUNK	(8 * 1024 * 1024)	/* populated, then moved */

/* Errors that mean "this kernel path does not apply": fall back. */
static bool
no_kernel_path(int err)
{
	return err == EINVAL || err == ENOSYS || err == EXDEV ||
	    err == EOPNOTSUPP || err == EBADF || err == ESPIPE;
}

static size_t
chunk(uint64_t left)
{
	return left > KERNEL_CHUNK ? KERNEL_CHUNK : (size_t)left;
}

/*
 * Move [*pos, end) of fd-backed seg to outfd in the kernel.  Returns 0
 * when done or when no kernel path applies (the caller goes on from *pos
 * with plain I/O), -1 on a real error.
 */
static int
kernel_out(struct shm_seg *seg, int outfd, uint64_t *pos, uint64_t end,
    uint64_t *copied)
{
	struct stat st;
	bool pipe_out, reg_out;
	int method;

	if (fstat(outfd, &st) == -1)
		return 0;
	pipe_out = S_ISFIFO(st.st_mode);
	reg_out = S_ISREG(st.st_mode);
	/* 0: splice to a pipe, 1: copy_file_range, 2: sendfile */
	method = pipe_out ? 0 : reg_out ? 1 : 2;
	if (pipe_out)	/* fewer, larger moves; the pipe is ours to size */
		(void)fcntl(outfd, F_SETPIPE_SZ, 1 << 20);
	while (*pos < end) {
		off_t off = (off_t)*pos;
		ssize_t n;

		if (method == 0)
			n = splice(seg->fd, &off, outfd, NULL, chunk(end - *pos),
			    SPLICE_F_MORE);
		else if (method == 1)
			n = copy_file_range(seg->fd, &off, outfd, NULL,
			    chunk(end - *pos), 0);
		else
			n = sendfile(outfd, seg->fd, &off, chunk(end - *pos));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && method == 1 && no_kernel_path(errno)) {
			method = 2;	/* across filesystems: sendfile */
			continue;
		}
		if (n == -1)
			return no_kernel_path(errno) ? 0 : -1;
		if (n == 0) {
			errno = SHM_ESHRUNK;	/* truncated while we read */
			return -1;
		}
		*pos += (uint64_t)n;
		*copied += (uint64_t)n;
	}
	return 0;
}

/*
 * A System V segment through a descriptor of its own pages, where the
 * kernel gives us one (/proc/self/map_files: CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE): then it moves like a POSIX object, with no
 * page faults to map it.  Otherwise nothing is done and the caller goes
 * on from *copied.
 */
static int
map_fd_out(struct shm_seg *seg, int outfd, uint64_t off, size_t len,
    uint64_t *copied)
{
	struct shm_seg view = *seg;
	uint64_t pos = off;
	int r;

	if ((view.fd = shm_seg_map_fd(seg, false)) == -1)
		return 0;
	r = kernel_out(&view, outfd, &pos, off + len, copied);
	close_keep_errno(view.fd);
	return r;
}

/*
 * Fault [p, p + len) of a System V mapping in with one madvise: a System V
 * mapping has no fault-around, and a read or write that touches it pays
 * one page fault a page (about 0.9 us each), where MADV_POPULATE_READ or
 * _WRITE maps them all in one pass.  Kernels before 5.14 refuse (EINVAL)
 * and the faults happen as before.
 */
static void
populate(const void *p, size_t len, int advice)
{
	uintptr_t page = (uintptr_t)getpagesize();
	uintptr_t start = (uintptr_t)p & ~(page - 1);

	if (len > 0)
		(void)madvise((void *)start, len + ((uintptr_t)p - start), advice);
}

/*
 * The mapping [p, p + len) to outfd, MAP_CHUNK at a time: each chunk is
 * populated, then handed to the pipe with vmsplice (which pins the pages:
 * a fault each would cost more than the copy it saves) or written.  With
 * stop_at_nul, stop before the first NUL byte.  *copied counts the bytes
 * out; returns -1 when writing to outfd failed.
 */
static int
map_out(int outfd, const unsigned char *p, size_t len, bool stop_at_nul,
    uint64_t *copied)
{
	struct stat st;
	bool to_pipe = fstat(outfd, &st) == 0 && S_ISFIFO(st.st_mode);

	if (to_pipe)
		(void)fcntl(outfd, F_SETPIPE_SZ, 1 << 20);
	while (*copied < len) {
		const unsigned char *q = p + *copied;
		size_t n = len - (size_t)*copied > MAP_CHUNK ? MAP_CHUNK :
		    len - (size_t)*copied;
		const unsigned char *nul;
		size_t done = 0;

		populate(q, n, MADV_POPULATE_READ);
		if (stop_at_nul && (nul = memchr(q, '\0', n)) != NULL) {
			n = (size_t)(nul - q);
			len = (size_t)*copied + n;
		}
		while (to_pipe && done < n) {
			struct iovec iov = {
				.iov_base = (void *)(q + done),
				.iov_len = n - done,
			};
			ssize_t k = vmsplice(outfd, &iov, 1, 0);

			if (k == -1 && errno == EINTR)
				continue;
			if (k == -1 && !no_kernel_path(errno))
				return -1;
			if (k == -1)
				to_pipe = false;	/* write the rest */
			else
				done += (size_t)k;
		}
		if (write_full(outfd, q + done, n - done) == -1)
			return -1;
		*copied += n;
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
 * A kernel path failed: splice, sendfile and copy_file_range read a
 * segment that cannot fail but by shrinking, so the failure is outfd's.
 */
static int
out_error(void)
{
	return errno == SHM_ESHRUNK ? -1 : SHM_IO_OTHER;
}

/*
 * Copy the segment from off, at most len bytes (UINT64_MAX: to the end),
 * to outfd.  With stop_at_nul, stop before the first NUL byte.  *copied
 * counts the bytes written out, also on error.  Returns -1 when the
 * segment failed, SHM_IO_OTHER when writing to outfd did.
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

	if (shm_seg_is_mapping(seg)) {
		/* System V: the mapping is the buffer. */
		const unsigned char *p;
		size_t n = (size_t)(end - off);

		if (n == 0)
			return 0;
		if ((p = shm_seg_map(seg)) == NULL)
			return -1;
		p += off;
		if (!stop_at_nul && map_fd_out(seg, outfd, off, n, copied) == -1)
			return out_error();
		return map_out(outfd, p, n, stop_at_nul, copied) == -1 ?
		    SHM_IO_OTHER : 0;
	}

	pos = off;
	if (!stop_at_nul && !shm_seg_by_address(seg) &&
	    kernel_out(seg, outfd, &pos, end, copied) == -1)
		return out_error();

	if (pos == end)
		return 0;
	if ((buf = malloc(IO_BUFSZ)) == NULL)
		return -1;
	while (pos < end) {
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
		if (write_full(outfd, buf, (size_t)n) == -1) {
			r = SHM_IO_OTHER;
			goto out;
		}
		*copied += (uint64_t)n;
		pos += (uint64_t)n;
		if (stop)
			break;
	}
	r = 0;
out:
	free_keep_errno(buf);
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
 * Move a regular file infd into fd-backed seg at *pos in the kernel:
 * copy_file_range, or sendfile across filesystems.  (From a pipe, splice
 * into tmpfs measured slower than reading a 1 MiB pipe into a buffer.)
 * Stops at end of input or when the segment is full (unless grow);
 * returns 0 then, or when no kernel path applies (the caller goes on from
 * *pos), -1 on a real error.
 */
static int
kernel_in(struct shm_seg *seg, int infd, uint64_t *pos, bool grow,
    uint64_t *written)
{
	bool use_sendfile = false;
	struct stat st;

	if (fstat(infd, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	for (;;) {
		uint64_t room = seg->size > *pos ? seg->size - *pos : 0;
		size_t want = grow ? KERNEL_CHUNK : chunk(room);
		off_t off = (off_t)*pos;
		ssize_t n;

		if (want == 0)
			return 0;	/* full: the caller looks for more */
		if (!use_sendfile)
			n = copy_file_range(infd, NULL, seg->fd, &off, want, 0);
		else if (lseek(seg->fd, off, SEEK_SET) == -1)
			n = -1;
		else
			n = sendfile(seg->fd, infd, NULL, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && !use_sendfile && no_kernel_path(errno)) {
			use_sendfile = true;
			continue;
		}
		if (n == -1)
			return no_kernel_path(errno) ? 0 : -1;
		if (n == 0)
			return 0;	/* end of input */
		*pos += (uint64_t)n;
		*written += (uint64_t)n;
		if (*pos > seg->size)
			seg->size = *pos;	/* grew by writing past the end */
	}
}

/*
 * The bytes a regular file infd has left from its offset; UINT64_MAX for
 * any other input, whose length is not known ahead.
 */
static uint64_t
input_left(int infd)
{
	struct stat st;
	off_t at;

	if (fstat(infd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (at = lseek(infd, 0, SEEK_CUR)) == -1)
		return UINT64_MAX;
	return st.st_size > at ? (uint64_t)(st.st_size - at) : 0;
}

/*
 * A regular file into a System V segment through a descriptor of the
 * segment's pages, where the kernel gives one for writing (root, an
 * attachment made for writing): sendfile moves the bytes from page cache
 * to page cache, and no page of the mapping is faulted, populated or torn
 * down.  Never past the end: the segment cannot grow.  Where no
 * descriptor is given, or the kernel cannot write it (hugetlbfs), nothing
 * is done and the caller goes on from *pos through the mapping.
 */
static int
map_fd_in(struct shm_seg *seg, int infd, uint64_t *pos, uint64_t *written)
{
	struct shm_seg view = *seg;
	int r;

	if ((view.fd = shm_seg_map_fd(seg, true)) == -1)
		return 0;
	r = kernel_in(&view, infd, pos, false, written);
	close_keep_errno(view.fd);
	return r;
}

/*
 * Copy infd into the segment at off until end of input.  Nothing is ever
 * written past the end: when the input does not fit, *overflow is set and
 * the bytes that fit stay written.  With grow, a descriptor-backed segment
 * is extended to fit instead.  *written counts the bytes stored.
 * Returns -1 when the segment failed, SHM_IO_OTHER when reading infd did.
 */
int
shm_copy_in(struct shm_seg *seg, int infd, uint64_t off, bool grow,
    uint64_t *written, bool *overflow)
{
	unsigned char *buf = NULL;
	uint64_t pos = off, in_left = UINT64_MAX;
	int r = -1;

	*written = 0;
	*overflow = false;
	if (!shm_can_grow(seg))
		grow = false;
	if (off > seg->size && !grow) {
		errno = ERANGE;
		return -1;
	}
	if (shm_seg_is_mapping(seg) && shm_seg_map(seg) == NULL)
		return -1;
	if (shm_seg_is_mapping(seg) && input_left(infd) != UINT64_MAX &&
	    map_fd_in(seg, infd, &pos, written) == -1)
		return -1;
	if (shm_seg_is_mapping(seg))
		in_left = input_left(infd);
	if (!shm_seg_is_mapping(seg) && !shm_seg_by_address(seg) &&
	    kernel_in(seg, infd, &pos, grow, written) == -1)
		return -1;
	if (!shm_seg_is_mapping(seg) && (buf = malloc(IO_BUFSZ)) == NULL)
		return -1;
	(void)fcntl(infd, F_SETPIPE_SZ, IO_BUFSZ);	/* fewer, larger reads */
	for (;;) {
		uint64_t room = seg->size > pos ? seg->size - pos : 0;
		size_t want;
		ssize_t n;

		if (room == 0 && !grow) {
			unsigned char c;

			/* Full: is there more input? */
			if ((n = read_some(infd, &c, 1)) == -1) {
				r = SHM_IO_OTHER;
				goto out;
			}
			*overflow = n > 0;
			break;
		}
		want = IO_BUFSZ;
		if (!grow && room < want)
			want = (size_t)room;
		if (shm_seg_is_mapping(seg)) {
			/*
			 * System V: read straight into the mapping, populated
			 * first (no more than the input has left).
			 */
			if (!grow && in_left != UINT64_MAX && room > MAP_CHUNK)
				want = MAP_CHUNK;
			else if (!grow && in_left != UINT64_MAX)
				want = (size_t)room;
			populate(seg->base + pos, in_left < want ?
			    (size_t)in_left : want, MADV_POPULATE_WRITE);
			n = read_some(infd, seg->base + pos, want);
			if (n > 0 && in_left != UINT64_MAX)
				in_left = in_left > (uint64_t)n ?
				    in_left - (uint64_t)n : 0;
		} else {
			n = read_some(infd, buf, want);
			/* Past the end, pwrite grows it: never shrinks. */
			if (n > 0 && pwrite_full(seg, buf, (size_t)n, pos) == -1)
				goto out;
			if (n > 0 && pos + (uint64_t)n > seg->size)
				seg->size = pos + (uint64_t)n;
		}
		if (n == -1) {
			r = SHM_IO_OTHER;
			goto out;
		}
		if (n == 0)
			break;
		pos += (uint64_t)n;
		*written += (uint64_t)n;
	}
	/* Growing to fit holds for empty input at an offset past the end. */
	if (grow && pos > seg->size && shm_grow(seg, pos) == -1)
		goto out;
	r = 0;
out:
	free_keep_errno(buf);
	return r;
}

/*
 * Is descriptor fd the segment's own file?  Copying an object into
 * itself would read what it has just written, until /dev/shm is full.
 */
bool
shm_seg_same_file(const struct shm_seg *seg, int fd)
{
	struct stat a, b;

	return !shm_seg_is_mapping(seg) && !shm_seg_by_address(seg) &&
	    fstat(fd, &a) == 0 &&
	    fstat(seg->fd, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino;
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
	if (shm_seg_is_mapping(seg)) {
		unsigned char *p = shm_seg_map(seg);

		if (p == NULL)
			return -1;
		memset(p + from, 0, (size_t)(to - from));
		return 0;
	}
	if (!shm_seg_by_address(seg) && fallocate(seg->fd,
	    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)from,
	    (off_t)(to - from)) == 0)
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
