/*
 * huge.c - huge pages (hugetlbfs): which sizes this machine has, how many
 * are reserved, and how to tell that memory is made of them.
 *
 * The kernel sets no bit in a System V segment's mode for SHM_HUGETLB.
 * What shows it is where the memory lives: a huge-page segment is a file
 * on the kernel's internal hugetlbfs mount of its page size, one device
 * per size, where an ordinary one is on the internal shmem mount.  A
 * memfd made with MFD_HUGETLB lives on the same internal mounts, so one
 * empty memfd of each size (which reserves nothing) tells us their
 * devices, and an attacher's line in /proc/PID/maps tells us the device
 * of its mapping: no smaps walk, and never an attach of our own.
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

#define HUGEPAGES_DIR	"/sys/kernel/mm/hugepages"
#define HUGE_MAX	8	/* sizes a machine has: x86 2, arm64 4 */

#ifndef MFD_HUGETLB
#define MFD_HUGETLB	0x0004U
#endif
/* SHM_HUGETLB's and MFD_HUGETLB's page size: log2 of it, in bits 26-31. */
#define HUGE_SHIFT	26

static struct {
	uint64_t	 size;
	dev_t		 dev;
} huge_devs[HUGE_MAX];
static size_t nhuge_devs;
static bool huge_devs_known;

static unsigned
log2_of(uint64_t v)
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
	return SHM_C_HUGE | (int)(log2_of(size) << HUGE_SHIFT);
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
	return SHM_HUGETLB | (int)(log2_of(size) << HUGE_SHIFT);
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
		    (log2_of(sizes[i]) << HUGE_SHIFT));
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
huge_smaps_field(const void *addr, const char *field)
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
	int64_t v = huge_smaps_field(addr, "KernelPageSize");

	return v > 0 ? (uint64_t)v : 0;
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

	if (seg_is_mapping(seg))
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

/*
 * The huge page size of the file system a POSIX object or file: address
 * lives on: /dev/shm may be a hugetlbfs mount (then every object there is
 * made of its pages).  0 if it is not hugetlbfs, or cannot be told.
 */
uint64_t
huge_addr_pagesize(const struct shm_addr *a)
{
	struct statfs sf;
	int dirfd;

	if (a->kind == SHM_POSIX) {
		if ((dirfd = place_devshm(shm_addr_place(a))) == -1 ||
		    fstatfs(dirfd, &sf) == -1)
			return 0;
	} else if (a->kind != SHM_FILE || statfs(a->name, &sf) == -1)
		return 0;
	return sf.f_type == HUGETLBFS_MAGIC ? (uint64_t)sf.f_bsize : 0;
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
