/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx batch`'s output files: OUT.csv (the cohort's columns, then every case's diagnostics and
 * features; one row appended whole and flushed per case, so that --resume can continue it after a
 * crash) and OUT.errors.csv (the failed cases). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "batch.h"

void batch_out_init(batch_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    o->fd = o->efd = -1;
}

void batch_out_free(batch_out *o)
{
    if (o->fd >= 0) close(o->fd);
    if (o->efd >= 0) close(o->efd);
    if (o->header) {
        for (int i = o->header_owned_from; i < o->nheader; i++) free(o->header[i]);
        free(o->header);
    }
    for (int i = 0; i < o->ndone; i++) free(o->done_keys[i]);
    free(o->done_keys);
    free(o->errpath);
    sbuf_free(&o->row);
    csv_doc_free(&o->old);
    batch_out_init(o, o->path);
}

/* ---- --resume ---- */

/* The key a cohort row is recognised by in OUT: its input columns, joined. */
static char *row_key(const csv_row *r, int ncols)
{
    sbuf_t b = {0};
    sbuf_fields(&b, r->f, r->n, ncols, 1);
    if (!b.s) sbuf_add(&b, "", 0);
    return b.s;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A row cut off by a crash: dropped from the file and from o->old (it is recomputed). */
static int drop_cut_off_row(batch_out *o)
{
    if (truncate(o->path, o->old.partial_offset) != 0) {
        fprintf(stderr, "radx batch: %s: cannot remove the cut-off last row: %s\n", o->path, strerror(errno));
        return 9;
    }
    csv_row_free(&o->old.rows[--o->old.nrows]);
    fprintf(stderr, "radx batch: %s: removed a cut-off last row (it will be recomputed)\n", o->path);
    return 0;
}

/* OUT's header (which must start with the cohort's columns) becomes this run's, and its rows the
 * cases done.  0, or the exit status after printing the error. */
static int adopt_existing(batch_out *o, const csv_row *hdr)
{
    const csv_row *oh = &o->old.rows[0];
    int ok = oh->n >= hdr->n;
    for (int i = 0; ok && i < hdr->n; i++) ok = !strcmp(oh->f[i], hdr->f[i]);
    if (!ok) {
        fprintf(stderr,
                "radx batch: %s: its columns do not start with the cohort's columns (%s...); "
                "it was written for another cohort\n",
                o->path, hdr->f[0]);
        return 2;
    }
    o->nheader = oh->n;
    o->header = malloc(sizeof *o->header * (size_t)o->nheader);
    if (!o->header) return 7;
    for (int i = 0; i < o->nheader; i++) o->header[i] = oh->f[i];
    o->header_owned_from = o->nheader;
    o->done_keys = malloc(sizeof *o->done_keys * (size_t)(o->old.nrows + 1));
    if (!o->done_keys) return 7;
    for (int i = 1; i < o->old.nrows; i++) o->done_keys[o->ndone++] = row_key(&o->old.rows[i], hdr->n);
    qsort(o->done_keys, (size_t)o->ndone, sizeof *o->done_keys, cmp_str);
    return 0;
}

int batch_out_resume(batch_out *o, const csv_row *hdr, int resume)
{
    struct stat sb;
    o->present = stat(o->path, &sb) == 0;
    if (!o->present || sb.st_size == 0) return 0;
    if (!resume) {
        fprintf(stderr, "radx batch: %s already exists; use --resume to continue it, or remove it\n", o->path);
        return 2;
    }
    char err[2048];
    if (csv_read_file(o->path, &o->old, err, sizeof err)) {
        fprintf(stderr, "radx batch: %s\n", err);
        return 3;
    }
    if (o->old.trailing_partial) {
        int rc = drop_cut_off_row(o);
        if (rc) return rc;
    }
    return o->old.nrows >= 1 ? adopt_existing(o, hdr) : 0;
}

int batch_out_has(const batch_out *o, const csv_row *r, int ncols)
{
    if (!o->ndone) return 0;
    char *k = row_key(r, ncols);
    int found = k && bsearch(&k, o->done_keys, (size_t)o->ndone, sizeof *o->done_keys, cmp_str) != NULL;
    free(k);
    return found;
}

/* ---- writing ---- */

int batch_out_open(batch_out *o)
{
    o->fd = open(o->path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (o->fd < 0) {
        fprintf(stderr, "radx batch: %s: cannot write: %s\n", o->path, strerror(errno));
        return 9;
    }
    /* OUT.csv -> OUT.errors.csv */
    size_t el = strlen(o->path) + 16;
    o->errpath = malloc(el);
    if (!o->errpath) return 7;
    snprintf(o->errpath, el, "%s", o->path);
    size_t l = strlen(o->errpath);
    if (l > 4 && !strcmp(o->errpath + l - 4, ".csv")) o->errpath[l - 4] = 0;
    strcat(o->errpath, ".errors.csv");
    return 0;
}

/* o->row to OUT.  0, or 9 after printing the error. */
static int append_row(batch_out *o)
{
    if (!radx_cli_append_durable(o->fd, o->row.s, o->row.n)) return 0;
    fprintf(stderr, "radx batch: %s: cannot write: %s\n", o->path, strerror(errno));
    return 9;
}

/* OUT's header: the cohort's columns, then the first successful case's diagnostics and features. */
static int write_header(batch_out *o, const csv_row *hdr, const radx_result *res)
{
    size_t nres = radx_result_count(res);
    o->nheader = hdr->n + (int)nres;
    o->header = malloc(sizeof *o->header * (size_t)o->nheader);
    o->header_owned_from = hdr->n;
    if (!o->header) return 7;
    for (int i = 0; i < hdr->n; i++) o->header[i] = hdr->f[i];
    for (size_t i = 0; i < nres; i++) o->header[hdr->n + (int)i] = strdup(radx_result_name(res, i));
    o->row.n = 0;
    sbuf_fields(&o->row, o->header, o->nheader, o->nheader, 1);
    sbuf_endrow(&o->row);
    return append_row(o);
}

static int is_feature_column(const char *name) { return strncmp(name, "diagnostics_", 12) != 0; }

/* Where column `name` is in res, or -1.  Usually right after the previous column's entry, *pos;
 * *pos moves past what is found. */
static long find_column(const radx_result *res, const char *name, size_t *pos)
{
    long idx;
    if (*pos < radx_result_count(res) && !strcmp(radx_result_name(res, *pos), name))
        idx = (long)*pos;
    else
        idx = radx_result_find(res, name);
    if (idx >= 0) *pos = (size_t)idx + 1;
    return idx;
}

/* A case's row, by the header's columns.  A feature set that differs from the header is an error
 * for the whole run (OUT would mix settings). */
static int write_row(batch_out *o, const csv_row *hdr, const csv_row *r, const radx_result *res)
{
    o->row.n = 0;
    sbuf_fields(&o->row, r->f, r->n, hdr->n, 1);
    int mismatch = -1;
    size_t nres = radx_result_count(res), pos = 0, nfeat_res = 0, nfeat_hdr = 0;
    for (size_t i = 0; i < nres; i++) nfeat_res += is_feature_column(radx_result_name(res, i));
    for (int c = hdr->n; c < o->nheader; c++) {
        const char *name = o->header[c];
        long idx = find_column(res, name, &pos);
        if (is_feature_column(name)) {
            nfeat_hdr++;
            if (idx < 0 && mismatch < 0) mismatch = c;
        }
        sbuf_field(&o->row, idx >= 0 ? radx_result_text(res, (size_t)idx) : "", 0);
    }
    sbuf_endrow(&o->row);
    if (mismatch >= 0 || nfeat_hdr != nfeat_res) {
        fprintf(stderr,
                "radx batch: %s: the current settings give other features than its header (%s%s); "
                "use the settings it was written with, or another output file\n",
                o->path, mismatch >= 0 ? "missing " : "", mismatch >= 0 ? o->header[mismatch] : "different count");
        return 2;
    }
    return append_row(o);
}

int batch_out_case(batch_out *o, const csv_row *hdr, const csv_row *r, const radx_result *res)
{
    if (!o->header) {
        int rc = write_header(o, hdr, res);
        if (rc) return rc;
    }
    return write_row(o, hdr, r, res);
}

/* Opens OUT.errors.csv (appending) and gives a new one its header: row, the cohort's columns,
 * message. */
static void open_errors(batch_out *o, const csv_row *hdr)
{
    struct stat es;
    int fresh = stat(o->errpath, &es) != 0 || es.st_size == 0;
    o->efd = open(o->errpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (o->efd < 0 || !fresh) return;
    o->row.n = 0;
    sbuf_field(&o->row, "row", 1);
    sbuf_fields(&o->row, hdr->f, hdr->n, hdr->n, 0);
    sbuf_field(&o->row, "message", 0);
    sbuf_endrow(&o->row);
    radx_cli_append_durable(o->efd, o->row.s, o->row.n);
}

void batch_out_failure(batch_out *o, const csv_row *hdr, const csv_row *r, int row, const char *msg)
{
    if (o->efd < 0) open_errors(o, hdr);
    if (o->efd < 0) return;
    char num[32];
    snprintf(num, sizeof num, "%d", row);
    o->row.n = 0;
    sbuf_field(&o->row, num, 1);
    sbuf_fields(&o->row, r->f, r->n, hdr->n, 0);
    sbuf_field(&o->row, msg, 0);
    sbuf_endrow(&o->row);
    radx_cli_append_durable(o->efd, o->row.s, o->row.n);
}

int batch_out_drop_if_empty(batch_out *o)
{
    struct stat sb;
    return !o->present && o->fd >= 0 && fstat(o->fd, &sb) == 0 && sb.st_size == 0 && unlink(o->path) == 0;
}
