/* SPDX-License-Identifier: BSD-3-Clause */
/* CSV reading for the cohort commands. */
#include "csv.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_row_free(csv_row *r)
{
    for (int i = 0; i < r->n; i++) free(r->f[i]);
    free(r->f);
    r->f = NULL;
    r->n = 0;
}

void csv_doc_free(csv_doc *doc)
{
    for (int i = 0; i < doc->nrows; i++) csv_row_free(&doc->rows[i]);
    free(doc->rows);
    memset(doc, 0, sizeof *doc);
}

int csv_col(const csv_row *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->f[i], name) == 0) return i;
    return -1;
}

static int cmp_named(const void *a, const void *b)
{
    const struct csv_named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->col > y->col) - (x->col < y->col);
}

int csv_index_build(const csv_row *hdr, csv_index *ix)
{
    ix->n = hdr->n;
    ix->e = malloc(sizeof *ix->e * (size_t)(hdr->n + 1));
    if (!ix->e) return -1;
    for (int i = 0; i < hdr->n; i++) ix->e[i] = (struct csv_named){hdr->f[i], i};
    qsort(ix->e, (size_t)ix->n, sizeof *ix->e, cmp_named);
    return 0;
}

int csv_index_find(const csv_index *ix, const char *name)
{
    int lo = 0, hi = ix->n;
    while (lo < hi) { /* the first entry not below name */
        int mid = lo + (hi - lo) / 2;
        if (strcmp(ix->e[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->n && !strcmp(ix->e[lo].name, name) ? ix->e[lo].col : -1;
}

const char *csv_index_repeated(const csv_index *ix)
{
    for (int i = 1; i < ix->n; i++)
        if (!strcmp(ix->e[i].name, ix->e[i - 1].name)) return ix->e[i].name;
    return NULL;
}

void csv_index_free(csv_index *ix)
{
    free(ix->e);
    memset(ix, 0, sizeof *ix);
}

static int push_field(csv_row *r, int *cap, const char *s, size_t n)
{
    if (r->n == *cap) {
        int nc = *cap ? 2 * *cap : 16;
        char **f = realloc(r->f, sizeof *f * (size_t)nc);
        if (!f) return -1;
        r->f = f;
        *cap = nc;
    }
    char *c = malloc(n + 1);
    if (!c) return -1;
    memcpy(c, s, n);
    c[n] = 0;
    r->f[r->n++] = c;
    return 0;
}

static int push_row(csv_doc *doc, int *cap, const csv_row *r)
{
    if (doc->nrows == *cap) {
        int nc = *cap ? 2 * *cap : 64;
        csv_row *nr = realloc(doc->rows, sizeof *nr * (size_t)nc);
        if (!nr) return -1;
        doc->rows = nr;
        *cap = nc;
    }
    doc->rows[doc->nrows++] = *r;
    return 0;
}

/* The whole file in memory (*len bytes), or NULL with the message in err.  A text file only: NUL
 * bytes are refused. */
static char *read_text(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int rerr = ferror(fp);
    fclose(fp);
    if (!buf || rerr) {
        free(buf);
        snprintf(err, errlen, "%s: cannot read", path);
        return NULL;
    }
    if (memchr(buf, 0, n)) {
        free(buf);
        snprintf(err, errlen, "%s: not a text CSV file (contains NUL bytes)", path);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Where the parser is in the file's text. */
typedef struct csv_parser {
    const char *path;
    const char *buf;
    size_t len, i; /* the text and the position */
    long line;     /* 1-based line at i */
    char *field;   /* room for one field's text (len + 1 bytes) */
    char *err;
    size_t errlen;
    int allow_cut; /* a quoted field cut off by the end of the file ends the last row */
    int cut;       /* ... and it was */
} csv_parser;

/* One field at p->i into p->field (*n bytes); stops before the comma or line end after it.
 * A quoted field may hold commas, doubled quotes and line breaks.  0, or -1 with the message. */
static int parse_field(csv_parser *p, size_t *n)
{
    size_t fl = 0;
    if (p->i < p->len && p->buf[p->i] == '"') {
        long qline = p->line;
        p->i++;
        for (;;) {
            if (p->i >= p->len && p->allow_cut) {
                p->cut = 1;
                break;
            }
            if (p->i >= p->len) {
                snprintf(p->err, p->errlen, "%s:%ld: unterminated quoted field", p->path, qline);
                return -1;
            }
            char c = p->buf[p->i];
            if (c == '"') {
                if (p->i + 1 < p->len && p->buf[p->i + 1] == '"') {
                    p->field[fl++] = '"';
                    p->i += 2;
                    continue;
                }
                p->i++;
                break;
            }
            if (c == '\n') p->line++;
            p->field[fl++] = c;
            p->i++;
        }
    }
    /* an unquoted field, or text after a closing quote: kept, as Python's csv does */
    while (p->i < p->len && p->buf[p->i] != ',' && p->buf[p->i] != '\n' && p->buf[p->i] != '\r')
        p->field[fl++] = p->buf[p->i++];
    *n = fl;
    return 0;
}

/* The fields of one row at p->i into r, up to its line end.  0, or -1 with the message. */
static int parse_row(csv_parser *p, csv_row *r)
{
    int cap = 0;
    for (;;) {
        size_t n;
        if (parse_field(p, &n)) return -1;
        if (push_field(r, &cap, p->field, n)) {
            snprintf(p->err, p->errlen, "%s: out of memory", p->path);
            return -1;
        }
        if (p->i < p->len && p->buf[p->i] == ',') {
            p->i++;
            continue;
        }
        return 0;
    }
}

/* Steps over a line end (\n, \r\n or \r): 1, or 0 at the end of a file without one. */
static int end_of_line(csv_parser *p)
{
    int terminated = 0;
    if (p->i < p->len && p->buf[p->i] == '\r') {
        p->i++;
        terminated = 1;
    }
    if (p->i < p->len && p->buf[p->i] == '\n') {
        p->i++;
        terminated = 1;
    }
    if (terminated) p->line++;
    return terminated;
}

/* All rows of the text into doc; blank lines are skipped, a cut-off last row is not.  0, or -1 with the message. */
static int parse_rows(csv_parser *p, csv_doc *doc)
{
    int rowcap = 0;
    while (p->i < p->len) {
        csv_row r = {0, NULL, p->line};
        size_t row_start = p->i;
        if (parse_row(p, &r)) {
            csv_row_free(&r);
            return -1;
        }
        const int partial = !end_of_line(p) || p->cut;
        if (partial) {
            doc->trailing_partial = 1;
            doc->partial_offset = (long)row_start;
        }
        if (!partial && r.n == 1 && r.f[0][0] == 0) { /* a blank line (a cut-off row is kept: it is the last) */
            csv_row_free(&r);
            continue;
        }
        if (push_row(doc, &rowcap, &r)) {
            csv_row_free(&r);
            snprintf(p->err, p->errlen, "%s: out of memory", p->path);
            return -1;
        }
    }
    return 0;
}

static int read_csv(const char *path, csv_doc *doc, char *err, size_t errlen, int allow_cut)
{
    memset(doc, 0, sizeof *doc);
    csv_parser p = {path, NULL, 0, 0, 1, NULL, err, errlen, allow_cut, 0};
    char *buf = read_text(path, &p.len, err, errlen);
    if (!buf) return -1;
    p.buf = buf;
    p.field = malloc(p.len + 1);
    if (!p.field) {
        free(buf);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    /* skip a UTF-8 byte-order mark */
    if (p.len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF)
        p.i = 3;
    int rc = parse_rows(&p, doc);
    free(p.field);
    free(buf);
    if (rc) csv_doc_free(doc);
    return rc;
}

int csv_read_file(const char *path, csv_doc *doc, char *err, size_t errlen)
{
    return read_csv(path, doc, err, errlen, 0);
}

int csv_read_output(const char *path, csv_doc *doc, char *err, size_t errlen)
{
    return read_csv(path, doc, err, errlen, 1);
}
