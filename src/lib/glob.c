/*
 * glob.c - --name and --exclude: a GLOB checked once, when it is given,
 * and matched with fnmatch(3) against what a segment is called: a POSIX
 * object's name (with or without its slash, as the GLOB has it), a
 * memfd's name, a file's path, a System V segment's key as printed
 * (0x0000abcd).
 *
 * Layer: operations (src/lib/LAYERS), below filter.c.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "shm-private.h"

/* The classes [:NAME:] of POSIX, the only ones every locale has. */
static bool
class_known(const char *s, size_t len)
{
	static const char *const classes[] = {
		"alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower",
		"print", "punct", "space", "upper", "xdigit",
	};
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strlen(classes[i]) == len &&
		    memcmp(classes[i], s, len) == 0)
			return true;
	return false;
}

/*
 * The end of the bracket expression that starts at p ('['), one past
 * its ']'; NULL with *why if it is not one.  fnmatch(3) would take an
 * unclosed '[' for itself and an unknown class for no match at all:
 * both are more likely a mistake than what was meant.
 */
static const char *
bracket_end(const char *p, const char **why)
{
	const char *q = p + 1, *e;

	if (*q == '!' || *q == '^')
		q++;
	if (*q == ']')		/* first: a ']' of the set */
		q++;
	for (; *q != '\0' && *q != ']'; q++) {
		if (q[0] != '[' || (q[1] != ':' && q[1] != '=' && q[1] != '.'))
			continue;
		for (e = q + 2; *e != '\0' && !(e[0] == q[1] && e[1] == ']');
		    e++)
			;
		if (*e == '\0') {
			*why = "unclosed [: or [= or [. in a bracket "
			    "expression";
			return NULL;
		}
		if (q[1] == ':' && !class_known(q + 2, (size_t)(e - q - 2))) {
			*why = "unknown character class: expected [:alpha:], "
			    "[:digit:], [:alnum:], [:upper:], [:lower:], "
			    "[:space:], [:blank:], [:punct:], [:print:], "
			    "[:graph:], [:cntrl:] or [:xdigit:]";
			return NULL;
		}
		q = e + 1;
	}
	if (*q == '\0') {
		*why = "unclosed [ (a [ itself is matched by [[])";
		return NULL;
	}
	return q + 1;
}

/*
 * Is pat a GLOB fnmatch(3) takes as meant?  Not empty, no lone
 * backslash at its end, every '[' closed, every class known.
 */
int
shm_glob_check(const char *pat, const char **why)
{
	const char *p = pat;

	if (*p == '\0') {
		*why = "empty pattern";
		errno = EINVAL;
		return -1;
	}
	while (*p != '\0') {
		if (*p == '\\') {
			if (p[1] == '\0') {
				*why = "ends in a backslash, which quotes "
				    "nothing (two match one)";
				errno = EINVAL;
				return -1;
			}
			p += 2;
		} else if (*p == '[') {
			if ((p = bracket_end(p, why)) == NULL) {
				errno = EINVAL;
				return -1;
			}
		} else
			p++;
	}
	return 0;
}

/*
 * Does pat match what r is called?  A segment with no name (an unlinked
 * object whose name is gone) matches no GLOB.  A POSIX object is called
 * "/NAME" by a GLOB that starts with a slash, "NAME" by any other; a key
 * is matched without regard to case, as 0xABCD and 0xabcd name one key.
 */
bool
shm_glob_match(const char *pat, const struct shm_rec *r)
{
	char key[16];

	switch (r->addr.kind) {
	case SHM_SYSV:
		snprintf(key, sizeof(key), "0x%08x", (unsigned)r->addr.key);
		return fnmatch(pat, key, FNM_CASEFOLD) == 0;
	case SHM_POSIX:
		if (r->addr.name == NULL)
			return false;
		if (pat[0] == '/')
			/* "/" matches "/", the rest the name. */
			return fnmatch(pat + 1, r->addr.name, 0) == 0;
		return fnmatch(pat, r->addr.name, 0) == 0;
	case SHM_FILE:
	case SHM_MEMFD:
		return r->addr.name != NULL &&
		    fnmatch(pat, r->addr.name, 0) == 0;
	default:
		return false;
	}
}

/* --name and --exclude: any --name matches, and no --exclude does. */
bool
shm_globs_match(const struct shm_filter *f, const struct shm_rec *r)
{
	size_t i;

	for (i = 0; i < f->nexcludes; i++)
		if (shm_glob_match(f->excludes[i], r))
			return false;
	if (f->nnames == 0)
		return true;
	for (i = 0; i < f->nnames; i++)
		if (shm_glob_match(f->names[i], r))
			return true;
	return false;
}
