/*
 * proc.h - the pure parsers of proc.c, private to the library and its
 * unit test (tests/unit/test_proc.c): they read text /proc prints and
 * touch nothing.
 */
#ifndef SHMTOOLS_PROC_H
#define SHMTOOLS_PROC_H

#include <stdbool.h>
#include <sys/types.h>

/* hidepid= of a proc mount: which processes a caller may not see. */
enum proc_hidepid {
	PROC_HIDEPID_OFF,		/* "off", "0": everyone's are visible */
	PROC_HIDEPID_RESTRICTED,	/* "noaccess", "invisible", "ptraceable",
					   1, 2, 4, or a value we do not know */
};

/* The super options of a proc mount that decide what we can see. */
struct proc_mount_opts {
	enum proc_hidepid hidepid;
	gid_t		 gid;		/* gid=: this group sees everyone */
	bool		 subset_pid;	/* subset=pid: only the PID dirs */
};

int	 proc_mount_opts_parse(const char *, struct proc_mount_opts *);
int	 proc_mountinfo_proc(const char *, dev_t *, struct proc_mount_opts *);
int	 proc_maps_peek(const char *, dev_t *, bool *);

#endif
