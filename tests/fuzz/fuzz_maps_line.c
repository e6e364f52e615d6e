/*
 * fuzz_maps_line - proc_maps_parse_line on lines of /proc/PID/maps: the
 * path it returns, if any, points into the line at a '/'.
 */
#include "fuzz.h"

#include <sys/sysmacros.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const char *path = (const char *)1;
	size_t len = strlen(s);
	bool shared = false;
	dev_t dev = 0;
	ino_t ino = 0;

	if (proc_maps_parse_line(s, &dev, &ino, &shared, &path) == 0) {
		FUZZ_CHECK(path == NULL || (path > s && path < s + len), s);
		FUZZ_CHECK(path == NULL || *path == '/', s);
	}
	free(s);
	return 0;
}
