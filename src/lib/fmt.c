/*
 * fmt.c - a segment's fields as text, formatted once for every kind.
 *
 * Layer: text (src/lib/LAYERS).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <langinfo.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

#include "shm-private.h"

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
 * owned by a handful of users must not ask NSS thousands of times.  A
 * name is kept whole, however long: libbsd's user_from_uid() and
 * group_from_gid() would do the remembering, but they cut a name to 31
 * bytes without a word, and a cut name can be another user's.
 */
struct name_cache {
	bool		 used;
	unsigned	 id;
	char		*name;		/* NULL: no such user or group */
};
#define NAME_CACHE_SLOTS 64

/*
 * The name of id in buf; its number when it has none or buf is too
 * small for all of it.
 */
static const char *
cached_name(struct name_cache *cache, unsigned id, bool group, char *buf,
    size_t len)
{
	struct name_cache *slot = &cache[id % NAME_CACHE_SLOTS];

	if (!slot->used || slot->id != id) {
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
		free(slot->name);
		/* Out of memory: the number, and ask again next time. */
		slot->name = name != NULL ? strdup(name) : NULL;
		slot->used = name == NULL || slot->name != NULL;
		slot->id = id;
	}
	if (slot->name == NULL || (size_t)snprintf(buf, len, "%s",
	    slot->name) >= len)
		snprintf(buf, len, "%u", id);
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
 * tm in RFC 3339 (ISO 8601 with a colon in the offset, "+00:00", as
 * JSON readers and date -Iseconds expect; strftime's %z has none).
 * Returns the length, or 0 if buf is too small.
 */
static size_t
iso_time(const struct tm *tm, char *buf, size_t len)
{
	char zone[8];
	size_t n;

	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", tm);
	if (n == 0 || strftime(zone, sizeof(zone), "%z", tm) != 5 ||
	    len - n < 7)
		return 0;
	snprintf(buf + n, len - n, "%.3s:%.2s", zone, zone + 3);
	return n + 6;
}

/*
 * A time in one of three styles: SHM_TIME_SHORT is lsipc's (the time of
 * day for today, else the date), SHM_TIME_FULL ctime-like, SHM_TIME_ISO
 * RFC 3339 (iso_time).
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
		n = iso_time(&tm, buf, len);
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
		{ SHM_ST_DELETED, "deleted" },
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
 * The length of the UTF-8 sequence that starts s (n bytes left), and its
 * code point, if it is valid and in shortest form, is no surrogate and is
 * at most U+10FFFF; else 0.  Decoded here, byte by byte, rather than by
 * mbrtowc() or libbsd's vis(): their view of a stray byte depends on the
 * locale, and libsmartcols loops forever on one that gets through.
 */
size_t
shm_utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;	/* a continuation byte, 0xc0, 0xc1, 0xf5-0xff */
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/* Are the n bytes of s valid UTF-8 (see shm_utf8_char)? */
bool
shm_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	while (n > 0) {
		size_t len = shm_utf8_char(p, n, &cp);

		if (len == 0)
			return false;
		p += len;
		n -= len;
	}
	return true;
}

static bool
locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && strcmp(cs, "UTF-8") == 0;
}

/*
 * The invisible and formatting characters: one that shows nothing, or
 * changes how what follows it is shown.  The bidirectional embeddings,
 * overrides and isolates (U+202A to U+202E, U+2066 to U+2069) and marks
 * (U+200E, U+200F, U+061C) reorder a line on screen; zero-width ones,
 * variation selectors and fillers hide a difference between two names.
 * The table is Unicode's Default_Ignorable_Code_Point set
 * (DerivedCoreProperties.txt), every character of general category Cf
 * (extracted/DerivedGeneralCategory.txt) and the line and paragraph
 * separators U+2028 and U+2029, merged into ranges, from Unicode 15.0
 * (Debian's unicode-data); tests/unit/test_fmt.c checks it against those
 * files where they are installed.  glibc calls many of them printable.
 */
static const struct { uint32_t lo, hi; } format_ranges[] = {
	{ 0x00ad, 0x00ad },
	{ 0x034f, 0x034f },
	{ 0x0600, 0x0605 },
	{ 0x061c, 0x061c },
	{ 0x06dd, 0x06dd },
	{ 0x070f, 0x070f },
	{ 0x0890, 0x0891 },
	{ 0x08e2, 0x08e2 },
	{ 0x115f, 0x1160 },
	{ 0x17b4, 0x17b5 },
	{ 0x180b, 0x180f },
	{ 0x200b, 0x200f },
	{ 0x2028, 0x202e },
	{ 0x2060, 0x206f },
	{ 0x3164, 0x3164 },
	{ 0xfe00, 0xfe0f },
	{ 0xfeff, 0xfeff },
	{ 0xffa0, 0xffa0 },
	{ 0xfff0, 0xfffb },
	{ 0x110bd, 0x110bd },
	{ 0x110cd, 0x110cd },
	{ 0x13430, 0x1343f },
	{ 0x1bca0, 0x1bca3 },
	{ 0x1d173, 0x1d17a },
	{ 0xe0000, 0xe0fff },
};

static bool
is_format_char(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(format_ranges) / sizeof(format_ranges[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < format_ranges[mid].lo)
			hi = mid;
		else if (cp > format_ranges[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/*
 * How many bytes at p pass shm_escape() unchanged: 0 if the byte at p
 * must be escaped, and then *why says why (SHM_ESCW_*).  A character
 * outside ASCII passes only when the locale is UTF-8 and it is printable:
 * not a C1 control (U+0080 to U+009F, which terminals obey), not an
 * invisible formatting character (is_format_char), and printable by
 * iswprint().
 */
static size_t
human_plain_len(const unsigned char *p, size_t n, bool utf8, unsigned *why)
{
	uint32_t cp;
	size_t len;

	if (*p == '\\') {
		*why = SHM_ESCW_BACKSLASH;
		return 0;
	}
	if (*p < 0x80) {
		if (*p >= 0x20 && *p != 0x7f)
			return 1;
		*why = SHM_ESCW_CONTROL;
		return 0;
	}
	if ((len = shm_utf8_char(p, n, &cp)) == 0) {
		*why = SHM_ESCW_INVALID;
		return 0;
	}
	if (!utf8)
		*why = SHM_ESCW_NONASCII;
	else if (cp < 0xa0)
		*why = SHM_ESCW_CONTROL;
	else if (is_format_char(cp))
		*why = SHM_ESCW_FORMAT;
	else if (!iswprint((wint_t)cp))
		*why = SHM_ESCW_UNPRINTABLE;
	else
		return len;
	return 0;
}

/* One byte as shm_escape() writes it, at o; returns the end. */
static char *
escape_byte(char *o, unsigned char c)
{
	char e;

	switch (c) {
	case '\\':	e = '\\'; break;
	case '\a':	e = 'a'; break;
	case '\b':	e = 'b'; break;
	case '\t':	e = 't'; break;
	case '\n':	e = 'n'; break;
	case '\v':	e = 'v'; break;
	case '\f':	e = 'f'; break;
	case '\r':	e = 'r'; break;
	default:
		return o + sprintf(o, "\\%03o", c);
	}
	*o++ = '\\';
	*o++ = e;
	return o;
}

/*
 * s escaped for a person to read, in a table or a message: backslash as
 * \\, the C escapes \a \b \t \n \v \f \r, and every other byte of a
 * control character, of DEL, of a character that is not printable, or
 * that is not part of valid UTF-8 (or not ASCII, outside a UTF-8 locale)
 * as \NNN in octal.  So a name cannot forge a line or drive the
 * terminal, and the result is valid UTF-8 (ASCII, outside a UTF-8
 * locale), whatever s holds.  The caller frees it; NULL if out of memory.
 */
char *
shm_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	bool utf8 = locale_is_utf8();
	uint32_t cp;
	char *out, *o;

	/* At most 4 bytes out for one byte in. */
	if (n > (SIZE_MAX - 1) / 4 || (out = malloc(4 * n + 1)) == NULL)
		return NULL;
	o = out;
	while (i < n) {
		unsigned why;
		size_t len = human_plain_len(p + i, n - i, utf8, &why);

		if (len > 0) {
			memcpy(o, p + i, len);
			o += len;
			i += len;
			continue;
		}
		/* All the bytes of a character escaped, or one stray byte. */
		if ((len = shm_utf8_char(p + i, n - i, &cp)) == 0)
			len = 1;
		for (; len > 0; len--, i++)
			o = escape_byte(o, p[i]);
	}
	*o = '\0';
	return out;
}

/*
 * Why shm_escape() would change s: the SHM_ESCW_* bits of what it holds
 * that must be escaped; 0 if nothing.
 */
unsigned
shm_escape_reasons(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	bool utf8 = locale_is_utf8();
	unsigned why = 0, w;
	uint32_t cp;

	while (i < n) {
		size_t len = human_plain_len(p + i, n - i, utf8, &w);

		if (len == 0) {
			why |= w;
			if ((len = shm_utf8_char(p + i, n - i, &cp)) == 0)
				len = 1;
		}
		i += len;
	}
	return why;
}

/* Would shm_escape() change s? */
bool
shm_needs_escape(const char *s)
{
	return shm_escape_reasons(s) != 0;
}

/*
 * Must shm_escape_hex() escape the byte c?  Blanks and quotes would split
 * or join words for xargs(1) and for the shell; bytes outside ASCII are
 * escaped whatever the locale, as libsmartcols does in its raw and export
 * output, so that scripts see one form.
 */
static bool
hex_needs(unsigned char c, const char *special)
{
	return c < 0x20 || c >= 0x7f || c == '\\' ||
	    (special != NULL && strchr(special, c) != NULL);
}

/*
 * s escaped for a script: every control byte, DEL, byte outside ASCII,
 * backslash, and byte of special as \xHH (lower case), as libsmartcols
 * escapes raw and export output; printf %b undoes it.  The caller frees
 * it; NULL if out of memory.
 */
char *
shm_escape_hex(const char *s, const char *special)
{
	size_t n = strlen(s);
	char *out, *o;

	if (n > (SIZE_MAX - 1) / 4 || (out = malloc(4 * n + 1)) == NULL)
		return NULL;
	for (o = out; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (hex_needs(c, special))
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

/* Why shm_escape_hex() would change s: SHM_ESCW_* bits, 0 if it would not. */
unsigned
shm_escape_hex_reasons(const char *s, const char *special)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len;
	unsigned why = 0;
	uint32_t cp;

	while (i < n) {
		unsigned char c = p[i];

		len = 1;
		if (c >= 0x80 && (len = shm_utf8_char(p + i, n - i, &cp)) != 0)
			why |= cp < 0xa0 ? SHM_ESCW_CONTROL : SHM_ESCW_NONASCII;
		else if (c >= 0x80) {
			why |= SHM_ESCW_INVALID;
			len = 1;
		} else if (c < 0x20 || c == 0x7f)
			why |= SHM_ESCW_CONTROL;
		else if (c == '\\')
			why |= SHM_ESCW_BACKSLASH;
		else if (special != NULL && strchr(special, c) != NULL)
			why |= SHM_ESCW_SPECIAL;
		i += len;
	}
	return why;
}

/* Would shm_escape_hex() change s? */
bool
shm_needs_escape_hex(const char *s, const char *special)
{
	return shm_escape_hex_reasons(s, special) != 0;
}
