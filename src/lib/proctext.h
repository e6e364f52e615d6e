/*
 * proctext.h - the pure parsers of proctext.c, private to the library,
 * its unit tests (tests/unit/test_proc.c, test_place.c, test_memfd.c)
 * and the fuzzers: they read text /proc prints and touch nothing.
 */
#ifndef SHMTOOLS_PROCTEXT_H
#define SHMTOOLS_PROCTEXT_H

#include <stdbool.h>
#include <stddef.h>
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

/* One line of a mountinfo, parsed: pointers into the line but mnt. */
struct mountinfo_ent {
	dev_t		 dev;
	char		 mnt[4096];	/* the mount point, unescaped */
	const char	*type;		/* the file system type... */
	size_t		 typelen;	/* ...of this length */
	const char	*opts;		/* the super options, blank-ended */
};

int	 proc_mountinfo_parse(const char *, struct mountinfo_ent *);
bool	 proc_mountinfo_is(const struct mountinfo_ent *, const char *);
int	 proc_mount_opts_parse(const char *, struct proc_mount_opts *);
int	 proc_mountinfo_proc(const char *, dev_t *, struct proc_mount_opts *);
int	 proc_maps_range(const char *, unsigned long long *,
	    unsigned long long *);
int	 proc_maps_peek(const char *, dev_t *, bool *);
int	 proc_maps_parse_line(const char *, dev_t *, ino_t *, bool *,
	    const char **);
/* The name in a link's text: a pointer into it and its length, or NULL. */
const char *memfd_link_name(const char *, size_t *);
const char *deleted_link_name(const char *, size_t *);
bool	 anon_link_is(const char *);
int	 proc_cgroup_container(const char *, char *, size_t);
int	 proc_idmap_root(const char *, unsigned long *);
int	 proc_stat_parse(const char *, char *, unsigned long *);

/*
 * The registered (fixed) files of an io_uring, from the UserFiles section
 * of its /proc/PID/fdinfo/FD, fed one line at a time.
 */
struct uring_files {
	int		 state;		/* before the section, in it, after */
	unsigned long	 count;		/* "UserFiles:\tN": slots in the table */
	unsigned long	 entries;	/* its lines, "<none>" ones too */
	bool		 unknown;	/* a line that names no file we can find */
};

void	 proc_uring_files_init(struct uring_files *);
int	 proc_uring_files_line(struct uring_files *, const char *, char *,
	    size_t);
int	 proc_uring_files_done(const struct uring_files *);

#endif
