/*
 * fuzz_addr - shm_addr_parse and the round trip every shmls ADDRESS
 * promises: parse(format(parse(x))) is parse(x), and formats the same.
 */
#include "fuzz.h"

#include <errno.h>

static char *
format(const struct shm_addr *a)
{
	int n = shm_addr_format(a, NULL, 0);
	char *buf;

	if (n < 0 || (buf = malloc((size_t)n + 1)) == NULL)
		abort();
	if (shm_addr_format(a, buf, (size_t)n + 1) != n)
		abort();
	return buf;
}

static int
same(const struct shm_addr *a, const struct shm_addr *b)
{
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case SHM_SYSV:
		return a->by_id == b->by_id &&
		    (a->by_id ? a->id == b->id : a->key == b->key);
	case SHM_POSIX:
	case SHM_FILE:
		return a->name != NULL && b->name != NULL &&
		    strcmp(a->name, b->name) == 0;
	case SHM_MEMFD:
		return a->pid == b->pid && a->fd == b->fd;
	default:
		return 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *f1, *f2;
	struct shm_addr a, b;
	const char *why = NULL;

	errno = 0;
	if (shm_addr_parse(s, &a, &why) == -1) {
		FUZZ_CHECK(why != NULL && *why != '\0', s);
		FUZZ_CHECK(errno != 0, s);
		shm_addr_free(&a);
		free(s);
		return 0;
	}
	FUZZ_CHECK(a.kind < SHM_NKINDS, s);
	if (a.kind == SHM_POSIX) {
		FUZZ_CHECK(a.name != NULL && *a.name != '\0', s);
		FUZZ_CHECK(strchr(a.name, '/') == NULL, s);
		FUZZ_CHECK(strcmp(a.name, ".") != 0 && strcmp(a.name, "..") != 0, s);
		FUZZ_CHECK(strlen(a.name) <= 255, s);
	}
	if (a.kind == SHM_SYSV)
		FUZZ_CHECK(a.by_id ? a.id >= 0 : a.key != 0, s);
	if (a.kind == SHM_MEMFD)
		FUZZ_CHECK(a.pid > 0 && a.fd >= 0, s);

	f1 = format(&a);
	why = NULL;
	FUZZ_CHECK(shm_addr_parse(f1, &b, &why) == 0, f1);
	FUZZ_CHECK(same(&a, &b), s);
	f2 = format(&b);
	FUZZ_CHECK(strcmp(f1, f2) == 0, s);

	free(f1);
	free(f2);
	shm_addr_free(&a);
	shm_addr_free(&b);
	free(s);
	return 0;
}
