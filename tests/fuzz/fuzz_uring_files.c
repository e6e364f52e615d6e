/*
 * fuzz_uring_files - proc_uring_files_line and _done on the text of an
 * io_uring's /proc/PID/fdinfo/FD, a line at a time: a path it gives fits
 * its buffer, starts with '/' and came from the UserFiles section; done
 * says 0, or -1 with EAGAIN or EINVAL.
 */
#include <errno.h>

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *line = s, buf[64];
	struct uring_files u;
	int r;

	proc_uring_files_init(&u);
	while (*line != '\0') {
		char *nl = strchr(line, '\n'), save = '\0';

		if (nl != NULL) {
			save = nl[1];
			nl[1] = '\0';
		}
		memset(buf, 'x', sizeof(buf));
		r = proc_uring_files_line(&u, line, buf, sizeof(buf));
		FUZZ_CHECK(r == 0 || r == 1, s);
		if (r == 1) {
			FUZZ_CHECK(memchr(buf, '\0', sizeof(buf)) != NULL, s);
			FUZZ_CHECK(buf[0] == '/', s);
			FUZZ_CHECK(u.entries > 0, s);
		}
		if (nl == NULL)
			break;
		nl[1] = save;
		line = nl + 1;
	}
	errno = 0;
	r = proc_uring_files_done(&u);
	FUZZ_CHECK(r == 0 || (r == -1 && (errno == EAGAIN || errno == EINVAL)),
	    s);
	free(s);
	return 0;
}
