/*
 * cli.h - what the six programs share on the program side: messages in
 * the one format, exit codes, and argument parsing that turns a bad
 * argument into a usage error.  Only programs print and exit.
 */
#ifndef SHMTOOLS_CLI_H
#define SHMTOOLS_CLI_H

#include <stdint.h>
#include <err.h>
#include <stdnoreturn.h>

#include "shm.h"

#define EXIT_OPFAIL	1	/* an operation failed */
#define EXIT_USAGE	2

enum { OPT_HELP = 'h', OPT_VERSION = 'V' };

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
void	 cli_op_fail(const char *, int, enum shm_op, const struct shm_addr *);
int	 cli_each_addr(int, char **, unsigned,
	    int (*)(const char *, const struct shm_addr *));
int	 cli_exit_status(int);
void	 cli_stdout_error_told(void);

#endif
