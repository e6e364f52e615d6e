/*
 * shmput - write stdin, a string or a file into a shared memory segment.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
"Usage: shmput [-N PID] [-o OFFSET] [-g] [-z] [-d DATA | -i FILE] ADDRESS\n"
"Write stdin (or DATA, or FILE) into a shared memory segment at OFFSET.\n"
"Input that does not fit is refused: nothing is written past the end.\n"
"\n"
"  -N, --namespace PID  in the IPC namespace and /dev/shm of process PID\n"
"  -o, --offset OFFSET  write at byte OFFSET\n"
"  -g, --grow           extend a POSIX object or file to fit the input\n"
"  -z, --zero-rest      clear the bytes after the input to the end\n"
"  -d, --data DATA      write the string DATA (no newline added)\n"
"  -i, --input FILE     read FILE instead of stdin\n"
"  -h, --help           show this help\n"
"  -V, --version        show the version\n"
"\n"
"ADDRESS: /NAME, posix:NAME, 0xKEY, key:N, id:N, file:PATH, memfd:PID:FD,\n"
"memfd:PID:START-END, deleted:PID:FD, deleted:PID:START-END, anon:PID:START-END\n"
"(a memfd, an unlinked object or anonymous shared memory, through a process\n"
"that holds or maps it).  See shmtools(7).\n";

static const struct option longopts[] = {
	CLI_NS_LONGOPT,
	{ "offset",	required_argument,	NULL, 'o' },
	{ "grow",	no_argument,		NULL, 'g' },
	{ "zero-rest",	no_argument,		NULL, 'z' },
	{ "data",	required_argument,	NULL, 'd' },
	{ "input",	required_argument,	NULL, 'i' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

static uint64_t offset;
static bool grow, zero_rest;

/*
 * Make room for len bytes at offset, before writing any: grow the
 * segment if allowed, else refuse.
 */
static int
fit(const char *arg, struct shm_seg *seg, uint64_t len)
{
	uint64_t end = offset + len;

	if (end < offset || end > INT64_MAX) {
		cli_warn(arg, "input too large");
		return -1;
	}
	if (end <= seg->size)
		return 0;
	if (grow && shm_can_grow(seg)) {
		if (shm_grow(seg, end) == 0)
			return 0;
		cli_op_fail(arg, errno, SHM_OP_RESIZE, &seg->addr);
		return -1;
	}
	if (seg->size == 0 && !grow)
		cli_warn(arg, "the segment is empty (0 bytes): nothing fits, "
		    "nothing written (--grow extends it)");
	else if (offset > seg->size)
		cli_warn(arg, "offset %llu is beyond the end (%llu bytes)",
		    (unsigned long long)offset, (unsigned long long)seg->size);
	else
		cli_warn(arg, "input of %llu bytes does not fit: %llu bytes "
		    "free at offset %llu%s; nothing written",
		    (unsigned long long)len,
		    (unsigned long long)(seg->size - offset),
		    (unsigned long long)offset,
		    grow ? " (a System V segment cannot grow: use shmresize)" :
		    " (--grow extends it)");
	return -1;
}

static int
put_data(const char *arg, struct shm_seg *seg, const char *data,
    uint64_t *written)
{
	size_t len = strlen(data), done = 0;

	*written = 0;
	if (fit(arg, seg, len) == -1)
		return -1;
	while (done < len) {
		ssize_t n = shm_pwrite(seg, data + done, len - done,
		    offset + done);

		if (n == -1) {
			cli_op_fail(arg, errno, SHM_OP_WRITE, &seg->addr);
			return -1;
		}
		done += (size_t)n;
	}
	*written = len;
	return 0;
}

static const char *input_name = "standard input";

static const char *
input_error(int e, char *buf, size_t len)
{
	snprintf(buf, len, "cannot read %s: %s", input_name, shm_strerror(e));
	return buf;
}

static int
put_fd(const char *arg, struct shm_seg *seg, int fd, uint64_t *written)
{
	struct stat st;
	bool overflow;
	int r;

	*written = 0;
	/* Appending an object to itself would fill /dev/shm. */
	if (shm_seg_same_file(seg, fd)) {
		cli_warn(arg, "the input is the segment itself");
		return -1;
	}

	/* A regular file's size is known: refuse it before writing. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t pos = lseek(fd, 0, SEEK_CUR);

		if (pos >= 0 && st.st_size >= pos &&
		    fit(arg, seg, (uint64_t)(st.st_size - pos)) == -1)
			return -1;
	} else if (offset > seg->size && fit(arg, seg, 0) == -1) {
		return -1;
	}
	if ((r = shm_copy_in(seg, fd, offset, grow, written, &overflow)) != 0) {
		char buf[256];

		cli_warn(arg, "%s: %llu bytes were written at offset %llu",
		    r == SHM_IO_OTHER ? input_error(errno, buf, sizeof(buf)) :
		    shm_explain(errno, SHM_OP_WRITE, &seg->addr, buf,
		    sizeof(buf)), (unsigned long long)*written,
		    (unsigned long long)offset);
		return -1;
	}
	if (overflow && seg->size == 0) {
		(void)fit(arg, seg, 1);		/* says why, as -d would */
		return -1;
	}
	if (overflow) {
		cli_warn(arg, "input does not fit: the first %llu bytes were "
		    "written at offset %llu, the rest refused (segment is "
		    "%llu bytes%s)", (unsigned long long)*written,
		    (unsigned long long)offset, (unsigned long long)seg->size,
		    grow ? "" : "; --grow extends it");
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *data = NULL, *input = NULL, *arg;
	struct shm_addr addr;
	struct shm_seg seg;
	uint64_t written = 0, orig_size;
	int ch, fd = STDIN_FILENO, r;

	cli_init(argv);
	while ((ch = getopt_long(argc, argv, "N:o:gzd:i:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'N':
			cli_namespace_arg(optarg);
			break;
		case 'o':
			offset = cli_size(optarg, "--offset");
			break;
		case 'g':
			grow = true;
			break;
		case 'z':
			zero_rest = true;
			break;
		case 'd':
			data = optarg;
			break;
		case 'i':
			input = optarg;
			break;
		case 'h':
			cli_help(usage_text);
		case 'V':
			cli_version();
		default:
			cli_bad_option();
		}
	}
	argc -= optind;
	argv += optind;
	if (data != NULL && input != NULL)
		cli_usage("--data and --input exclude each other");
	if (argc != 1)
		cli_usage(argc == 0 ? "missing ADDRESS" : "one ADDRESS at a "
		    "time; the data goes with -d DATA, -i FILE or on stdin");
	arg = argv[0];
	cli_addr(arg, &addr);
	addr.place = cli_place();

	/* A FIFO given with -i is waited on for its writer, as cat does. */
	if (input != NULL && (fd = open(input, O_RDONLY | O_CLOEXEC |
	    O_NOCTTY)) == -1) {
		cli_warn(input, "%s", shm_strerror(errno));
		shm_addr_free(&addr);
		return cli_exit_status(EXIT_OPFAIL);
	}
	if (input != NULL)
		input_name = input;
	if (shm_open_seg(&addr, SHM_O_RDWR, &seg) == -1) {
		cli_op_fail(arg, errno, SHM_OP_WRITE, &addr);
		shm_addr_free(&addr);
		return cli_exit_status(EXIT_OPFAIL);
	}
	orig_size = seg.size;
	r = data != NULL ? put_data(arg, &seg, data, &written) :
	    put_fd(arg, &seg, fd, &written);
	/*
	 * A failed --grow gives back the room it took but did not fill,
	 * unless another writer has changed the size since.
	 */
	if (r != 0 && seg.size > orig_size) {
		uint64_t keep = offset + written > orig_size ?
		    offset + written : orig_size;

		(void)shm_ungrow(&seg, seg.size, keep);
	}
	if (r == 0 && zero_rest &&
	    shm_zero(&seg, offset + written, seg.size) == -1) {
		cli_op_fail(arg, errno, SHM_OP_WRITE, &addr);
		r = -1;
	}
	shm_close(&seg);
	shm_addr_free(&addr);
	if (input != NULL)
		close(fd);
	return cli_exit_status(r == 0 ? EXIT_SUCCESS : EXIT_OPFAIL);
}
