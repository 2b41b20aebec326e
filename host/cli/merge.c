/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx merge`: joins the outputs of `radx batch` runs (shards) with identical headers into one
 * file, written atomically. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "csv.h"
#include "output.h"

#define MERGE_MAX_INPUTS 4096

/* Does header h equal h0?  Prints why not for file `path`. */
static int same_header(const csv_row *h0, const csv_row *h, const char *path)
{
    int same = h0->n == h->n, at = -1;
    for (int i = 0; same && i < h->n; i++)
        if (strcmp(h0->f[i], h->f[i])) {
            same = 0;
            at = i;
        }
    if (!same)
        fprintf(stderr,
                "radx merge: %s: header differs from the first file's (%s%s); only outputs of the same settings and "
                "cohort columns can be merged\n",
                path, at >= 0 ? "column " : "different number of columns", at >= 0 ? h->f[at] : "");
    return same;
}

/* Appends the rows of file `path` to b (the header too when it is the first file with rows, kept
 * in *first).  0, or the exit status after printing the error. */
static int merge_file(const char *path, csv_doc *first, sbuf_t *b, int *nrows)
{
    char err[2048];
    csv_doc d;
    if (csv_read_file(path, &d, err, sizeof err)) {
        fprintf(stderr, "radx merge: %s\n", err);
        return 3;
    }
    if (d.trailing_partial) {
        fprintf(
            stderr,
            "radx merge: %s: its last row is cut off (an interrupted run); finish it with radx batch --resume first\n",
            path);
        csv_doc_free(&d);
        return 3;
    }
    if (d.nrows < 1) { /* a shard whose cases all failed writes no header */
        fprintf(stderr, "radx merge: %s: empty (no case of that run succeeded), skipped\n", path);
        csv_doc_free(&d);
        return 0;
    }
    if (!first->nrows) {
        sbuf_fields(b, d.rows[0].f, d.rows[0].n, d.rows[0].n, 1);
        sbuf_endrow(b);
    } else if (!same_header(&first->rows[0], &d.rows[0], path)) {
        csv_doc_free(&d);
        return 2;
    }
    for (int r = 1; r < d.nrows; r++) {
        sbuf_fields(b, d.rows[r].f, d.rows[r].n, d.rows[r].n, 1);
        sbuf_endrow(b);
        (*nrows)++;
    }
    if (!first->nrows)
        *first = d;
    else
        csv_doc_free(&d);
    return 0;
}

int radx_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    const char *in[MERGE_MAX_INPUTS];
    int nin = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "radx merge: option -o needs a value\n");
                return 2;
            }
            out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "radx merge: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (nin < MERGE_MAX_INPUTS) {
            in[nin++] = argv[i];
        }
    }
    if (!out || nin < 1) {
        fprintf(stderr, "radx merge: needs INPUT.csv ... and -o OUT.csv\n");
        return 2;
    }
    char err[2048];
    sbuf_t b = {0};
    csv_doc first;
    memset(&first, 0, sizeof first);
    int rc = 0, nrows = 0;
    for (int k = 0; k < nin && !rc; k++) rc = merge_file(in[k], &first, &b, &nrows);
    if (!rc && !first.nrows) {
        fprintf(stderr, "radx merge: no input has any rows\n");
        rc = 3;
    }
    if (!rc && radx_cli_write_atomic(out, b.s, b.n, err, sizeof err)) {
        fprintf(stderr, "radx merge: %s\n", err);
        rc = 9;
    }
    if (!rc) fprintf(stderr, "radx merge: %d row(s) from %d file(s) written to %s\n", nrows, nin, out);
    csv_doc_free(&first);
    sbuf_free(&b);
    return rc;
}
