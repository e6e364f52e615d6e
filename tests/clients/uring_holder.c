/*
 * uring_holder - a process that uses a POSIX object only through an
 * io_uring: as a registered (fixed) file, with no descriptor of its own
 * and no mapping, so /proc/PID/fd and /proc/PID/maps show nothing of it.
 * Only /proc/PID/fdinfo/RING lists it, under UserFiles.
 *
 * usage: uring_holder NAME SIZE TEXT READYFILE [ECHOFILE]
 *
 * shm_open(NAME, O_RDWR | O_CREAT), ftruncate to SIZE, io_uring_setup,
 * IORING_REGISTER_FILES with that descriptor, close it, then write "PID
 * RINGFD" into READYFILE.  On SIGUSR1 it writes TEXT with its NUL at
 * offset 0 through the ring (IORING_OP_WRITE on the fixed file), reads
 * the object back the same way and writes what it read, up to its first
 * NUL, into ECHOFILE; on SIGTERM or SIGINT it exits 0.
 *
 * Raw system calls, no liburing.  Where io_uring is not there (ENOSYS,
 * kernel.io_uring_disabled, a seccomp filter saying EPERM), it exits 77
 * with the reason on stderr, so a test can skip.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/io_uring.h>

#include "client.h"

#define EXIT_NO_URING	77

struct ring {
	int		 fd;
	unsigned	*sq_tail, *sq_mask, *sq_array;
	unsigned	*cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static void
ring_setup(struct ring *r)
{
	struct io_uring_params p;
	size_t sqlen, cqlen;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	if ((r->fd = (int)syscall(__NR_io_uring_setup, 4, &p)) == -1) {
		if (errno == ENOSYS || errno == EPERM) {
			fprintf(stderr, "%s: io_uring_setup: %s\n",
			    client_name, strerror(errno));
			exit(EXIT_NO_URING);
		}
		die("io_uring_setup");
	}
	sqlen = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cqlen = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if ((sq = mmap(NULL, sqlen, PROT_READ | PROT_WRITE, MAP_SHARED,
	    r->fd, IORING_OFF_SQ_RING)) == MAP_FAILED ||
	    (cq = mmap(NULL, cqlen, PROT_READ | PROT_WRITE, MAP_SHARED,
	    r->fd, IORING_OFF_CQ_RING)) == MAP_FAILED ||
	    (r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
	    PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
	    IORING_OFF_SQES)) == MAP_FAILED)
		die("mmap ring");
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
}

/* One read or write of len bytes at offset 0 of fixed file 0, waited for. */
static ssize_t
ring_rw(struct ring *r, uint8_t op, void *buf, size_t len)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	struct io_uring_sqe *sqe = &r->sqes[idx];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->fd = 0;			/* the index in the registered files */
	sqe->addr = (uint64_t)(uintptr_t)buf;
	sqe->len = (uint32_t)len;
	sqe->off = 0;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	while (syscall(__NR_io_uring_enter, r->fd, 1, 1,
	    IORING_ENTER_GETEVENTS, NULL, 0) == -1)
		if (errno != EINTR)
			die("io_uring_enter");
	head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
		errno = EAGAIN;
		die("no completion");
	}
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	if (res < 0) {
		errno = -res;
		return -1;
	}
	return res;
}

int
main(int argc, char *argv[])
{
	struct client c;
	struct ring r;
	char *buf;
	int fd;

	client_usage(argc, "uring_holder", "NAME SIZE TEXT READYFILE [ECHOFILE]");
	client_start(argc, argv, 1ULL << 30, &c);

	ring_setup(&r);
	if ((fd = shm_open(argv[1], O_RDWR | O_CREAT, 0600)) == -1)
		die("shm_open");
	client_size(fd, &c);
	if (syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_FILES,
	    &fd, 1) == -1)
		die("IORING_REGISTER_FILES");
	/* From here on only the ring holds it. */
	if (close(fd) == -1)
		die("close");
	if ((buf = calloc(1, (size_t)c.size + 1)) == NULL)
		die("calloc");
	client_ready(&c, "%ld %d\n", (long)getpid(), r.fd);
	while (client_wait(&c)) {
		if (ring_rw(&r, IORING_OP_WRITE, (void *)c.text,
		    strlen(c.text) + 1) == -1)
			die("IORING_OP_WRITE");
		memset(buf, 0, (size_t)c.size + 1);
		if (ring_rw(&r, IORING_OP_READ, buf, (size_t)c.size) == -1)
			die("IORING_OP_READ");
		client_echo(&c, buf);
	}
	return 0;
}
