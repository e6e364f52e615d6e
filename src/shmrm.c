/*
 * shmrm - remove shared memory segments.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage_text[] =
"Usage: shmrm [-n] [-v] [-f] ADDRESS...\n"
"Remove shared memory segments: System V segments with IPC_RMID (freed\n"
"when the last process detaches), POSIX objects and files by unlinking.\n"
"\n"
"  -n, --dry-run   say what would be removed, remove nothing\n"
"  -v, --verbose   print each ADDRESS removed\n"
"  -f, --force     no error for a segment that does not exist\n"
"  -h, --help      show this help\n"
"  -V, --version   show the version\n"
"\n"
"ADDRESS: /NAME, posix:NAME, 0xKEY, key:N, id:N, file:PATH (a memfd lives\n"
"while a process holds it and cannot be removed).  See shmtools(7).\n";

static const struct option longopts[] = {
	{ "dry-run",	no_argument,	NULL, 'n' },
	{ "verbose",	no_argument,	NULL, 'v' },
	{ "force",	no_argument,	NULL, 'f' },
	{ "help",	no_argument,	NULL, 'h' },
	{ "version",	no_argument,	NULL, 'V' },
	{ NULL,		0,		NULL, 0 }
};

static bool dry_run, verbose, force;

static int
remove_one(const char *arg, const struct shm_addr *a)
{
	struct shm_rec rec;
	bool attached = false;

	if (shm_stat(a, &rec) == -1) {
		if (errno == ENOENT && force)
			return EXIT_SUCCESS;
		cli_op_fail(arg, errno, SHM_OP_REMOVE, a);
		return EXIT_OPFAIL;
	}
	attached = rec.nattch > 0;
	shm_rec_free(&rec);
	if (dry_run) {
		printf("would remove %s\n", arg);
		return EXIT_SUCCESS;
	}
	if (shm_remove(a) == -1) {
		if (errno == ENOENT && force)
			return EXIT_SUCCESS;
		cli_op_fail(arg, errno, SHM_OP_REMOVE, a);
		return EXIT_OPFAIL;
	}
	if (attached)
		cli_warn(arg, "removed while still attached: freed when the "
		    "last process detaches");
	if (verbose)
		printf("removed %s\n", arg);
	return EXIT_SUCCESS;
}

int
main(int argc, char *argv[])
{
	int ch;

	cli_init(argv);
	while ((ch = getopt_long(argc, argv, "nvfhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry_run = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			cli_help(usage_text);
		case 'V':
			cli_version();
		default:
			cli_usage("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	return cli_exit_status(cli_each_addr(argc, argv,
	    SHM_KINDS_ALL & ~SHM_KIND_BIT(SHM_MEMFD), remove_one));
}
