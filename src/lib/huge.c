/*
 * huge.c - huge pages as the programs ask for them: --huge=SIZE parsed,
 * the flags that carry a page size to shmget(2), how many pages are
 * reserved and free, the page size of an open segment or a file system,
 * and the words for a failure to have them.  Which sizes exist and the
 * device of each is kmem.c's.
 *
 * Layer: kernel facts (src/lib/LAYERS).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "backend.h"

/* The default huge page size (Hugepagesize in /proc/meminfo), or 0. */
uint64_t
shm_huge_default(void)
{
	char line[128];
	unsigned long long kb;
	uint64_t size = 0;
	FILE *fp;

	if ((fp = fopen("/proc/meminfo", "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "Hugepagesize: %llu kB", &kb) == 1) {
			size = (uint64_t)kb * 1024;
			break;
		}
	fclose(fp);
	return size;
}

/*
 * --huge[=SIZE]: SIZE (2M, 1G, ...) must be a huge page size this
 * kernel has; no SIZE is the default one.
 */
int
shm_huge_parse(const char *arg, uint64_t *size, const char **why)
{
	uint64_t sizes[HUGE_MAX];
	size_t n, i;

	*why = NULL;
	if (arg == NULL || *arg == '\0') {
		if ((*size = shm_huge_default()) == 0) {
			*why = "this kernel has no huge pages";
			errno = EINVAL;
			return -1;
		}
		return 0;
	}
	if (shm_size_parse(arg, size, why) == -1)
		return -1;
	if (shm_huge_sizes(sizes, HUGE_MAX, &n) == -1)
		n = 0;
	for (i = 0; i < n; i++)
		if (sizes[i] == *size)
			return 0;
	*why = n == 0 ? "this kernel has no huge pages" :
	    "not a huge page size of this kernel (see /sys/kernel/mm/hugepages)";
	errno = EINVAL;
	return -1;
}

/* The SHM_C_* bits that ask shm_create() for huge pages of size. */
int
shm_huge_flags(uint64_t size)
{
	return SHM_C_HUGE | (int)(huge_log2(size) << HUGE_SHIFT);
}

/* The huge page size SHM_C_* flags ask for; 0 for none. */
uint64_t
huge_flags_size(int flags)
{
	if (!(flags & SHM_C_HUGE))
		return 0;
	return (uint64_t)1 << (((unsigned)flags >> HUGE_SHIFT) & 0x3f);
}

/* shmget(2)'s flags for huge pages of size: SHM_HUGETLB | SHM_HUGE_2MB. */
int
huge_shmflg(uint64_t size)
{
	return SHM_HUGETLB | (int)(huge_log2(size) << HUGE_SHIFT);
}

/*
 * The page size of an open segment: the System V mapping's, or the file
 * system's for a descriptor (hugetlbfs: f_bsize is its page size).
 * 0 if unknown.
 */
uint64_t
shm_seg_pagesize(const struct shm_seg *seg)
{
	struct statfs sf;

	if (seg->fd == -1)	/* System V: no descriptor, a mapping */
		return seg->base != NULL ? huge_map_pagesize(seg->base) : 0;
	if (fstatfs(seg->fd, &sf) == -1)
		return 0;
	if (sf.f_type == HUGETLBFS_MAGIC)
		return (uint64_t)sf.f_bsize;
	return (uint64_t)getpagesize();
}

/*
 * Is the file system at dirfd hugetlbfs of page size size?  0 if it is;
 * -1 with errno SHM_ENOTHUGE if it is another, or another error.
 */
int
huge_fs_check(int dirfd, uint64_t size)
{
	struct statfs sf;

	if (fstatfs(dirfd, &sf) == -1)
		return -1;
	if (sf.f_type != HUGETLBFS_MAGIC || (uint64_t)sf.f_bsize != size) {
		errno = SHM_ENOTHUGE;
		return -1;
	}
	return 0;
}

/* The pool of huge pages of size: how many are reserved, how many free. */
int
shm_huge_pool(uint64_t size, uint64_t *total, uint64_t *avail)
{
	char path[128];
	const char *files[2] = { "nr_hugepages", "free_hugepages" };
	uint64_t *out[2] = { total, avail };
	int i;

	for (i = 0; i < 2; i++) {
		unsigned long long v;
		FILE *fp;
		int ok;

		snprintf(path, sizeof(path), HUGEPAGES_DIR "/hugepages-%" PRIu64
		    "kB/%s", size / 1024, files[i]);
		if ((fp = fopen(path, "re")) == NULL)
			return -1;
		ok = fscanf(fp, "%llu", &v) == 1;
		fclose(fp);
		if (!ok) {
			errno = EINVAL;
			return -1;
		}
		*out[i] = v;
	}
	return 0;
}

/* A page size in words: "2 MiB", "1 GiB". */
void
shm_huge_name(uint64_t size, char *buf, size_t len)
{
	static const char *units[] = { "KiB", "MiB", "GiB", "TiB" };
	uint64_t v = size / 1024;
	size_t u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && v >= 1024 &&
	    v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (size % 1024 != 0)
		snprintf(buf, len, "%" PRIu64 " bytes", size);
	else
		snprintf(buf, len, "%" PRIu64 " %s", v, units[u]);
}

/*
 * Words for a failure to make huge pages of size: NULL if err is not one
 * that huge pages explain.  The knob is vm.nr_hugepages for the default
 * size, the sysfs file for the others.
 */
const char *
shm_huge_explain(int err, uint64_t size, char *buf, size_t len)
{
	char human[32], knob[128];
	uint64_t total, avail;

	if (err == SHM_ENOTHUGE)
		return "not on hugetlbfs of that page size: huge pages for "
		    "a POSIX object or file need a hugetlbfs mount of them "
		    "(use a System V key or --private)";
	if (err == EPERM)
		return "huge pages need CAP_IPC_LOCK or the group of "
		    "vm.hugetlb_shm_group";
	if (err != ENOMEM)
		return NULL;
	shm_huge_name(size, human, sizeof(human));
	if (size == shm_huge_default())
		snprintf(knob, sizeof(knob), "sysctl vm.nr_hugepages");
	else
		snprintf(knob, sizeof(knob), HUGEPAGES_DIR "/hugepages-%" PRIu64
		    "kB/nr_hugepages", size / 1024);
	if (shm_huge_pool(size, &total, &avail) == -1)
		snprintf(buf, len, "not enough free %s huge pages (%s)", human,
		    knob);
	else if (total == 0)
		snprintf(buf, len, "no %s huge pages reserved (%s)", human,
		    knob);
	else
		snprintf(buf, len, "not enough free %s huge pages: %" PRIu64
		    " of %" PRIu64 " free (%s)", human, avail, total, knob);
	return buf;
}
