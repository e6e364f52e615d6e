/*
 * tap.h - a tiny Test Anything Protocol producer for the C unit tests.
 *
 * Each check prints "ok N - description" or "not ok N - description";
 * tap_done() prints the plan "1..N" (a trailing plan is valid TAP) and
 * returns the exit status: 1 if any check failed.  Header-only so that
 * each test is one .c file.
 */
#ifndef SHMTOOLS_TAP_H
#define SHMTOOLS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count;
static int tap_failed;

/* Report one check; returns cond so that callers can add diagnostics. */
static bool tap_ok(bool, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static bool
tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* A diagnostic line: TAP ignores lines starting with '#'. */
static void tap_diag(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed > 0)
		tap_diag("%d of %d checks failed", tap_failed, tap_count);
	return tap_failed > 0 ? 1 : 0;
}

#endif
