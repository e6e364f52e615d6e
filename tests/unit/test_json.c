/*
 * test_json.c - JSON values that keep every byte: valid UTF-8 is a
 * string with JSON's escapes, anything else an array of its bytes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shm.h"
#include "tap.h"

/* What shm_json_string writes for the n bytes of in. */
static char *
json_of(const char *in, size_t n)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		return NULL;
	if (shm_json_string(fp, in, n) == -1) {
		fclose(fp);
		free(out);
		return NULL;
	}
	fclose(fp);
	return out;
}

static char *
value_of(enum shm_json_type type, const char *data)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		return NULL;
	shm_json_value(fp, type, data);
	fclose(fp);
	return out;
}

struct jcase {
	const char	*what;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*out;
};

static const struct jcase cases[] = {
	{ "ASCII", "/foo", 0, "\"/foo\"" },
	{ "empty", "", 0, "\"\"" },
	{ "quote and backslash", "a\"b\\c", 0, "\"a\\\"b\\\\c\"" },
	{ "short escapes", "\b\f\n\r\t", 0, "\"\\b\\f\\n\\r\\t\"" },
	{ "other C0 controls", "\001\033\037", 0,
	    "\"\\u0001\\u001b\\u001f\"" },
	{ "NUL inside", "a\0b", 3, "\"a\\u0000b\"" },
	{ "DEL", "\177", 0, "\"\\u007f\"" },
	{ "C1 control", "\xc2\x9b", 0, "\"\\u009b\"" },
	{ "U+2028", "\xe2\x80\xa8", 0, "\"\\u2028\"" },
	{ "RLO", "\xe2\x80\xae", 0, "\"\\u202e\"" },
	{ "slash is not escaped", "/", 0, "\"/\"" },
	{ "U+00C3 as UTF-8", "/\xc3\x83", 0, "\"/\xc3\x83\"" },
	{ "U+20AC", "\xe2\x82\xac", 0, "\"\xe2\x82\xac\"" },
	{ "U+1F600", "\xf0\x9f\x98\x80", 0, "\"\xf0\x9f\x98\x80\"" },
	{ "U+10FFFF", "\xf4\x8f\xbf\xbf", 0, "\"\xf4\x8f\xbf\xbf\"" },
	{ "U+FFFF", "\xef\xbf\xbf", 0, "\"\xef\xbf\xbf\"" },
	/* Not UTF-8: the bytes, every one of them. */
	{ "stray 0xc3", "/\xc3", 0, "[47, 195]" },
	{ "stray byte alone", "\xc3", 0, "[195]" },
	{ "truncated 3-byte", "\xe2\x82", 0, "[226, 130]" },
	{ "truncated 4-byte", "a\xf0\x9f\x98", 0, "[97, 240, 159, 152]" },
	{ "lone continuation", "\x80", 0, "[128]" },
	{ "overlong 2-byte", "\xc0\xaf", 0, "[192, 175]" },
	{ "overlong 3-byte", "\xe0\x80\xaf", 0, "[224, 128, 175]" },
	{ "overlong 4-byte", "\xf0\x80\x80\xaf", 0, "[240, 128, 128, 175]" },
	{ "surrogate", "\xed\xa0\x80", 0, "[237, 160, 128]" },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", 0, "[244, 144, 128, 128]" },
	{ "0xff", "\xff", 0, "[255]" },
	{ "valid and invalid mixed", "\xc3\x83\xc3", 0, "[195, 131, 195]" },
	{ "control bytes in an array", "\n\xc3", 0, "[10, 195]" },
};

int
main(void)
{
	size_t i;
	char *out;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct jcase *c = &cases[i];

		out = json_of(c->in, c->len ? c->len : strlen(c->in));
		if (!tap_ok(out != NULL && strcmp(out, c->out) == 0, "%s",
		    c->what))
			tap_diag("got %s, want %s", out, c->out);
		free(out);
	}

	/* The two names of the issue: different values. */
	{
		char *a = json_of("/\xc3", 2), *b = json_of("/\xc3\x83", 3);

		tap_ok(a != NULL && b != NULL && strcmp(a, b) != 0,
		    "/\\xc3 and /\\xc3\\x83 are written differently");
		free(a);
		free(b);
	}

	out = value_of(SHM_JSON_NUMBER, "4096");
	tap_ok(out != NULL && strcmp(out, "4096") == 0, "a number is bare");
	free(out);
	out = value_of(SHM_JSON_STRING, NULL);
	tap_ok(out != NULL && strcmp(out, "null") == 0, "NULL is null");
	free(out);
	out = value_of(SHM_JSON_NUMBER, NULL);
	tap_ok(out != NULL && strcmp(out, "null") == 0,
	    "a NULL number is null");
	free(out);
	out = value_of(SHM_JSON_STRING, "x\xc3");
	tap_ok(out != NULL && strcmp(out, "[120, 195]") == 0,
	    "a string value that is not UTF-8 is an array");
	free(out);
	out = value_of(SHM_JSON_STRING, "");
	tap_ok(out != NULL && strcmp(out, "\"\"") == 0,
	    "an empty string value is \"\"");
	free(out);

	/* A write error is reported. */
	{
		FILE *fp = fopen("/dev/full", "w");

		if (fp != NULL) {
			char big[8192];
			int r = 0, k;

			memset(big, 'x', sizeof(big) - 1);
			big[sizeof(big) - 1] = '\0';
			setvbuf(fp, NULL, _IONBF, 0);
			for (k = 0; k < 4 && r == 0; k++)
				r = shm_json_string(fp, big, strlen(big));
			tap_ok(r == -1, "a write error is reported");
			fclose(fp);
		}
	}
	return tap_done();
}
