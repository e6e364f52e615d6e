/*
 * test_proc.c - the parsers of the /proc scan: lines of /proc/PID/maps
 * (the full parse and the cheap peek that skips libraries), and the
 * mountinfo line and super options that say whether /proc hides
 * processes (hidepid), and the registered files in an io_uring's fdinfo.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include "shm-private.h"
#include "proctext.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* How much of a line to show in a description: one line, 50 at most. */
static int
W(const char *line)
{
	size_t n = strcspn(line, "\n");

	return n > 50 ? 50 : (int)n;
}

struct maps_case {
	const char	*line;
	int		 ret;		/* proc_maps_parse_line */
	unsigned	 major, minor;
	unsigned long long ino;
	bool		 shared;
	const char	*path;		/* NULL: anonymous */
	int		 peek;		/* proc_maps_peek */
};

static const struct maps_case maps_cases[] = {
	/* A POSIX object mapped MAP_SHARED. */
	{ "7f1c2a000000-7f1c2a002000 rw-s 00000000 00:1a 42   "
	    "/dev/shm/foo\n", 0, 0, 0x1a, 42, true, "/dev/shm/foo", 0 },
	/* A library, privately: the lines the peek must let go cheaply. */
	{ "7f1c29e00000-7f1c29e28000 r--p 00000000 08:01 1835103    "
	    "/usr/lib/x86_64-linux-gnu/libc.so.6\n", 0, 8, 1, 1835103, false,
	    "/usr/lib/x86_64-linux-gnu/libc.so.6", 0 },
	/* A System V segment: the inode is the shmid, 0 included. */
	{ "7f0000000000-7f0000001000 rw-s 00000000 00:01 0    "
	    "/SYSV5e000000 (deleted)\n", 0, 0, 1, 0, true,
	    "/SYSV5e000000 (deleted)", 0 },
	/* A memfd, mapped privately. */
	{ "7f0000000000-7f0000001000 r--p 00000000 00:01 1027 "
	    "/memfd:name (deleted)\n", 0, 0, 1, 1027, false,
	    "/memfd:name (deleted)", 0 },
	/* Anonymous memory and the kernel's pseudo-paths have no path. */
	{ "55d4c8e0f000-55d4c8e30000 rw-p 00000000 00:00 0   [heap]\n",
	    0, 0, 0, 0, false, NULL, 0 },
	{ "7ffd3c1e4000-7ffd3c205000 rw-p 00000000 00:00 0\n",
	    0, 0, 0, 0, false, NULL, 0 },
	/* Big device numbers: major 259 (NVMe), minor over 255. */
	{ "7f0000000000-7f0000001000 rw-s 00001000 103:10005 77 /data/f\n",
	    0, 0x103, 0x10005, 77, true, "/data/f", 0 },
	/* A path with blanks in it is kept whole. */
	{ "7f0000000000-7f0000001000 rw-s 00000000 00:1a 9 /dev/shm/a b\n",
	    0, 0, 0x1a, 9, true, "/dev/shm/a b", 0 },
	/* Malformed lines. */
	{ "", -1, 0, 0, 0, false, NULL, -1 },
	{ "garbage\n", -1, 0, 0, 0, false, NULL, -1 },
	{ "7f00-7f01 rw 0 00:1a 9 /x\n", -1, 0, 0, 0, false, NULL, -1 },
	{ "7f00-7f01 rw-s 0 001a 9 /x\n", -1, 0, 0, 0, false, NULL, -1 },
	{ "7f00-7f01 rw-s 0 00:1a\n", -1, 0, 0, 0, false, NULL, -1 },
	{ "7f00-7f01 rw-s 0 :1a 9 /x\n", -1, 0, 0, 0, false, NULL, -1 },
	{ "7f00-7f01 rw-s 0 00:zz 9 /x\n", -1, 0, 0, 0, false, NULL, -1 },
};

static void
check_maps(const struct maps_case *c)
{
	const char *path = NULL;
	bool shared = false;
	dev_t dev = 0;
	ino_t ino = 0;
	int r;

	r = proc_maps_parse_line(c->line, &dev, &ino, &shared, &path);
	if (c->ret == -1) {
		tap_ok(r == -1 && errno == EINVAL, "maps line '%.*s' is "
		    "refused", W(c->line), c->line);
	} else if (!tap_ok(r == 0 && major(dev) == c->major &&
	    minor(dev) == c->minor && (unsigned long long)ino == c->ino &&
	    shared == c->shared && ((path == NULL && c->path == NULL) ||
	    (path != NULL && c->path != NULL &&
	    strncmp(path, c->path, strlen(c->path)) == 0)),
	    "maps line '%.*s' parses", W(c->line), c->line)) {
		tap_diag("got %d, %u:%u %llu %s %s", r, major(dev), minor(dev),
		    (unsigned long long)ino, shared ? "shared" : "private",
		    path != NULL ? path : "(none)");
	}
	shared = !c->shared;
	dev = 0;
	r = proc_maps_peek(c->line, &dev, &shared);
	if (c->peek == -1)
		tap_ok(r == -1 && errno == EINVAL, "peek refuses '%.*s'",
		    W(c->line), c->line);
	else if (c->ret == 0)
		tap_ok(r == 0 && major(dev) == c->major &&
		    minor(dev) == c->minor && shared == c->shared,
		    "peek at '%.*s' gives %u:%u %s", W(c->line), c->line,
		    c->major, c->minor, c->shared ? "shared" : "private");
	else
		tap_ok(r == 0, "peek at '%.*s' passes it to the parser",
		    W(c->line), c->line);
}

struct opts_case {
	const char	*opts;
	enum proc_hidepid hidepid;
	gid_t		 gid;
	bool		 subset_pid;
};

static const struct opts_case opts_cases[] = {
	{ "rw", PROC_HIDEPID_OFF, 0, false },
	{ "rw\n", PROC_HIDEPID_OFF, 0, false },
	{ "", PROC_HIDEPID_OFF, 0, false },
	{ "rw,hidepid=off", PROC_HIDEPID_OFF, 0, false },
	{ "rw,hidepid=0", PROC_HIDEPID_OFF, 0, false },
	{ "rw,hidepid=1", PROC_HIDEPID_RESTRICTED, 0, false },
	{ "rw,hidepid=2", PROC_HIDEPID_RESTRICTED, 0, false },
	{ "rw,hidepid=4", PROC_HIDEPID_RESTRICTED, 0, false },
	{ "rw,hidepid=noaccess", PROC_HIDEPID_RESTRICTED, 0, false },
	{ "rw,hidepid=invisible\n", PROC_HIDEPID_RESTRICTED, 0, false },
	{ "rw,hidepid=ptraceable", PROC_HIDEPID_RESTRICTED, 0, false },
	/* A value we do not know restricts: unknown is not zero. */
	{ "rw,hidepid=someday", PROC_HIDEPID_RESTRICTED, 0, false },
	{ "rw,hidepid=", PROC_HIDEPID_RESTRICTED, 0, false },
	{ "rw,hidepid=offline", PROC_HIDEPID_RESTRICTED, 0, false },
	{ "rw,hidepid=00", PROC_HIDEPID_RESTRICTED, 0, false },
	{ "rw,gid=27,hidepid=invisible", PROC_HIDEPID_RESTRICTED, 27, false },
	{ "rw,hidepid=invisible,gid=4294967294", PROC_HIDEPID_RESTRICTED,
	    4294967294U, false },
	{ "rw,hidepid=2,gid=x", PROC_HIDEPID_RESTRICTED, (gid_t)-1, false },
	{ "rw,hidepid=2,gid=4294967295", PROC_HIDEPID_RESTRICTED, (gid_t)-1,
	    false },
	{ "rw,hidepid=2,gid=99999999999999999999", PROC_HIDEPID_RESTRICTED,
	    (gid_t)-1, false },
	{ "rw,subset=pid", PROC_HIDEPID_OFF, 0, true },
	{ "rw,hidepid=invisible,subset=pid", PROC_HIDEPID_RESTRICTED, 0,
	    true },
	/* Not another option that starts alike. */
	{ "rw,subset=pidx,xhidepid=2", PROC_HIDEPID_OFF, 0, false },
};

static void
check_opts(const struct opts_case *c)
{
	struct proc_mount_opts o;
	int r = proc_mount_opts_parse(c->opts, &o);

	if (!tap_ok(r == 0 && o.hidepid == c->hidepid && o.gid == c->gid &&
	    o.subset_pid == c->subset_pid, "proc options '%.*s'", W(c->opts),
	    c->opts))
		tap_diag("got %d: hidepid %d gid %u subset=pid %d", r,
		    (int)o.hidepid, (unsigned)o.gid, (int)o.subset_pid);
}

struct mountinfo_case {
	const char	*line;
	int		 ret;		/* 1: proc at /proc */
	unsigned	 major, minor;
	enum proc_hidepid hidepid;
};

static const struct mountinfo_case mountinfo_cases[] = {
	{ "22 27 0:21 / /proc rw,relatime - proc proc rw\n", 1, 0, 21,
	    PROC_HIDEPID_OFF },
	{ "22 27 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - "
	    "proc proc rw,hidepid=invisible,gid=27\n", 1, 0, 21,
	    PROC_HIDEPID_RESTRICTED },
	/* Several optional fields before the separator. */
	{ "40 27 0:40 / /proc rw shared:1 master:2 propagate_from:3 - proc "
	    "none rw,hidepid=2\n", 1, 0, 40, PROC_HIDEPID_RESTRICTED },
	/* Not /proc, or not a proc. */
	{ "23 22 0:22 / /proc/sys/fs/binfmt_misc rw - binfmt_misc "
	    "binfmt_misc rw\n", 0, 0, 0, PROC_HIDEPID_OFF },
	{ "50 27 0:50 / /tmp/proc rw - proc proc rw,hidepid=2\n", 0, 0, 0,
	    PROC_HIDEPID_OFF },
	{ "51 27 0:51 / /proc rw - tmpfs tmpfs rw\n", 0, 0, 0,
	    PROC_HIDEPID_OFF },
	{ "52 27 0:52 / /procfs rw - proc proc rw\n", 0, 0, 0,
	    PROC_HIDEPID_OFF },
	{ "53 27 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n", 0, 0, 0,
	    PROC_HIDEPID_OFF },
	/* A mount point with a blank is escaped: it is one field. */
	{ "54 27 0:54 / /my\\040proc rw - proc proc rw\n", 0, 0, 0,
	    PROC_HIDEPID_OFF },
	/* Malformed. */
	{ "", -1, 0, 0, PROC_HIDEPID_OFF },
	{ "22 27 0:21 / /proc rw,relatime proc proc rw\n", -1, 0, 0,
	    PROC_HIDEPID_OFF },
	{ "22 27 021 / /proc rw - proc proc rw\n", -1, 0, 0,
	    PROC_HIDEPID_OFF },
	{ "22 27 0:21 / /proc rw - proc proc\n", -1, 0, 0, PROC_HIDEPID_OFF },
	{ "22 27 0:21 / /proc rw - proc\n", -1, 0, 0, PROC_HIDEPID_OFF },
	{ "22 27 0:21 /\n", -1, 0, 0, PROC_HIDEPID_OFF },
};

static void
check_mountinfo(const struct mountinfo_case *c)
{
	struct proc_mount_opts o = { PROC_HIDEPID_OFF, 0, false };
	dev_t dev = 0;
	int r = proc_mountinfo_proc(c->line, &dev, &o);

	if (c->ret != 1)
		tap_ok(r == c->ret, "mountinfo '%.*s' gives %d", W(c->line),
		    c->line, c->ret);
	else if (!tap_ok(r == 1 && major(dev) == c->major &&
	    minor(dev) == c->minor && o.hidepid == c->hidepid,
	    "mountinfo '%.*s' is the proc at /proc", W(c->line),
	    c->line))
		tap_diag("got %d, %u:%u hidepid %d", r, major(dev), minor(dev),
		    (int)o.hidepid);
}

/* Any mount's line: its device, unescaped mount point and type. */
static void
check_mountinfo_parse(void)
{
	struct mountinfo_ent m;

	tap_ok(proc_mountinfo_parse("61 30 0:57 / /run/user/1000\\040x rw "
	    "shared:3 - tmpfs tmpfs rw,size=100k\n", &m) == 0 &&
	    major(m.dev) == 0 && minor(m.dev) == 57 &&
	    strcmp(m.mnt, "/run/user/1000 x") == 0 &&
	    proc_mountinfo_is(&m, "tmpfs") && !proc_mountinfo_is(&m, "tmp") &&
	    strncmp(m.opts, "rw,size=100k", 12) == 0,
	    "mountinfo of a tmpfs: device, escaped blank, type, options");
	tap_ok(proc_mountinfo_parse("61 30 0:57 / /a\\13 rw - tmpfs t rw\n",
	    &m) == 0 && strcmp(m.mnt, "/a\\13") == 0,
	    "mountinfo: a backslash that is no escape stays");
	tap_ok(proc_mountinfo_parse("61 30 0:57 / /a rw - tmpfs t\n", &m) ==
	    -1 && errno == EINVAL, "mountinfo: no super options is malformed");
}

/* An io_uring's fdinfo: the paths it names, then what done says. */
struct uring_case {
	const char	*desc;
	const char	*text;
	const char	*paths;		/* each path, then '|' */
	int		 done;		/* proc_uring_files_done */
	int		 err;		/* its errno if -1 */
};

#define URING_HEAD	"pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t12\n" \
			"SqMask:\t0x3\nSqHead:\t0\nSqThread:\t-1\n"
#define URING_TAIL	"PollList:\nCqOverflowList:\nNAPI:\tdisabled\n"

static const struct uring_case uring_cases[] = {
	{ "6.18: one file", URING_HEAD "UserFiles:\t1\n    0: /dev/shm/ux\n"
	    "UserBufs:\t0\n" URING_TAIL, "/dev/shm/ux|", 0, 0 },
	{ "6.18: escapes, unlinked", URING_HEAD "UserFiles:\t1\n"
	    "    0: /dev/shm/a\\040b\\012c\\134d\\040(deleted)\n"
	    "UserBufs:\t0\n" URING_TAIL, "/dev/shm/a b\nc\\d (deleted)|", 0, 0 },
	{ "6.18: sparse table, pseudo files", URING_HEAD "UserFiles:\t64\n"
	    "    3: anon_inode:[eventfd]\n    7: socket:[88123]\n"
	    "   12: /run/x\n"
	    "12345: /dev/shm/y\nUserBufs:\t0\n" URING_TAIL, "/run/x|/dev/shm/y|",
	    0, 0 },
	{ "no files", URING_HEAD "UserFiles:\t0\nUserBufs:\t0\n" URING_TAIL,
	    "", 0, 0 },
	/* Before 6.14: every slot, and only the short name of a file. */
	{ "old: empty slots", URING_HEAD "UserFiles:\t2\n    0: <none>\n"
	    "    1: <none>\nUserBufs:\t0\n" URING_TAIL, "", 0, 0 },
	{ "old: a short name", URING_HEAD "UserFiles:\t2\n    0: ux\n"
	    "    1: <none>\nUserBufs:\t0\n" URING_TAIL, "", -1, EINVAL },
	{ "old: an empty name", URING_HEAD "UserFiles:\t1\n    0: \n"
	    "UserBufs:\t0\n" URING_TAIL, "", -1, EINVAL },
	/* A busy ring: no section, or its count alone. */
	{ "busy: no section", "pos:\t0\nflags:\t02000002\nmnt_id:\t17\n", "",
	    -1, EAGAIN },
	{ "busy: count alone", URING_HEAD "UserFiles:\t3\nUserBufs:\t0\n"
	    URING_TAIL, "", -1, EAGAIN },
	/* Not what we know. */
	{ "raw blank", URING_HEAD "UserFiles:\t1\n    0: /dev/shm/a b\n"
	    "UserBufs:\t0\n", "", -1, EINVAL },
	{ "bad escape", URING_HEAD "UserFiles:\t1\n    0: /dev/shm/a\\x\n"
	    "UserBufs:\t0\n", "", -1, EINVAL },
	{ "escaped NUL", URING_HEAD "UserFiles:\t1\n    0: /dev/shm/a\\000\n"
	    "UserBufs:\t0\n", "", -1, EINVAL },
	{ "short escape", URING_HEAD "UserFiles:\t1\n    0: /dev/shm/a\\04\n"
	    "UserBufs:\t0\n", "", -1, EINVAL },
	{ "more lines than slots", URING_HEAD "UserFiles:\t1\n    0: /a\n"
	    "    1: /b\nUserBufs:\t0\n", "/a|/b|", -1, EINVAL },
	{ "another section after", URING_HEAD "UserFiles:\t1\n    0: /a\n"
	    "Files:\t0\n", "/a|", -1, EINVAL },
	{ "no colon", URING_HEAD "UserFiles:\t1\n    0 /a\nUserBufs:\t0\n",
	    "", -1, EINVAL },
	{ "bad count", URING_HEAD "UserFiles:\tmany\n    0: /a\n"
	    "UserBufs:\t0\n", "/a|", -1, EINVAL },
	{ "not a pseudo file", URING_HEAD "UserFiles:\t1\n    0: socket:[1x]\n"
	    "UserBufs:\t0\n", "", -1, EINVAL },
	{ "a path too long", URING_HEAD "UserFiles:\t1\n    0: /"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	    "UserBufs:\t0\n", "", -1, EINVAL },
	/* Lines after the section are not files. */
	{ "SQEs after", URING_HEAD "UserFiles:\t0\nUserBufs:\t1\n"
	    "    0: 0x1000/4096\n" URING_TAIL, "", 0, 0 },
};

static void
check_uring(const struct uring_case *c)
{
	struct uring_files u;
	char got[512] = "", buf[48], line[256];
	const char *p = c->text;
	int r;

	proc_uring_files_init(&u);
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		if (p[n] == '\n')
			n++;
		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n;
		if (proc_uring_files_line(&u, line, buf, sizeof(buf)) == 1) {
			strncat(got, buf, sizeof(got) - strlen(got) - 1);
			strncat(got, "|", sizeof(got) - strlen(got) - 1);
		}
	}
	errno = 0;
	r = proc_uring_files_done(&u);
	if (!tap_ok(strcmp(got, c->paths) == 0 && r == c->done &&
	    (r == 0 || errno == c->err), "io_uring fdinfo: %s", c->desc))
		tap_diag("got '%s', done %d errno %d", got, r, errno);
}

/* proc_maps_range: the addresses a maps line starts with, and no more. */
static void
check_maps_range(void)
{
	static const struct {
		const char		*line;
		int			 ret;
		unsigned long long	 start, end;
	} cases[] = {
		{ "7f1c2a000000-7f1c2a002000 rw-s 00000000 00:1a 42 /x\n", 0,
		    0x7f1c2a000000ULL, 0x7f1c2a002000ULL },
		{ "ffffffffff600000-ffffffffff601000 --xp 0 00:00 0 [vsyscall]",
		    0, 0xffffffffff600000ULL, 0xffffffffff601000ULL },
		{ "0-1000 r--p", 0, 0, 0x1000 },
		{ "ABCdef-ABCdf0 ", 0, 0xabcdef, 0xabcdf0 },
		/* 17 digits, no end, no blank, not hex, a field line */
		{ "10000000000000000-1 r", -1, 0, 0 },
		{ "7f00-", -1, 0, 0 },
		{ "7f00-7f10", -1, 0, 0 },
		{ "7f00 7f10 ", -1, 0, 0 },
		{ "AnonHugePages:  0 kB", -1, 0, 0 },
		{ "", -1, 0, 0 },
	};
	unsigned long long start, end;
	size_t i;
	int r;

	for (i = 0; i < NELEM(cases); i++) {
		start = end = 1;
		errno = 0;
		r = proc_maps_range(cases[i].line, &start, &end);
		if (cases[i].ret == -1)
			tap_ok(r == -1 && errno == EINVAL, "range refuses '%.*s'",
			    W(cases[i].line), cases[i].line);
		else
			tap_ok(r == 0 && start == cases[i].start &&
			    end == cases[i].end, "range of '%.*s'",
			    W(cases[i].line), cases[i].line);
	}
}

int
main(void)
{
	size_t i;

	for (i = 0; i < NELEM(maps_cases); i++)
		check_maps(&maps_cases[i]);
	for (i = 0; i < NELEM(opts_cases); i++)
		check_opts(&opts_cases[i]);
	for (i = 0; i < NELEM(mountinfo_cases); i++)
		check_mountinfo(&mountinfo_cases[i]);
	check_mountinfo_parse();
	check_maps_range();
	for (i = 0; i < NELEM(uring_cases); i++)
		check_uring(&uring_cases[i]);
	return tap_done();
}
