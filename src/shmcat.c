/*
 * shmcat - write the contents of shared memory segments to stdout.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
"Usage: shmcat [-N PID] [-o OFFSET] [-n LENGTH] [-s] ADDRESS...\n"
"Write the contents of shared memory segments to stdout, in order.\n"
"\n"
"  -N, --namespace PID  in the IPC namespace and /dev/shm of process PID\n"
"  -o, --offset OFFSET  start at byte OFFSET of each segment\n"
"  -n, --length LENGTH  write at most LENGTH bytes of each segment\n"
"  -s, --string         stop at the first NUL byte (a C string)\n"
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
	{ "length",	required_argument,	NULL, 'n' },
	{ "string",	no_argument,		NULL, 's' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

struct cat_opts {
	uint64_t	 offset, length;
	bool		 string;
};

static int
cat_one(void *ctx, const char *arg, const struct shm_addr *a)
{
	const struct cat_opts *o = ctx;
	struct shm_seg seg;
	uint64_t copied;
	int n, r = EXIT_SUCCESS;

	if (shm_open_seg(a, SHM_O_RDONLY, &seg) == -1) {
		cli_op_fail(arg, errno, SHM_OP_OPEN, a);
		return EXIT_OPFAIL;
	}
	if (o->offset > seg.size) {
		cli_warn(arg, "offset %llu is beyond the end (%llu bytes)",
		    (unsigned long long)o->offset, (unsigned long long)seg.size);
		r = EXIT_OPFAIL;
	} else if ((n = shm_copy_out(&seg, STDOUT_FILENO, o->offset,
	    o->length, o->string, &copied)) == SHM_IO_OTHER) {
		/* stdout's fault, not the segment's: no more operands. */
		if (errno != EPIPE)	/* the reader left, as with cat */
			cli_warn(NULL, "write error: %s", shm_strerror(errno));
		exit(EXIT_OPFAIL);
	} else if (n == -1) {
		cli_op_fail(arg, errno, SHM_OP_READ, a);
		r = EXIT_OPFAIL;
	}
	shm_close(&seg);
	return r;
}

int
main(int argc, char *argv[])
{
	struct cat_opts o = { 0, UINT64_MAX, false };
	int ch;

	cli_init(argv);
	while ((ch = getopt_long(argc, argv, "N:o:n:shV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'N':
			cli_namespace_arg(optarg);
			break;
		case 'o':
			o.offset = cli_size(optarg, "--offset");
			break;
		case 'n':
			o.length = cli_size(optarg, "--length");
			break;
		case 's':
			o.string = true;
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
	return cli_exit_status(cli_each_addr(argc, argv,
	    SHM_KINDS_ALL, cat_one, &o));
}
