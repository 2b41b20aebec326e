/* SPDX-License-Identifier: BSD-3-Clause */
/* `radx batch`'s output files: OUT.csv (the cohort's columns, then every case's diagnostics and
 * features; one row appended whole and flushed per case, so that --resume can continue it after a
 * crash) and OUT.errors.csv (the failed cases).  Both are locked for the run, so that a second
 * process writing the same files refuses instead of mixing its rows in. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "batch.h"
#include "cli.h"

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
    free(o->done_count);
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
    if (ftruncate(o->fd, o->old.partial_offset) != 0) {
        fprintf(stderr, "radx batch: %s: cannot remove the cut-off last row: %s\n", o->path, strerror(errno));
        return 9;
    }
    csv_row_free(&o->old.rows[--o->old.nrows]);
    fprintf(stderr, "radx batch: %s: removed a cut-off last row (it will be recomputed)\n", o->path);
    return 0;
}

/* The rows already in OUT, by their first ncols columns: sorted distinct keys, each with the number
 * of rows that have it (a cohort may list a case more than once).  0, or 7. */
static int count_done_rows(batch_out *o, int ncols)
{
    int n = o->old.nrows - 1;
    o->done_keys = malloc(sizeof *o->done_keys * (size_t)(n + 1));
    o->done_count = malloc(sizeof *o->done_count * (size_t)(n + 1));
    if (!o->done_keys || !o->done_count) return 7;
    for (int i = 0; i < n; i++) {
        o->done_keys[i] = row_key(&o->old.rows[i + 1], ncols);
        if (!o->done_keys[i]) {
            o->ndone = i;
            return 7;
        }
    }
    qsort(o->done_keys, (size_t)n, sizeof *o->done_keys, cmp_str);
    o->ndone = 0;
    for (int i = 0; i < n; i++) {
        if (o->ndone && !strcmp(o->done_keys[o->ndone - 1], o->done_keys[i])) {
            o->done_count[o->ndone - 1]++;
            free(o->done_keys[i]);
            continue;
        }
        o->done_keys[o->ndone] = o->done_keys[i];
        o->done_count[o->ndone++] = 1;
    }
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
    return count_done_rows(o, hdr->n);
}

int batch_out_resume(batch_out *o, const csv_row *hdr, int resume)
{
    struct stat sb;
    if (fstat(o->fd, &sb) != 0 || sb.st_size == 0) return 0;
    if (!resume) {
        fprintf(stderr, "radx batch: %s already exists; use --resume to continue it, or remove it\n", o->path);
        return 2;
    }
    char err[2048];
    if (csv_read_output(o->path, &o->old, err, sizeof err)) {
        fprintf(stderr, "radx batch: %s\n", err);
        return 3;
    }
    if (o->old.trailing_partial) {
        int rc = drop_cut_off_row(o);
        if (rc) return rc;
    }
    return o->old.nrows >= 1 ? adopt_existing(o, hdr) : 0;
}

int batch_out_take(batch_out *o, const csv_row *r, int ncols)
{
    if (!o->ndone) return 0;
    char *k = row_key(r, ncols);
    char **at = k ? bsearch(&k, o->done_keys, (size_t)o->ndone, sizeof *o->done_keys, cmp_str) : NULL;
    free(k);
    if (!at || o->done_count[at - o->done_keys] == 0) return 0;
    o->done_count[at - o->done_keys]--;
    return 1;
}

/* ---- writing ---- */

/* Opens path for appending, creating it when absent (*created), and locks it.  The descriptor,
 * or -1 after printing the error (*rc: the exit status). */
static int open_locked(const char *path, int *created, int *rc)
{
    *created = 0;
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0)
        *created = 1;
    else if (errno == EEXIST)
        fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
    struct stat sb;
    *rc = 9;
    if (fd < 0)
        fprintf(stderr, "radx batch: %s: cannot write: %s\n", path, strerror(errno));
    else if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        fprintf(stderr, "radx batch: %s: not a regular file (the output is appended to and resumed)\n", path);
    else if (flock(fd, LOCK_EX | LOCK_NB) != 0)
        fprintf(stderr, "radx batch: %s: %s\n", path,
                errno == EWOULDBLOCK ? "another radx batch is writing it; wait for it to end" : strerror(errno));
    else
        return fd;
    if (fd >= 0) close(fd);
    if (*created) unlink(path);
    return -1;
}

char *batch_out_errors_path(const char *path)
{
    static const char suffix[] = ".errors.csv";
    size_t l = strlen(path);
    char *e = malloc(l + sizeof suffix);
    if (!e) return NULL;
    memcpy(e, path, l + 1);
    if (l > 4 && !strcmp(e + l - 4, ".csv")) e[l -= 4] = 0;
    /* a name that would not fit the folder is cut (at a character boundary) to fit */
    const char *slash = strrchr(e, '/');
    size_t base = slash ? (size_t)(slash + 1 - e) : 0;
    while (l - base + sizeof suffix - 1 > NAME_MAX || (l > base && ((unsigned char)e[l] & 0xC0) == 0x80)) l--;
    memcpy(e + l, suffix, sizeof suffix);
    return e;
}

int batch_out_open(batch_out *o)
{
    int rc;
    o->errpath = batch_out_errors_path(o->path);
    if (!o->errpath) return 7;
    o->fd = open_locked(o->path, &o->created, &rc);
    if (o->fd < 0) return rc;
    if (o->created) radx_cli_remove_on_interrupt(0, o->path);
    o->efd = open_locked(o->errpath, &o->err_created, &rc);
    if (o->efd < 0) return rc;
    if (o->err_created) radx_cli_remove_on_interrupt(1, o->errpath);
    return 0;
}

/* o->row to OUT.  0, or 9 after printing the error. */
static int append_row(batch_out *o)
{
    if (!radx_cli_append_durable(o->fd, o->row.s, o->row.n)) {
        radx_cli_remove_on_interrupt(0, NULL); /* it holds results now */
        return 0;
    }
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

/* A row to OUT.errors.csv, after its header (row, the cohort's columns, message) when it is
 * empty.  0, or 9 after printing the error. */
int batch_out_failure(batch_out *o, const csv_row *hdr, const csv_row *r, int row, const char *msg)
{
    struct stat es;
    o->row.n = 0;
    if (fstat(o->efd, &es) == 0 && es.st_size == 0) {
        sbuf_field(&o->row, "row", 1);
        sbuf_fields(&o->row, hdr->f, hdr->n, hdr->n, 0);
        sbuf_field(&o->row, "message", 0);
        sbuf_endrow(&o->row);
    }
    char num[32];
    snprintf(num, sizeof num, "%d", row);
    sbuf_field(&o->row, num, 1);
    sbuf_fields(&o->row, r->f, r->n, hdr->n, 0);
    sbuf_field(&o->row, msg, 0);
    sbuf_endrow(&o->row);
    if (!radx_cli_append_durable(o->efd, o->row.s, o->row.n)) {
        radx_cli_remove_on_interrupt(1, NULL);
        return 0;
    }
    fprintf(stderr, "radx batch: %s: cannot write: %s\n", o->errpath, strerror(errno));
    return 9;
}

/* Removes a file this run created and left empty; 1 when it did. */
static int drop_if_empty(int fd, int created, const char *path)
{
    struct stat sb;
    return created && fd >= 0 && fstat(fd, &sb) == 0 && sb.st_size == 0 && unlink(path) == 0;
}

int batch_out_drop_if_empty(batch_out *o)
{
    drop_if_empty(o->efd, o->err_created, o->errpath);
    radx_cli_remove_on_interrupt(0, NULL);
    radx_cli_remove_on_interrupt(1, NULL);
    return drop_if_empty(o->fd, o->created, o->path);
}
