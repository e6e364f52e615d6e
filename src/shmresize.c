/*
 * shmresize - change the size of a shared memory segment.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
"Usage: shmresize [-f] ADDRESS [+|-]SIZE\n"
"Set the size of a segment to SIZE, or grow or shrink it by SIZE, and\n"
"print its ADDRESS.  A System V segment cannot change size: it is copied\n"
"into a new segment with the same key, mode and owner.\n"
"\n"
"  -f, --force     resize a System V segment that processes are attached\n"
"                  to, or shrink an object that processes map or hold\n"
"  -h, --help      show this help\n"
"  -V, --version   show the version\n"
"\n"
"ADDRESS: /NAME, posix:NAME, 0xKEY, key:N, id:N, file:PATH,\n"
"memfd:PID:FD.  See shmtools(7).\n";

static const struct option longopts[] = {
	{ "force",	no_argument,	NULL, 'f' },
	{ "help",	no_argument,	NULL, 'h' },
	{ "version",	no_argument,	NULL, 'V' },
	{ NULL,		0,		NULL, 0 }
};

static int
resize_sysv(const char *arg, struct shm_seg *seg, uint64_t size, int flags)
{
	char out[SHM_ADDR_BUFSZ], buf[256];
	struct shm_resize_result res;

	if (sysv_resize_copy(seg, size, flags, &res) == 0) {
		shm_addr_format(&res.addr, out, sizeof(out));
		printf("%s\n", out);
		return EXIT_SUCCESS;
	}
	shm_addr_format(&res.addr, out, sizeof(out));
	if (res.save_failed)
		cli_warn(arg, "cannot save the data in %s first (set TMPDIR "
		    "elsewhere): %s; nothing changed", res.savedir,
		    strerror(errno));
	else if (res.saved[0] != '\0')
		cli_warn(arg, "%s; the data is saved in %s",
		    shm_explain(errno, SHM_OP_RESIZE, &seg->addr, buf,
		    sizeof(buf)), res.saved);
	else
		cli_warn(arg, "%s; the data is intact in %s",
		    shm_explain(errno, SHM_OP_RESIZE, &seg->addr, buf,
		    sizeof(buf)), out);
	return EXIT_OPFAIL;
}

/*
 * Shrinking an object that a process maps makes that process die of
 * SIGBUS when it touches the lost pages: refuse while anyone (or someone
 * we cannot see) uses it.  Growing is harmless.
 */
static bool
shrink_is_safe(const char *arg, const struct shm_addr *a)
{
	struct shm_rec *rec;
	size_t n = 1;
	bool safe;

	if ((rec = calloc(1, sizeof(*rec))) == NULL)
		err(EXIT_OPFAIL, NULL);
	if (shm_stat(a, rec) == -1 || shm_scan_users(&rec, &n, false) == -1) {
		cli_op_fail(arg, errno, SHM_OP_STAT, a);
		shm_rec_list_free(rec, n);
		return false;
	}
	safe = rec->nattch == 0;
	if (rec->nattch < 0)
		cli_warn(arg, "cannot see whether processes map it: not "
		    "shrunk (use -f to force)");
	else if (!safe)
		cli_warn(arg, "mapped or held by %ld process%s (pid %d%s): "
		    "not shrunk (use -f to force)", rec->nattch,
		    rec->nattch == 1 ? "" : "es", (int)rec->pids[0],
		    rec->npids > 1 ? ", ..." : "");
	shm_rec_list_free(rec, n);
	return safe;
}

static int
resize_one(const char *arg, const struct shm_addr *a, int sign, uint64_t n,
    int flags)
{
	char out[SHM_ADDR_BUFSZ];
	struct shm_seg seg;
	uint64_t size = n;
	int r = EXIT_SUCCESS;

	if (shm_open_seg(a, SHM_O_RDWR, &seg) == -1) {
		cli_op_fail(arg, errno, SHM_OP_RESIZE, a);
		return EXIT_OPFAIL;
	}
	if (sign > 0)
		size = seg.size + n;
	else if (sign < 0)
		size = seg.size - n;
	if ((sign > 0 && (size < seg.size || size > INT64_MAX)) ||
	    (sign < 0 && n > seg.size)) {
		cli_warn(arg, "new size out of range (segment is %llu bytes)",
		    (unsigned long long)seg.size);
		r = EXIT_OPFAIL;
	} else if (a->kind == SHM_SYSV) {
		r = resize_sysv(arg, &seg, size, flags);
	} else if (size < seg.size && !(flags & SHM_RESIZE_FORCE) &&
	    !shrink_is_safe(arg, a)) {
		r = EXIT_OPFAIL;
	} else if (shm_resize(&seg, size) == -1) {
		cli_op_fail(arg, errno, SHM_OP_RESIZE, a);
		r = EXIT_OPFAIL;
	} else {
		shm_addr_format(a, out, sizeof(out));
		printf("%s\n", out);
	}
	shm_close(&seg);
	return r;
}

int
main(int argc, char *argv[])
{
	struct shm_addr addr;
	const char *why;
	uint64_t n;
	int ch, flags = 0, sign, r;

	cli_init(argv);
	/* "+": options stop at ADDRESS, so that "-1M" after it is a SIZE. */
	while ((ch = getopt_long(argc, argv, "+fhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			flags |= SHM_RESIZE_FORCE;
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
	if (argc != 2)
		cli_usage(argc < 2 ? "expected ADDRESS and SIZE" :
		    "too many operands: expected ADDRESS and SIZE");
	cli_addr(argv[0], &addr);
	if (shm_size_parse_rel(argv[1], &sign, &n, &why) == -1)
		cli_usage("size '%s': %s", argv[1], why);

	r = resize_one(argv[0], &addr, sign, n, flags);
	shm_addr_free(&addr);
	return cli_exit_status(r);
}
