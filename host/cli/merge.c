/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx merge`: joins the outputs of `radx batch` runs (shards) with identical headers into one
 * file, written atomically.  An input given twice (the same file under two names, or a copy whose
 * every row another input holds) is refused: its rows would be counted twice.  Rows repeated
 * within one input (a cohort that lists a case more than once) stay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "csv.h"
#include "output.h"

/* One input: its path, its rows (as written back: one text per data row, sorted) and its header. */
typedef struct merge_input {
    const char *path;
    dev_t dev; /* the file's identity */
    ino_t ino;
    csv_doc doc;
    char **rows; /* the data rows' texts, sorted */
    int nrows;
} merge_input;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int cmp_identity(const void *a, const void *b)
{
    const merge_input *x = *(merge_input *const *)a, *y = *(merge_input *const *)b;
    if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
    return (x->ino > y->ino) - (x->ino < y->ino);
}

/* The same file named twice (compared by device and inode, sorted).  0, 7, or 2 after printing
 * the error. */
static int refuse_same_file(merge_input *in, int n)
{
    merge_input **by = malloc(sizeof *by * (size_t)(n + 1));
    if (!by) return 7;
    for (int k = 0; k < n; k++) by[k] = &in[k];
    qsort(by, (size_t)n, sizeof *by, cmp_identity);
    int rc = 0;
    for (int k = 1; k < n && !rc; k++)
        if (!cmp_identity(&by[k - 1], &by[k])) {
            fprintf(stderr, "radx merge: %s: given twice (the same file as %s)\n", by[k]->path, by[k - 1]->path);
            rc = 2;
        }
    free(by);
    return rc;
}

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

/* Reads one input: complete, with a header.  0, or the exit status after printing the error. */
static int read_input(merge_input *in)
{
    char err[2048];
    struct stat st;
    if (csv_read_output(in->path, &in->doc, err, sizeof err)) {
        fprintf(stderr, "radx merge: %s\n", err);
        return 3;
    }
    if (stat(in->path, &st) == 0) {
        in->dev = st.st_dev;
        in->ino = st.st_ino;
    }
    if (in->doc.trailing_partial) {
        fprintf(
            stderr,
            "radx merge: %s: its last row is cut off (an interrupted run); finish it with radx batch --resume first\n",
            in->path);
        return 3;
    }
    in->nrows = in->doc.nrows > 1 ? in->doc.nrows - 1 : 0;
    in->rows = calloc((size_t)in->nrows + 1, sizeof *in->rows);
    if (!in->rows) return 7;
    for (int r = 0; r < in->nrows; r++) {
        sbuf_t b = {0};
        const csv_row *row = &in->doc.rows[r + 1];
        if (sbuf_fields(&b, row->f, row->n, row->n, 1) || sbuf_add(&b, "", 0)) return 7;
        in->rows[r] = b.s;
    }
    qsort(in->rows, (size_t)in->nrows, sizeof *in->rows, cmp_str);
    return 0;
}

/* Is every row of x (counted) among y's?  Both sorted. */
static int rows_within(const merge_input *x, const merge_input *y)
{
    int j = 0;
    for (int i = 0; i < x->nrows; i++) {
        while (j < y->nrows && strcmp(y->rows[j], x->rows[i]) < 0) j++;
        if (j == y->nrows || strcmp(y->rows[j], x->rows[i]) != 0) return 0;
        j++;
    }
    return 1;
}

/* Every data row of every input, with the input it is in: sorted by text, then input. */
typedef struct row_ref {
    const char *text;
    int input;
} row_ref;

static int cmp_ref(const void *a, const void *b)
{
    const row_ref *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->input > y->input) - (x->input < y->input);
}

/* Input k given twice: every row of it held by another input (a larger one, or an identical
 * earlier one).  The candidates are the inputs holding k's first row, found in the index.  0, or 2
 * after printing the error. */
static int refuse_repeated(const merge_input *in, int k, const row_ref *index, size_t nindex)
{
    if (!in[k].nrows) return 0;
    row_ref key = {in[k].rows[0], -1};
    size_t lo = 0, hi = nindex;
    while (lo < hi) { /* the first entry not below key */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_ref(&index[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t e = lo; e < nindex && !strcmp(index[e].text, key.text); e++) {
        const int j = index[e].input;
        if (j == k || (e > lo && index[e - 1].input == j)) continue;
        if (in[j].nrows < in[k].nrows || (in[j].nrows == in[k].nrows && j > k)) continue;
        if (rows_within(&in[k], &in[j])) {
            fprintf(stderr, "radx merge: %s: every row of it is already in %s (the same shard given twice?)\n",
                    in[k].path, in[j].path);
            return 2;
        }
    }
    return 0;
}

/* The header, then every input's rows in input order.  0, or the exit status. */
static int merged_text(const merge_input *in, int n, sbuf_t *b, int *total)
{
    const csv_row *h0 = NULL;
    for (int k = 0; k < n; k++) {
        const csv_doc *d = &in[k].doc;
        if (d->nrows < 1) { /* a shard whose cases all failed writes no header */
            fprintf(stderr, "radx merge: %s: empty (no case of that run succeeded), skipped\n", in[k].path);
            continue;
        }
        if (!h0) {
            h0 = &d->rows[0];
            if (sbuf_fields(b, h0->f, h0->n, h0->n, 1) || sbuf_endrow(b)) return 7;
        } else if (!same_header(h0, &d->rows[0], in[k].path))
            return 2;
        for (int r = 1; r < d->nrows; r++) {
            if (sbuf_fields(b, d->rows[r].f, d->rows[r].n, d->rows[r].n, 1) || sbuf_endrow(b)) return 7;
            (*total)++;
        }
    }
    if (!h0) {
        fprintf(stderr, "radx merge: no input has any rows\n");
        return 3;
    }
    return 0;
}

/* Reads every input and refuses repeated ones.  0, or the exit status. */
static int read_inputs(merge_input *in, int n)
{
    int rc = 0;
    size_t total = 0, m = 0;
    for (int k = 0; k < n && !rc; k++) {
        rc = read_input(&in[k]);
        total += (size_t)in[k].nrows;
    }
    row_ref *index = rc ? NULL : malloc(sizeof *index * (total + 1));
    if (!rc && !index) rc = 7;
    for (int k = 0; k < n && !rc; k++)
        for (int r = 0; r < in[k].nrows; r++) index[m++] = (row_ref){in[k].rows[r], k};
    if (!rc) rc = refuse_same_file(in, n);
    if (!rc) qsort(index, m, sizeof *index, cmp_ref);
    for (int k = 0; k < n && !rc; k++) rc = refuse_repeated(in, k, index, m);
    free(index);
    return rc;
}

/* Options: the inputs (any number) and -o.  0, or the exit status after printing the error. */
static int parse_options(int argc, char **argv, const char **out, merge_input *in, int *n)
{
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "radx merge: option -o needs a value\n");
                return 2;
            }
            *out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "radx merge: unknown option '%s'\n", argv[i]);
            return 2;
        } else {
            in[(*n)++].path = argv[i];
        }
    }
    if (!*out || *n < 1) {
        fprintf(stderr, "radx merge: needs INPUT.csv ... and -o OUT.csv\n");
        return 2;
    }
    for (int k = 0; k < *n; k++)
        if (radx_cli_refuse_output_input("merge", *out, &in[k].path, 1)) return 2;
    return 0;
}

int radx_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    int nin = 0, total = 0;
    merge_input *in = calloc((size_t)argc + 1, sizeof *in);
    if (!in) {
        fprintf(stderr, "radx merge: out of memory\n");
        return 7;
    }
    sbuf_t b = {0};
    int rc = parse_options(argc, argv, &out, in, &nin);
    if (!rc) rc = read_inputs(in, nin);
    if (!rc) rc = merged_text(in, nin, &b, &total);
    if (rc == 7) fprintf(stderr, "radx merge: out of memory\n");
    char err[2048];
    if (!rc && (rc = radx_cli_write_atomic(out, b.s, b.n, err, sizeof err)) != 0)
        fprintf(stderr, "radx merge: %s\n", err);
    if (!rc) fprintf(stderr, "radx merge: %d row(s) from %d file(s) written to %s\n", total, nin, out);
    for (int k = 0; k < nin; k++) {
        for (int r = 0; in[k].rows && r < in[k].nrows; r++) free(in[k].rows[r]);
        free(in[k].rows);
        csv_doc_free(&in[k].doc);
    }
    free(in);
    sbuf_free(&b);
    return rc;
}
