/*
 * cli.c - messages and argument checks shared by the programs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "version.h"

/*
 * Descriptors 0, 1 and 2 must be open before anything else is: a program
 * started with one closed would get a segment or a file on it from its
 * first open(), then write its messages into that segment, or read the
 * segment as its own input.  A closed one is put back on /dev/null opened
 * the wrong way round (stdin write-only, stdout read-only), so that using
 * it still fails with EBADF, as it would have when closed.
 */
static void
open_std_fds(void)
{
	static const int modes[] = { O_WRONLY, O_RDONLY, O_WRONLY };
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", modes[fd] | O_NOCTTY) != fd)
			abort();	/* no /dev/null: nowhere safe to go on */
	}
}

/*
 * The user's locale, for the categories the programs use: LC_CTYPE (the
 * column widths of UTF-8 names; what a message may print unescaped),
 * LC_MESSAGES (strerror), LC_TIME (dates) and LC_NUMERIC (the decimal
 * point of human sizes).  Not LC_ALL: where the locale is not in the
 * archive (C.UTF-8 on Debian), every category is a file or two to open,
 * and the eight that nothing here reads cost 40 system calls of every
 * run of every program (issue 20).
 */
static void
cli_locale(void)
{
	static const int cats[] = { LC_CTYPE, LC_MESSAGES, LC_TIME, LC_NUMERIC };
	size_t i;

	for (i = 0; i < sizeof(cats) / sizeof(cats[0]); i++)
		setlocale(cats[i], "");
}

void
cli_init(char **argv)
{
	const char *p = argv[0] != NULL ? strrchr(argv[0], '/') : NULL;

	open_std_fds();
	setprogname(p != NULL ? p + 1 : argv[0] != NULL ? argv[0] : "shmtools");
	cli_locale();
}

/*
 * Print "PROG: message" on stderr, the whole message escaped: names and
 * option arguments in it can hold a newline or an escape sequence, and
 * the terminal must not act on them.  All messages go through here.
 */
static void __attribute__((format(printf, 1, 0)))
vmessage(const char *fmt, va_list ap)
{
	char *msg = NULL, *esc = NULL;

	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	if (msg != NULL)
		esc = shm_escape(msg);
	fprintf(stderr, "%s: %s\n", getprogname(), esc != NULL ? esc :
	    msg != NULL ? msg : fmt);
	free(esc);
	free(msg);
}

static void message(const char *, ...) __attribute__((format(printf, 1, 2)));

/* A usage error: one line, the hint, exit 2. */
void
cli_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", getprogname());
	exit(EXIT_USAGE);
}

/*
 * Options that ipcs and ipcrm users type from habit, and what shmtools
 * writes instead: said after getopt's "invalid option".
 */
static const struct {
	const char	*prog;
	int		 opt;
	const char	*hint;
} habits[] = {
	{ "shmls", 'm', "-m is ipcs's; shmls --sysv lists System V segments "
	    "(shmls alone, every kind)" },
	{ "shmls", 'a', "-a is ipcs's; shmls lists every kind by default" },
	{ "shmls", 'p', "-p is ipcs's; shmls -o +CPID,LPID shows creator "
	    "and last user, -o +PIDS,COMMAND who attaches now" },
	{ "shmls", 'i', "-i is ipcs's; shmtools writes id:ID (shmls -o "
	    "+KEY,ID,CPID,LPID id:ID)" },
	{ "shmrm", 'm', "-m is ipcrm's; shmtools writes id:ID (shmrm id:ID)" },
	{ "shmrm", 'M', "-M is ipcrm's; shmtools writes a key as 0xKEY "
	    "(shmrm 0xKEY)" },
	{ "shmrm", 'a', "-a is ipcrm's; shmrm --all removes every segment "
	    "no process uses (shmrm -n --all shows which)" },
};

/* getopt has already said what is wrong with the option; add a hint. */
void
cli_bad_option(void)
{
	size_t i;

	for (i = 0; i < sizeof(habits) / sizeof(habits[0]); i++)
		if (optopt == habits[i].opt &&
		    strcmp(getprogname(), habits[i].prog) == 0)
			message("%s", habits[i].hint);
	fprintf(stderr, "Try '%s --help'.\n", getprogname());
	exit(EXIT_USAGE);
}

void
cli_version(void)
{
	printf("%s (%s) %s\n", getprogname(), PACKAGE_NAME, SHMT_VERSION);
	exit(cli_exit_status(EXIT_SUCCESS));
}

void
cli_help(const char *text)
{
	fputs(text, stdout);
	exit(cli_exit_status(EXIT_SUCCESS));
}

static void
message(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

/* "PROG: WHAT: message", or "PROG: message" without WHAT */
void
cli_warn(const char *what, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (what != NULL)
		message("%s: %s", what, msg != NULL ? msg : fmt);
	else
		message("%s", msg != NULL ? msg : fmt);
	free(msg);
}

/*
 * err(3) for the library's failures: errno may be one of its own codes,
 * which shm_strerror(3) does not know.
 */
noreturn void
cli_fatal(const char *what)
{
	const char *why = shm_strerror(errno);

	if (what != NULL)
		message("%s: %s", what, why);
	else
		message("%s", why);
	exit(EXIT_OPFAIL);
}

void
cli_op_fail(const char *arg, int err, enum shm_op op, const struct shm_addr *a)
{
	char buf[256];

	/* "shmcat 1234" for the key 1234: say how a key is written */
	if (err == ENOENT && a->kind == SHM_SYSV && a->by_id &&
	    arg[strspn(arg, "0123456789")] == '\0')
		cli_warn(arg, "%s (a bare number is a shmid, id:%s, not a "
		    "key: a key is written 0xHEX, or key:%s in decimal)",
		    shm_explain(err, op, a, buf, sizeof(buf)), arg, arg);
	else
		cli_warn(arg, "%s", shm_explain(err, op, a, buf, sizeof(buf)));
}

/* Parse an ADDRESS operand, or stop with a usage error naming the rule. */
void
cli_addr(const char *arg, struct shm_addr *a)
{
	const char *why;

	if (shm_addr_parse(arg, a, &why) == 0)
		return;
	/* /dev/shm/NAME: the path of the object whose ADDRESS is /NAME */
	if (strncmp(arg, SHM_DEVSHM "/", sizeof(SHM_DEVSHM)) == 0 &&
	    shm_addr_parse(arg + sizeof(SHM_DEVSHM) - 1, a, &why) == 0) {
		shm_addr_free(a);
		cli_usage("%s: %s; the object %s is written %s", arg,
		    "an ADDRESS is not a path", arg,
		    arg + sizeof(SHM_DEVSHM) - 1);
	}
	cli_usage("%s: %s", arg, why);
}

/* Parse a SIZE given to option opt, or stop with a usage error. */
uint64_t
cli_size(const char *arg, const char *opt)
{
	const char *why;
	uint64_t v;

	if (shm_size_parse(arg, &v, &why) == 0)
		return v;
	cli_usage("%s '%s': %s", opt, arg, why);
}

/*
 * Run fn on each ADDRESS operand, all of them parsed first: a usage error
 * in the last operand must stop the program before it acts on the first.
 * Only the kinds in the mask are accepted; fn gets ctx, the program's
 * options.  Keeps going past a failure; returns the first failure's status.
 */
int
cli_each_addr(int argc, char **argv, unsigned kinds,
    int (*fn)(void *, const char *, const struct shm_addr *), void *ctx)
{
	struct shm_addr *addrs;
	int i, r, ret = EXIT_SUCCESS;

	if (argc == 0)
		cli_usage("missing ADDRESS");
	if ((addrs = calloc((size_t)argc, sizeof(*addrs))) == NULL)
		cli_fatal(NULL);
	for (i = 0; i < argc; i++) {
		cli_addr(argv[i], &addrs[i]);
		if (!(kinds & SHM_KIND_BIT(addrs[i].kind)))
			cli_usage("%s: %s cannot take a %s address", argv[i],
			    getprogname(), shm_kind_name(addrs[i].kind));
	}
	for (i = 0; i < argc; i++)
		addrs[i].place = cli_place();
	for (i = 0; i < argc; i++) {
		r = fn(ctx, argv[i], &addrs[i]);
		if (r != 0 && ret == 0)
			ret = r;
		shm_addr_free(&addrs[i]);
	}
	free(addrs);
	return ret;
}

/* Append a copy of GLOB to the list *v of *n; what is wrong, a usage error. */
static void
glob_add(char ***v, size_t *n, const char *opt, const char *glob,
    const char *where)
{
	const char *why;
	char **nv;

	/* The message is escaped as a whole (vmessage). */
	if (shm_glob_check(glob, &why) == -1)
		cli_usage("%s '%s'%s: %s", opt, glob, where, why);
	if ((nv = reallocarray(*v, *n + 1, sizeof(**v))) == NULL)
		cli_fatal(NULL);
	*v = nv;
	(*v)[(*n)++] = cli_xstrdup(glob);
}

/*
 * --exclude-from FILE: one GLOB a line; blank lines and those whose
 * first character but blanks is '#' are skipped, and the blanks around a
 * GLOB.  "-" is standard input; "-FILE" may be missing (as in systemd's
 * EnvironmentFile=-FILE): then nothing is excluded.  Any other error is
 * one, so that a keep-list that cannot be read removes nothing.
 */
static void
exclude_from(struct shm_filter *f, const char *arg)
{
	const char *path = arg;
	bool optional = false;
	char *line = NULL, *p, *e, where[512];
	size_t cap = 0, lineno = 0;
	ssize_t len;
	FILE *fp;

	if (strcmp(arg, "-") == 0)
		fp = stdin;
	else {
		if (arg[0] == '-') {
			optional = true;
			path = arg + 1;
		}
		if ((fp = fopen(path, "re")) == NULL) {
			if (optional && errno == ENOENT)
				return;
			cli_usage("--exclude-from '%s': %s", path,
			    strerror(errno));
		}
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (memchr(line, '\0', (size_t)len) != NULL)
			cli_usage("--exclude-from '%s', line %zu: a NUL byte",
			    path, lineno);
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		for (e = line + len; e > p && (e[-1] == '\n' ||
		    e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		snprintf(where, sizeof(where), " (%s, line %zu)", path,
		    lineno);
		glob_add(&f->excludes, &f->nexcludes, "--exclude-from", p,
		    where);
	}
	if (ferror(fp))
		cli_usage("--exclude-from '%s': %s", path, strerror(errno));
	free(line);
	if (fp != stdin)
		fclose(fp);
}

/*
 * If ch is one of the filter options, put it in f and return true; a bad
 * argument is a usage error.
 */
bool
cli_filter_option(int ch, const char *arg, struct shm_filter *f)
{
	const char *why;

	switch (ch) {
	case CLI_OPT_SYSV:
		f->kinds |= SHM_KIND_BIT(SHM_SYSV);
		break;
	case CLI_OPT_POSIX:
		f->kinds |= SHM_KIND_BIT(SHM_POSIX);
		break;
	case CLI_OPT_MEMFD:
		f->kinds |= SHM_KIND_BIT(SHM_MEMFD);
		break;
	case CLI_OPT_ANON:
		f->kinds |= SHM_KIND_BIT(SHM_ANON);
		break;
	case 'u':
		if (shm_user_parse(arg, &f->uid) == -1)
			cli_usage("--user '%s': no such user", arg);
		f->has_uid = true;
		break;
	case CLI_OPT_UNUSED:
		f->unused = true;
		break;
	case CLI_OPT_ORPHANS:
		f->orphans = true;
		break;
	case CLI_OPT_OLDER_THAN:
		if (shm_duration_parse(arg, &f->older_than, &why) == -1)
			cli_usage("--older-than '%s': %s", arg, why);
		f->has_older = true;
		break;
	case CLI_OPT_NAME:
		glob_add(&f->names, &f->nnames, "--name", arg, "");
		break;
	case CLI_OPT_EXCLUDE:
		glob_add(&f->excludes, &f->nexcludes, "--exclude", arg, "");
		break;
	case CLI_OPT_EXCLUDE_FROM:
		exclude_from(f, arg);
		break;
	default:
		return false;
	}
	return true;
}

/* Free the lists of --name and --exclude. */
void
cli_filter_free(struct shm_filter *f)
{
	size_t i;

	for (i = 0; i < f->nnames; i++)
		free(f->names[i]);
	for (i = 0; i < f->nexcludes; i++)
		free(f->excludes[i]);
	free(f->names);
	free(f->excludes);
	f->names = f->excludes = NULL;
	f->nnames = f->nexcludes = 0;
}

/* Does f select by more than the kinds? */
bool
cli_filter_narrows(const struct shm_filter *f)
{
	return f->has_uid || f->unused || f->orphans || f->has_older ||
	    f->nnames > 0;
}

static pid_t ns_pid;		/* -N PID; 0: not given */

/* -N PID: a usage error unless PID is a process id. */
void
cli_namespace_arg(const char *arg)
{
	const char *errstr;

	ns_pid = (pid_t)strtonum(arg, 1, INT_MAX, &errstr);
	if (errstr != NULL)
		cli_usage("--namespace '%s': expected a PID", arg);
}

bool
cli_namespace_given(void)
{
	return ns_pid != 0;
}

/*
 * The place the program acts in: PID's with -N, made the first time it
 * is asked for (once every argument is checked), else the caller's own.
 * A PID whose place cannot be had is an error: exit 1, nothing done.
 */
const struct shm_place *
cli_place(void)
{
	static const struct shm_place *p;
	char buf[256], what[32];

	if (p != NULL)
		return p;
	if (ns_pid == 0)
		return p = shm_place_default();
	if (shm_place_of_pid(ns_pid, &p) == -1) {
		snprintf(what, sizeof(what), "-N %d", (int)ns_pid);
		if (errno == ENOMEM)
			cli_fatal(NULL);
		cli_warn(what, "%s", shm_place_explain(errno, ns_pid, buf,
		    sizeof(buf)));
		exit(EXIT_OPFAIL);
	}
	return p;
}

/*
 * -A: every place of the host, ours first; *n of them.  Where the
 * namespaces of a process cannot be seen or entered, nothing is listed:
 * a listing without them would look complete.  A /dev/shm out of reach
 * is said once, and its objects are not listed.
 */
const struct shm_place **
cli_places_all(size_t *n)
{
	const struct shm_place **v;
	char buf[256];
	size_t i;
	pid_t bad;

	if (shm_places_all(&v, n, &bad) == -1) {
		if (errno == EPERM)
			cli_warn("-A", "%s", shm_place_explain(EPERM, bad, buf,
			    sizeof(buf)));
		else if (errno == SHM_EHIDDEN)
			cli_warn("-A", "/proc does not show every process "
			    "(hidepid, or a PID namespace below the host's): "
			    "the places of those it hides cannot be found");
		else if (bad != 0)
			cli_warn("-A", "%s: the places of the host cannot all "
			    "be found", shm_place_explain(errno, bad, buf,
			    sizeof(buf)));
		else
			cli_warn("-A", "cannot find the namespaces: %s",
			    shm_strerror(errno));
		exit(EXIT_OPFAIL);
	}
	for (i = 0; i < *n; i++) {
		int e = shm_place_devshm_err(v[i]);
		pid_t pid = shm_place_id(v[i])->pid;

		if (e != 0 && e != ENOENT)
			cli_warn("-A", "%s; its POSIX objects are not listed",
			    shm_place_explain(e, pid, buf, sizeof(buf)));
	}
	return v;
}

/* strdup, or exit: out of memory. */
char *
cli_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		cli_fatal(NULL);
	return p;
}

static bool stdout_error_told;

/* A write error on stdout has been reported: cli_exit_status() need not. */
void
cli_stdout_error_told(void)
{
	stdout_error_told = true;
}

/*
 * The status to exit with, after flushing stdout: a full disk or a closed
 * pipe is an error, not silence.
 */
int
cli_exit_status(int status)
{
	errno = 0;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		/*
		 * Only an earlier write failed: its errno is long gone, and
		 * a write of nothing asks the descriptor again (EBADF where
		 * it was closed and we stood /dev/null in, read-only).
		 */
		if (errno == 0 && write(STDOUT_FILENO, "", 0) == 0)
			errno = 0;	/* no reason to give */
		if (errno != EPIPE && !stdout_error_told) {
			if (errno != 0)
				cli_warn(NULL, "write error: %s",
				    shm_strerror(errno));
			else
				cli_warn(NULL, "write error");
		}
		return status == 0 ? EXIT_OPFAIL : status;
	}
	if (fclose(stdout) == EOF) {
		cli_warn(NULL, "write error: %s", shm_strerror(errno));
		return status == 0 ? EXIT_OPFAIL : status;
	}
	return status;
}
