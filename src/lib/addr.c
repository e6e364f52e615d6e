/*
 * addr.c - the ADDRESS grammar shared by every program (see shmtools(7)).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shm-private.h"

static const char *const kind_names[SHM_NKINDS] = {
	[SHM_SYSV] = "sysv",
	[SHM_POSIX] = "posix",
	[SHM_FILE] = "file",
	[SHM_MEMFD] = "memfd",
};

const char *
shm_kind_name(enum shm_kind kind)
{
	return kind < SHM_NKINDS ? kind_names[kind] : "?";
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/*
 * An unsigned number in base 0 (decimal, 0x hex, 0 octal) or a fixed base,
 * with no sign, no white space and nothing after it: strtoumax alone
 * accepts " -1" and wraps it around.
 */
static int
parse_unsigned(const char *s, int base, uintmax_t max, uintmax_t *out)
{
	char *end;
	uintmax_t v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoumax(s, &end, base);
	if (end == s || *end != '\0')
		return -1;
	if (errno == ERANGE || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * glibc keeps the POSIX semaphore NAME in /dev/shm as "sem.NAME": a name
 * there that starts so is a semaphore, whoever made it, never a segment.
 */
bool
shm_name_is_semaphore(const char *name)
{
	return strncmp(name, "sem.", 4) == 0;
}

static int
parse_name(const char *name, struct shm_addr *a, const char **why)
{
	size_t len = strlen(name);

	if (len == 0)
		*why = "empty POSIX name";
	else if (strchr(name, '/') != NULL)
		*why = "a POSIX name cannot contain '/'";
	else if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		*why = "a POSIX name cannot be '.' or '..'";
	else if (len > NAME_MAX)
		*why = "POSIX name longer than NAME_MAX (255 bytes)";
	else if (shm_name_is_semaphore(name))
		*why = "sem.NAME is a POSIX semaphore (sem_open(3)), not shared "
		    "memory: use sem_unlink(3), or rm it in /dev/shm";
	else {
		a->kind = SHM_POSIX;
		if ((a->name = strdup(name)) == NULL) {
			*why = strerror(errno);
			return -1;
		}
		return 0;
	}
	errno = EINVAL;
	return -1;
}

static int
parse_key(const char *s, int base, struct shm_addr *a, const char **why)
{
	uintmax_t v;

	if (parse_unsigned(s, base, UINT32_MAX, &v) == -1) {
		*why = errno == ERANGE ? "key larger than 0xffffffff" :
		    "malformed key: expected 0xHEX, or key:N in decimal, "
		    "0x hex or 0 octal";
		errno = EINVAL;
		return -1;
	}
	if (v == 0) {
		*why = "key 0 is IPC_PRIVATE and names no segment: use id:N";
		errno = EINVAL;
		return -1;
	}
	a->kind = SHM_SYSV;
	a->by_id = false;
	a->key = (key_t)(uint32_t)v;
	return 0;
}

static int
parse_id(const char *s, struct shm_addr *a, const char **why)
{
	uintmax_t v;

	if (!all_digits(s) || parse_unsigned(s, 10, INT_MAX, &v) == -1) {
		*why = all_digits(s) ? "id larger than INT_MAX" :
		    "malformed id: expected a decimal shmid";
		errno = EINVAL;
		return -1;
	}
	a->kind = SHM_SYSV;
	a->by_id = true;
	a->id = (int)v;
	return 0;
}

static int
parse_memfd(const char *s, struct shm_addr *a, const char **why)
{
	const char *colon = strchr(s, ':');
	char pidbuf[16];
	uintmax_t pid, fd;
	size_t len;

	*why = "malformed memfd address: expected memfd:PID:FD";
	if (colon == NULL || (len = (size_t)(colon - s)) >= sizeof(pidbuf))
		goto bad;
	memcpy(pidbuf, s, len);
	pidbuf[len] = '\0';
	if (!all_digits(pidbuf) || !all_digits(colon + 1))
		goto bad;
	if (parse_unsigned(pidbuf, 10, INT_MAX, &pid) == -1 || pid == 0) {
		*why = "memfd PID out of range";
		goto bad;
	}
	if (parse_unsigned(colon + 1, 10, INT_MAX, &fd) == -1) {
		*why = "memfd FD out of range";
		goto bad;
	}
	a->kind = SHM_MEMFD;
	a->pid = (pid_t)pid;
	a->fd = (int)fd;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/*
 * Parse ADDRESS s into a.  On error, return -1 with errno set and *why
 * saying which rule s broke.
 */
int
shm_addr_parse(const char *s, struct shm_addr *a, const char **why)
{
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	memset(a, 0, sizeof(*a));
	a->id = -1;
	a->fd = -1;

	if (s[0] == '/')
		return parse_name(s + 1, a, why);
	if (strncmp(s, "posix:", 6) == 0)
		return parse_name(s[6] == '/' ? s + 7 : s + 6, a, why);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_key(s, 16, a, why);
	if (strncmp(s, "key:", 4) == 0)
		return parse_key(s + 4, 0, a, why);
	if (strncmp(s, "id:", 3) == 0)
		return parse_id(s + 3, a, why);
	if (all_digits(s))
		return parse_id(s, a, why);
	if (strncmp(s, "file:", 5) == 0) {
		if (s[5] == '\0') {
			*why = "empty file path";
			errno = EINVAL;
			return -1;
		}
		a->kind = SHM_FILE;
		if ((a->name = strdup(s + 5)) == NULL) {
			*why = strerror(errno);
			return -1;
		}
		return 0;
	}
	if (strncmp(s, "memfd:", 6) == 0)
		return parse_memfd(s + 6, a, why);

	*why = s[0] == '\0' ? "empty address" :
	    "not an address: expected /NAME, posix:NAME, 0xKEY, key:N, "
	    "id:N, N, file:PATH or memfd:PID:FD";
	errno = EINVAL;
	return -1;
}

/*
 * Format a as the ADDRESS every program accepts.  Returns what snprintf
 * returns: a result >= len means it did not fit.
 */
int
shm_addr_format(const struct shm_addr *a, char *buf, size_t len)
{
	switch (a->kind) {
	case SHM_SYSV:
		if (a->by_id)
			return snprintf(buf, len, "id:%d", a->id);
		return snprintf(buf, len, "0x%08" PRIx32, (uint32_t)a->key);
	case SHM_POSIX:
		return snprintf(buf, len, "/%s", a->name);
	case SHM_FILE:
		return snprintf(buf, len, "file:%s", a->name);
	case SHM_MEMFD:
		return snprintf(buf, len, "memfd:%d:%d", (int)a->pid, a->fd);
	default:
		return snprintf(buf, len, "?");
	}
}

int
shm_addr_copy(struct shm_addr *dst, const struct shm_addr *src)
{
	*dst = *src;
	if (src->name != NULL && (dst->name = strdup(src->name)) == NULL)
		return -1;
	return 0;
}

void
shm_addr_free(struct shm_addr *a)
{
	free(a->name);
	a->name = NULL;
}
