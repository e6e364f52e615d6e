/*
 * fuzz_mode - shm_mode_parse: octal digits only, always base 8, at most
 * 0777; against a reference.
 */
#include "fuzz.h"

#include <errno.h>
#include <sys/stat.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const char *why = NULL, *p;
	unsigned long v = 0;
	mode_t m = 01000;
	int ok = *s != '\0';

	for (p = s; ok && *p != '\0'; p++) {
		if (*p < '0' || *p > '7')
			ok = 0;
		else if ((v = v * 8 + (unsigned long)(*p - '0')) > 0777)
			ok = 0;
	}
	errno = 0;
	if (shm_mode_parse(s, &m, &why) == 0) {
		FUZZ_CHECK(ok, s);
		FUZZ_CHECK(m == (mode_t)v, s);
		FUZZ_CHECK((m & ~(mode_t)0777) == 0, s);
	} else {
		FUZZ_CHECK(!ok, s);
		FUZZ_CHECK(why != NULL && *why != '\0' && errno != 0, s);
	}
	free(s);
	return 0;
}
