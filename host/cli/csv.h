/* SPDX-License-Identifier: BSD-3-Clause */
/* CSV reading for the cohort commands (RFC 4180: quoted fields may hold commas, quotes and
 * newlines).  The writing side (sbuf_field, sbuf_endrow) is in output.h. */
#ifndef RADX_CLI_CSV_H
#define RADX_CLI_CSV_H
#include <stddef.h>
#include "output.h"

typedef struct csv_row {
    int n;
    char **f;  /* fields (owned) */
    long line; /* 1-based line of the row's start in the file */
} csv_row;

typedef struct csv_doc {
    int nrows;
    csv_row *rows;        /* rows[0] is the header when the file has one */
    int trailing_partial; /* the last row has no line end (it was cut off) */
    long partial_offset;  /* byte offset where that last, unterminated row starts */
} csv_doc;

/* Reads a whole CSV file.  Returns 0, or -1 with a one-line message in err (naming the file and
 * line).  Blank lines are skipped. */
int csv_read_file(const char *path, csv_doc *doc, char *err, size_t errlen);
/* The same for a file radx wrote (a batch output), which a full disk, a quota or a killed process
 * may have cut anywhere, inside a quoted field too: the cut-off last row is trailing_partial. */
int csv_read_output(const char *path, csv_doc *doc, char *err, size_t errlen);
void csv_doc_free(csv_doc *doc);
void csv_row_free(csv_row *r);

/* Index of column `name` in row r, or -1. */
int csv_col(const csv_row *r, const char *name);

/* A header's columns sorted by name, so that lookups and the search for a repeated name take
 * log time however many columns a file has. */
typedef struct csv_index {
    int n;
    struct csv_named {
        const char *name; /* the header's text */
        int col;
    } * e;
} csv_index;
/* 0, or -1 when out of memory. */
int csv_index_build(const csv_row *hdr, csv_index *ix);
/* The first column named `name`, or -1. */
int csv_index_find(const csv_index *ix, const char *name);
/* A name that two columns have, or NULL. */
const char *csv_index_repeated(const csv_index *ix);
void csv_index_free(csv_index *ix);
#endif
