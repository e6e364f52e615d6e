/*
 * size.c - SIZE, OFFSET and MODE arguments, and sizes for people.
 *
 * Layer: text (src/lib/LAYERS).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <libutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shm-private.h"

/*
 * libbsd's expand_number() accepts "-1" (as 2^64-1), leading blanks,
 * "0x10", and junk after the suffix, and reports overflow past 2^64 as
 * success.  So check the shape first: digits, then an optional K M G T P E
 * (any case) with an optional B or iB, or a lone B.
 */
static bool
size_shape_ok(const char *s)
{
	const char *p = s;

	while (isdigit((unsigned char)*p))
		p++;
	if (p == s)
		return false;
	if (*p == '\0')
		return true;
	if (strchr("kKmMgGtTpPeE", *p) != NULL) {
		p++;
		if (*p == 'i' || *p == 'I')
			p++;
		else if (*p == '\0')
			return true;
	}
	return (*p == 'b' || *p == 'B') && p[1] == '\0';
}

/* Parse a SIZE into *out; sizes are capped at INT64_MAX, the largest off_t. */
int
shm_size_parse(const char *s, uint64_t *out, const char **why)
{
	uint64_t v;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	if (!size_shape_ok(s)) {
		*why = "malformed size: expected a number with an optional "
		    "K, M, G, T, P or E suffix";
		errno = EINVAL;
		return -1;
	}
	/* expand_number() reads base 0: "010" would be octal 8. */
	while (s[0] == '0' && isdigit((unsigned char)s[1]))
		s++;
	errno = 0;
	if (expand_number(s, &v) == -1 || errno == ERANGE || v > INT64_MAX) {
		*why = "size too large";
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * A SIZE for shmresize: "+SIZE" (*sign = 1), "-SIZE" (*sign = -1) or
 * "SIZE" (*sign = 0), as truncate(1) takes it.
 */
int
shm_size_parse_rel(const char *s, int *sign, uint64_t *out, const char **why)
{
	*sign = 0;
	if (*s == '+' || *s == '-')
		*sign = *s++ == '+' ? 1 : -1;
	return shm_size_parse(s, out, why);
}

/*
 * The size that [+|-]n (sign > 0, < 0, or 0 for n itself) makes of old:
 * -1 with ERANGE when it would be below 0 or above INT64_MAX, the most a
 * file (off_t) can be.  An absolute n is not judged: the backend says
 * what it cannot be.
 */
int
shm_size_apply(uint64_t old, int sign, uint64_t n, uint64_t *size)
{
	if ((sign > 0 && (old + n < old || old + n > INT64_MAX)) ||
	    (sign < 0 && n > old)) {
		errno = ERANGE;
		return -1;
	}
	*size = sign > 0 ? old + n : sign < 0 ? old - n : n;
	return 0;
}

/* MODE is always octal (FreeBSD's base 0 makes "644" decimal) and <= 0777. */
int
shm_mode_parse(const char *s, mode_t *out, const char **why)
{
	const char *p, *dummy;
	unsigned long v = 0;

	if (why == NULL)
		why = &dummy;
	if (*s == '\0') {
		*why = "empty mode";
		errno = EINVAL;
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '7') {
			*why = "malformed mode: expected octal digits";
			errno = EINVAL;
			return -1;
		}
		v = v * 8 + (unsigned long)(*p - '0');
		if (v > 0777) {
			*why = "mode larger than 0777";
			errno = ERANGE;
			return -1;
		}
	}
	*out = (mode_t)v;
	return 0;
}

/* Format n bytes for people: "4.0K", "1.5M", "512B". */
void
shm_size_human(uint64_t n, char *buf, size_t len)
{
	/* humanize_number() takes an int64_t; past that is only exbibytes. */
	if (n > INT64_MAX) {
		snprintf(buf, len, "%.0fE", (double)n / (double)(1ULL << 60));
		return;
	}
	/* humanize_number scales until the text fits: 4 places, "1.5M". */
	if (len < 5 || humanize_number(buf, 5,
	    (int64_t)n, "", HN_AUTOSCALE,
	    HN_DECIMAL | HN_NOSPACE | HN_B) == -1)
		snprintf(buf, len, "%llu", (unsigned long long)n);
}
