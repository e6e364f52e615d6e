/*
 * test_fmt.c - the escapers: what a person reads in a table or a message
 * (shm_escape) and what a script reads in raw or export output
 * (shm_escape_hex), and the UTF-8 decoder under both; and times in
 * RFC 3339 (shm_fmt_time).
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shm-private.h"
#include "tap.h"

struct esc {
	const char	*in;
	const char	*out;
};

/* In a UTF-8 locale: valid, printable UTF-8 passes, nothing else does. */
static const struct esc utf8_cases[] = {
	{ "plain", "plain" },
	{ "", "" },
	{ "with space", "with space" },
	{ "back\\slash", "back\\\\slash" },
	{ "a\nb", "a\\nb" },
	{ "\t\r\a\b\f\v", "\\t\\r\\a\\b\\f\\v" },
	{ "x\033[31m", "x\\033[31m" },
	{ "del\177", "del\\177" },
	{ "\001\037", "\\001\\037" },
	{ "\xc3\x83", "\xc3\x83" },			/* U+00C3 */
	{ "\xe2\x82\xac", "\xe2\x82\xac" },		/* U+20AC */
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },	/* U+1F600 */
	{ "\xc3", "\\303" },				/* truncated */
	{ "a\xc3", "a\\303" },
	{ "\xc3z", "\\303z" },
	{ "\xe2\x82", "\\342\\202" },			/* truncated */
	{ "\xe2\x82x", "\\342\\202x" },
	{ "\x83", "\\203" },				/* lone continuation */
	{ "\xc0\xaf", "\\300\\257" },			/* overlong '/' */
	{ "\xe0\x80\xaf", "\\340\\200\\257" },		/* overlong */
	{ "\xf0\x80\x80\xaf", "\\360\\200\\200\\257" },	/* overlong */
	{ "\xed\xa0\x80", "\\355\\240\\200" },		/* surrogate */
	{ "\xf4\x90\x80\x80", "\\364\\220\\200\\200" },	/* > U+10FFFF */
	{ "\xf5\x80\x80\x80", "\\365\\200\\200\\200" },
	{ "\xff\xfe", "\\377\\376" },
	{ "\xc2\x9b" "2J", "\\302\\2332J" },		/* C1: CSI */
	{ "\xc2\x85", "\\302\\205" },			/* C1: NEL */
	{ "\xe2\x80\xae", "\\342\\200\\256" },		/* RLO */
	{ "\xe2\x81\xa6", "\\342\\201\\246" },		/* LRI */
	{ "\xc2\xa0", "\xc2\xa0" },			/* NBSP prints */
	{ "a\xe2\x80\xaa", "a\\342\\200\\252" },		/* LRE */
	{ "\xe2\x80\xad", "\\342\\200\\255" },		/* LRO */
	{ "\xe2\x81\xa9", "\\342\\201\\251" },		/* PDI */
	{ "\xe2\x80\x8e", "\\342\\200\\216" },		/* LRM */
	{ "\xe2\x80\x8f", "\\342\\200\\217" },		/* RLM */
	{ "\xd8\x9c", "\\330\\234" },			/* ALM */
	{ "\xe2\x80\x8b", "\\342\\200\\213" },		/* ZWSP */
	{ "\xef\xbb\xbf", "\\357\\273\\277" },		/* BOM */
	{ "\xe2\x80\xa8", "\\342\\200\\250" },		/* LSEP */
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
};

struct why {
	const char	*in;
	unsigned	 why;
};

/* What shm_escape() finds to escape, in a UTF-8 locale. */
static const struct why utf8_why[] = {
	{ "caf\xc3\xa9", 0 },
	{ "with space", 0 },
	{ "a\nb", SHM_ESCW_CONTROL },
	{ "\xc2\x9b", SHM_ESCW_CONTROL },
	{ "\xff", SHM_ESCW_INVALID },
	{ "a\xe2\x80\xae", SHM_ESCW_FORMAT },
	{ "\xd8\x9c\n\xff", SHM_ESCW_FORMAT | SHM_ESCW_CONTROL |
	    SHM_ESCW_INVALID },
	{ "a\\b", SHM_ESCW_BACKSLASH },
	{ "\xcd\xb8", SHM_ESCW_UNPRINTABLE },		/* unassigned */
};

/* Outside a UTF-8 locale: valid UTF-8 is still told from invalid. */
static const struct why c_why[] = {
	{ "caf\xc3\xa9", SHM_ESCW_NONASCII },
	{ "\xff", SHM_ESCW_INVALID },
	{ "plain", 0 },
};

/* Raw output: blanks and quotes are special, every byte past ASCII too. */
static const struct why raw_why[] = {
	{ "plain", 0 },
	{ "a b", SHM_ESCW_SPECIAL },
	{ "caf\xc3\xa9", SHM_ESCW_NONASCII },
	{ "\xff\t", SHM_ESCW_INVALID | SHM_ESCW_CONTROL },
	{ "\xc2\x85", SHM_ESCW_CONTROL },
};

static void
check_why(const struct why *c, size_t n, bool hex, const char *where)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned got = hex ? shm_escape_hex_reasons(c[i].in,
		    SHM_ESC_RAW) : shm_escape_reasons(c[i].in);
		char *in_esc = shm_escape_hex(c[i].in, NULL);

		if (!tap_ok(got == c[i].why, "%s: reasons of \"%s\"", where,
		    in_esc))
			tap_diag("got %#x, want %#x", got, c[i].why);
		free(in_esc);
	}
}

/* Outside a UTF-8 locale, every byte outside ASCII is escaped. */
static const struct esc c_cases[] = {
	{ "plain", "plain" },
	{ "\xc3\x83", "\\303\\203" },
	{ "\xc3", "\\303" },
	{ "a\nb\\", "a\\nb\\\\" },
};

/* Raw output: blanks, quotes, backslash, controls, non-ASCII as \xHH. */
static const struct esc raw_cases[] = {
	{ "plain", "plain" },
	{ "/victim''", "/victim\\x27\\x27" },
	{ "a b\tc", "a\\x20b\\x09c" },
	{ "a\"b", "a\\x22b" },
	{ "new\nline", "new\\x0aline" },
	{ "back\\", "back\\x5c" },
	{ "\xc3\x83", "\\xc3\\x83" },
	{ "\xc3", "\\xc3" },
	{ "del\177", "del\\x7f" },
	{ "$x`y`", "$x`y`" },
};

/* Export output, inside double quotes: what a shell expands. */
static const struct esc export_cases[] = {
	{ "a b", "a b" },
	{ "a\"b", "a\\x22b" },
	{ "$HOME`id`", "\\x24HOME\\x60id\\x60" },
	{ "it's", "it's" },
	{ "\\", "\\x5c" },
	{ "\xc3", "\\xc3" },
};

static void
check_escape(const struct esc *c, size_t n, const char *where)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *out = shm_escape(c[i].in);
		char *in_esc = shm_escape_hex(c[i].in, NULL);
		bool same = out != NULL && strcmp(out, c[i].out) == 0;

		if (!tap_ok(same, "%s: shm_escape(\"%s\")", where, in_esc))
			tap_diag("got \"%s\", want \"%s\"", out, c[i].out);
		tap_ok(shm_needs_escape(c[i].in) ==
		    (strcmp(c[i].in, c[i].out) != 0),
		    "%s: shm_needs_escape(\"%s\")", where, in_esc);
		if (out != NULL)
			tap_ok(shm_utf8_valid(out, strlen(out)),
			    "%s: escaped \"%s\" is valid UTF-8", where, in_esc);
		free(out);
		free(in_esc);
	}
}

static void
check_hex(const struct esc *c, size_t n, const char *special,
    const char *where)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *out = shm_escape_hex(c[i].in, special);
		bool same = out != NULL && strcmp(out, c[i].out) == 0;

		if (!tap_ok(same, "%s: shm_escape_hex(\"%s\")", where,
		    c[i].out))
			tap_diag("got \"%s\"", out);
		tap_ok(shm_needs_escape_hex(c[i].in, special) ==
		    (strcmp(c[i].in, c[i].out) != 0),
		    "%s: shm_needs_escape_hex(\"%s\")", where, c[i].out);
		free(out);
	}
}

/* Every single byte and every pair: valid UTF-8 out, never a crash. */
static void
check_exhaustive(void)
{
	bool ok = true;
	unsigned a, b;

	for (a = 1; a < 256 && ok; a++)
		for (b = 0; b < 256 && ok; b++) {
			char in[3] = { (char)a, (char)b, '\0' };
			char *out = shm_escape(in);

			ok = out != NULL && shm_utf8_valid(out, strlen(out));
			if (!ok)
				tap_diag("bytes %02x %02x", a, b);
			free(out);
		}
	tap_ok(ok, "every string of one or two bytes escapes to valid UTF-8");
}

static void
check_decoder(void)
{
	static const struct {
		const char	*in;
		size_t		 len;
		uint32_t	 cp;
	} cases[] = {
		{ "A", 1, 0x41 },
		{ "\xc2\x80", 2, 0x80 },
		{ "\xdf\xbf", 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 0x800 },
		{ "\xed\x9f\xbf", 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 0xe000 },
		{ "\xef\xbf\xbf", 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
		{ "\xc1\xbf", 0, 0 },		/* overlong */
		{ "\xe0\x9f\xbf", 0, 0 },	/* overlong */
		{ "\xf0\x8f\xbf\xbf", 0, 0 },	/* overlong */
		{ "\xed\xa0\x80", 0, 0 },	/* U+D800 */
		{ "\xed\xbf\xbf", 0, 0 },	/* U+DFFF */
		{ "\xf4\x90\x80\x80", 0, 0 },	/* U+110000 */
		{ "\xe2\x82", 0, 0 },		/* truncated */
		{ "\xe2\x28\xa1", 0, 0 },	/* bad continuation */
		{ "\x80", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp = 0;
		size_t len = shm_utf8_char((const unsigned char *)cases[i].in,
		    strlen(cases[i].in), &cp);

		if (!tap_ok(len == cases[i].len &&
		    (len == 0 || cp == cases[i].cp), "shm_utf8_char case %zu",
		    i))
			tap_diag("got length %zu, U+%04X", len, (unsigned)cp);
	}
	tap_ok(shm_utf8_valid("\xc3\x83", 2), "U+00C3 is valid");
	tap_ok(!shm_utf8_valid("\xc3\x83", 1), "its first byte alone is not");
	tap_ok(shm_utf8_valid("", 0), "the empty string is valid");
}

/* SHM_TIME_ISO has a colon in its offset, in zones east and west. */
static void
check_iso_time(void)
{
	static const struct {
		const char	*tz;		/* POSIX TZ: no tzdata needed */
		const char	*out;
	} cases[] = {
		{ "UTC0", "2026-11-21T19:30:00+00:00" },
		{ "IST-5:30", "2026-11-22T01:00:00+05:30" },
		{ "NST3:30", "2026-11-21T16:00:00-03:30" },
		{ "XST-14", "2026-11-22T09:30:00+14:00" },
	};
	const time_t t = 1795289400;	/* 2026-11-21T19:30:00Z */
	char buf[64], small[25];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setenv("TZ", cases[i].tz, 1);
		tzset();
		shm_fmt_time(t, SHM_TIME_ISO, buf, sizeof(buf));
		if (!tap_ok(strcmp(buf, cases[i].out) == 0,
		    "ISO time in TZ=%s", cases[i].tz))
			tap_diag("got '%s', want '%s'", buf, cases[i].out);
	}
	/* One byte short of the offset: nothing, rather than half a zone. */
	shm_fmt_time(t, SHM_TIME_ISO, small, sizeof(small));
	tap_ok(small[0] == '\0', "ISO time: a buffer too small gives ''");
	unsetenv("TZ");
	tzset();
}

/* cp as UTF-8 between 'a' and 'b', in buf. */
static void
utf8_between(uint32_t cp, char *buf)
{
	unsigned char *o = (unsigned char *)buf;

	*o++ = 'a';
	if (cp < 0x80)
		*o++ = (unsigned char)cp;
	else if (cp < 0x800) {
		*o++ = (unsigned char)(0xc0 | cp >> 6);
		*o++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xe0 | cp >> 12);
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (unsigned char)(0xf0 | cp >> 18);
		*o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*o++ = 'b';
	*o = '\0';
}

/*
 * Every code point of PROP in the Unicode data file path (lines
 * "0000..0000 ; PROP # ..."), each checked to be escaped as a
 * formatting character; the number checked, or -1 if there is no file.
 */
static long
check_unicode_file(const char *path, const char *prop)
{
	char line[512], buf[8];
	long n = 0, bad = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned lo, hi;
		char p[64];

		if (sscanf(line, "%x..%x ; %63[A-Za-z_]", &lo, &hi, p) != 3) {
			if (sscanf(line, "%x ; %63[A-Za-z_]", &lo, p) != 2)
				continue;
			hi = lo;
		}
		if (strcmp(p, prop) != 0)
			continue;
		for (; lo <= hi; lo++, n++) {
			utf8_between(lo, buf);
			if (!(shm_escape_reasons(buf) & SHM_ESCW_FORMAT) &&
			    bad++ < 10)
				tap_diag("U+%04X (%s) is not escaped", lo, prop);
		}
	}
	fclose(fp);
	tap_ok(bad == 0 && n > 0, "%s: all %ld code points of %s are "
	    "escaped as formatting characters", path, n, prop);
	return n;
}

/*
 * Invisible characters that glibc calls printable: default-ignorable
 * code points and format characters (Cf), which would let two names
 * look the same.  The eleven of issue 19, then Unicode's own lists where
 * Debian's unicode-data installs them.
 */
static void
check_ignorable(void)
{
	static const uint32_t eleven[] = {
		0x1d173, 0x1bca0, 0x13430, 0x034f, 0xfe0f, 0xe0100,
		0x180b, 0x17b4, 0x1160, 0x3164, 0x115f,
	};
	char buf[8], *e;
	size_t i;

	for (i = 0; i < sizeof(eleven) / sizeof(eleven[0]); i++) {
		utf8_between(eleven[i], buf);
		e = shm_escape(buf);
		tap_ok(shm_escape_reasons(buf) == SHM_ESCW_FORMAT &&
		    e != NULL && strchr(e, '\\') != NULL && e[0] == 'a' &&
		    e[strlen(e) - 1] == 'b',
		    "U+%04X is escaped as a formatting character: %s",
		    eleven[i], e != NULL ? e : "(null)");
		free(e);
	}
	/* Neighbours that print stay as they are. */
	utf8_between(0x1d172, buf);
	tap_ok(shm_escape_reasons(buf) == 0, "U+1D172 prints");
	utf8_between(0x3163, buf);
	tap_ok(shm_escape_reasons(buf) == 0, "U+3163 prints");
	if (check_unicode_file("/usr/share/unicode/DerivedCoreProperties.txt",
	    "Default_Ignorable_Code_Point") == -1)
		tap_diag("no /usr/share/unicode (Debian's unicode-data): "
		    "the whole sets are not checked");
	(void)check_unicode_file(
	    "/usr/share/unicode/extracted/DerivedGeneralCategory.txt", "Cf");
}

/*
 * The library's own result codes: none is an errno value (so none is
 * mistaken for the kernel's), no two are one, and each has its words.
 */
static void
check_own_errors(void)
{
	int e;

	for (e = SHM_ENOTREG; e < SHM_ELAST; e++) {
		const char *w = shm_strerror(e);

		tap_ok(e > 4095, "code %d lies above every errno value", e);
		tap_ok(w != NULL && *w != '\0' &&
		    strncmp(w, "Unknown error", 13) != 0,
		    "code %d has words: %s", e, w != NULL ? w : "(null)");
	}
	tap_ok(strcmp(shm_strerror(ENOENT), strerror(ENOENT)) == 0,
	    "an errno value is strerror's");
}

int
main(void)
{
	check_own_errors();
	check_decoder();
	check_iso_time();
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		tap_diag("no C.UTF-8 locale: UTF-8 cases skipped");
	else
	{
		check_escape(utf8_cases, sizeof(utf8_cases) /
		    sizeof(utf8_cases[0]), "UTF-8");
		check_why(utf8_why, sizeof(utf8_why) / sizeof(utf8_why[0]),
		    false, "UTF-8");
		check_ignorable();
	}
	check_exhaustive();
	setlocale(LC_ALL, "C");
	check_escape(c_cases, sizeof(c_cases) / sizeof(c_cases[0]), "C");
	check_why(c_why, sizeof(c_why) / sizeof(c_why[0]), false, "C");
	check_why(raw_why, sizeof(raw_why) / sizeof(raw_why[0]), true, "raw");
	check_exhaustive();
	check_hex(raw_cases, sizeof(raw_cases) / sizeof(raw_cases[0]),
	    SHM_ESC_RAW, "raw");
	check_hex(export_cases, sizeof(export_cases) /
	    sizeof(export_cases[0]), SHM_ESC_EXPORT, "export");
	return tap_done();
}
