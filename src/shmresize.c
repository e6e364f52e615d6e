/*
 * shmresize - change the size of a shared memory segment.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
"Usage: shmresize [-N PID] [-f] ADDRESS [+|-]SIZE\n"
"       shmresize [-N PID] [-f] --recover ADDRESS\n"
"Set the size of a segment to SIZE, or grow or shrink it by SIZE, and\n"
"print its ADDRESS.  A System V segment cannot change size: it is copied\n"
"into a new segment with the same key, mode and owner, by way of a\n"
"recovery file (mode 0600) in $TMPDIR, else /tmp.\n"
"\n"
"  -N, --namespace PID\n"
"                  in the IPC namespace and /dev/shm of process PID\n"
"  -f, --force     resize a System V segment that processes are attached\n"
"                  to, or shrink an object that processes map or hold\n"
"      --recover   put back the data that an interrupted resize of the\n"
"                  System V segment ADDRESS left in its recovery file\n"
"  -h, --help      show this help\n"
"  -V, --version   show the version\n"
"\n"
"ADDRESS: /NAME, posix:NAME, 0xKEY, key:N, id:N, file:PATH, memfd:PID:FD,\n"
"memfd:PID:START-END, deleted:PID:FD, deleted:PID:START-END (a memfd or an\n"
"unlinked object, through a process that holds or maps it; anonymous shared\n"
"memory, anon:PID:START-END, has its mapping's size).  See shmtools(7).\n";

enum { OPT_RECOVER = CHAR_MAX + 1 };

static int flags;		/* SHM_RESIZE_FORCE */
static int sign;		/* SIZE is +n (> 0), -n (< 0) or n (0) */
static uint64_t amount;		/* n */

static const struct option longopts[] = {
	CLI_NS_LONGOPT,
	{ "force",	no_argument,	NULL, 'f' },
	{ "recover",	no_argument,	NULL, OPT_RECOVER },
	{ "help",	no_argument,	NULL, 'h' },
	{ "version",	no_argument,	NULL, 'V' },
	{ NULL,		0,		NULL, 0 }
};

/* A segment of huge pages keeps them: SIZE must be whole pages. */
static void
page_size_fail(const char *arg, const struct shm_resize_result *res)
{
	char page[32];

	if (res->pagesize == 0) {
		cli_warn(arg, "cannot tell whether it is made of huge pages "
		    "(no /proc/self/maps?); nothing changed");
		return;
	}
	shm_huge_name(res->pagesize, page, sizeof(page));
	cli_warn(arg, "made of %s huge pages: the new size must be a "
	    "multiple of %s; nothing changed", page, page);
}

/* Why a resize failed, and where the data is. */
static void
resize_fail(const char *arg, int e, const struct shm_addr *a,
    const struct shm_resize_result *res)
{
	char out[SHM_ADDR_BUFSZ], buf[256], cmd[128];
	const char *why;

	shm_addr_format(&res->addr, out, sizeof(out));
	shm_recovery_command(a->place, res->addr.key, res->addr.id, cmd,
	    sizeof(cmd));
	if (res->lockpath != NULL) {
		cli_warn(arg, "cannot lock the key with %s: %s; nothing "
		    "changed", res->lockpath, shm_strerror(e));
		return;
	}
	if (res->savedir != NULL) {
		cli_warn(arg, "cannot save the data in %s first (set TMPDIR "
		    "elsewhere): %s; nothing changed", res->savedir,
		    shm_strerror(e));
		return;
	}
	switch (e) {
	case ERANGE:
		cli_warn(arg, "new size out of range (segment is %llu bytes)",
		    (unsigned long long)res->old_size);
		return;
	case EIDRM:
		cli_warn(arg, "removed (dest): it goes when its last process "
		    "detaches, and a copy would never be freed; not resized");
		return;
	case SHM_EPENDING:
		cli_warn(arg, "an earlier resize was interrupted and left the "
		    "data in %s: run '%s' first; nothing changed", res->saved,
		    cmd);
		return;
	case EINTR:
		cli_warn(arg, "interrupted; nothing changed");
		return;
	case SHM_EPAGESIZE:
		page_size_fail(arg, res);
		return;
	case EWOULDBLOCK:
		/* Shared holders keep a resize out as much as a resize does. */
		cli_warn(arg, "locked: another resize, or a shmcat, shmput or "
		    "shmrm of it, is still running; nothing changed");
		return;
	case EBUSY:
		if (res->users < 0) {
			cli_warn(arg, "cannot see whether processes map it: "
			    "not shrunk (use -f to force)");
			return;
		}
		if (res->users > 0) {
			cli_warn(arg, "mapped or held by %ld process%s (pid "
			    "%d%s): not shrunk (use -f to force)", res->users,
			    res->users == 1 ? "" : "es", (int)res->user_pid,
			    res->users > 1 ? ", ..." : "");
			return;
		}
		break;
	case ENOENT:
	case EACCES:
	case EPERM:
		/* Huge pages are a privilege of their own, not ownership. */
		if (res->saved == NULL && (res->pagesize == 0 || e != EPERM)) {
			cli_op_fail(arg, e, res->op, a);
			return;
		}
		break;
	}
	/* Too few huge pages for the copy: say which pool is short. */
	if (res->pagesize == 0 ||
	    (why = shm_huge_explain(e, res->pagesize, buf, sizeof(buf))) == NULL)
		why = shm_explain(e, res->op, a, buf, sizeof(buf));
	if (res->saved != NULL)
		cli_warn(arg, "%s; to put it back, run '%s': the data is saved "
		    "in %s", why, cmd, res->saved);
	else if (res->by_copy)
		cli_warn(arg, "%s; the data is intact in %s", why, out);
	else
		cli_op_fail(arg, e, res->op, a);
}

/*
 * Resize one segment and print the ADDRESS that holds it now.  Every
 * signal that can be is blocked until then (the library blocks them
 * only during its own work): a Ctrl-C during a System V copy then kills
 * us with the key whole and its new ADDRESS told.
 */
static int
resize_one(const char *arg, const struct shm_addr *a)
{
	char out[SHM_ADDR_BUFSZ];
	struct shm_resize_result res;
	sigset_t all, saved;
	int r = EXIT_SUCCESS;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &saved);
	if (shm_resize_to(a, sign, amount, flags, &res) == 0) {
		shm_addr_format(&res.addr, out, sizeof(out));
		printf("%s\n", out);
		fflush(stdout);
		if (res.late_pid != 0) {
			if (res.late_id == res.addr.id)
				cli_warn(arg, "process %d attached the new "
				    "segment while it was being filled: it may "
				    "have read zeros; the data is complete in "
				    "%s", (int)res.late_pid, out);
			else
				cli_warn(arg, "process %d attached during the "
				    "resize and stays on the removed segment "
				    "(id:%d): it must attach %s again",
				    (int)res.late_pid, res.late_id, out);
			r = EXIT_OPFAIL;
		}
	} else {
		resize_fail(arg, errno, a, &res);
		r = EXIT_OPFAIL;
	}
	shm_resize_result_free(&res);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return r;
}

/* Put back what interrupted resizes of a left, oldest file first. */
static int
recover_one(const char *arg, const struct shm_addr *a)
{
	char out[SHM_ADDR_BUFSZ], buf[256];
	struct shm_recover_result res;
	const char *why;
	int done = 0, r, e;

	for (;;) {
		r = shm_recover(a, flags, &res);
		e = errno;
		if (r == -1 && e == ENOENT && res.path == NULL)
			break;
		if (r == -1 && res.path == NULL) {
			const char *dir = getenv("TMPDIR");

			cli_warn(arg, "cannot look for its recovery file in "
			    "%s: %s", dir != NULL && *dir != '\0' ? dir :
			    "/tmp", shm_strerror(e));
			return EXIT_OPFAIL;
		}
		shm_addr_format(&res.addr, out, sizeof(out));
		if (r == 0 && res.stale) {
			cli_warn(arg, "the segment was never removed: deleted "
			    "the stale recovery file %s", res.path);
			printf("%s\n", out);
		} else if (r == 0) {
			cli_warn(arg, "restored from %s", res.path);
			printf("%s\n", out);
		} else if (e == EBUSY) {
			cli_warn(arg, "processes are attached to %s (pid %d): "
			    "not replaced (use -f to force); the data stays "
			    "in %s", out, (int)res.busy_pid, res.path);
		} else if (e == SHM_EINCOMPLETE) {
			cli_warn(arg, "the recovery file %s is incomplete and "
			    "the segment is gone: kept for you to judge",
			    res.path);
		} else if (e == SHM_EOTHERSEG) {
			cli_warn(arg, "%s names a segment that the recovery "
			    "file %s (of an older shmtools) cannot tell from "
			    "another IPC namespace's: not replaced (use -f if "
			    "it is the copy the resize made); the data stays "
			    "there", out, res.path);
		} else {
			if (res.pagesize == 0 || (why = shm_huge_explain(e,
			    res.pagesize, buf, sizeof(buf))) == NULL)
				why = shm_explain(e, SHM_OP_CREATE, a, buf,
				    sizeof(buf));
			cli_warn(arg, "%s; the data stays in %s", why,
			    res.path);
		}
		shm_recover_result_free(&res);
		if (r == -1)
			return EXIT_OPFAIL;
		done++;
	}
	shm_recover_result_free(&res);
	if (done == 0) {
		const char *dir = getenv("TMPDIR");

		cli_warn(arg, "no recovery file for it in %s",
		    dir != NULL && *dir != '\0' ? dir : "/tmp");
		return EXIT_OPFAIL;
	}
	return EXIT_SUCCESS;
}

int
main(int argc, char *argv[])
{
	struct shm_addr addr;
	const char *why;
	bool recover = false;
	int ch, r;

	cli_init(argv);
	/* "+": options stop at ADDRESS, so that "-1M" after it is a SIZE. */
	while ((ch = getopt_long(argc, argv, "+N:fhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'N':
			cli_namespace_arg(optarg);
			break;
		case 'f':
			flags |= SHM_RESIZE_FORCE;
			break;
		case OPT_RECOVER:
			recover = true;
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
	if (recover) {
		if (argc != 1)
			cli_usage(argc < 1 ? "--recover: expected ADDRESS" :
			    "--recover: too many operands: expected ADDRESS");
		cli_addr(argv[0], &addr);
		if (!shm_can_recover(&addr))
			cli_usage("%s: --recover is for a System V segment "
			    "(0xKEY, key:N or id:N)", argv[0]);
		addr.place = cli_place();
		r = recover_one(argv[0], &addr);
	} else {
		if (argc != 2)
			cli_usage(argc < 2 ? "expected ADDRESS and SIZE" :
			    "too many operands: expected ADDRESS and SIZE");
		cli_addr(argv[0], &addr);
		if (shm_size_parse_rel(argv[1], &sign, &amount, &why) == -1)
			cli_usage("size '%s': %s", argv[1], why);
		addr.place = cli_place();
		r = resize_one(argv[0], &addr);
	}
	shm_addr_free(&addr);
	return cli_exit_status(r);
}
