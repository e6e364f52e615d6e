/*
 * loopdev.c - the files that back loop devices.  A loop device bound to
 * a file uses it as long as it is bound, and no process stands for that
 * use: /proc shows nothing of it.  sysfs names each bound device's
 * backing file by path (/sys/block/loopN/loop/backing_file); its device
 * and inode, which tell it apart from another file of that name, come
 * from the device itself (LOOP_GET_STATUS64), which only who may open
 * /dev/loopN can ask.
 *
 * Layer: kernel facts (src/lib/LAYERS).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/loop.h>

#include "shm-private.h"

#define SYS_BLOCK	"/sys/block"

/* The kernel's encoding of lo_device (new_encode_dev), decoded. */
static dev_t
loop_decode_dev(uint64_t v)
{
	return makedev((unsigned)((v & 0xfff00) >> 8),
	    (unsigned)((v & 0xff) | ((v >> 12) & 0xfff00)));
}

/*
 * The device and inode of the file that backs loop device name (whose
 * sysfs directory is dirfd): 0, or -1 if we may not ask (no /dev/NAME,
 * or not that device, or no permission).
 */
static int
loop_identity(int dirfd, const char *name, struct loop_backing *b)
{
	struct loop_info64 info;
	unsigned major, minor;
	char path[64], buf[32];
	struct stat st;
	int fd, r = -1;

	if (shm_read_small(dirfd, "dev", buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%u:%u", &major, &minor) != 2)
		return -1;
	snprintf(path, sizeof(path), "/dev/%s", name);
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	/* The node by that name must be the device sysfs speaks of. */
	if (fstat(fd, &st) == 0 && S_ISBLK(st.st_mode) &&
	    st.st_rdev == makedev(major, minor) &&
	    ioctl(fd, LOOP_GET_STATUS64, &info) == 0) {
		b->dev = loop_decode_dev(info.lo_device);
		b->ino = (ino_t)info.lo_inode;
		b->known = true;
		r = 0;
	}
	close(fd);
	return r;
}

/*
 * Every bound loop device and its backing file, into *v and *n (free
 * *v); -1 and errno if sysfs cannot be read.  A device whose backing
 * file we may not identify is there with known false.
 */
int
loop_backing_list(struct loop_backing **v, size_t *n)
{
	struct loop_backing *list = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	DIR *dir;

	if ((dir = opendir(SYS_BLOCK)) == NULL)
		return -1;
	for (;;) {
		struct loop_backing *b;
		ssize_t len;
		int fd;

		errno = 0;
		if ((de = readdir(dir)) == NULL)
			break;
		if (strncmp(de->d_name, "loop", 4) != 0 ||
		    (fd = openat(dirfd(dir), de->d_name,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
			continue;
		if (count == cap) {
			size_t c = cap ? cap * 2 : 8;

			if ((b = reallocarray(list, c, sizeof(*b))) == NULL) {
				close(fd);
				break;
			}
			list = b;
			cap = c;
		}
		b = &list[count];
		memset(b, 0, sizeof(*b));
		/* Unbound: no loop/backing_file. */
		len = shm_read_small(fd, "loop/backing_file", b->path,
		    sizeof(b->path));
		if (len > 0) {
			b->path[strcspn(b->path, "\n")] = '\0';
			(void)loop_identity(fd, de->d_name, b);
			count++;
		}
		close(fd);
		errno = 0;
	}
	if (errno != 0) {
		free_keep_errno(list);
		closedir(dir);
		return -1;
	}
	closedir(dir);
	*v = list;
	*n = count;
	return 0;
}
