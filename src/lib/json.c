/*
 * json.c - JSON values that keep every byte of a name.
 *
 * Names are bytes and JSON is text: a name that is not UTF-8 has no JSON
 * string of its own (writing a stray 0xc3 as "\u00c3" makes it the name
 * "Ã").  Such a value is written as an array of its bytes instead, as
 * journalctl -o json does, and every reader can tell the two apart.
 *
 * Layer: text (src/lib/LAYERS).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "shm-private.h"

/* Must the code point cp be written as \uXXXX? */
static bool
json_needs_u(uint32_t cp)
{
	/*
	 * Control characters must (C0) or had better (DEL, C1: terminals
	 * obey them) be escaped; so are the bidirectional overrides, which
	 * reorder text on screen, and U+2028/U+2029, which end a line in
	 * JavaScript.
	 */
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The n bytes of s as a JSON value: a string if they are valid UTF-8
 * (with \" \\ \b \f \n \r \t, and \uXXXX for the other control
 * characters), else an array of the bytes as numbers, 0 to 255.
 * Returns -1 if fp has an error.
 */
int
shm_json_string(FILE *fp, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, len;
	uint32_t cp;

	if (!shm_utf8_valid(s, n)) {
		putc('[', fp);
		for (i = 0; i < n; i++)
			fprintf(fp, "%s%u", i > 0 ? ", " : "", p[i]);
		putc(']', fp);
		return ferror(fp) ? -1 : 0;
	}
	putc('"', fp);
	for (i = 0; i < n; i += len) {
		len = shm_utf8_char(p + i, n - i, &cp);
		switch (cp) {
		case '"':	fputs("\\\"", fp); break;
		case '\\':	fputs("\\\\", fp); break;
		case '\b':	fputs("\\b", fp); break;
		case '\f':	fputs("\\f", fp); break;
		case '\n':	fputs("\\n", fp); break;
		case '\r':	fputs("\\r", fp); break;
		case '\t':	fputs("\\t", fp); break;
		default:
			if (json_needs_u(cp))
				fprintf(fp, "\\u%04x", (unsigned)cp);
			else
				fwrite(p + i, 1, len, fp);
		}
	}
	putc('"', fp);
	return ferror(fp) ? -1 : 0;
}

/*
 * A scalar value of the given type: data is the text of a number, or the
 * bytes of a string; NULL is null.  Returns -1 if fp has an error.
 */
int
shm_json_value(FILE *fp, enum shm_json_type type, const char *data)
{
	if (data == NULL)
		fputs("null", fp);
	else if (type == SHM_JSON_NUMBER)
		fputs(data, fp);
	else
		return shm_json_string(fp, data, strlen(data));
	return ferror(fp) ? -1 : 0;
}
