/*
 * fuzz.h - what the libFuzzer targets in tests/fuzz share: the input as a
 * C string, as the parsers get it from argv or from a line of /proc.
 */
#ifndef SHMT_FUZZ_H
#define SHMT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shm-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A NUL-terminated copy of the input, up to its first NUL byte. */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A broken invariant: say which, on stderr, and crash for libFuzzer. */
#define FUZZ_CHECK(cond, input) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "invariant broken: %s\ninput: '%s'\n",	\
		    #cond, (input));					\
		abort();						\
	}								\
} while (0)

#endif
