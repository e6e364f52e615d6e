/*
 * addr.c - the ADDRESS grammar shared by every program (see shmtools(7)).
 *
 * Layer: text (src/lib/LAYERS).
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
	[SHM_ANON] = "anon",
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

/* Up to 16 hex digits, no 0x and no sign, as map_files names them. */
static int
parse_map_addr(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	/* 16 hex digits at most: no overflow to check. */
	if (len == 0 || len > 16)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v << 4 | (uint64_t)(isdigit((unsigned char)s[i]) ?
		    s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = v;
	return 0;
}

/* What a holder's address (memfd: or deleted:) says when it is wrong. */
struct holder_words {
	enum shm_kind	 kind;
	const char	*malformed, *pid_range, *fd_range, *bad_map, *map_order;
};

static const struct holder_words memfd_words = {
	SHM_MEMFD,
	"malformed memfd address: expected memfd:PID:FD or "
	    "memfd:PID:START-END",
	"memfd PID out of range",
	"memfd FD out of range",
	"malformed memfd mapping: expected START-END in hex (no 0x), as "
	    "/proc/PID/map_files names it",
	"memfd mapping: START is not below END",
};

static const struct holder_words deleted_words = {
	SHM_POSIX,
	"malformed deleted address: expected deleted:PID:FD or "
	    "deleted:PID:START-END",
	"deleted: PID out of range",
	"deleted: FD out of range",
	"malformed deleted mapping: expected START-END in hex (no 0x), as "
	    "/proc/PID/map_files names it",
	"deleted mapping: START is not below END",
};

static const struct holder_words anon_words = {
	SHM_ANON,
	"malformed anon address: expected anon:PID:START-END",
	"anon: PID out of range",
	"anon: an anonymous shared mapping has no descriptor: expected "
	    "anon:PID:START-END",
	"malformed anon mapping: expected START-END in hex (no 0x), as "
	    "/proc/PID/maps prints it",
	"anon mapping: START is not below END",
};

/*
 * PID:FD or PID:START-END, after "memfd:" or "deleted:" (w): what
 * process PID holds, through its descriptor FD, or through its mapping
 * at START-END (hex, as /proc/PID/map_files names it).  An FD has no
 * '-', a mapping always has one: the two cannot be mistaken for each
 * other.
 */
static int
parse_holder(const char *s, const struct holder_words *w, struct shm_addr *a,
    const char **why)
{
	const char *colon = strchr(s, ':'), *rest, *dash;
	char pidbuf[16];
	uintmax_t pid, fd;
	size_t len;

	*why = w->malformed;
	if (colon == NULL || (len = (size_t)(colon - s)) >= sizeof(pidbuf))
		goto bad;
	memcpy(pidbuf, s, len);
	pidbuf[len] = '\0';
	rest = colon + 1;
	if (!all_digits(pidbuf))
		goto bad;
	if (parse_unsigned(pidbuf, 10, INT_MAX, &pid) == -1 || pid == 0) {
		*why = w->pid_range;
		goto bad;
	}
	a->kind = w->kind;
	a->pid = (pid_t)pid;
	if ((dash = strchr(rest, '-')) == NULL) {
		if (!all_digits(rest))
			goto bad;
		/* anon: only a mapping reaches it. */
		if (w->kind == SHM_ANON) {
			*why = w->fd_range;
			goto bad;
		}
		if (parse_unsigned(rest, 10, INT_MAX, &fd) == -1) {
			*why = w->fd_range;
			goto bad;
		}
		a->fd = (int)fd;
		return 0;
	}
	if (parse_map_addr(rest, (size_t)(dash - rest), &a->map_start) == -1 ||
	    parse_map_addr(dash + 1, strlen(dash + 1), &a->map_end) == -1) {
		*why = w->bad_map;
		goto bad;
	}
	if (a->map_start >= a->map_end) {
		*why = w->map_order;
		goto bad;
	}
	return 0;
bad:
	a->kind = SHM_SYSV;
	a->pid = 0;
	a->fd = -1;
	errno = EINVAL;
	return -1;
}

/*
 * What a holder holds, as its address names it: PID:FD, or PID:START-END
 * (hex, as /proc/PID/maps prints it), after prefix.
 */
static int
format_holder(const char *prefix, const struct shm_addr *a, char *buf,
    size_t len)
{
	if (a->fd >= 0)
		return snprintf(buf, len, "%s:%d:%d", prefix, (int)a->pid,
		    a->fd);
	return snprintf(buf, len, "%s:%d:%" PRIx64 "-%" PRIx64, prefix,
	    (int)a->pid, a->map_start, a->map_end);
}

/*
 * Is a an unlinked POSIX object reached through a process that holds
 * it (deleted:PID:...), rather than a name in /dev/shm?
 */
bool
shm_addr_deleted(const struct shm_addr *a)
{
	return a->kind == SHM_POSIX && a->pid > 0;
}

/*
 * Is a what a process maps, reached through /proc/PID/map_files
 * (memfd:PID:START-END, deleted:PID:START-END, anon:PID:START-END),
 * rather than a descriptor?
 */
bool
shm_addr_mapped(const struct shm_addr *a)
{
	return (a->kind == SHM_MEMFD || a->kind == SHM_ANON ||
	    shm_addr_deleted(a)) && a->pid > 0 && a->fd < 0;
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
		return parse_holder(s + 6, &memfd_words, a, why);
	if (strncmp(s, "deleted:", 8) == 0)
		return parse_holder(s + 8, &deleted_words, a, why);
	if (strncmp(s, "anon:", 5) == 0)
		return parse_holder(s + 5, &anon_words, a, why);

	*why = s[0] == '\0' ? "empty address" :
	    "not an address: expected /NAME, posix:NAME, 0xKEY, key:N, "
	    "id:N, N, file:PATH, memfd:PID:FD, memfd:PID:START-END, "
	    "deleted:PID:FD, deleted:PID:START-END or anon:PID:START-END";
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
		if (shm_addr_deleted(a))
			return format_holder("deleted", a, buf, len);
		return snprintf(buf, len, "/%s", a->name);
	case SHM_FILE:
		return snprintf(buf, len, "file:%s", a->name);
	case SHM_MEMFD:
		return format_holder("memfd", a, buf, len);
	case SHM_ANON:
		return format_holder("anon", a, buf, len);
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
	int e = errno;

	free(a->name);
	a->name = NULL;
	errno = e;
}
