/*
 * proctext.c - the text /proc prints, parsed: a line of
 * /proc/PID/maps, a line of a mountinfo (and a proc mount's options), the
 * link text of a memfd or of an unlinked file, the container id in
 * /proc/PID/cgroup, the state and flags in /proc/PID/stat, the files an
 * io_uring holds in /proc/PID/fdinfo/FD.  Pure: they
 * read a string and touch nothing, so the unit tests and the fuzzers
 * reach them directly.
 *
 * Layer: text (src/lib/LAYERS).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "kernel.h"
#include "proctext.h"

/* Up to 8 hex digits at *p, then stop: the number, or -1. */
static long long
hex_field(const char **p, char stop)
{
	long long v = 0;
	int n = 0;

	for (; isxdigit((unsigned char)**p); (*p)++, n++) {
		if (n == 8)
			return -1;
		v = v * 16 + (isdigit((unsigned char)**p) ? **p - '0' :
		    (tolower((unsigned char)**p) - 'a' + 10));
	}
	if (n == 0 || **p != stop)
		return -1;
	(*p)++;
	return v;
}

/* Up to max hex digits at *p, then stop: 0, or -1.  Their value is not needed. */
static int
hex_run(const char **p, int max, char stop)
{
	int n;

	for (n = 0; isxdigit((unsigned char)**p); (*p)++, n++)
		if (n == max)
			return -1;
	if (n == 0 || **p != stop)
		return -1;
	(*p)++;
	return 0;
}

/*
 * The addresses a maps (or smaps) line starts with, "START-END ...":
 * 0, or -1 if the line does not start so.
 */
int
proc_maps_range(const char *line, unsigned long long *start,
    unsigned long long *end)
{
	unsigned long long v[2];
	const char *p = line;
	int i, n;

	for (i = 0; i < 2; i++) {
		v[i] = 0;
		for (n = 0; isxdigit((unsigned char)*p); p++, n++) {
			if (n == 16)
				goto bad;
			v[i] = v[i] * 16 + (unsigned)(isdigit((unsigned char)*p) ?
			    *p - '0' : tolower((unsigned char)*p) - 'a' + 10);
		}
		if (n == 0 || *p++ != (i == 0 ? '-' : ' '))
			goto bad;
	}
	*start = v[0];
	*end = v[1];
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/*
 * The cheap look at a maps line that decides whether to parse it: most
 * lines are private mappings of libraries on a device no segment lives
 * on.  Gives the device and whether the mapping is shared.
 */
int
proc_maps_peek(const char *line, dev_t *dev, bool *shared)
{
	const char *p = strchr(line, ' ');
	long long major, minor;
	int i;

	if (p == NULL)
		goto bad;
	p++;
	for (i = 0; i < 4; i++)
		if (p[i] == '\0' || p[i] == ' ')
			goto bad;
	if (p[4] != ' ')
		goto bad;
	*shared = p[3] == 's';
	p += 5;
	while (isxdigit((unsigned char)*p))
		p++;
	if (*p++ != ' ')
		goto bad;
	if ((major = hex_field(&p, ':')) == -1 ||
	    (minor = hex_field(&p, ' ')) == -1)
		goto bad;
	*dev = makedev((unsigned int)major, (unsigned int)minor);
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/*
 * One line of /proc/PID/maps:
 *   start-end perms offset major:minor inode   path
 * Gives the mapped file's device and inode, whether the mapping is
 * shared, and its path (NULL for an anonymous mapping).
 */
int
proc_maps_parse_line(const char *line, dev_t *dev, ino_t *ino, bool *shared,
    const char **path)
{
	unsigned long long inode = 0;
	long long major, minor;
	const char *p = line, *perms;
	int n;

	/* start-end perms offset: hex, hex, four characters, hex */
	if (hex_run(&p, 16, '-') == -1 || hex_run(&p, 16, ' ') == -1)
		goto bad;
	perms = p;
	for (n = 0; n < 4; n++)
		if (p[n] == '\0' || p[n] == ' ')
			goto bad;
	if (p[4] != ' ')
		goto bad;
	p += 5;
	if (hex_run(&p, 16, ' ') == -1 ||
	    (major = hex_field(&p, ':')) == -1 ||
	    (minor = hex_field(&p, ' ')) == -1)
		goto bad;
	if (!isdigit((unsigned char)*p))
		goto bad;
	for (n = 0; isdigit((unsigned char)*p); p++, n++) {
		if (n == 20 || inode > (UINT64_MAX - 9) / 10)
			goto bad;
		inode = inode * 10 + (unsigned)(*p - '0');
	}
	while (*p == ' ' || *p == '\t')
		p++;
	*dev = makedev((unsigned int)major, (unsigned int)minor);
	*ino = (ino_t)inode;
	*shared = perms[3] == 's';
	*path = *p == '/' ? p : NULL;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/*
 * Parse the super options of a proc mount (the last field of its
 * mountinfo line, "rw,hidepid=invisible,gid=5").  A hidepid value we do
 * not know restricts: unknown is not zero.
 */
int
proc_mount_opts_parse(const char *opts, struct proc_mount_opts *out)
{
	const char *p = opts;

	out->hidepid = PROC_HIDEPID_OFF;
	out->gid = 0;		/* the kernel's default: root's group */
	out->subset_pid = false;
	while (*p != '\0' && *p != '\n' && *p != ' ') {
		size_t len = strcspn(p, ", \n");

		if (len > 8 && strncmp(p, "hidepid=", 8) == 0) {
			if (!((len == 9 && p[8] == '0') ||
			    (len == 11 && strncmp(p + 8, "off", 3) == 0)))
				out->hidepid = PROC_HIDEPID_RESTRICTED;
		} else if (len == 8 && strncmp(p, "hidepid=", 8) == 0) {
			out->hidepid = PROC_HIDEPID_RESTRICTED;
		} else if (len > 4 && strncmp(p, "gid=", 4) == 0) {
			unsigned long long v = 0;
			size_t i;

			for (i = 4; i < len && isdigit((unsigned char)p[i]); i++)
				if ((v = v * 10 + (unsigned)(p[i] - '0')) >
				    UINT32_MAX - 1)
					break;
			/* Malformed: a group no one is in. */
			out->gid = i == len ? (gid_t)v : (gid_t)-1;
		} else if (len == 10 && strncmp(p, "subset=pid", 10) == 0)
			out->subset_pid = true;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The next blank-separated field of a mountinfo line, or NULL. */
static const char *
next_field(const char **p, size_t *len)
{
	const char *s = *p;

	while (*s == ' ')
		s++;
	if (*s == '\0' || *s == '\n')
		return NULL;
	*len = strcspn(s, " \n");
	*p = s + *len;
	return s;
}

/*
 * A path as the kernel prints it in mountinfo and fdinfo (seq_file
 * escapes: "\040" for a blank, "\134" for a backslash), into buf; -1 if
 * it does not fit.  strict (fdinfo, where a raw blank means another
 * format): -1 too for a raw blank, a bad escape or a NUL; else a
 * backslash that starts no escape stays as it is.
 */
static int
unescape_path(const char *s, size_t len, char *buf, size_t size, bool strict)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 3 < len && s[i + 1] >= '0' &&
		    s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 |
			    (s[i + 3] - '0'));
			if (c == '\0' && strict)
				return -1;
			i += 3;
		} else if (strict && (c == '\\' || c == ' ' || c == '\t'))
			return -1;	/* not this format */
		if (n + 1 >= size)
			return -1;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

/*
 * One line of a mountinfo (/proc/self/mountinfo, /proc/PID/mountinfo):
 *   id parent major:minor root mountpoint opts [optional...] -
 *   type source superopts
 * Its device, mount point (unescaped, into m->mnt), file system type and
 * super options (pointers into line, blank-terminated); 0, or -1 with
 * EINVAL if it is malformed.
 */
int
proc_mountinfo_parse(const char *line, struct mountinfo_ent *m)
{
	const char *p = line, *f, *mnt = NULL;
	unsigned int major, minor;
	size_t len, mntlen = 0;
	int i;

	for (i = 0; i < 6; i++) {
		if ((f = next_field(&p, &len)) == NULL)
			goto bad;
		if (i == 2) {
			char buf[32];

			if (len >= sizeof(buf))
				goto bad;
			memcpy(buf, f, len);
			buf[len] = '\0';
			if (sscanf(buf, "%u:%u", &major, &minor) != 2)
				goto bad;
		} else if (i == 4) {
			mnt = f;
			mntlen = len;
		}
	}
	do {
		if ((f = next_field(&p, &len)) == NULL)
			goto bad;
	} while (!(len == 1 && *f == '-'));
	if ((m->type = next_field(&p, &m->typelen)) == NULL ||
	    next_field(&p, &len) == NULL ||
	    (m->opts = next_field(&p, &len)) == NULL ||
	    unescape_path(mnt, mntlen, m->mnt, sizeof(m->mnt), false) == -1)
		goto bad;
	m->dev = makedev(major, minor);
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Is the file system type of a parsed mountinfo line name? */
bool
proc_mountinfo_is(const struct mountinfo_ent *m, const char *name)
{
	return m->typelen == strlen(name) &&
	    strncmp(m->type, name, m->typelen) == 0;
}

/*
 * One line of /proc/self/mountinfo: 1 and the device and options if it
 * is a proc mounted at /proc, 0 if it is another mount, -1 if it is
 * malformed.
 */
int
proc_mountinfo_proc(const char *line, dev_t *dev, struct proc_mount_opts *opts)
{
	struct mountinfo_ent m;

	if (proc_mountinfo_parse(line, &m) == -1)
		return -1;
	if (!proc_mountinfo_is(&m, "proc") || strcmp(m.mnt, "/proc") != 0)
		return 0;
	*dev = m.dev;
	return proc_mount_opts_parse(m.opts, opts) == 0 ? 1 : -1;
}

/*
 * The name in a memfd's /proc/PID/fd link, "/memfd:NAME (deleted)": a
 * pointer into link and its length, or NULL if link is not a memfd's.
 */
const char *
memfd_link_name(const char *link, size_t *len)
{
	size_t plen = strlen(MEMFD_LINK_PREFIX), slen = strlen(SHM_DELETED_SUFFIX);
	size_t n = strlen(link);

	if (strncmp(link, MEMFD_LINK_PREFIX, plen) != 0)
		return NULL;
	if (n >= plen + slen && strcmp(link + n - slen, SHM_DELETED_SUFFIX) == 0)
		n -= slen;
	*len = n - plen;
	return link + plen;
}

/*
 * The name an unlinked file had, from its link text in /proc
 * ("/dev/shm/NAME (deleted)"): a pointer into link and its length, or
 * NULL if link does not say the file was unlinked.
 */
const char *
deleted_link_name(const char *link, size_t *len)
{
	size_t n = strlen(link), slen = strlen(SHM_DELETED_SUFFIX);
	const char *name;

	if (n <= slen || strcmp(link + n - slen, SHM_DELETED_SUFFIX) != 0)
		return NULL;
	n -= slen;
	for (name = link + n; name > link && name[-1] != '/'; name--)
		;
	if (name == link + n)
		return NULL;
	*len = (size_t)(link + n - name);
	return name;
}

/*
 * Is link (up to a newline: a maps line's path) what the kernel prints
 * for the file of an anonymous shared mapping, "/dev/zero (deleted)"?
 * Only its device tells it from a file so named on a tmpfs, unlinked.
 */
bool
anon_link_is(const char *link)
{
	size_t n = strlen(ANON_LINK);

	return strncmp(link, ANON_LINK, n) == 0 &&
	    (link[n] == '\0' || link[n] == '\n');
}

/*
 * The container id in the text of /proc/PID/cgroup: the first path
 * component, from the root, that is, or ends in, 64 hex digits, with the
 * decorations of the runtimes around it: docker-ID.scope,
 * cri-containerd-ID.scope, libpod-ID.scope, crio-ID.scope, /docker/ID,
 * /kubepods/.../ID, cri-containerd:ID.  The outermost wins: the runtime
 * made it, while a container with a delegated cgroup may make any child
 * below it (docker-ANOTHER-ID.scope) and move itself there.  The first
 * line that names one wins (cgroup v1 repeats it in every hierarchy).
 * 1 and the id in out (65 bytes), or 0.
 */
int
proc_cgroup_container(const char *text, char *out, size_t len)
{
	const char *line = text;

	while (*line != '\0') {
		size_t linelen = strcspn(line, "\n");
		const char *p = memchr(line, ':', linelen), *end = line + linelen;
		bool found = false;

		/* hierarchy-ID:controllers:path */
		if (p != NULL)
			p = memchr(p + 1, ':', (size_t)(end - p - 1));
		while (p != NULL && p < end && !found) {
			const char *c = p + 1, *ce;
			size_t n, i;

			ce = c + strcspn(c, "/\n");
			if (ce > end)
				ce = end;
			n = (size_t)(ce - c);
			if (n > 6 && strncmp(ce - 6, ".scope", 6) == 0)
				n -= 6;
			/* the last 64 characters, after a '-', ':' or nothing */
			if (n >= 64 && (n == 64 || c[n - 65] == '-' ||
			    c[n - 65] == ':')) {
				for (i = n - 64; i < n &&
				    isxdigit((unsigned char)c[i]) &&
				    !isupper((unsigned char)c[i]); i++)
					;
				if (i == n && len > 64) {
					memcpy(out, c + n - 64, 64);
					out[64] = '\0';
					found = true;
				}
			}
			p = *ce == '/' ? ce : NULL;
		}
		if (found)
			return 1;
		line = *end == '\n' ? end + 1 : end;
	}
	return 0;
}

/*
 * Who id 0 of a user namespace is, in the text of its /proc/PID/uid_map
 * or gid_map ("inside outside count" a line, the outside as the reader's
 * namespace numbers it): 1 and that id in *out, or 0 if 0 is not mapped
 * (or maps to what the reader cannot name, (uid_t)-1).
 */
int
proc_idmap_root(const char *text, unsigned long *out)
{
	const char *line = text;

	while (*line != '\0') {
		unsigned long in, outside, count;
		size_t linelen = strcspn(line, "\n");
		char buf[96];

		if (linelen < sizeof(buf)) {
			memcpy(buf, line, linelen);
			buf[linelen] = '\0';
			if (sscanf(buf, "%lu %lu %lu", &in, &outside,
			    &count) == 3 && in == 0 && count > 0 &&
			    outside < 0xffffffffUL) {
				*out = outside;
				return 1;
			}
		}
		line += linelen;
		if (*line == '\n')
			line++;
	}
	return 0;
}

/*
 * The state and flags fields of the text of /proc/PID/stat:
 *   pid (comm) state ppid pgrp session tty_nr tpgid flags ...
 * comm may hold anything, ')' too: the last ')' ends it.
 */
int
proc_stat_parse(const char *text, char *state, unsigned long *flags)
{
	const char *p = strrchr(text, ')');
	int i;

	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		goto bad;
	*state = p[2];
	p += 3;
	for (i = 0; i < 5; i++) {	/* ppid pgrp session tty_nr tpgid */
		if (*p != ' ')
			goto bad;
		p++;
		if (*p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != ' ' || sscanf(p, " %lu", flags) != 1)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/*
 * The registered files of an io_uring, as /proc/PID/fdinfo/RING lists
 * them after "UserFiles:\tN" (N: the slots of its table), one line each:
 *
 *   since 6.14	"%5u: PATH" for each slot that holds a file; PATH is
 *		d_path (from the reader's root) with space, tab, newline
 *		and backslash as \ooo, " (deleted)" after an unlinked file;
 *		a pseudo file is "anon_inode:[...]", "socket:[N]"...
 *   before	"%5u: NAME" for every slot, NAME the dentry's short name
 *		alone (no directory: no file can be found by it), or
 *		"%5u: <none>" for an empty slot.
 *
 * The kernel prints the section only if it gets the ring's lock at once:
 * no section, or (some kernels) its count with no lines, may be a busy
 * ring; so is a count with no lines that only "<none>" would fill.
 */
enum { URING_BEFORE, URING_IN, URING_AFTER };

void
proc_uring_files_init(struct uring_files *u)
{
	memset(u, 0, sizeof(*u));
}

/* "NAME:[DIGITS]" or "anon_inode:...": a file no directory holds. */
static bool
pseudo_file(const char *s, size_t len)
{
	size_t i;

	if (len > 11 && strncmp(s, "anon_inode:", 11) == 0)
		return true;
	for (i = 0; i < len && islower((unsigned char)s[i]); i++)
		;
	if (i == 0 || i + 3 > len || s[i] != ':' || s[i + 1] != '[' ||
	    s[len - 1] != ']')
		return false;
	for (i += 2; i < len - 1; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * One line of an io_uring's fdinfo: 1 if it names a registered file by
 * its path (unescaped into buf, " (deleted)" and all), 0 if there is
 * nothing to look at.  A line of the section that names no file we could
 * find (a short name, a format we do not know) makes the files unknown.
 */
int
proc_uring_files_line(struct uring_files *u, const char *line, char *buf,
    size_t size)
{
	size_t len = strcspn(line, "\n");
	const char *p = line;

	switch (u->state) {
	case URING_BEFORE:
		if (strncmp(line, "UserFiles:", 10) == 0) {
			char *end;

			p = line + 10;
			while (*p == '\t' || *p == ' ')
				p++;
			errno = 0;
			u->count = strtoul(p, &end, 10);
			if (!isdigit((unsigned char)*p) || errno != 0 ||
			    (*end != '\n' && *end != '\0'))
				u->unknown = true;
			u->state = URING_IN;
		}
		return 0;
	case URING_IN:
		break;
	default:
		return 0;
	}
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p)) {
		/* The section is over; "UserBufs:" is what comes next. */
		u->state = URING_AFTER;
		if (strncmp(line, "UserBufs:", 9) != 0)
			u->unknown = true;
		return 0;
	}
	while (isdigit((unsigned char)*p))
		p++;
	if (p[0] != ':' || p[1] != ' ') {
		u->unknown = true;
		u->state = URING_AFTER;
		return 0;
	}
	p += 2;
	len -= (size_t)(p - line);
	u->entries++;
	if (len == 6 && strncmp(p, "<none>", 6) == 0)
		return 0;
	if (*p == '/' && unescape_path(p, len, buf, size, true) == 0)
		return 1;
	if (!pseudo_file(p, len))
		u->unknown = true;
	return 0;
}

/*
 * After the last line: 0 if every registered file was named, -1 if not:
 * errno EAGAIN if the ring may have been busy (read it again), EINVAL if
 * its files are unknown.
 */
int
proc_uring_files_done(const struct uring_files *u)
{
	if (u->unknown || u->entries > u->count) {
		errno = EINVAL;
		return -1;
	}
	if (u->state == URING_BEFORE || (u->count > 0 && u->entries == 0)) {
		errno = EAGAIN;
		return -1;
	}
	return 0;
}
