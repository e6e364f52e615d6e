/*
 * fuzz_duration - shm_duration_parse: DIGITS [s|m|h|d|w], never negative,
 * never an overflowed time_t; against a reference.
 */
#include "fuzz.h"

#include <ctype.h>
#include <errno.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const char *why = NULL, *p = s, *u;
	static const char units[] = "smhdw";
	static const long mult[] = { 1, 60, 3600, 86400, 604800 };
	unsigned __int128 v = 0;
	long m = 1;
	time_t t = -12345;
	int ok = isdigit((unsigned char)*p), big = 0;

	for (; isdigit((unsigned char)*p); p++)
		if ((v = v * 10 + (unsigned)(*p - '0')) > ((unsigned __int128)1 << 80))
			big = 1, v = (unsigned __int128)1 << 80;
	if (ok && *p != '\0') {
		if ((u = strchr(units, *p)) == NULL || p[1] != '\0')
			ok = 0;
		else
			m = mult[u - units];
	}
	errno = 0;
	if (shm_duration_parse(s, &t, &why) == 0) {
		FUZZ_CHECK(ok && !big, s);
		FUZZ_CHECK(t >= 0, s);
		FUZZ_CHECK((unsigned __int128)t == v * (unsigned)m, s);
	} else {
		FUZZ_CHECK(why != NULL && *why != '\0' && errno != 0, s);
		/* Refused when malformed, or when too long (ERANGE). */
		FUZZ_CHECK(!ok || errno == ERANGE, s);
	}
	free(s);
	return 0;
}
