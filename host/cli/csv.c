/* SPDX-License-Identifier: BSD-3-Clause */
/* CSV reading and writing for the cohort commands. */
#include "csv.h"
#include <errno.h>
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

int csv_read_file(const char *path, csv_doc *doc, char *err, size_t errlen)
{
    memset(doc, 0, sizeof *doc);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    int rerr = ferror(fp);
    fclose(fp);
    if (!buf || rerr) {
        free(buf);
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    if (memchr(buf, 0, len)) {
        free(buf);
        snprintf(err, errlen, "%s: not a text CSV file (contains NUL bytes)", path);
        return -1;
    }
    size_t i = 0;
    long line = 1;
    int rowcap = 0;
    char *field = malloc(len + 1);
    if (!field) { free(buf); snprintf(err, errlen, "%s: out of memory", path); return -1; }
    /* skip a UTF-8 byte-order mark */
    if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF) i = 3;
    while (i < len) {
        csv_row r = {0, NULL, line};
        int fcap = 0;
        size_t row_start = i;
        for (;;) {
            size_t fl = 0;
            int quoted = 0;
            if (i < len && buf[i] == '"') {
                quoted = 1;
                long qline = line;
                i++;
                for (;;) {
                    if (i >= len) {
                        snprintf(err, errlen, "%s:%ld: unterminated quoted field", path, qline);
                        csv_row_free(&r);
                        free(field);
                        free(buf);
                        csv_doc_free(doc);
                        return -1;
                    }
                    if (buf[i] == '"') {
                        if (i + 1 < len && buf[i + 1] == '"') { field[fl++] = '"'; i += 2; continue; }
                        i++;
                        break;
                    }
                    if (buf[i] == '\n') line++;
                    field[fl++] = buf[i++];
                }
            }
            while (i < len && buf[i] != ',' && buf[i] != '\n' && buf[i] != '\r') {
                if (quoted) { /* text after a closing quote: keep it, as Python's csv does */
                }
                field[fl++] = buf[i++];
            }
            if (push_field(&r, &fcap, field, fl)) {
                csv_row_free(&r);
                free(field);
                free(buf);
                csv_doc_free(doc);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            if (i < len && buf[i] == ',') { i++; continue; }
            break;
        }
        int terminated = 0;
        if (i < len && buf[i] == '\r') { i++; terminated = 1; }
        if (i < len && buf[i] == '\n') { i++; terminated = 1; }
        if (terminated) line++;
        if (!terminated) {
            doc->trailing_partial = 1;
            doc->partial_offset = (long)row_start;
        }
        int blank = r.n == 1 && r.f[0][0] == 0;
        if (blank) {
            csv_row_free(&r);
            continue;
        }
        if (doc->nrows == rowcap) {
            int nc = rowcap ? 2 * rowcap : 64;
            csv_row *nr = realloc(doc->rows, sizeof *nr * (size_t)nc);
            if (!nr) {
                csv_row_free(&r);
                free(field);
                free(buf);
                csv_doc_free(doc);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            doc->rows = nr;
            rowcap = nc;
        }
        doc->rows[doc->nrows++] = r;
    }
    free(field);
    free(buf);
    return 0;
}

int sbuf_add(sbuf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->n + n + 1) nc *= 2;
        char *ns = realloc(b->s, nc);
        if (!ns) return -1;
        b->s = ns;
        b->cap = nc;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
    return 0;
}

int sbuf_field(sbuf_t *b, const char *f, int first)
{
    if (!first && sbuf_add(b, ",", 1)) return -1;
    if (!strpbrk(f, ",\"\r\n")) return sbuf_add(b, f, strlen(f));
    if (sbuf_add(b, "\"", 1)) return -1;
    for (const char *c = f; *c; c++) {
        if (*c == '"' && sbuf_add(b, "\"", 1)) return -1;
        if (sbuf_add(b, c, 1)) return -1;
    }
    return sbuf_add(b, "\"", 1);
}

int sbuf_endrow(sbuf_t *b) { return sbuf_add(b, "\n", 1); }

void sbuf_free(sbuf_t *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}
