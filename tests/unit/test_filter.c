/*
 * test_filter.c - the filters shmls and shmrm share: DURATION for
 * --older-than, what an orphan is (shm_is_orphan), and whether a record
 * passes a filter (shm_filter_match), over records built by hand.
 *
 * The rule under every table: unknown is not zero.  A record whose use
 * is unknown (NATTCH -1, or a /proc scan that did not see everyone) is
 * never unused and never an orphan.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "shm-private.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* --- DURATION ------------------------------------------------------------- */

#define MINUTE	60LL
#define HOUR	(60 * MINUTE)
#define DAY	(24 * HOUR)
#define WEEK	(7 * DAY)
/* The longest duration taken: 16 times INT32_MAX seconds (about 17,000
 * years), so that now - DURATION cannot overflow a time_t. */
#define DUR_MAX	(16LL * INT32_MAX)

struct dur_good {
	const char	*in;
	long long	 want;
};

static const struct dur_good dur_goods[] = {
	{ "0", 0 },
	{ "1", 1 },
	{ "90", 90 },
	{ "0s", 0 },
	{ "1s", 1 },
	{ "45s", 45 },
	{ "1m", MINUTE },
	{ "90m", 90 * MINUTE },
	{ "1h", HOUR },
	{ "36h", 36 * HOUR },
	{ "1d", DAY },
	{ "7d", WEEK },
	{ "1w", WEEK },
	{ "52w", 52 * WEEK },
	{ "0w", 0 },
	/* Decimal: a leading zero is not octal. */
	{ "010", 10 },
	{ "08m", 8 * MINUTE },
	{ "0000000000000000000001", 1 },
	/* The bounds, exactly, in every unit. */
	{ "34359738352", DUR_MAX },
	{ "34359738352s", DUR_MAX },
	{ "572662305m", 572662305 * MINUTE },
	{ "9544371h", 9544371 * HOUR },
	{ "397682d", 397682 * DAY },
	{ "56811w", 56811 * WEEK },
};

struct dur_bad {
	const char	*in;
	int		 err;		/* EINVAL: malformed; ERANGE: too long */
	const char	*rule;
};

static const struct dur_bad dur_bads[] = {
	{ "", EINVAL, "empty" },
	{ "s", EINVAL, "a unit without a number" },
	{ "h1", EINVAL, "the unit first" },
	{ "-1", EINVAL, "negative" },
	{ "+1", EINVAL, "a sign" },
	{ " 1", EINVAL, "leading blank" },
	{ "1 ", EINVAL, "trailing blank" },
	{ "1 h", EINVAL, "a blank before the unit" },
	{ "1x", EINVAL, "unknown unit" },
	{ "1S", EINVAL, "units are lower case" },
	{ "1H", EINVAL, "units are lower case" },
	{ "1M", EINVAL, "M is not minutes" },
	{ "1y", EINVAL, "no years" },
	{ "1ms", EINVAL, "junk after the unit" },
	{ "1hh", EINVAL, "two units" },
	{ "1h30m", EINVAL, "units do not combine" },
	{ "1.5h", EINVAL, "a fraction" },
	{ "0x10", EINVAL, "hex" },
	{ "1e3", EINVAL, "an exponent" },
	{ "5\n", EINVAL, "a newline" },
	/* One past each bound. */
	{ "34359738353", ERANGE, "DUR_MAX + 1 seconds" },
	{ "34359738353s", ERANGE, "DUR_MAX + 1 seconds, with s" },
	{ "572662306m", ERANGE, "one minute too many" },
	{ "9544372h", ERANGE, "one hour too many" },
	{ "397683d", ERANGE, "one day too many" },
	{ "56812w", ERANGE, "one week too many" },
	/* Far past them: the digits alone overflow 64 bits. */
	{ "9223372036854775807", ERANGE, "INT64_MAX seconds" },
	{ "9223372036854775808", ERANGE, "INT64_MAX + 1" },
	{ "18446744073709551616", ERANGE, "UINT64_MAX + 1" },
	{ "99999999999999999999999999w", ERANGE, "far too long" },
};

static void
check_dur_good(const struct dur_good *g)
{
	time_t v = (time_t)0xdeadbeef;
	const char *why = NULL;

	if (!tap_ok(shm_duration_parse(g->in, &v, &why) == 0 &&
	    (long long)v == g->want, "duration '%s' = %lld s", g->in, g->want))
		tap_diag("got %lld, why: %s", (long long)v,
		    why != NULL ? why : "(null)");
}

static void
check_dur_bad(const struct dur_bad *b)
{
	time_t v = (time_t)0xdeadbeef;
	const char *why = NULL;
	int r;

	errno = 0;
	r = shm_duration_parse(b->in, &v, &why);
	if (!tap_ok(r == -1, "refuse duration '%s' (%s)", b->in, b->rule)) {
		tap_diag("got %lld", (long long)v);
		return;
	}
	tap_ok(errno == b->err, "duration '%s' sets errno %s", b->in,
	    b->err == ERANGE ? "ERANGE" : "EINVAL");
	tap_ok(why != NULL && why[0] != '\0', "duration '%s' says why: %s",
	    b->in, why != NULL ? why : "(null)");
	tap_ok(v == (time_t)0xdeadbeef, "duration '%s' leaves the result alone",
	    b->in);
}

/* --- records -------------------------------------------------------------- */

/* A pid that cannot exist: above PID_MAX_LIMIT (2^22). */
#define NO_SUCH_PID	((pid_t)0x3fffffff)

/* A record of KIND, known unused (NATTCH 0, the scan saw everyone). */
static struct shm_rec
rec(enum shm_kind kind)
{
	struct shm_rec r;

	shm_rec_init(&r);
	r.addr.kind = kind;
	r.nattch = 0;
	r.users_known = true;
	r.uid = 4000001;	/* a user no process of the machine has */
	r.ctime = 1000000;
	return r;
}

/* A System V record with NATTCH, CPID and LPID. */
static struct shm_rec
sysv(long nattch, pid_t cpid, pid_t lpid)
{
	struct shm_rec r = rec(SHM_SYSV);

	r.nattch = nattch;
	r.cpid = cpid;
	r.lpid = lpid;
	return r;
}

/* A POSIX object, file or memfd with NATTCH and USERS_KNOWN. */
static struct shm_rec
desc(enum shm_kind kind, long nattch, bool users_known)
{
	struct shm_rec r = rec(kind);

	r.nattch = nattch;
	r.users_known = users_known;
	return r;
}

/* --- shm_is_orphan -------------------------------------------------------- */

struct orphan_case {
	const char	*what;
	struct shm_rec	 r;
	bool		 orphan;
};

static void
check_orphans(void)
{
	pid_t self = getpid();
	const struct orphan_case cases[] = {
		/* System V: NATTCH 0 and neither CPID nor LPID runs. */
		{ "sysv: creator and last attacher gone",
		    sysv(0, NO_SUCH_PID, NO_SUCH_PID), true },
		{ "sysv: creator gone, never attached (LPID 0)",
		    sysv(0, NO_SUCH_PID, 0), true },
		{ "sysv: creator runs", sysv(0, self, NO_SUCH_PID), false },
		{ "sysv: creator runs, never attached", sysv(0, self, 0), false },
		{ "sysv: creator gone, last attacher runs",
		    sysv(0, NO_SUCH_PID, self), false },
		{ "sysv: both run", sysv(0, self, self), false },
		/* CPID 0: a creator we cannot number, maybe running. */
		{ "sysv: CPID 0 is not an orphan", sysv(0, 0, 0), false },
		{ "sysv: CPID 0, LPID gone", sysv(0, 0, NO_SUCH_PID), false },
		/* Attached, or use unknown: never an orphan. */
		{ "sysv: attached", sysv(1, NO_SUCH_PID, NO_SUCH_PID), false },
		{ "sysv: attached by many", sysv(1000, NO_SUCH_PID, 0), false },
		{ "sysv: NATTCH unknown",
		    sysv(-1, NO_SUCH_PID, NO_SUCH_PID), false },
		/* POSIX objects and files: nobody maps or holds them. */
		{ "posix: unused, users known", desc(SHM_POSIX, 0, true), true },
		{ "posix: unused, users not all seen",
		    desc(SHM_POSIX, 0, false), false },
		{ "posix: mapped", desc(SHM_POSIX, 1, true), false },
		{ "posix: NATTCH unknown", desc(SHM_POSIX, -1, true), false },
		{ "posix: NATTCH unknown, users not seen",
		    desc(SHM_POSIX, -1, false), false },
		{ "file: unused, users known", desc(SHM_FILE, 0, true), true },
		{ "file: unused, users not all seen",
		    desc(SHM_FILE, 0, false), false },
		{ "file: held open", desc(SHM_FILE, 2, true), false },
		{ "file: NATTCH unknown", desc(SHM_FILE, -1, true), false },
		/* A memfd always has a holder. */
		{ "memfd: never", desc(SHM_MEMFD, 0, true), false },
		{ "memfd: held", desc(SHM_MEMFD, 1, true), false },
		{ "memfd: NATTCH unknown", desc(SHM_MEMFD, -1, false), false },
	};
	size_t i;

	/* The premise of the table: these pids run, and this one does not. */
	tap_ok(kill(NO_SUCH_PID, 0) == -1 && errno == ESRCH,
	    "pid %d does not exist", (int)NO_SUCH_PID);
	tap_ok(proc_alive(self), "this process (%d) runs", (int)self);
	tap_ok(!proc_alive(0) && !proc_alive(-1), "pids 0 and -1 do not run");

	for (i = 0; i < NELEM(cases); i++)
		tap_ok(shm_is_orphan(&cases[i].r) == cases[i].orphan,
		    "%s: %s", cases[i].what,
		    cases[i].orphan ? "an orphan" : "not an orphan");
}

/* --- shm_filter_match ----------------------------------------------------- */

#define NOW	((time_t)2000000000)

#define BIT(k)	SHM_KIND_BIT(k)

/* A filter for the kinds in MASK and the other members given. */
#define FILTER(mask, ...) \
	((struct shm_filter){ .kinds = (mask), __VA_ARGS__ })
#define ALL			SHM_KINDS_ALL
#define USER(u)			FILTER(ALL, .has_uid = true, .uid = (u))
#define UNUSED			FILTER(ALL, .unused = true)
#define ORPHANS			FILTER(ALL, .orphans = true)
#define OLDER(seconds)		FILTER(ALL, .has_older = true, \
				    .older_than = (seconds))

static struct shm_rec
with_uid(struct shm_rec r, uid_t uid)
{
	r.uid = uid;
	return r;
}

static struct shm_rec
made(struct shm_rec r, time_t ctime)
{
	r.ctime = ctime;
	return r;
}

struct match_case {
	const char	*what;
	struct shm_filter f;
	struct shm_rec	 r;
	bool		 match;
};

/* Every filter at once: -u 4000001 --unused --orphans --older-than 1d. */
#define EVERY	FILTER(ALL, .has_uid = true, .uid = 4000001, .unused = true, \
		    .orphans = true, .has_older = true, .older_than = DAY)

static void
check_matches(void)
{
	pid_t self = getpid();
	const struct match_case *c;
	size_t i;
	const struct match_case cases[] = {
		/* No filter: everything, of every kind. */
		{ "no filter: sysv", FILTER(ALL), sysv(3, self, self), true },
		{ "no filter: posix in use", FILTER(ALL),
		    desc(SHM_POSIX, 2, true), true },
		{ "no filter: use unknown", FILTER(ALL),
		    desc(SHM_POSIX, -1, false), true },
		{ "no filter: memfd", FILTER(ALL), desc(SHM_MEMFD, 1, true), true },
		{ "no filter: uid unknown", FILTER(ALL),
		    with_uid(rec(SHM_FILE), SHM_UNKNOWN_ID), true },
		/* The kinds mask. */
		{ "--sysv: sysv", FILTER(BIT(SHM_SYSV)), rec(SHM_SYSV), true },
		{ "--sysv: not posix", FILTER(BIT(SHM_SYSV)), rec(SHM_POSIX),
		    false },
		{ "--sysv: not a file", FILTER(BIT(SHM_SYSV)), rec(SHM_FILE),
		    false },
		{ "--sysv: not a memfd", FILTER(BIT(SHM_SYSV)), rec(SHM_MEMFD),
		    false },
		{ "--posix: posix", FILTER(BIT(SHM_POSIX)), rec(SHM_POSIX),
		    true },
		{ "--posix: not sysv", FILTER(BIT(SHM_POSIX)), rec(SHM_SYSV),
		    false },
		{ "--memfd: memfd", FILTER(BIT(SHM_MEMFD)), rec(SHM_MEMFD),
		    true },
		{ "--memfd: not posix", FILTER(BIT(SHM_MEMFD)), rec(SHM_POSIX),
		    false },
		{ "sysv|memfd: memfd", FILTER(BIT(SHM_SYSV) | BIT(SHM_MEMFD)),
		    rec(SHM_MEMFD), true },
		{ "sysv|memfd: sysv", FILTER(BIT(SHM_SYSV) | BIT(SHM_MEMFD)),
		    rec(SHM_SYSV), true },
		{ "sysv|memfd: not a file",
		    FILTER(BIT(SHM_SYSV) | BIT(SHM_MEMFD)), rec(SHM_FILE),
		    false },
		{ "no kinds: not sysv", FILTER(0), rec(SHM_SYSV), false },
		{ "no kinds: not posix", FILTER(0), rec(SHM_POSIX), false },
		/* -u */
		{ "-u 4000001: uid 4000001", USER(4000001), rec(SHM_SYSV), true },
		{ "-u 4000001: not uid 4000002", USER(4000001),
		    with_uid(rec(SHM_SYSV), 4000002), false },
		{ "-u 0: root's", USER(0), with_uid(rec(SHM_POSIX), 0), true },
		{ "-u 0: not uid 4000001", USER(0), rec(SHM_POSIX), false },
		{ "-u 1000: not an unknown owner", USER(1000),
		    with_uid(rec(SHM_POSIX), SHM_UNKNOWN_ID), false },
		/* --unused: NATTCH known to be 0. */
		{ "--unused: sysv NATTCH 0", UNUSED, sysv(0, self, self),
		    true },
		{ "--unused: not sysv NATTCH 1", UNUSED, sysv(1, 0, 0),
		    false },
		{ "--unused: not sysv NATTCH unknown", UNUSED,
		    sysv(-1, NO_SUCH_PID, NO_SUCH_PID), false },
		{ "--unused: posix NATTCH 0", UNUSED,
		    desc(SHM_POSIX, 0, true), true },
		{ "--unused: not posix NATTCH unknown", UNUSED,
		    desc(SHM_POSIX, -1, false), false },
		{ "--unused: not posix mapped", UNUSED,
		    desc(SHM_POSIX, 1, true), false },
		{ "--unused: not a file NATTCH unknown", UNUSED,
		    desc(SHM_FILE, -1, true), false },
		{ "--unused: not a memfd held", UNUSED,
		    desc(SHM_MEMFD, 1, true), false },
		{ "--unused --sysv: sysv NATTCH 0",
		    FILTER(BIT(SHM_SYSV), .unused = true),
		    sysv(0, 0, 0), true },
		{ "--unused --sysv: not posix NATTCH 0",
		    FILTER(BIT(SHM_SYSV), .unused = true),
		    desc(SHM_POSIX, 0, true), false },
		/* --orphans: shm_is_orphan, through the filter. */
		/*
		 * Root's processes and the caller's own always run: for
		 * their segments, CPID and LPID alone decide.
		 */
		{ "--orphans: sysv of root's, creator gone", ORPHANS,
		    with_uid(sysv(0, NO_SUCH_PID, 0), 0), true },
		{ "--orphans: sysv of the caller's, creator gone", ORPHANS,
		    with_uid(sysv(0, NO_SUCH_PID, 0), geteuid()), true },
		{ "--orphans: sysv, creator gone", ORPHANS,
		    sysv(0, NO_SUCH_PID, 0), true },
		{ "--orphans: not sysv, creator runs", ORPHANS,
		    sysv(0, self, 0), false },
		{ "--orphans: not sysv, CPID 0", ORPHANS, sysv(0, 0, 0),
		    false },
		{ "--orphans: not sysv, NATTCH unknown", ORPHANS,
		    sysv(-1, NO_SUCH_PID, 0), false },
		{ "--orphans: posix, users known", ORPHANS,
		    desc(SHM_POSIX, 0, true), true },
		{ "--orphans: not posix, users not all seen", ORPHANS,
		    desc(SHM_POSIX, 0, false), false },
		{ "--orphans: not a memfd", ORPHANS,
		    desc(SHM_MEMFD, 0, true), false },
		{ "--orphans --posix: posix",
		    FILTER(BIT(SHM_POSIX), .orphans = true),
		    desc(SHM_POSIX, 0, true), true },
		{ "--orphans --posix: not a file",
		    FILTER(BIT(SHM_POSIX), .orphans = true),
		    desc(SHM_FILE, 0, true), false },
		{ "--orphans --posix: not a sysv orphan",
		    FILTER(BIT(SHM_POSIX), .orphans = true),
		    sysv(0, NO_SUCH_PID, 0), false },
		/* --older-than: NOW - CTIME at least the duration. */
		{ "--older-than 1h: made 1h ago", OLDER(HOUR),
		    made(rec(SHM_SYSV), NOW - HOUR), true },
		{ "--older-than 1h: made 1h+1s ago", OLDER(HOUR),
		    made(rec(SHM_SYSV), NOW - HOUR - 1), true },
		{ "--older-than 1h: not made 1h-1s ago", OLDER(HOUR),
		    made(rec(SHM_SYSV), NOW - HOUR + 1), false },
		{ "--older-than 1h: not made now", OLDER(HOUR),
		    made(rec(SHM_POSIX), NOW), false },
		{ "--older-than 1h: not made in the future", OLDER(HOUR),
		    made(rec(SHM_POSIX), NOW + DAY), false },
		{ "--older-than 1h: not CTIME unknown (0)", OLDER(HOUR),
		    made(rec(SHM_POSIX), 0), false },
		{ "--older-than 1h: made at 1 (1970)", OLDER(HOUR),
		    made(rec(SHM_FILE), 1), true },
		{ "--older-than 0: made now", OLDER(0),
		    made(rec(SHM_SYSV), NOW), true },
		{ "--older-than 0: not made 1s in the future", OLDER(0),
		    made(rec(SHM_SYSV), NOW + 1), false },
		{ "--older-than 0: not CTIME unknown", OLDER(0),
		    made(rec(SHM_SYSV), 0), false },
		{ "--older-than max: not made at 1", OLDER((time_t)DUR_MAX),
		    made(rec(SHM_SYSV), 1), false },
		{ "--older-than 1h, file|memfd: not sysv",
		    FILTER(BIT(SHM_FILE) | BIT(SHM_MEMFD),
		    .has_older = true, .older_than = HOUR),
		    made(rec(SHM_SYSV), 1), false },
		{ "--older-than 1h, file|memfd: memfd",
		    FILTER(BIT(SHM_FILE) | BIT(SHM_MEMFD),
		    .has_older = true, .older_than = HOUR),
		    made(rec(SHM_MEMFD), 1), true },
		/* All of them: each one can refuse. */
		{ "every filter: a sysv orphan of uid 4000001, 1d old", EVERY,
		    made(sysv(0, NO_SUCH_PID, 0), NOW - DAY), true },
		{ "every filter: not another uid's", EVERY,
		    with_uid(made(sysv(0, NO_SUCH_PID, 0), NOW - DAY), 0),
		    false },
		{ "every filter: not one too young", EVERY,
		    made(sysv(0, NO_SUCH_PID, 0), NOW - DAY + 1), false },
		{ "every filter: not one whose creator runs", EVERY,
		    made(sysv(0, self, 0), NOW - DAY), false },
		{ "every filter: not one attached", EVERY,
		    made(sysv(1, NO_SUCH_PID, 0), NOW - DAY), false },
		{ "every filter: a posix orphan", EVERY,
		    made(desc(SHM_POSIX, 0, true), NOW - WEEK), true },
		{ "every filter: not a posix object whose use is unknown",
		    EVERY, made(desc(SHM_POSIX, 0, false), NOW - WEEK), false },
	};

	for (i = 0; i < NELEM(cases); i++) {
		c = &cases[i];
		tap_ok(shm_filter_match(&c->f, &c->r, NOW) == c->match,
		    "%s: %s", c->what, c->match ? "matches" : "no match");
	}
}

/* --- GLOB (--name, --exclude) ---------------------------------------------- */

static void
check_globs(void)
{
	static const char *const good[] = {
		"psm_*", "/psm_*", "a\\[b", "[[]", "[]]", "[!a-z]*", "[[:digit:]]",
		"\\\\", "\xff*", "0x5e00*",
	};
	static const char *const bad[] = {
		"", "a[b", "ab\\", "[[:nope:]]", "[[:alpha:]", "[[=a]",
	};
	struct shm_rec r;
	struct shm_filter f = { 0 };
	char *names[] = { "psm_*" }, *excl[] = { "/psm_keep" };
	const char *why;
	size_t i;

	for (i = 0; i < NELEM(good); i++)
		tap_ok(shm_glob_check(good[i], &why) == 0, "glob '%s' taken",
		    good[i]);
	for (i = 0; i < NELEM(bad); i++)
		tap_ok(shm_glob_check(bad[i], &why) == -1 && errno == EINVAL,
		    "glob '%s' refused", bad[i]);

	memset(&r, 0, sizeof(r));
	r.addr.kind = SHM_POSIX;
	r.addr.name = "psm_1";
	tap_ok(shm_glob_match("psm_*", &r), "psm_* matches /psm_1");
	tap_ok(shm_glob_match("/psm_*", &r), "/psm_* matches /psm_1");
	tap_ok(!shm_glob_match("/psm_1/", &r), "/psm_1/ does not");
	tap_ok(!shm_glob_match("//psm_1", &r), "//psm_1 does not");
	r.addr.name = NULL;
	tap_ok(!shm_glob_match("*", &r), "a POSIX object with no name: no match");
	r.addr.kind = SHM_SYSV;
	r.addr.key = 0x5e00abcd;
	tap_ok(shm_glob_match("0x5e00abcd", &r), "a key as printed");
	tap_ok(shm_glob_match("0X5E00ABCD", &r), "a key in capitals");
	tap_ok(!shm_glob_match("5e00abcd", &r), "a key without 0x: no match");
	r.addr.key = 0;
	tap_ok(shm_glob_match("0x00000000", &r), "a private segment's key");

	r.addr.kind = SHM_POSIX;
	f.names = names;
	f.nnames = 1;
	f.excludes = excl;
	f.nexcludes = 1;
	r.addr.name = "psm_keep";
	tap_ok(!shm_globs_match(&f, &r), "--exclude wins over --name");
	r.addr.name = "psm_go";
	tap_ok(shm_globs_match(&f, &r), "--name alone matches");
	r.addr.name = "other";
	tap_ok(!shm_globs_match(&f, &r), "no --name matches: left out");
	f.nnames = 0;
	tap_ok(shm_globs_match(&f, &r), "--exclude alone: the rest pass");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < NELEM(dur_goods); i++)
		check_dur_good(&dur_goods[i]);
	for (i = 0; i < NELEM(dur_bads); i++)
		check_dur_bad(&dur_bads[i]);
	check_orphans();
	check_matches();
	check_globs();
	return tap_done();
}
