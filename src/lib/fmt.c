/*
 * fmt.c - a segment's fields as text, formatted once for every kind.
 */
#include "config.h"

#define LIBBSD_NETBSD_VIS	/* strnvis(dst, dlen, src, flags) */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vis.h>

#include "shm.h"

/* "rw-r-----", or "640" when numeric. */
void
shm_fmt_perms(mode_t mode, bool numeric, char *buf, size_t len)
{
	static const char rwx[] = "rwxrwxrwx";
	char s[10];
	int i;

	if (numeric) {
		snprintf(buf, len, "%03o", (unsigned)(mode & 0777));
		return;
	}
	for (i = 0; i < 9; i++)
		s[i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	s[9] = '\0';
	snprintf(buf, len, "%s", s);
}

/*
 * User and group names, remembered: a listing of thousands of segments
 * owned by a handful of users must not ask NSS thousands of times.
 */
struct name_cache {
	unsigned	 id;
	char		 name[64];
};
#define NAME_CACHE_SLOTS 64

static const char *
cached_name(struct name_cache *cache, unsigned id, bool group, char *buf,
    size_t len)
{
	struct name_cache *slot = &cache[id % NAME_CACHE_SLOTS];

	if (slot->name[0] == '\0' || slot->id != id) {
		const char *name = NULL;

		if (group) {
			struct group *gr = getgrgid((gid_t)id);

			if (gr != NULL)
				name = gr->gr_name;
		} else {
			struct passwd *pw = getpwuid((uid_t)id);

			if (pw != NULL)
				name = pw->pw_name;
		}
		slot->id = id;
		if (name != NULL && strlen(name) < sizeof(slot->name))
			snprintf(slot->name, sizeof(slot->name), "%s", name);
		else
			snprintf(slot->name, sizeof(slot->name), "%u", id);
	}
	snprintf(buf, len, "%s", slot->name);
	return buf;
}

const char *
shm_fmt_user(uid_t uid, char *buf, size_t len)
{
	static struct name_cache cache[NAME_CACHE_SLOTS];

	return cached_name(cache, (unsigned)uid, false, buf, len);
}

const char *
shm_fmt_group(gid_t gid, char *buf, size_t len)
{
	static struct name_cache cache[NAME_CACHE_SLOTS];

	return cached_name(cache, (unsigned)gid, true, buf, len);
}

/*
 * A time in one of three styles: SHM_TIME_SHORT is lsipc's (the time of
 * day for today, else the date), SHM_TIME_FULL ctime-like, SHM_TIME_ISO
 * ISO 8601 with the zone.
 */
void
shm_fmt_time(time_t t, enum shm_time_style style, char *buf, size_t len)
{
	struct tm tm, now_tm;
	time_t now;
	size_t n;

	if (len == 0)
		return;
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "%lld", (long long)t);
		return;
	}
	now = time(NULL);
	localtime_r(&now, &now_tm);
	if (style == SHM_TIME_FULL)
		n = strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm);
	else if (style == SHM_TIME_ISO)
		n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm);
	else if (tm.tm_year == now_tm.tm_year && tm.tm_yday == now_tm.tm_yday)
		n = strftime(buf, len, "%H:%M", &tm);
	else if (tm.tm_year == now_tm.tm_year)
		n = strftime(buf, len, "%b%d", &tm);
	else
		n = strftime(buf, len, "%Y-%m-%d", &tm);
	if (n == 0)
		buf[0] = '\0';
}

/* "dest,locked", or "" */
void
shm_fmt_status(unsigned status, char *buf, size_t len)
{
	static const struct {
		unsigned	 flag;
		const char	*word;
	} words[] = {
		{ SHM_ST_DEST, "dest" },
		{ SHM_ST_LOCKED, "locked" },
		{ SHM_ST_HUGETLB, "hugetlb" },
		{ SHM_ST_NORESERVE, "noreserve" },
	};
	size_t i, off = 0;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		int n;

		if (!(status & words[i].flag))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
		    words[i].word);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

/*
 * s with control characters, backslashes and non-ASCII bytes escaped
 * (strvis C style), so that a hostile name cannot forge output lines or
 * drive the terminal.  The caller frees it.
 */
char *
shm_escape(const char *s)
{
	char *out;

	if (stravis(&out, s, VIS_CSTYLE | VIS_OCTAL | VIS_TAB | VIS_NL) == -1)
		return NULL;
	return out;
}

/* Does s need escaping at all? */
bool
shm_needs_escape(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '\\')
			return true;
	}
	return false;
}
