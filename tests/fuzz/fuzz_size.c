/*
 * fuzz_size - shm_size_parse and shm_size_parse_rel against a reference:
 * DIGITS [K|M|G|T|P|E (any case) [B|iB]] or DIGITS B, binary units, at
 * most INT64_MAX; and shmresize's optional + or - in front.
 */
#include "fuzz.h"

#include <ctype.h>
#include <errno.h>
#include <strings.h>

/* The reference: 1 and *out; 0 malformed; -1 too large. */
static int
reference(const char *s, uint64_t *out)
{
	static const char units[] = "kmgtpe";
	unsigned __int128 v = 0, limit = INT64_MAX;
	const char *p = s, *u;
	int shift = 0;

	if (!isdigit((unsigned char)*p))
		return 0;
	for (; isdigit((unsigned char)*p); p++)
		if ((v = v * 10 + (unsigned)(*p - '0')) > limit)
			v = limit + 1;		/* stays too large */
	if (*p != '\0' &&
	    (u = strchr(units, tolower((unsigned char)*p))) != NULL) {
		shift = 10 * (int)(u - units + 1);
		p++;
		if (*p == 'i' || *p == 'I') {
			p++;
			if (*p == '\0')
				return 0;	/* "Ki" without its B */
		}
	}
	if (*p != '\0' && !((*p == 'b' || *p == 'B') && p[1] == '\0'))
		return 0;
	if ((v << shift) > limit)
		return -1;
	*out = (uint64_t)(v << shift);
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const char *why = NULL, *body;
	uint64_t got = 0, want = 0, rgot = 0;
	int r, ref, sign = 7, rr;

	errno = 0;
	r = shm_size_parse(s, &got, &why);
	ref = reference(s, &want);
	if (r == 0) {
		FUZZ_CHECK(ref == 1, s);
		FUZZ_CHECK(got == want, s);
		FUZZ_CHECK(got <= INT64_MAX, s);
	} else {
		FUZZ_CHECK(r == -1, s);
		FUZZ_CHECK(why != NULL && *why != '\0', s);
		FUZZ_CHECK(errno == EINVAL || errno == ERANGE, s);
		FUZZ_CHECK(ref != 1, s);
		/* Too large is told from malformed. */
		FUZZ_CHECK((errno == ERANGE) == (ref == -1), s);
	}

	why = NULL;
	rr = shm_size_parse_rel(s, &sign, &rgot, &why);
	body = (*s == '+' || *s == '-') ? s + 1 : s;
	FUZZ_CHECK(sign == (*s == '+' ? 1 : *s == '-' ? -1 : 0), s);
	ref = reference(body, &want);
	if (rr == 0)
		FUZZ_CHECK(ref == 1 && rgot == want, s);
	else
		FUZZ_CHECK(ref != 1 && why != NULL, s);
	free(s);
	return 0;
}
