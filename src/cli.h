/*
 * cli.h - what the six programs share on the program side: messages in
 * the one format, exit codes, and argument parsing that turns a bad
 * argument into a usage error.  Only programs print and exit.
 */
#ifndef SHMTOOLS_CLI_H
#define SHMTOOLS_CLI_H

#include <limits.h>
#include <stdint.h>
#include <err.h>
#include <stdnoreturn.h>

#include "shm.h"

#define EXIT_OPFAIL	1	/* an operation failed */
#define EXIT_USAGE	2

enum { OPT_HELP = 'h', OPT_VERSION = 'V' };

/*
 * The filters shmls and shmrm share, parsed in one place.  A program's
 * own long-only options start at CLI_OPT_FILTER_END.
 */
enum {
	CLI_OPT_SYSV = CHAR_MAX + 1,
	CLI_OPT_POSIX,
	CLI_OPT_MEMFD,
	CLI_OPT_UNUSED,
	CLI_OPT_ORPHANS,
	CLI_OPT_OLDER_THAN,
	CLI_OPT_NAME,
	CLI_OPT_EXCLUDE,
	CLI_OPT_EXCLUDE_FROM,
	CLI_OPT_FILTER_END
};
/* Their long options but --memfd, which shmrm cannot take. */
#define CLI_FILTER_LONGOPTS \
	{ "sysv",	no_argument,		NULL, CLI_OPT_SYSV }, \
	{ "posix",	no_argument,		NULL, CLI_OPT_POSIX }, \
	{ "user",	required_argument,	NULL, 'u' }, \
	{ "unused",	no_argument,		NULL, CLI_OPT_UNUSED }, \
	{ "orphans",	no_argument,		NULL, CLI_OPT_ORPHANS }, \
	{ "older-than",	required_argument,	NULL, CLI_OPT_OLDER_THAN }, \
	{ "name",	required_argument,	NULL, CLI_OPT_NAME }, \
	{ "exclude",	required_argument,	NULL, CLI_OPT_EXCLUDE }, \
	{ "exclude-from", required_argument,	NULL, CLI_OPT_EXCLUDE_FROM }

/* -N PID, in every program; -A in shmls and shmrm. */
#define CLI_NS_LONGOPT \
	{ "namespace",	required_argument,	NULL, 'N' }
#define CLI_ALL_NS_LONGOPT \
	{ "all-namespaces", no_argument,	NULL, 'A' }
void	 cli_namespace_arg(const char *);
bool	 cli_namespace_given(void);
const struct shm_place *cli_place(void);
const struct shm_place **cli_places_all(size_t *);

void	 cli_init(char **);
noreturn void cli_usage(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
noreturn void cli_version(void);
noreturn void cli_bad_option(void);
noreturn void cli_help(const char *);
void	 cli_addr(const char *, struct shm_addr *);
uint64_t cli_size(const char *, const char *);
void	 cli_warn(const char *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
noreturn void cli_fatal(const char *);
void	 cli_op_fail(const char *, int, enum shm_op, const struct shm_addr *);
int	 cli_each_addr(int, char **, unsigned,
	    int (*)(void *, const char *, const struct shm_addr *), void *);
bool	 cli_filter_option(int, const char *, struct shm_filter *);
bool	 cli_filter_narrows(const struct shm_filter *);
void	 cli_filter_free(struct shm_filter *);
int	 cli_exit_status(int);
char	*cli_xstrdup(const char *);
void	 cli_stdout_error_told(void);

#endif
