/*
 * test_size.c - SIZE (absolute and +/- relative), MODE, and sizes for
 * people.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "shm-private.h"
#include "tap.h"

#define KiB	UINT64_C(1024)
#define MiB	(KiB * 1024)
#define GiB	(MiB * 1024)
#define TiB	(GiB * 1024)
#define PiB	(TiB * 1024)
#define EiB	(PiB * 1024)

struct size_good {
	const char	*in;
	uint64_t	 want;
};

static const struct size_good size_goods[] = {
	{ "0", 0 },
	{ "1", 1 },
	{ "4096", 4096 },
	{ "4K", 4 * KiB },
	{ "4k", 4 * KiB },
	{ "4KB", 4 * KiB },
	{ "4kb", 4 * KiB },
	{ "4KiB", 4 * KiB },
	{ "4kib", 4 * KiB },
	{ "4B", 4 },
	{ "0K", 0 },
	{ "1M", MiB },
	{ "1m", MiB },
	{ "1MiB", MiB },
	{ "1G", GiB },
	{ "1GB", GiB },
	{ "2T", 2 * TiB },
	{ "3P", 3 * PiB },
	{ "1E", EiB },
	{ "7E", 7 * EiB },
	{ "7e", 7 * EiB },
	{ "8191P", 8191 * PiB },
	{ "9223372036854775807", INT64_MAX },
	/* Decimal, as the spec says: leading zeros do not make it octal. */
	{ "010", 10 },
	{ "08", 8 },
	{ "0010K", 10 * KiB },
};

struct size_bad {
	const char	*in;
	const char	*rule;
};

static const struct size_bad size_bads[] = {
	{ "", "empty" },
	{ "-1", "negative" },
	{ "+1", "a sign (only shmresize takes one)" },
	{ " 5", "leading blank" },
	{ "5 ", "trailing blank" },
	{ "0x10", "hex" },
	{ "1.5K", "a fraction" },
	{ "4KX", "junk after the suffix" },
	{ "4KBB", "two Bs" },
	{ "4X", "unknown suffix" },
	{ "4KM", "two suffixes" },
	{ "K", "a suffix without a number" },
	{ "B", "B without a number" },
	{ "KiB", "KiB without a number" },
	{ "4 K", "a blank before the suffix" },
	{ "8E", "8E overflows INT64_MAX" },
	{ "16E", "16E overflows 64 bits" },
	{ "8192P", "8192P overflows INT64_MAX" },
	{ "9223372036854775808", "INT64_MAX + 1" },
	{ "18446744073709551615", "UINT64_MAX" },
	{ "18446744073709551616", "UINT64_MAX + 1" },
	{ "99999999999999999999999999", "far too large" },
	{ "9999999999999999999K", "overflow by the suffix" },
};

static void
check_size_good(const struct size_good *g)
{
	uint64_t v = UINT64_C(0xdeadbeef);
	const char *why = NULL;

	if (!tap_ok(shm_size_parse(g->in, &v, &why) == 0 && v == g->want,
	    "size '%s' = %" PRIu64, g->in, g->want))
		tap_diag("got %" PRIu64 ", why: %s", v,
		    why != NULL ? why : "(null)");
}

static void
check_size_bad(const struct size_bad *b)
{
	uint64_t v = 0;
	const char *why = NULL;
	int r;

	errno = 0;
	r = shm_size_parse(b->in, &v, &why);
	if (!tap_ok(r == -1, "refuse size '%s' (%s)", b->in, b->rule)) {
		tap_diag("got %" PRIu64, v);
		return;
	}
	tap_ok(errno == EINVAL || errno == ERANGE,
	    "size '%s' sets errno EINVAL or ERANGE", b->in);
	tap_ok(why != NULL && why[0] != '\0', "size '%s' says why: %s",
	    b->in, why != NULL ? why : "(null)");
}

static void
check_size_why(void)
{
	uint64_t v;
	const char *why = NULL;

	/* Overflow and junk are different complaints. */
	tap_ok(shm_size_parse("8E", &v, &why) == -1 && errno == ERANGE,
	    "8E is ERANGE");
	tap_ok(shm_size_parse("4KX", &v, &why) == -1 && errno == EINVAL,
	    "4KX is EINVAL");
	tap_ok(shm_size_parse("1", &v, NULL) == 0 && v == 1,
	    "a NULL why is allowed");
	tap_ok(shm_size_parse("x", &v, NULL) == -1,
	    "a NULL why is allowed on error");
}

struct rel_case {
	const char	*in;
	int		 ret;
	int		 sign;
	uint64_t	 want;
};

static const struct rel_case rel_cases[] = {
	{ "4K", 0, 0, 4 * KiB },
	{ "+4K", 0, 1, 4 * KiB },
	{ "-4K", 0, -1, 4 * KiB },
	{ "+0", 0, 1, 0 },
	{ "-0", 0, -1, 0 },
	{ "0", 0, 0, 0 },
	{ "+1M", 0, 1, MiB },
	{ "-1G", 0, -1, GiB },
	{ "+7E", 0, 1, 7 * EiB },
	{ "+9223372036854775807", 0, 1, INT64_MAX },
	{ "-9223372036854775807", 0, -1, INT64_MAX },
	{ "+", -1, 0, 0 },
	{ "-", -1, 0, 0 },
	{ "", -1, 0, 0 },
	{ "++4K", -1, 0, 0 },
	{ "+-4K", -1, 0, 0 },
	{ "--4K", -1, 0, 0 },
	{ "+ 4K", -1, 0, 0 },
	{ " +4K", -1, 0, 0 },
	{ "+8E", -1, 0, 0 },
	{ "-8E", -1, 0, 0 },
	{ "+4KX", -1, 0, 0 },
	{ "+0x10", -1, 0, 0 },
	{ "%4K", -1, 0, 0 },
	{ "<4K", -1, 0, 0 },
};

static void
check_rel(const struct rel_case *c)
{
	uint64_t v = 0;
	int sign = 42, r;
	const char *why = NULL;

	r = shm_size_parse_rel(c->in, &sign, &v, &why);
	if (c->ret == 0) {
		if (!tap_ok(r == 0 && sign == c->sign && v == c->want,
		    "relative size '%s' = sign %d, %" PRIu64, c->in, c->sign,
		    c->want))
			tap_diag("got r=%d sign=%d v=%" PRIu64 " why: %s", r,
			    sign, v, why != NULL ? why : "(null)");
	} else
		tap_ok(r == -1 && why != NULL && why[0] != '\0',
		    "refuse relative size '%s': %s", c->in,
		    why != NULL ? why : "(null)");
}

struct mode_case {
	const char	*in;
	int		 ret;
	mode_t		 want;
};

static const struct mode_case mode_cases[] = {
	{ "0", 0, 0 },
	{ "600", 0, 0600 },
	{ "0600", 0, 0600 },
	{ "644", 0, 0644 },
	{ "0644", 0, 0644 },
	{ "777", 0, 0777 },
	{ "0777", 0, 0777 },
	{ "00000777", 0, 0777 },
	{ "7", 0, 07 },
	{ "1000", -1, 0 },
	{ "01000", -1, 0 },
	{ "4755", -1, 0 },
	{ "7777", -1, 0 },
	{ "8", -1, 0 },
	{ "9", -1, 0 },
	{ "608", -1, 0 },
	{ "", -1, 0 },
	{ "rw", -1, 0 },
	{ "u+rw", -1, 0 },
	{ "-600", -1, 0 },
	{ "+600", -1, 0 },
	{ " 600", -1, 0 },
	{ "600 ", -1, 0 },
	{ "0x1ff", -1, 0 },
	{ "99999999999999999999999", -1, 0 },
};

static void
check_mode(const struct mode_case *c)
{
	mode_t m = 01234;
	const char *why = NULL;
	int r;

	r = shm_mode_parse(c->in, &m, &why);
	if (c->ret == 0) {
		if (!tap_ok(r == 0 && m == c->want, "mode '%s' = 0%03o",
		    c->in, (unsigned)c->want))
			tap_diag("got r=%d mode=0%o why: %s", r, (unsigned)m,
			    why != NULL ? why : "(null)");
	} else
		tap_ok(r == -1 && why != NULL && why[0] != '\0',
		    "refuse mode '%s': %s", c->in,
		    why != NULL ? why : "(null)");
}

struct human_case {
	uint64_t	 n;
	const char	*want;
};

static const struct human_case human_cases[] = {
	{ 0, "0B" },
	{ 1, "1B" },
	{ 512, "512B" },
	{ 4096, "4.0K" },
	{ 6144, "6.0K" },
	{ 10240, "10K" },
	{ 1048576, "1.0M" },
	{ 1572864, "1.5M" },
	{ 1073741824, "1.0G" },
};

static void
check_human(const struct human_case *c)
{
	char buf[SHM_SIZE_BUFSZ];

	memset(buf, 'X', sizeof(buf));
	shm_size_human(c->n, buf, sizeof(buf));
	if (!tap_ok(memchr(buf, '\0', sizeof(buf)) != NULL &&
	    strcmp(buf, c->want) == 0, "human %" PRIu64 " = '%s'", c->n,
	    c->want))
		tap_diag("got '%.*s'", (int)sizeof(buf), buf);
}

static void
check_human_edges(void)
{
	char buf[SHM_SIZE_BUFSZ];

	shm_size_human(UINT64_MAX, buf, sizeof(buf));
	tap_ok(buf[0] != '\0' && strlen(buf) < sizeof(buf),
	    "human UINT64_MAX fits: '%s'", buf);
	shm_size_human(INT64_MAX, buf, sizeof(buf));
	tap_ok(buf[0] != '\0' && strlen(buf) < sizeof(buf),
	    "human INT64_MAX fits: '%s'", buf);
}

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* What [+|-]n makes of a size: the arithmetic of shmresize. */
struct apply_case {
	uint64_t	 old;
	int		 sign;
	uint64_t	 n;
	bool		 ok;
	uint64_t	 want;
};

static const struct apply_case apply_cases[] = {
	{ 4096, 0, 1000, true, 1000 },		/* absolute: n itself */
	{ 4096, 0, 0, true, 0 },
	{ 4096, 0, UINT64_MAX, true, UINT64_MAX }, /* the backend judges */
	{ 4096, 1, 1024, true, 5120 },
	{ 0, 1, 0, true, 0 },
	{ 4096, -1, 1024, true, 3072 },
	{ 4096, -1, 4096, true, 0 },		/* down to empty */
	{ 4096, -1, 4097, false, 0 },		/* below zero */
	{ 0, -1, 1, false, 0 },
	{ INT64_MAX - 1, 1, 1, true, INT64_MAX },	/* the most a file is */
	{ INT64_MAX, 1, 1, false, 0 },
	{ 1, 1, UINT64_MAX, false, 0 },	/* wraps around */
	{ UINT64_MAX, 1, 1, false, 0 },
};

static void
check_apply(const struct apply_case *c)
{
	uint64_t v = 12345;
	int r;

	errno = 0;
	r = shm_size_apply(c->old, c->sign, c->n, &v);
	if (c->ok)
		tap_ok(r == 0 && v == c->want, "%" PRIu64 " %s %" PRIu64
		    " is %" PRIu64, c->old, c->sign > 0 ? "+" : c->sign < 0 ?
		    "-" : "to", c->n, c->want);
	else
		tap_ok(r == -1 && errno == ERANGE && v == 12345,
		    "%" PRIu64 " %s %" PRIu64 " is out of range, nothing set",
		    c->old, c->sign > 0 ? "+" : "-", c->n);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < NELEM(size_goods); i++)
		check_size_good(&size_goods[i]);
	for (i = 0; i < NELEM(size_bads); i++)
		check_size_bad(&size_bads[i]);
	check_size_why();
	for (i = 0; i < NELEM(rel_cases); i++)
		check_rel(&rel_cases[i]);
	for (i = 0; i < NELEM(mode_cases); i++)
		check_mode(&mode_cases[i]);
	for (i = 0; i < NELEM(human_cases); i++)
		check_human(&human_cases[i]);
	check_human_edges();
	for (i = 0; i < NELEM(apply_cases); i++)
		check_apply(&apply_cases[i]);
	return tap_done();
}
