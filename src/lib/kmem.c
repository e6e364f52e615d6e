/*
 * kmem.c - facts of the kernel's memory that we learn by asking it: the
 * device memfds live on (its internal shmem mount), the huge page sizes
 * this machine has and the device of each size's internal hugetlbfs
 * mount, and a field of one of our own mappings in /proc/self/smaps.
 *
 * A huge-page System V segment shows as such only by where its memory
 * lives: a file on the internal hugetlbfs mount of its page size, one
 * device per size, where an ordinary one is on the internal shmem mount.
 * A memfd made with MFD_HUGETLB lives on the same internal mounts, so
 * one empty memfd of each size (which reserves nothing) tells us their
 * devices.
 *
 * Layer: kernel facts (src/lib/LAYERS).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"

/*
 * The device that memfds live on: the kernel's internal shmem mount,
 * learnt from a memfd of our own.  0 if we cannot make one.
 */
dev_t
memfd_dev(void)
{
	static dev_t dev;
	static bool known;
	struct stat st;
	int fd;

	if (known)
		return dev;
	if ((fd = memfd_create("shmtools-probe", MFD_CLOEXEC)) != -1) {
		if (fstat(fd, &st) == 0)
			dev = st.st_dev;
		close(fd);
	}
	known = true;
	return dev;
}

static struct {
	uint64_t	 size;
	dev_t		 dev;
} huge_devs[HUGE_MAX];
static size_t nhuge_devs;
static bool huge_devs_known;


unsigned
huge_log2(uint64_t v)
{
	unsigned n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static bool
power_of_two(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/*
 * The huge page sizes this kernel has, from the directories of
 * /sys/kernel/mm/hugepages ("hugepages-2048kB"), smallest first.
 */
int
shm_huge_sizes(uint64_t *sizes, size_t max, size_t *n)
{
	struct dirent *de;
	DIR *dir;
	size_t i, j;

	*n = 0;
	if ((dir = opendir(HUGEPAGES_DIR)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(dir)) != NULL && *n < max) {
		unsigned long long kb;
		char unit[4];

		if (sscanf(de->d_name, "hugepages-%llu%3s", &kb, unit) != 2 ||
		    strcmp(unit, "kB") != 0 || !power_of_two(kb))
			continue;
		sizes[(*n)++] = (uint64_t)kb * 1024;
	}
	closedir(dir);
	for (i = 1; i < *n; i++)
		for (j = i; j > 0 && sizes[j - 1] > sizes[j]; j--) {
			uint64_t t = sizes[j];

			sizes[j] = sizes[j - 1];
			sizes[j - 1] = t;
		}
	return 0;
}

/* Learn the device of each size's internal hugetlbfs mount, once. */
static void
learn_huge_devs(void)
{
	uint64_t sizes[HUGE_MAX];
	size_t n, i;

	if (huge_devs_known)
		return;
	huge_devs_known = true;
	if (shm_huge_sizes(sizes, HUGE_MAX, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		struct stat st;
		int fd;

		/* An empty file reserves nothing, even with none reserved. */
		fd = memfd_create("shmtools-probe", MFD_CLOEXEC | MFD_HUGETLB |
		    (huge_log2(sizes[i]) << HUGE_SHIFT));
		if (fd == -1)
			continue;
		if (fstat(fd, &st) == 0) {
			huge_devs[nhuge_devs].size = sizes[i];
			huge_devs[nhuge_devs].dev = st.st_dev;
			nhuge_devs++;
		}
		close(fd);
	}
}

/*
 * The page size of memory on device dev, as far as we can tell: the
 * huge page size for an internal hugetlbfs mount, the base page size
 * for the internal shmem mount (System V segments, memfds), 0 for any
 * other device (unknown).
 */
uint64_t
huge_dev_pagesize(dev_t dev)
{
	size_t i;

	learn_huge_devs();
	for (i = 0; i < nhuge_devs; i++)
		if (huge_devs[i].dev == dev)
			return huge_devs[i].size;
	if (dev != 0 && dev == memfd_dev())
		return (uint64_t)getpagesize();
	return 0;
}

/*
 * A field of our own mapping that holds addr in /proc/self/smaps
 * ("KernelPageSize", "Swap"), in bytes; -1 if there is none.
 */
int64_t
smaps_field(const void *addr, const char *field)
{
	char line[512];
	size_t flen = strlen(field);
	bool ours = false;
	int64_t v = -1;
	FILE *fp;

	if ((fp = fopen("/proc/self/smaps", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned long long start, end, kb;

		/* A mapping's first line: "start-end perms ..."; */
		if (sscanf(line, "%llx-%llx ", &start, &end) == 2) {
			if (ours)
				break;	/* the next mapping: no such field */
			ours = (uintptr_t)addr >= start && (uintptr_t)addr < end;
		} else if (ours && strncmp(line, field, flen) == 0 &&
		    line[flen] == ':' &&
		    sscanf(line + flen + 1, "%llu kB", &kb) == 1) {
			v = kb > INT64_MAX / 1024 ? INT64_MAX : (int64_t)kb * 1024;
			break;
		}
	}
	fclose(fp);
	return v;
}

/*
 * The page size of our own mapping at addr (an attached System V
 * segment), as the kernel says it; 0 if unknown.
 */
uint64_t
huge_map_pagesize(const void *addr)
{
	int64_t v = smaps_field(addr, "KernelPageSize");

	return v > 0 ? (uint64_t)v : 0;
}
