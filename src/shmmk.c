/*
 * shmmk - create a shared memory segment and print its ADDRESS.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_REUSE = CHAR_MAX + 1,
	OPT_RESERVE,
	OPT_FTOK,
	OPT_HUGE,
};

static const char usage_text[] =
"Usage: shmmk [-N PID] [-s SIZE] [-m MODE] [--reuse] [--reserve]\n"
"             [--huge[=PAGESIZE]] ADDRESS\n"
"       shmmk [-N PID] [-s SIZE] [-m MODE] [--reuse] [--reserve]\n"
"             [--huge[=PAGESIZE]] --ftok PATH[:PROJ]\n"
"       shmmk [-N PID] [-s SIZE] [-m MODE] [--reserve] [--huge[=PAGESIZE]] -p\n"
"Create a shared memory segment and print its ADDRESS.\n"
"\n"
"  -N, --namespace PID    in the IPC namespace and /dev/shm of process PID\n"
"  -s, --size SIZE        size (K, M, G suffixes); required for System V\n"
"  -m, --mode MODE        octal permissions (default 0600)\n"
"  -p, --private          a System V segment with key IPC_PRIVATE\n"
"      --reuse            accept an existing segment at least SIZE bytes\n"
"      --reserve          back the memory now, so a full /dev/shm fails here\n"
"      --huge[=PAGESIZE]  huge pages (2M, 1G; default: the kernel's); SIZE must\n"
"                         be a multiple of PAGESIZE.  System V; POSIX and files\n"
"                         only on hugetlbfs\n"
"      --ftok PATH[:PROJ] System V key as ftok(3) makes it (PROJ 1-255,\n"
"                         default 1)\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"ADDRESS: /NAME, posix:NAME, 0xKEY, key:N, file:PATH.  See shmtools(7).\n";

static const struct option longopts[] = {
	CLI_NS_LONGOPT,
	{ "size",	required_argument,	NULL, 's' },
	{ "mode",	required_argument,	NULL, 'm' },
	{ "private",	no_argument,		NULL, 'p' },
	{ "reuse",	no_argument,		NULL, OPT_REUSE },
	{ "reserve",	no_argument,		NULL, OPT_RESERVE },
	{ "ftok",	required_argument,	NULL, OPT_FTOK },
	{ "huge",	optional_argument,	NULL, OPT_HUGE },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* --ftok PATH[:PROJ]: the last colon splits, so paths may hold colons. */
static key_t
ftok_key(const char *arg)
{
	const char *colon = strrchr(arg, ':');
	char *path;
	int proj = 1;
	key_t key;

	if (colon != NULL) {
		const char *errstr;

		proj = (int)strtonum(colon + 1, 1, 255, &errstr);
		if (errstr != NULL)
			cli_usage("--ftok '%s': PROJ must be 1 to 255", arg);
	}
	path = colon != NULL ? strndup(arg, (size_t)(colon - arg)) :
	    strdup(arg);
	if (path == NULL)
		cli_fatal(NULL);
	if (*path == '\0')
		cli_usage("--ftok '%s': empty PATH", arg);
	if (shm_ftok(cli_place(), path, proj, &key) == -1) {
		cli_warn(NULL, "--ftok '%s': %s", path, shm_strerror(errno));
		exit(EXIT_OPFAIL);
	}
	free(path);
	return key;
}

/* Everything the options say. */
struct mk_opts {
	uint64_t	 size;
	bool		 have_size;
	mode_t		 mode;
	int		 flags;		/* SHM_C_* */
	bool		 private;
	const char	*ftok_arg;	/* --ftok PATH[:PROJ], or NULL */
	uint64_t	 huge;		/* --huge: the page size, or 0 */
};

static int
make_one(const struct mk_opts *o, const char *arg, const struct shm_addr *a)
{
	char out[SHM_ADDR_BUFSZ];
	struct shm_seg seg;
	bool existed;

	if (shm_create(a, o->size, o->mode, o->flags, &seg, &existed) == -1) {
		char buf[256];
		const char *why;

		if (o->huge != 0 &&
		    (why = shm_huge_explain(errno, o->huge, buf, sizeof(buf))))
			cli_warn(arg, "%s", why);
		else
			cli_op_fail(arg, errno, SHM_OP_CREATE, a);
		return EXIT_OPFAIL;
	}
	if (existed && o->huge != 0 && shm_seg_pagesize(&seg) != o->huge) {
		char page[32];

		shm_huge_name(o->huge, page, sizeof(page));
		cli_warn(arg, "exists, but not made of %s huge pages", page);
		shm_close(&seg);
		return EXIT_OPFAIL;
	}
	if (existed && seg.size < o->size) {
		cli_warn(arg, "exists with %llu bytes, smaller than %llu",
		    (unsigned long long)seg.size, (unsigned long long)o->size);
		shm_close(&seg);
		return EXIT_OPFAIL;
	}
	shm_addr_format(&seg.addr, out, sizeof(out));
	/*
	 * The ADDRESS is the only way a script learns of a private segment:
	 * if it cannot be told, what was made is removed, not leaked.
	 */
	if (printf("%s\n", out) < 0 || fflush(stdout) == EOF) {
		int e = errno;

		if (!existed && shm_remove(&seg.addr) == -1)
			cli_warn(out, "write error: %s; cannot remove it: %s",
			    shm_strerror(e), shm_strerror(errno));
		else
			cli_warn(arg, "write error: %s%s", shm_strerror(e),
			    existed ? "" : "; the new segment is removed");
		cli_stdout_error_told();
		shm_close(&seg);
		return EXIT_OPFAIL;
	}
	shm_close(&seg);
	return EXIT_SUCCESS;
}

static void
parse_options(struct mk_opts *o, int argc, char *argv[])
{
	const char *why;
	int ch;

	while ((ch = getopt_long(argc, argv, "N:s:m:phV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'N':
			cli_namespace_arg(optarg);
			break;
		case 's':
			o->size = cli_size(optarg, "--size");
			o->have_size = true;
			break;
		case 'm':
			if (shm_mode_parse(optarg, &o->mode, &why) == -1)
				cli_usage("--mode '%s': %s", optarg, why);
			break;
		case 'p':
			o->private = true;
			break;
		case OPT_REUSE:
			o->flags |= SHM_C_REUSE;
			break;
		case OPT_RESERVE:
			o->flags |= SHM_C_RESERVE;
			break;
		case OPT_FTOK:
			o->ftok_arg = optarg;
			break;
		case OPT_HUGE:
			if (shm_huge_parse(optarg, &o->huge, &why) == -1)
				cli_usage("--huge%s%s: %s", optarg ? "=" : "",
				    optarg ? optarg : "", why);
			o->flags |= shm_huge_flags(o->huge);
			break;
		case 'h':
			cli_help(usage_text);
		case 'V':
			cli_version();
		default:
			cli_bad_option();
		}
	}
}

/*
 * The segment to make, from --private, --ftok or the ADDRESS operand,
 * with the text that names it in messages (in keybuf for --ftok).  Every
 * mistake is a usage error, found before anything is made.
 */
static const char *
target(const struct mk_opts *o, int argc, char *argv[], struct shm_addr *addr,
    char *keybuf, size_t len)
{
	const char *why, *arg;

	if ((o->private || o->ftok_arg != NULL) && argc > 0)
		cli_usage("an ADDRESS cannot be given with %s",
		    o->private ? "--private" : "--ftok");
	if (o->private && o->ftok_arg != NULL)
		cli_usage("--private and --ftok exclude each other");
	if (o->private && (o->flags & SHM_C_REUSE))
		cli_usage("--reuse makes no sense with --private");
	if (!o->private && o->ftok_arg == NULL && argc != 1)
		cli_usage(argc == 0 ? "missing ADDRESS" :
		    "one ADDRESS at a time");

	if (o->private) {
		memset(addr, 0, sizeof(*addr));
		addr->kind = SHM_SYSV;
		addr->by_id = true;
		addr->key = 0;
		addr->id = addr->fd = -1;
		arg = "--private";
	} else if (o->ftok_arg != NULL) {
		key_t key = ftok_key(o->ftok_arg);

		snprintf(keybuf, len, "0x%08x", (unsigned)key);
		if (shm_addr_parse(keybuf, addr, &why) == -1)
			cli_usage("--ftok '%s': gives key %s: %s", o->ftok_arg,
			    keybuf, why);
		arg = keybuf;
	} else {
		cli_addr(argv[0], addr);
		arg = argv[0];
	}

	if (shm_create_check(addr, o->have_size, o->flags, &why) == -1)
		cli_usage("%s: %s", arg, why);
	if (o->huge != 0 && o->have_size && o->size % o->huge != 0) {
		char page[32];

		shm_huge_name(o->huge, page, sizeof(page));
		cli_usage("--size: huge pages come whole: SIZE must be a "
		    "multiple of %s", page);
	}
	addr->place = cli_place();
	return arg;
}

int
main(int argc, char *argv[])
{
	struct mk_opts o = { .mode = 0600 };
	struct shm_addr addr;
	const char *arg;
	char keybuf[32];
	int r;

	cli_init(argv);
	parse_options(&o, argc, argv);
	argc -= optind;
	argv += optind;
	arg = target(&o, argc, argv, &addr, keybuf, sizeof(keybuf));
	r = make_one(&o, arg, &addr);
	shm_addr_free(&addr);
	return cli_exit_status(r);
}
