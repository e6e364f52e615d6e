/*
 * test_huge.c - the pure parts of huge pages and of the swap split: page
 * sizes in words, the SHM_C_* encoding of a page size, shmget()'s flags,
 * the split of a tmpfs file's allocated bytes, and the semaphore names
 * the address grammar refuses.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

#include "backend.h"
#include "tap.h"

#define KiB	UINT64_C(1024)
#define MiB	(KiB * 1024)
#define GiB	(MiB * 1024)

static void
check_names(void)
{
	static const struct {
		uint64_t	 size;
		const char	*want;
	} cases[] = {
		{ 64 * KiB, "64 KiB" }, { 2 * MiB, "2 MiB" },
		{ 32 * MiB, "32 MiB" }, { GiB, "1 GiB" },
		{ 16 * GiB, "16 GiB" }, { 1536 * KiB, "1536 KiB" },
		{ 1000, "1000 bytes" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		shm_huge_name(cases[i].size, buf, sizeof(buf));
		tap_ok(strcmp(buf, cases[i].want) == 0, "%" PRIu64
		    " bytes is \"%s\" (got \"%s\")", cases[i].size,
		    cases[i].want, buf);
	}
}

static void
check_flags(void)
{
	static const uint64_t sizes[] = { 64 * KiB, 2 * MiB, 32 * MiB, GiB,
	    16 * GiB };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int f = shm_huge_flags(sizes[i]);

		tap_ok((f & SHM_C_HUGE) && !(f & (SHM_C_REUSE |
		    SHM_C_RESERVE | SHM_O_RDWR | SHM_O_NOATIME)) &&
		    huge_flags_size(f | SHM_C_REUSE | SHM_C_RESERVE) ==
		    sizes[i], "SHM_C_* flags carry page size %" PRIu64
		    " beside the others", sizes[i]);
	}
	tap_ok(huge_flags_size(SHM_C_REUSE | SHM_C_RESERVE) == 0,
	    "no SHM_C_HUGE: no page size");
	/* The kernel's SHM_HUGE_2MB and SHM_HUGE_1GB (log2 << 26). */
	tap_ok(huge_shmflg(2 * MiB) == (SHM_HUGETLB | (21 << 26)),
	    "2 MiB: SHM_HUGETLB | SHM_HUGE_2MB");
	tap_ok(huge_shmflg(GiB) == (SHM_HUGETLB | (30 << 26)),
	    "1 GiB: SHM_HUGETLB | SHM_HUGE_1GB");
}

static void
check_split(void)
{
	static const struct {
		uint64_t	 allocated, swapped;
		int64_t		 rss, swap;
		const char	*what;
	} cases[] = {
		{ 0, 0, 0, 0, "an empty file" },
		{ 8 * MiB, 0, 8 * MiB, 0, "all resident" },
		{ 8 * MiB, 8 * MiB, 0, 8 * MiB, "all swapped" },
		{ 8 * MiB, 3 * MiB, 5 * MiB, 3 * MiB, "part swapped" },
		/* swapped in between the two looks */
		{ 4 * MiB, 6 * MiB, 0, 4 * MiB, "more swapped than allocated" },
		{ UINT64_MAX, 0, INT64_MAX, 0, "past INT64_MAX resident" },
		{ UINT64_MAX, UINT64_MAX, 0, INT64_MAX, "past INT64_MAX swapped" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t rss = -1, swap = -1;

		shm_swap_split(cases[i].allocated, cases[i].swapped, &rss,
		    &swap);
		tap_ok(rss == cases[i].rss && swap == cases[i].swap &&
		    rss >= 0 && swap >= 0, "split: %s (rss %" PRId64
		    ", swap %" PRId64 ")", cases[i].what, rss, swap);
	}
}

static void
check_semaphores(void)
{
	static const struct {
		const char	*addr;
		bool		 ok;
	} cases[] = {
		{ "/sem.x", false }, { "posix:sem.x", false },
		{ "/sem.", false }, { "/sem", true }, { "/semx", true },
		{ "/SEM.x", true }, { "/x.sem.y", true }, { "/sem-x", true },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct shm_addr a;
		const char *why = NULL;
		int r = shm_addr_parse(cases[i].addr, &a, &why);

		if (cases[i].ok)
			tap_ok(r == 0 && a.kind == SHM_POSIX, "%s is a POSIX "
			    "object", cases[i].addr);
		else
			tap_ok(r == -1 && errno == EINVAL && why != NULL &&
			    strstr(why, "POSIX semaphore") != NULL,
			    "%s is refused as a semaphore (%s)",
			    cases[i].addr, why ? why : "no reason");
		if (r == 0)
			shm_addr_free(&a);
	}
}

int
main(void)
{
	check_names();
	check_flags();
	check_split();
	check_semaphores();
	return tap_done();
}
