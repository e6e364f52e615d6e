/*
 * cols.h - programs' layer: shmls's columns, one descriptor table, and
 * the text of a cell.  out.h prints the cells; shmrm -n prints its rows
 * through the same code, so that they are the rows shmls -r prints.
 */
#ifndef SHMTOOLS_COLS_H
#define SHMTOOLS_COLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "shm.h"

enum {
	COL_TYPE, COL_ADDRESS, COL_KEY, COL_ID, COL_NAME, COL_SIZE, COL_RSS, COL_SWAP,
	COL_OWNER, COL_GROUP, COL_UID, COL_GID, COL_CUID, COL_CGID, COL_PERMS,
	COL_NATTCH, COL_PIDS, COL_COMMAND, COL_CPID, COL_LPID, COL_CTIME,
	COL_ATIME, COL_DTIME, COL_MTIME, COL_STATUS, COL_IPCNS, COL_MNTNS,
	COL_NSPID, COL_CONTAINER, NCOLS
};

#define COLF_SCAN	0x01	/* needs the /proc scan for every kind */
#define COLF_SCAN_FD	0x02	/* needs it for POSIX objects and files */
#define COLF_TABLE	0x04	/* System V: only /proc/sysvipc/shm has it */
#define COLF_SWAP	0x08	/* the others: shm_fill_swap() splits it */
#define COLF_SCAN_SOFT	0x10	/* the scan adds to it where it can run
				   (STATUS hugetlb); without, it is shown */

/* One table drives --help, --list-columns, -o and the output. */
struct col_desc {
	const char	*name;
	size_t		 whint;		/* width hint in the table */
	bool		 right;		/* aligned right in the table */
	enum shm_json_type json_type;
	const char	*help;
	int		 needs;		/* COLF_* */
};
extern const struct col_desc col_table[NCOLS];

enum cols_mode { COLS_TABLE, COLS_RAW, COLS_JSON, COLS_EXPORT, COLS_NULL };

/* How cells are written, and what writing them found. */
struct cols_fmt {
	enum cols_mode	 mode;
	bool		 noheadings;
	bool		 bytes;		/* sizes in bytes (always in JSON) */
	bool		 numeric_perms;
	bool		 time_set;	/* time_style given: also in JSON */
	enum shm_time_style time_style;
	bool		 escaped;	/* out: some name was shown escaped */
	unsigned	 escape_why;	/* out: SHM_ESCW_* of what was */
	size_t		 nescaped;	/* out: how many names were */
	bool		 hidden;	/* out: some use was unknown: "?" */
	bool		 inode_unknown;	/* out: some size was unknown: "?" */
	const char	*json_key;	/* the array's name in JSON; NULL: shm */
	unsigned	 json_part;	/* COLS_JSON_*: one of several arrays */
};
#define COLS_JSON_MORE	0x01	/* another array follows: leave { open */
#define COLS_JSON_CONT	0x02	/* one went before: add to its { */

/* The columns of a listing: -o LIST. */
struct cols_list {
	int		 col[NCOLS];
	size_t		 n;
};

int	 cols_by_name(const char *, size_t);
void	 cols_escape_note(const struct cols_fmt *, char *, size_t);
void	 cols_default(struct cols_list *);
void	 cols_add_places(struct cols_list *);
int	 cols_parse(struct cols_list *, const char *, const char **);
bool	 cols_need_scan(const struct cols_list *, unsigned);
bool	 cols_need_table(const struct cols_list *);
bool	 cols_need_swap(const struct cols_list *);
bool	 cols_want_scan(const struct cols_list *);
char	*cols_cell(struct cols_fmt *, const struct shm_rec *, int);
void	 cols_cell_array(struct cols_fmt *, const struct shm_rec *, int,
	    FILE *);

#endif
