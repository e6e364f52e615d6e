/*
 * test_memfd.c - the name in a memfd's /proc/PID/fd link: what
 * memfd_link_name() takes from "/memfd:NAME (deleted)", and what it
 * refuses as not a memfd's link at all; and the name an unlinked POSIX
 * object had, as deleted_link_name() takes it from "/dev/shm/NAME
 * (deleted)" (a maps line or a descriptor's link).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "shm-private.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct link_case {
	const char	*link;
	const char	*name;		/* NULL: not a memfd's link */
	const char	*what;
};

static const struct link_case link_cases[] = {
	/* What the kernel prints: memfds are always unlinked. */
	{ "/memfd:x (deleted)", "x", "the usual link" },
	{ "/memfd:shmtools-probe (deleted)", "shmtools-probe", "a longer name" },
	{ "/memfd:x", "x", "without the suffix" },
	/* Empty names: memfd_create("") is allowed. */
	{ "/memfd: (deleted)", "", "an empty name" },
	{ "/memfd:", "", "an empty name without the suffix" },
	/* Only the last " (deleted)" is the kernel's. */
	{ "/memfd:my buffer (deleted)", "my buffer", "a name with a space" },
	{ "/memfd:  (deleted)", " ", "a name that is one blank" },
	{ "/memfd:a (deleted) b (deleted)", "a (deleted) b",
	    "\" (deleted)\" inside the name" },
	{ "/memfd:a (deleted) (deleted)", "a (deleted)",
	    "a name that ends in \" (deleted)\"" },
	{ "/memfd: (deleted) (deleted)", " (deleted)",
	    "a name that is \" (deleted)\"" },
	/* Near misses of the suffix stay in the name. */
	{ "/memfd:x(deleted)", "x(deleted)", "no blank before (deleted)" },
	{ "/memfd:(deleted)", "(deleted)", "a name that is \"(deleted)\"" },
	{ "/memfd:x (deleted) ", "x (deleted) ", "a blank after the suffix" },
	{ "/memfd:x (Deleted)", "x (Deleted)", "the suffix in another case" },
	{ "/memfd:x (delete", "x (delete", "half a suffix" },
	{ "/memfd:/memfd:x", "/memfd:x", "the prefix inside the name" },
	{ "/memfd::", ":", "a name that is a colon" },
	/* Not a memfd's link. */
	{ "", NULL, "empty" },
	{ "/", NULL, "the root" },
	{ "/memfd", NULL, "no colon" },
	{ "/memfd x", NULL, "a blank for the colon" },
	{ "memfd:x (deleted)", NULL, "no leading slash" },
	{ " /memfd:x (deleted)", NULL, "a leading blank" },
	{ "/MEMFD:x (deleted)", NULL, "upper case" },
	{ "/memfdx:x (deleted)", NULL, "a longer prefix" },
	{ "/dev/shm/x", NULL, "a POSIX object" },
	{ "/dev/shm/x (deleted)", NULL, "an unlinked POSIX object" },
	{ "/dev/shm/memfd:x (deleted)", NULL, "a POSIX object named memfd:x" },
	{ "/tmp/memfd:x", NULL, "a file named memfd:x" },
	{ "/SYSV5e000000 (deleted)", NULL, "a System V segment" },
	{ "anon_inode:[memfd]", NULL, "an anonymous inode" },
	{ "anon_inode:[eventfd]", NULL, "an eventfd" },
	{ "socket:[12345]", NULL, "a socket" },
	{ "pipe:[12345]", NULL, "a pipe" },
	{ "/dev/null", NULL, "a device" },
};

static void
check_link(const struct link_case *c)
{
	size_t len = (size_t)-1;
	const char *got;

	got = memfd_link_name(c->link, &len);
	if (c->name == NULL) {
		tap_ok(got == NULL, "'%s' is not a memfd's link (%s)", c->link,
		    c->what);
		return;
	}
	if (!tap_ok(got != NULL && len == strlen(c->name) &&
	    memcmp(got, c->name, len) == 0, "'%s' names '%s' (%s)", c->link,
	    c->name, c->what)) {
		if (got == NULL)
			tap_diag("got NULL");
		else
			tap_diag("got '%.*s' (length %zu)", (int)len, got, len);
		return;
	}
	/* A pointer into the link, not a copy: the caller owns nothing. */
	tap_ok(got == c->link + strlen("/memfd:"),
	    "'%s': the name points into the link", c->link);
}

static const struct link_case deleted_cases[] = {
	{ "/dev/shm/x (deleted)", "x", "the usual link" },
	{ "/run/shm/frames (deleted)", "frames", "another mount of it" },
	{ "/x (deleted)", "x", "a /dev/shm the caller has not mounted" },
	{ "/dev/shm/my buffer (deleted)", "my buffer", "a blank" },
	{ "/dev/shm/a (deleted) (deleted)", "a (deleted)",
	    "a name that ended in \" (deleted)\"" },
	{ "/dev/shm/deleted:1:3 (deleted)", "deleted:1:3", "colons" },
	{ "/dev/shm/x", NULL, "a live object" },
	{ "/dev/shm/x(deleted)", NULL, "no blank before (deleted)" },
	{ "/dev/shm/x (deleted) ", NULL, "a blank after the suffix" },
	{ "/dev/shm/ (deleted)", NULL, "no name" },
	{ " (deleted)", NULL, "only the suffix" },
	{ "", NULL, "empty" },
};

static void
check_deleted(const struct link_case *c)
{
	size_t len = (size_t)-1;
	const char *got = deleted_link_name(c->link, &len);

	if (c->name == NULL) {
		tap_ok(got == NULL, "'%s' is not an unlinked file's (%s)",
		    c->link, c->what);
		return;
	}
	if (!tap_ok(got != NULL && len == strlen(c->name) &&
	    memcmp(got, c->name, len) == 0, "'%s' had the name '%s' (%s)",
	    c->link, c->name, c->what) && got != NULL)
		tap_diag("got '%.*s' (length %zu)", (int)len, got, len);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < NELEM(link_cases); i++)
		check_link(&link_cases[i]);
	for (i = 0; i < NELEM(deleted_cases); i++)
		check_deleted(&deleted_cases[i]);
	return tap_done();
}
