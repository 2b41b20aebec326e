/* SPDX-License-Identifier: BSD-3-Clause */
/* Output files that appear whole or not at all (host/io/output_file.c); the public radx_file_*
 * calls wrap these. */
#ifndef RADX_OUTPUT_FILE_H
#define RADX_OUTPUT_FILE_H

#include "core/error.h"

typedef struct radx_file radx_outfile; /* radx.h's radx_file */

/* Starts writing path: a regular file (or a new one) is written unnamed beside it and replaces it
 * at commit; a character device or FIFO is written directly; anything else is refused. */
radx_status radx_outfile_create(const char *path, radx_outfile **out, radx_err *err);
int radx_outfile_fd(const radx_outfile *f);
const char *radx_outfile_path(const radx_outfile *f);
/* Gives up the descriptor, keeping what was written under a hidden name until commit. */
radx_status radx_outfile_park(radx_outfile *f, radx_err *err);
/* Flushes, sets the mode (the replaced file's, else 0666 less the umask), puts the file at its
 * path in one step, and frees f (on failure too, leaving nothing). */
radx_status radx_outfile_commit(radx_outfile *f, radx_err *err);
/* Frees f, leaving nothing of it.  NULL-safe. */
void radx_outfile_discard(radx_outfile *f);
/* Async-signal-safe: unlinks every hidden name of every uncommitted file of the process. */
void radx_outfile_discard_all(void);

#endif
