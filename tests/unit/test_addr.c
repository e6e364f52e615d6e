/*
 * test_addr.c - the ADDRESS grammar: every row of the table in
 * shmtools(7), every rule, and the round trip parse -> format -> parse.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shm-private.h"
#include "tap.h"

struct good {
	const char	*in;
	enum shm_kind	 kind;
	bool		 by_id;
	uint32_t	 key;		/* SHM_SYSV, !by_id */
	int		 id;		/* SHM_SYSV, by_id */
	const char	*name;		/* SHM_POSIX, SHM_FILE */
	pid_t		 pid;		/* SHM_MEMFD */
	int		 fd;		/* SHM_MEMFD */
	const char	*canon;		/* what shm_addr_format prints */
};

static const struct good goods[] = {
	/* /NAME and posix:NAME */
	{ "/foo", SHM_POSIX, false, 0, 0, "foo", 0, 0, "/foo" },
	{ "/a.b-c_d", SHM_POSIX, false, 0, 0, "a.b-c_d", 0, 0, "/a.b-c_d" },
	{ "/...", SHM_POSIX, false, 0, 0, "...", 0, 0, "/..." },
	{ "/.hidden", SHM_POSIX, false, 0, 0, ".hidden", 0, 0, "/.hidden" },
	{ "/123", SHM_POSIX, false, 0, 0, "123", 0, 0, "/123" },
	{ "/with space", SHM_POSIX, false, 0, 0, "with space", 0, 0,
	    "/with space" },
	{ "posix:foo", SHM_POSIX, false, 0, 0, "foo", 0, 0, "/foo" },
	{ "posix:/foo", SHM_POSIX, false, 0, 0, "foo", 0, 0, "/foo" },
	{ "posix:0x10", SHM_POSIX, false, 0, 0, "0x10", 0, 0, "/0x10" },

	/* 0xHEX */
	{ "0x1", SHM_SYSV, false, 1, 0, NULL, 0, 0, "0x00000001" },
	{ "0x0000abcd", SHM_SYSV, false, 0xabcd, 0, NULL, 0, 0, "0x0000abcd" },
	{ "0xDEADBEEF", SHM_SYSV, false, 0xdeadbeef, 0, NULL, 0, 0,
	    "0xdeadbeef" },
	{ "0X1f", SHM_SYSV, false, 0x1f, 0, NULL, 0, 0, "0x0000001f" },
	{ "0xffffffff", SHM_SYSV, false, 0xffffffff, 0, NULL, 0, 0,
	    "0xffffffff" },
	{ "0x80000000", SHM_SYSV, false, 0x80000000, 0, NULL, 0, 0,
	    "0x80000000" },

	/* key:N in decimal, 0x hex, 0 octal */
	{ "key:1", SHM_SYSV, false, 1, 0, NULL, 0, 0, "0x00000001" },
	{ "key:1234", SHM_SYSV, false, 1234, 0, NULL, 0, 0, "0x000004d2" },
	{ "key:0x1f", SHM_SYSV, false, 0x1f, 0, NULL, 0, 0, "0x0000001f" },
	{ "key:0X1F", SHM_SYSV, false, 0x1f, 0, NULL, 0, 0, "0x0000001f" },
	{ "key:010", SHM_SYSV, false, 8, 0, NULL, 0, 0, "0x00000008" },
	{ "key:4294967295", SHM_SYSV, false, 0xffffffff, 0, NULL, 0, 0,
	    "0xffffffff" },
	{ "key:0xffffffff", SHM_SYSV, false, 0xffffffff, 0, NULL, 0, 0,
	    "0xffffffff" },
	{ "key:037777777777", SHM_SYSV, false, 0xffffffff, 0, NULL, 0, 0,
	    "0xffffffff" },

	/* id:N and bare decimal N */
	{ "id:0", SHM_SYSV, true, 0, 0, NULL, 0, 0, "id:0" },
	{ "id:42", SHM_SYSV, true, 0, 42, NULL, 0, 0, "id:42" },
	{ "id:2147483647", SHM_SYSV, true, 0, 2147483647, NULL, 0, 0,
	    "id:2147483647" },
	{ "0", SHM_SYSV, true, 0, 0, NULL, 0, 0, "id:0" },
	{ "42", SHM_SYSV, true, 0, 42, NULL, 0, 0, "id:42" },
	{ "010", SHM_SYSV, true, 0, 10, NULL, 0, 0, "id:10" },
	{ "2147483647", SHM_SYSV, true, 0, 2147483647, NULL, 0, 0,
	    "id:2147483647" },

	/* file:PATH */
	{ "file:/tmp/x", SHM_FILE, false, 0, 0, "/tmp/x", 0, 0,
	    "file:/tmp/x" },
	{ "file:rel/path", SHM_FILE, false, 0, 0, "rel/path", 0, 0,
	    "file:rel/path" },
	{ "file:a:b", SHM_FILE, false, 0, 0, "a:b", 0, 0, "file:a:b" },
	{ "file:/dev/shm/x", SHM_FILE, false, 0, 0, "/dev/shm/x", 0, 0,
	    "file:/dev/shm/x" },

	/* memfd:PID:FD */
	{ "memfd:1:0", SHM_MEMFD, false, 0, 0, NULL, 1, 0, "memfd:1:0" },
	{ "memfd:1234:5", SHM_MEMFD, false, 0, 0, NULL, 1234, 5,
	    "memfd:1234:5" },
	{ "memfd:2147483647:2147483647", SHM_MEMFD, false, 0, 0, NULL,
	    2147483647, 2147483647, "memfd:2147483647:2147483647" },
};

struct bad {
	const char	*in;
	const char	*rule;
};

static const struct bad bads[] = {
	{ "", "empty address" },
	{ "/", "empty POSIX name" },
	{ "/.", "POSIX name ." },
	{ "/..", "POSIX name .." },
	{ "/a/b", "inner slash" },
	{ "/a/", "trailing slash" },
	{ "//a", "double leading slash" },
	{ "posix:", "empty posix: name" },
	{ "posix:/", "posix:/ with empty name" },
	{ "posix:.", "posix:." },
	{ "posix:..", "posix:.." },
	{ "posix:/..", "posix:/.." },
	{ "posix://a", "posix: name with two leading slashes" },
	{ "posix:a/b", "posix: name with inner slash" },

	{ "0x00000000", "key 0x00000000 (IPC_PRIVATE)" },
	{ "0x0", "key 0x0" },
	{ "key:0", "key:0" },
	{ "key:00", "key:00 (octal zero)" },
	{ "key:0x0", "key:0x0" },
	{ "0x100000000", "key 0x100000000 too large" },
	{ "0xffffffffffffffffffff", "key overflowing uintmax" },
	{ "key:4294967296", "key:4294967296 too large" },
	{ "key:0x100000000", "key:0x100000000 too large" },
	{ "0x", "0x without digits" },
	{ "0xg", "0x with a non-hex digit" },
	{ "0x10g", "0x with trailing junk" },
	{ "0x-1", "0x-1" },
	{ "0x 1", "0x with a space" },
	{ "key:", "key: without a number" },
	{ "key:-1", "key:-1" },
	{ "key:+1", "key:+1" },
	{ "key: 5", "key: with a leading space" },
	{ "key:5 ", "key: with a trailing space" },
	{ "key:08", "key:08 (bad octal digit)" },
	{ "key:0xg", "key:0xg" },
	{ "key:abc", "key:abc" },

	{ "id:", "id: without a number" },
	{ "id:-1", "id:-1" },
	{ "id:+1", "id:+1" },
	{ "id: 1", "id: with a space" },
	{ "id:0x10", "id:0x10 (ids are decimal)" },
	{ "id:1a", "id: with trailing junk" },
	{ "id:2147483648", "id:2147483648 > INT_MAX" },
	{ "2147483648", "bare 2147483648 > INT_MAX" },
	{ "99999999999999999999999", "bare id overflowing uintmax" },
	{ "-1", "bare -1" },
	{ " 1", "bare id with a leading space" },
	{ "1 ", "bare id with a trailing space" },

	{ "file:", "file: with an empty path" },

	{ "memfd:", "memfd: with nothing" },
	{ "memfd:123", "memfd:PID without FD" },
	{ "memfd:123:", "memfd:PID: with an empty FD" },
	{ "memfd::4", "memfd: with an empty PID" },
	{ "memfd:0:3", "memfd: PID 0" },
	{ "memfd:-1:3", "memfd: negative PID" },
	{ "memfd:1:-3", "memfd: negative FD" },
	{ "memfd:1:2:3", "memfd: three fields" },
	{ "memfd:a:3", "memfd: non-numeric PID" },
	{ "memfd:1:b", "memfd: non-numeric FD" },
	{ "memfd:1: 3", "memfd: FD with a space" },
	{ "memfd:2147483648:3", "memfd: PID > INT_MAX" },
	{ "memfd:1:2147483648", "memfd: FD > INT_MAX" },
	{ "memfd:99999999999999999999:3", "memfd: PID overflowing" },

	{ "foo", "bare word" },
	{ "shm", "bare word shm" },
	{ "sysv:1", "unknown prefix" },
	{ "POSIX:foo", "prefix is case-sensitive" },
	{ "1x", "digits then junk" },
};

static bool
same_addr(const struct shm_addr *a, const struct good *g)
{
	if (a->kind != g->kind)
		return false;
	switch (g->kind) {
	case SHM_SYSV:
		if (a->by_id != g->by_id)
			return false;
		return g->by_id ? a->id == g->id : (uint32_t)a->key == g->key;
	case SHM_POSIX:
	case SHM_FILE:
		return a->name != NULL && strcmp(a->name, g->name) == 0;
	case SHM_MEMFD:
		return a->pid == g->pid && a->fd == g->fd;
	default:
		return false;
	}
}

static void
check_good(const struct good *g)
{
	struct shm_addr a, b;
	const char *why = NULL;
	char buf[SHM_ADDR_BUFSZ], buf2[SHM_ADDR_BUFSZ];
	int n;

	if (!tap_ok(shm_addr_parse(g->in, &a, &why) == 0, "accept '%s'",
	    g->in)) {
		tap_diag("why: %s", why != NULL ? why : "(null)");
		return;
	}
	tap_ok(same_addr(&a, g), "'%s' is %s %s", g->in,
	    shm_kind_name(g->kind), g->canon);

	n = shm_addr_format(&a, buf, sizeof(buf));
	if (!tap_ok(n > 0 && (size_t)n < sizeof(buf) &&
	    strcmp(buf, g->canon) == 0, "format '%s' as '%s'", g->in,
	    g->canon))
		tap_diag("got '%s'", buf);

	/* Round trip: the formatted ADDRESS means the same segment. */
	why = NULL;
	if (tap_ok(shm_addr_parse(buf, &b, &why) == 0 && same_addr(&b, g),
	    "round trip '%s' -> '%s' -> same %s", g->in, buf,
	    shm_kind_name(g->kind))) {
		shm_addr_format(&b, buf2, sizeof(buf2));
		tap_ok(strcmp(buf, buf2) == 0, "format is stable for '%s'",
		    buf);
		shm_addr_free(&b);
	} else
		tap_diag("why: %s", why != NULL ? why : "(null)");
	shm_addr_free(&a);
}

static void
check_bad(const char *in, const char *rule)
{
	struct shm_addr a;
	const char *why = NULL;
	int r;

	errno = 0;
	r = shm_addr_parse(in, &a, &why);
	if (!tap_ok(r == -1, "refuse '%s' (%s)", in, rule)) {
		shm_addr_free(&a);
		return;
	}
	tap_ok(errno == EINVAL, "'%s' sets errno EINVAL", in);
	tap_ok(why != NULL && why[0] != '\0', "'%s' says why: %s", in,
	    why != NULL ? why : "(null)");
}

static void
check_name_max(void)
{
	char in[NAME_MAX + 16];
	struct shm_addr a;
	const char *why = NULL;

	/* "/" followed by exactly NAME_MAX bytes: the longest name. */
	in[0] = '/';
	memset(in + 1, 'n', NAME_MAX);
	in[NAME_MAX + 1] = '\0';
	if (tap_ok(shm_addr_parse(in, &a, &why) == 0,
	    "accept a %d-byte POSIX name", NAME_MAX)) {
		tap_ok(a.kind == SHM_POSIX && strlen(a.name) == NAME_MAX,
		    "the %d-byte name is kept whole", NAME_MAX);
		shm_addr_free(&a);
	}

	in[NAME_MAX + 1] = 'n';
	in[NAME_MAX + 2] = '\0';
	why = NULL;
	tap_ok(shm_addr_parse(in, &a, &why) == -1 && why != NULL &&
	    why[0] != '\0', "refuse a %d-byte POSIX name", NAME_MAX + 1);

	/* The same through posix:NAME and posix:/NAME. */
	snprintf(in, sizeof(in), "posix:%0*d", NAME_MAX, 0);
	tap_ok(shm_addr_parse(in, &a, &why) == 0,
	    "accept posix: with a %d-byte name", NAME_MAX);
	shm_addr_free(&a);
	snprintf(in, sizeof(in), "posix:/%0*d", NAME_MAX, 0);
	tap_ok(shm_addr_parse(in, &a, &why) == 0,
	    "accept posix:/ with a %d-byte name", NAME_MAX);
	shm_addr_free(&a);
	snprintf(in, sizeof(in), "posix:%0*d", NAME_MAX + 1, 0);
	tap_ok(shm_addr_parse(in, &a, &why) == -1,
	    "refuse posix: with a %d-byte name", NAME_MAX + 1);
}

static void
check_long_file(void)
{
	size_t len = 8000;
	char *in = malloc(len + 6), *buf = malloc(len + 6);
	struct shm_addr a;
	int n;

	if (in == NULL || buf == NULL)
		abort();
	memcpy(in, "file:", 5);
	memset(in + 5, 'p', len);
	in[5 + len] = '\0';
	if (tap_ok(shm_addr_parse(in, &a, NULL) == 0,
	    "accept a file: path of %zu bytes", len)) {
		n = shm_addr_format(&a, buf, len + 6);
		tap_ok(n == (int)(len + 5) && strcmp(buf, in) == 0,
		    "format a long file: path whole");
		n = shm_addr_format(&a, buf, 16);
		tap_ok(n == (int)(len + 5) && strlen(buf) == 15,
		    "a short buffer is reported, as snprintf does");
		shm_addr_free(&a);
	}
	free(in);
	free(buf);
}

/*
 * deleted:PID:FD and deleted:PID:START-END: an unlinked POSIX object;
 * memfd:PID:START-END: a memfd only mapped (memfd:PID:FD is above);
 * anon:PID:START-END: anonymous shared memory, only ever mapped.
 */
static const struct {
	const char	*in;
	pid_t		 pid;
	int		 fd;		/* -1: the mapping */
	uint64_t	 start, end;
	const char	*canon;
} helds[] = {
	{ "deleted:1:0", 1, 0, 0, 0, "deleted:1:0" },
	{ "deleted:4242:17", 4242, 17, 0, 0, "deleted:4242:17" },
	{ "deleted:2147483647:2147483647", 2147483647, 2147483647, 0, 0,
	    "deleted:2147483647:2147483647" },
	{ "deleted:7:7f12a000-7f12b000", 7, -1, 0x7f12a000, 0x7f12b000,
	    "deleted:7:7f12a000-7f12b000" },
	/* map_files names have no leading zeros and lower case: we do */
	{ "deleted:7:007F12A000-7F12B000", 7, -1, 0x7f12a000, 0x7f12b000,
	    "deleted:7:7f12a000-7f12b000" },
	{ "deleted:9:0-1", 9, -1, 0, 1, "deleted:9:0-1" },
	{ "deleted:9:fffffffffffff000-ffffffffffffffff", 9, -1,
	    0xfffffffffffff000ULL, 0xffffffffffffffffULL,
	    "deleted:9:fffffffffffff000-ffffffffffffffff" },
	{ "memfd:7:7f12a000-7f12b000", 7, -1, 0x7f12a000, 0x7f12b000,
	    "memfd:7:7f12a000-7f12b000" },
	{ "memfd:7:007F12A000-7F12B000", 7, -1, 0x7f12a000, 0x7f12b000,
	    "memfd:7:7f12a000-7f12b000" },
	{ "memfd:2147483647:0-1", 2147483647, -1, 0, 1,
	    "memfd:2147483647:0-1" },
	{ "anon:7:7f12a000-7f12b000", 7, -1, 0x7f12a000, 0x7f12b000,
	    "anon:7:7f12a000-7f12b000" },
	{ "anon:7:007F12A000-7F12B000", 7, -1, 0x7f12a000, 0x7f12b000,
	    "anon:7:7f12a000-7f12b000" },
};

static const struct bad held_bads[] = {
	{ "deleted:", "deleted: with nothing" },
	{ "deleted:12", "deleted:PID without FD or mapping" },
	{ "deleted:12:", "deleted:PID: with nothing after" },
	{ "deleted::3", "deleted: with an empty PID" },
	{ "deleted:0:3", "deleted: PID 0" },
	{ "deleted:-1:3", "deleted: negative PID" },
	{ "deleted:1:-3", "deleted: negative FD is an empty START" },
	{ "deleted:1:2:3", "deleted: three fields" },
	{ "deleted:x:3", "deleted: non-numeric PID" },
	{ "deleted:1:fd", "deleted: FD in hex without a dash" },
	{ "deleted:1: 3", "deleted: FD with a space" },
	{ "deleted:1:2147483648", "deleted: FD > INT_MAX" },
	{ "deleted:2147483648:3", "deleted: PID > INT_MAX" },
	{ "deleted:1:1000-", "deleted: mapping without END" },
	{ "deleted:1:-1000", "deleted: mapping without START" },
	{ "deleted:1:2000-1000", "deleted: START above END" },
	{ "deleted:1:1000-1000", "deleted: empty mapping" },
	{ "deleted:1:0x1000-0x2000", "deleted: 0x in a mapping" },
	{ "deleted:1:1000-2000-3000", "deleted: three bounds" },
	{ "deleted:1:10000000000000000-20000000000000000",
	    "deleted: bounds of 17 digits" },
	{ "deleted:1:g000-h000", "deleted: bounds not hex" },
	{ "deleted:1:1000 -2000", "deleted: blank in a mapping" },
	{ "Deleted:1:3", "prefix is case-sensitive" },
	{ "memfd:1:1000-", "memfd: mapping without END" },
	{ "memfd:1:2000-1000", "memfd: START above END" },
	{ "memfd:1:1000-1000", "memfd: empty mapping" },
	{ "memfd:1:0x1000-0x2000", "memfd: 0x in a mapping" },
	{ "memfd:1:1000-2000-3000", "memfd: three bounds" },
	{ "memfd:0:1000-2000", "memfd: PID 0 with a mapping" },
	{ "memfd:1:10000000000000000-20000000000000000",
	    "memfd: bounds of 17 digits" },
	{ "anon:", "anon: with nothing" },
	{ "anon:1:3", "anon: a descriptor, which it has none of" },
	{ "anon:1:", "anon:PID: with nothing after" },
	{ "anon:0:1000-2000", "anon: PID 0" },
	{ "anon:1:2000-1000", "anon: START above END" },
	{ "anon:1:0x1000-0x2000", "anon: 0x in a mapping" },
	{ "Anon:1:1000-2000", "anon: prefix is case-sensitive" },
};

static void
check_held(void)
{
	char buf[SHM_ADDR_BUFSZ];
	struct shm_addr a, b;
	const char *why;
	bool memfd, anon;
	size_t i;

	for (i = 0; i < sizeof(helds) / sizeof(helds[0]); i++) {
		why = NULL;
		if (!tap_ok(shm_addr_parse(helds[i].in, &a, &why) == 0,
		    "accept '%s'", helds[i].in)) {
			tap_diag("why: %s", why != NULL ? why : "(null)");
			continue;
		}
		memfd = strncmp(helds[i].in, "memfd:", 6) == 0;
		anon = strncmp(helds[i].in, "anon:", 5) == 0;
		tap_ok((memfd ? a.kind == SHM_MEMFD && !shm_addr_deleted(&a) :
		    anon ? a.kind == SHM_ANON && !shm_addr_deleted(&a) :
		    a.kind == SHM_POSIX && shm_addr_deleted(&a)) &&
		    shm_addr_mapped(&a) == (helds[i].fd < 0) &&
		    a.pid == helds[i].pid && a.fd == helds[i].fd &&
		    a.name == NULL && (a.fd >= 0 ||
		    (a.map_start == helds[i].start &&
		    a.map_end == helds[i].end)),
		    "'%s' is a held %s", helds[i].in,
		    memfd ? "memfd" : anon ? "anonymous mapping" :
		    "POSIX object");
		shm_addr_format(&a, buf, sizeof(buf));
		if (!tap_ok(strcmp(buf, helds[i].canon) == 0,
		    "format '%s' as '%s'", helds[i].in, helds[i].canon))
			tap_diag("got '%s'", buf);
		tap_ok(shm_addr_parse(buf, &b, NULL) == 0 &&
		    b.kind == a.kind && b.pid == a.pid && b.fd == a.fd &&
		    b.map_start == a.map_start && b.map_end == a.map_end,
		    "round trip '%s'", buf);
		shm_addr_free(&a);
	}
	for (i = 0; i < sizeof(held_bads) / sizeof(held_bads[0]); i++)
		check_bad(held_bads[i].in, held_bads[i].rule);

	/* A POSIX name may hold ':': posix:deleted:1:3 is a name, not this. */
	tap_ok(shm_addr_parse("posix:deleted:1:3", &a, NULL) == 0 &&
	    !shm_addr_deleted(&a) && strcmp(a.name, "deleted:1:3") == 0,
	    "posix:deleted:1:3 is the name deleted:1:3");
	shm_addr_format(&a, buf, sizeof(buf));
	tap_ok(strcmp(buf, "/deleted:1:3") == 0,
	    "the name deleted:1:3 formats as /deleted:1:3");
	shm_addr_free(&a);
	tap_ok(shm_addr_parse("/x", &a, NULL) == 0 && !shm_addr_deleted(&a),
	    "a name is not held");
	shm_addr_free(&a);
}

static void
check_misc(void)
{
	struct shm_addr a, b;

	/* why may be NULL. */
	tap_ok(shm_addr_parse("/..", &a, NULL) == -1,
	    "a NULL why is allowed on error");
	tap_ok(shm_addr_parse("0x1", &a, NULL) == 0,
	    "a NULL why is allowed on success");

	/* Copies own their name. */
	if (shm_addr_parse("/copied", &a, NULL) == 0) {
		tap_ok(shm_addr_copy(&b, &a) == 0 && b.name != a.name &&
		    strcmp(b.name, "copied") == 0, "shm_addr_copy dups the name");
		shm_addr_free(&a);
		tap_ok(a.name == NULL, "shm_addr_free clears the name");
		shm_addr_free(&b);
	}

	tap_ok(strcmp(shm_kind_name(SHM_SYSV), "sysv") == 0 &&
	    strcmp(shm_kind_name(SHM_POSIX), "posix") == 0 &&
	    strcmp(shm_kind_name(SHM_FILE), "file") == 0 &&
	    strcmp(shm_kind_name(SHM_MEMFD), "memfd") == 0,
	    "kind names are sysv, posix, file, memfd");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++)
		check_good(&goods[i]);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		check_bad(bads[i].in, bads[i].rule);
	check_name_max();
	check_long_file();
	check_held();
	check_misc();
	return tap_done();
}
