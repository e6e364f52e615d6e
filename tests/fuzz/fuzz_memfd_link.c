/*
 * fuzz_memfd_link - memfd_link_name on the targets of /proc/PID/fd links:
 * "/memfd:NAME (deleted)" gives NAME, inside the link; anything else NULL.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	static const char prefix[] = "/memfd:", suffix[] = " (deleted)";
	size_t n = strlen(s), len = (size_t)-1;
	const char *name = memfd_link_name(s, &len);

	if (strncmp(s, prefix, sizeof(prefix) - 1) != 0) {
		FUZZ_CHECK(name == NULL, s);
	} else {
		FUZZ_CHECK(name == s + sizeof(prefix) - 1, s);
		FUZZ_CHECK(len <= n - (sizeof(prefix) - 1), s);
		FUZZ_CHECK(name + len <= s + n, s);
		/* Without the suffix, the whole rest is the name. */
		if (n < sizeof(prefix) - 1 + sizeof(suffix) - 1 ||
		    strcmp(s + n - (sizeof(suffix) - 1), suffix) != 0)
			FUZZ_CHECK(len == n - (sizeof(prefix) - 1), s);
		else
			FUZZ_CHECK(len == n - (sizeof(prefix) - 1) -
			    (sizeof(suffix) - 1), s);
	}
	free(s);
	return 0;
}
