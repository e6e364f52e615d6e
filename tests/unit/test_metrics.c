/*
 * test_metrics.c - the pieces of shmls --metrics that the suite cannot
 * reach with real segments: label values escaped as the exposition
 * format says, the swap column of /proc/sysvipc/shm, --metrics-owners.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "shm-private.h"
#include "tap.h"

static char *
label_of(const char *in)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		return NULL;
	metrics_label_value(fp, in);
	fclose(fp);
	return out;
}

static void
check_label(const char *in, const char *want)
{
	char *got = label_of(in);

	if (!tap_ok(got != NULL && strcmp(got, want) == 0,
	    "label value %s", want))
		tap_diag("got %s", got != NULL ? got : "(null)");
	free(got);
}

int
main(void)
{
	static const char line[] =
	    "       4660      32769 1000600   20000   123   456      0 "
	    "1000  1000  1000  1000 1700000000 1700000001 1700000002 "
	    "8192 12288\n";
	struct shm_rec one;
	const char *why;
	size_t n;

	check_label("root", "\"root\"");
	check_label("a\"b", "\"a\\\"b\"");
	check_label("a\\b", "\"a\\\\b\"");
	check_label("a\nb", "\"a\\nb\"");
	check_label("", "\"\"");
	check_label("\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\"");

	shm_rec_init(&one);
	tap_ok(sysv_parse_proc_line(line, &one) == 0 && one.addr.id == 32769 &&
	    one.swap == 12288 && one.rss == 8192,
	    "the swap column of a /proc/sysvipc/shm line is the record's");
	shm_rec_init(&one);
	tap_ok(one.swap == -1, "a record's swap is unknown until read");

	tap_ok(metrics_owners_parse("0", &n, &why) == 0 && n == 0,
	    "--metrics-owners 0");
	tap_ok(metrics_owners_parse("1000", &n, &why) == 0 && n == 1000,
	    "--metrics-owners 1000");
	tap_ok(metrics_owners_parse("1001", &n, &why) == -1 && why != NULL,
	    "--metrics-owners 1001 is too many");
	tap_ok(metrics_owners_parse("-1", &n, &why) == -1, "--metrics-owners -1");
	tap_ok(metrics_owners_parse("x", &n, &why) == -1, "--metrics-owners x");
	return tap_done();
}
