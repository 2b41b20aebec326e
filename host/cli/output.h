/* SPDX-License-Identifier: BSD-3-Clause */
/* Everything the command line writes: the result of a case as txt, csv or json, CSV fields and
 * rows (RFC 4180), whole files replaced atomically, rows appended durably. */
#ifndef RADX_CLI_OUTPUT_H
#define RADX_CLI_OUTPUT_H
#include <stddef.h>
#include "radx.h"

/* A growing text buffer; s is NUL-terminated once anything was added.  The sbuf_* functions
 * return 0, or -1 when out of memory. */
typedef struct sbuf_t {
    char *s;
    size_t n, cap;
} sbuf_t;
int sbuf_add(sbuf_t *b, const char *s, size_t n);
void sbuf_free(sbuf_t *b);

/* One CSV field, quoted when it holds a comma, a quote or a line break; a comma before it unless
 * it is the first of its row. */
int sbuf_field(sbuf_t *b, const char *field, int first);
/* Fields 0 .. ncols-1 of a row of n fields f (empty past its end). */
int sbuf_fields(sbuf_t *b, char *const *f, int n, int ncols, int first);
int sbuf_endrow(sbuf_t *b);

/* The result of a case in format fmt: "txt" (name: value lines), "csv" (a header and one row) or
 * "json" (one object; NaN and infinities as null). */
int radx_cli_format_result(sbuf_t *b, const radx_result *r, const char *fmt, int ibsi);

/* Replaces path by buf as a radx_file: whole or not at all, flushed to the disk; a character
 * device or FIFO is written directly.  Returns 0; 7 when out of memory, 9 when it cannot write;
 * err then holds "PATH: why". */
int radx_cli_write_atomic(const char *path, const char *buf, size_t n, char *err, size_t errlen);
/* The same into f, opened beforehand (radx_file_create), which it commits or discards. */
int radx_cli_write_file(radx_ctx *ctx, radx_file *f, const char *buf, size_t n, char *err, size_t errlen);

/* Appends buf to fd (opened with O_APPEND) in one write() per call, so that a row lands whole or
 * not at all when the process is killed, then flushes it to the disk; a failed write (disk full,
 * quota, size limit) is cut off again.  0, or -1 (errno). */
int radx_cli_append_durable(int fd, const char *buf, size_t n);
#endif
