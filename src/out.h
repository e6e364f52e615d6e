/*
 * out.h - programs' layer: the writers of the output formats (table, raw,
 * export, -0, JSON), printing the cells cols.h makes or a table of text.
 */
#ifndef SHMTOOLS_OUT_H
#define SHMTOOLS_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "cols.h"

/* A number as a cell; a size as the listing writes it: human, or bytes
   with -b and in JSON. */
char	*out_u64(uint64_t);
char	*out_size(const struct cols_fmt *, uint64_t);

/* Records as rows; with empty_heading, no rows still print the heading. */
int	 out_print_recs(struct cols_fmt *, const struct cols_list *,
	    const struct shm_rec *, size_t, bool);

/*
 * A small table of text (--summary, --limits): nrows * ncols cells, row
 * after row, NULL for none (null in JSON).
 */
struct out_text_col {
	const char	*name;
	bool		 right;
	enum shm_json_type json_type;
};
int	 out_print_text(struct cols_fmt *, const struct out_text_col *,
	    size_t, char *const *, size_t);

#endif
