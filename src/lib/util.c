/*
 * util.c - small readers of kernel facts.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "backend.h"

/* The same, as the IPC namespace of place has it (kernel.shm*). */
int
shm_place_sysctl(const struct shm_place *place, const char *name,
    uint64_t *out)
{
	if (place_enter(place) == -1)
		return -1;
	return shm_sysctl(name, out);
}

/* Is capability cap in our effective set?  If we cannot tell, no. */
bool
shm_have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		_LINUX_CAPABILITY_VERSION_3, 0
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data) == -1)
		return false;
	return (data[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap)) != 0;
}

/*
 * Read a small file (a /proc one, say) at dirfd into buf, NUL-terminated;
 * its length, or -1.
 */
ssize_t
shm_read_small(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)got < len - 1 &&
	    (n = read(fd, buf + got, len - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

/* A number from /proc/sys/NAME, e.g. "kernel/shmmax". */
int
shm_sysctl(const char *name, uint64_t *out)
{
	char path[128], buf[64], *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		errno = EINVAL;
		return -1;
	}
	buf[n] = '\0';
	errno = 0;
	*out = strtoumax(buf, &end, 10);
	if (errno != 0 || end == buf) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
