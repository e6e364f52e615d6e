/*
 * test_sysv.c - rows of /proc/sysvipc/shm as sysv_parse_proc_line()
 * reads them: keys printed as signed ints, the header, short and
 * malformed lines, and the SHM_DEST and SHM_LOCKED bits in perms.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "shm-private.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The kernel's header line and row format (ipc/shm.c, sysvipc_shm_proc_show). */
#define HEADER	"       key      shmid perms                  size  cpid  lpid " \
    "nattch   uid   gid  cuid  cgid      atime      dtime      ctime " \
    "                  rss                  swap\n"

struct row_good {
	const char	*what;
	const char	*line;
	uint32_t	 key;
	int		 id;
	bool		 by_id;
	mode_t		 mode;
	unsigned	 status;
	uint64_t	 size;
	pid_t		 cpid, lpid;
	long		 nattch;
	uid_t		 uid, cuid;
	gid_t		 gid, cgid;
	time_t		 atime, dtime, ctime;
	int64_t		 rss;
};

static const struct row_good row_goods[] = {
	{ "a keyed segment",
	    "1577058304          5   600                  4096   101     0"
	    "      0  1000  1001     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0x5e000000, 5, false, 0600, 0, 4096, 101, 0, 0, 1000, 0, 1001, 0,
	    0, 0, 1700000000, 0 },
	{ "attached: times, rss, pids",
	    "1577058305      32769   644               1048576  4242  4243"
	    "      2     0     0    12    34 1700000100 1700000050 "
	    "1700000000               1048576                     0\n",
	    0x5e000001, 32769, false, 0644, 0, 1048576, 4242, 4243, 2, 0, 12,
	    0, 34, 1700000100, 1700000050, 1700000000, 1048576 },
	/* Keys of 0x80000000 and above are printed negative. */
	{ "a negative key",
	    "-939524095         17   600                  4096     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0xc8000001, 17, false, 0600, 0, 4096, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 0 },
	{ "key -1 is 0xffffffff",
	    "        -1         18   600                  4096     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0xffffffff, 18, false, 0600, 0, 4096, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 0 },
	{ "key INT32_MIN is 0x80000000",
	    "-2147483648         19   600                  4096     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0x80000000, 19, false, 0600, 0, 4096, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 0 },
	{ "key INT32_MAX",
	    "2147483647         20   600                  4096     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0x7fffffff, 20, false, 0600, 0, 4096, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 0 },
	/* Key 0: a private segment, known by its id. */
	{ "a private segment",
	    "         0          0   600                  8192    77     0"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0, 0, true, 0600, 0, 8192, 77, 0, 0, 0, 0, 0, 0, 0, 0, 1700000000,
	    0 },
	/* perms carries SHM_DEST (01000) and SHM_LOCKED (02000). */
	{ "dest: removed, still attached",
	    "         0         21  1600                  4096    50    51"
	    "      1     0     0     0     0 1700000001          0 "
	    "1700000000                  4096                     0\n",
	    0, 21, true, 0600, SHM_ST_DEST, 4096, 50, 51, 1, 0, 0, 0, 0,
	    1700000001, 0, 1700000000, 4096 },
	{ "locked",
	    "1577058306         22  2640                  4096    50     0"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0x5e000002, 22, false, 0640, SHM_ST_LOCKED, 4096, 50, 0, 0, 0, 0,
	    0, 0, 0, 0, 1700000000, 0 },
	{ "dest and locked",
	    "         0         23  3666                  4096    50    50"
	    "      3     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0, 23, true, 0666, SHM_ST_DEST | SHM_ST_LOCKED, 4096, 50, 50, 3, 0,
	    0, 0, 0, 0, 0, 1700000000, 0 },
	{ "mode 0 and mode 0777",
	    "1577058307         24   777                     1     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0x5e000003, 24, false, 0777, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 0 },
	{ "mode 0",
	    "1577058308         25     0                     1     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0x5e000004, 25, false, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 0 },
	/*
	 * Resident beyond the size in whole pages: a huge-page segment,
	 * which the kernel counts once per base page in each huge page
	 * (4 MiB of 2 MiB pages shows 2 GiB).  Unknown, not 2 GiB.
	 */
	{ "huge pages: RSS 512 times the size is unknown",
	    "1577058311         27   600               4194304     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000            2147483648                     0\n",
	    0x5e000007, 27, false, 0600, 0, 4194304, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, -1 },
	/* A size not of whole pages: its last page counts whole. */
	{ "RSS of the last page, rounded up, is the size's",
	    "1577058312         28   600                  5000     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                  8192                     0\n",
	    0x5e000008, 28, false, 0600, 0, 5000, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 8192 },
	{ "RSS past the size in whole pages of any size is unknown",
	    "1577058313         29   600                  5000     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000               1048576                     0\n",
	    0x5e000009, 29, false, 0600, 0, 5000, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, -1 },
	/* Large values. */
	{ "the largest size, rss capped at INT64_MAX",
	    "1577058309  134217727   600  18446744073709551615     1     1"
	    "      0 4294967294 4294967294 0 0          0          0 "
	    "1700000000  18446744073709551615                     0\n",
	    0x5e000005, 134217727, false, 0600, 0, UINT64_MAX, 1, 1, 0,
	    4294967294U, 0, 4294967294U, 0, 0, 0, 1700000000, INT64_MAX },
	{ "NATTCH beyond LONG_MAX is capped",
	    "1577058310         26   600                  4096     1     1"
	    " 18446744073709551615     0     0     0     0          0          0 "
	    "1700000000                     0                     0\n",
	    0x5e000006, 26, false, 0600, 0, 4096, 1, 1, LONG_MAX, 0, 0, 0, 0,
	    0, 0, 1700000000, 0 },
	/* What later kernels may add, and what a reader may drop. */
	{ "fields after swap are ignored",
	    "1577058311         27   600                  4096     1     1"
	    "      0     0     0     0     0          0          0 "
	    "1700000000                     0                     0 99 x\n",
	    0x5e000007, 27, false, 0600, 0, 4096, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 0 },
	{ "no newline at the end",
	    "1577058312 28 600 4096 1 1 0 0 0 0 0 0 0 1700000000 0 0",
	    0x5e000008, 28, false, 0600, 0, 4096, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 0 },
	{ "tabs for blanks",
	    "1577058313\t29\t600\t4096\t1\t1\t0\t0\t0\t0\t0\t0\t0\t1700000000"
	    "\t0\t0\n",
	    0x5e000009, 29, false, 0600, 0, 4096, 1, 1, 0, 0, 0, 0, 0, 0, 0,
	    1700000000, 0 },
};

struct row_bad {
	const char	*what;
	const char	*line;
};

static const struct row_bad row_bads[] = {
	{ "the header", HEADER },
	{ "empty", "" },
	{ "a newline", "\n" },
	{ "blanks", "      \n" },
	{ "15 fields (no swap)",
	    "1577058304 5 600 4096 1 1 0 0 0 0 0 0 0 1700000000 0\n" },
	{ "3 fields", "1577058304 5 600\n" },
	{ "one field", "1577058304\n" },
	{ "a word for the key",
	    "key 5 600 4096 1 1 0 0 0 0 0 0 0 1700000000 0 0\n" },
	{ "a word for perms",
	    "1577058304 5 rw- 4096 1 1 0 0 0 0 0 0 0 1700000000 0 0\n" },
	{ "perms not octal",
	    "1577058304 5 9 4096 1 1 0 0 0 0 0 0 0 1700000000 0 0\n" },
	{ "a word for swap",
	    "1577058304 5 600 4096 1 1 0 0 0 0 0 0 0 1700000000 0 none\n" },
	{ "a negative shmid",
	    "1577058304 -5 600 4096 1 1 0 0 0 0 0 0 0 1700000000 0 0\n" },
	{ "a key below INT32_MIN",
	    "-2147483649 5 600 4096 1 1 0 0 0 0 0 0 0 1700000000 0 0\n" },
	{ "a key above UINT32_MAX",
	    "4294967296 5 600 4096 1 1 0 0 0 0 0 0 0 1700000000 0 0\n" },
	{ "a key far out of range",
	    "99999999999999999999 5 600 4096 1 1 0 0 0 0 0 0 0 1700000000 0 0\n" },
};

static void
check_good(const struct row_good *g)
{
	struct shm_rec r;
	bool same;

	shm_rec_init(&r);
	if (!tap_ok(sysv_parse_proc_line(g->line, &r) == 0, "parse %s",
	    g->what))
		return;
	same = r.addr.kind == SHM_SYSV && (uint32_t)r.addr.key == g->key &&
	    r.addr.id == g->id && r.addr.by_id == g->by_id &&
	    r.addr.name == NULL;
	if (!tap_ok(same, "%s: key 0x%08x, id %d%s", g->what, g->key, g->id,
	    g->by_id ? ", by id" : ""))
		tap_diag("got kind %d key 0x%08x id %d by_id %d", r.addr.kind,
		    (uint32_t)r.addr.key, r.addr.id, r.addr.by_id);
	if (!tap_ok(r.mode == g->mode && r.status == g->status,
	    "%s: mode %04o, status %#x", g->what, (unsigned)g->mode,
	    g->status))
		tap_diag("got mode %04o status %#x", (unsigned)r.mode, r.status);
	if (!tap_ok(r.size == g->size && r.rss == g->rss,
	    "%s: size %ju, rss %jd", g->what, (uintmax_t)g->size,
	    (intmax_t)g->rss))
		tap_diag("got size %ju rss %jd", (uintmax_t)r.size,
		    (intmax_t)r.rss);
	if (!tap_ok(r.cpid == g->cpid && r.lpid == g->lpid &&
	    r.nattch == g->nattch, "%s: cpid %d, lpid %d, nattch %ld", g->what,
	    (int)g->cpid, (int)g->lpid, g->nattch))
		tap_diag("got cpid %d lpid %d nattch %ld", (int)r.cpid,
		    (int)r.lpid, r.nattch);
	if (!tap_ok(r.uid == g->uid && r.gid == g->gid && r.cuid == g->cuid &&
	    r.cgid == g->cgid, "%s: uid %u gid %u cuid %u cgid %u", g->what,
	    (unsigned)g->uid, (unsigned)g->gid, (unsigned)g->cuid,
	    (unsigned)g->cgid))
		tap_diag("got uid %u gid %u cuid %u cgid %u", (unsigned)r.uid,
		    (unsigned)r.gid, (unsigned)r.cuid, (unsigned)r.cgid);
	if (!tap_ok(r.atime == g->atime && r.dtime == g->dtime &&
	    r.ctime == g->ctime, "%s: atime %jd, dtime %jd, ctime %jd", g->what,
	    (intmax_t)g->atime, (intmax_t)g->dtime, (intmax_t)g->ctime))
		tap_diag("got atime %jd dtime %jd ctime %jd",
		    (intmax_t)r.atime, (intmax_t)r.dtime, (intmax_t)r.ctime);
	shm_rec_free(&r);
}

static void
check_bad(const struct row_bad *b)
{
	struct shm_rec r;
	int ret;

	shm_rec_init(&r);
	errno = 0;
	ret = sysv_parse_proc_line(b->line, &r);
	tap_ok(ret == -1 && errno == EINVAL, "refuse %s (EINVAL)", b->what);
	shm_rec_free(&r);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < NELEM(row_goods); i++)
		check_good(&row_goods[i]);
	for (i = 0; i < NELEM(row_bads); i++)
		check_bad(&row_bads[i]);
	return tap_done();
}
