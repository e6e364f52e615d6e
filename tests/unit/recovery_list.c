/*
 * recovery_list - print what sysv_recovery_list() finds, one file a line,
 * for tests/62-shmresize-crash.bats:
 *
 *	KEY OLD-ID OLD-SIZE NEW-SIZE MODE UID GID complete|partial PATH
 *
 * KEY is 0x%08x, as shmls prints keys (0x00000000 for a private segment).
 * Exits 1, with the reason on stderr, when the list cannot be made.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "shm.h"

int
main(void)
{
	struct shm_recovery *v;
	size_t n, i;

	if (sysv_recovery_list(shm_place_default(), &v, &n) == -1) {
		fprintf(stderr, "recovery_list: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("0x%08x %d %llu %llu %03o %u %u %s %s\n",
		    (unsigned)v[i].key, v[i].old_id,
		    (unsigned long long)v[i].old_size,
		    (unsigned long long)v[i].new_size, (unsigned)v[i].mode,
		    (unsigned)v[i].uid, (unsigned)v[i].gid,
		    v[i].complete ? "complete" : "partial", v[i].path);
	sysv_recovery_list_free(v, n);
	return fclose(stdout) == 0 ? 0 : 1;
}
