/* SPDX-License-Identifier: BSD-3-Clause */
/* The command line's output writing (see output.h). */
#include "output.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- text buffer and CSV ---- */

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

static int sbuf_puts(sbuf_t *b, const char *s) { return sbuf_add(b, s, strlen(s)); }

void sbuf_free(sbuf_t *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

int sbuf_field(sbuf_t *b, const char *f, int first)
{
    if (!first && sbuf_add(b, ",", 1)) return -1;
    if (!strpbrk(f, ",\"\r\n")) return sbuf_puts(b, f);
    if (sbuf_add(b, "\"", 1)) return -1;
    for (const char *c = f; *c; c++) {
        if (*c == '"' && sbuf_add(b, "\"", 1)) return -1;
        if (sbuf_add(b, c, 1)) return -1;
    }
    return sbuf_add(b, "\"", 1);
}

int sbuf_fields(sbuf_t *b, char *const *f, int n, int ncols, int first)
{
    for (int i = 0; i < ncols; i++)
        if (sbuf_field(b, i < n ? f[i] : "", first && i == 0)) return -1;
    return 0;
}

int sbuf_endrow(sbuf_t *b) { return sbuf_add(b, "\n", 1); }

/* ---- the result of a case ---- */

static int json_string(sbuf_t *b, const char *s)
{
    int bad = sbuf_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            snprintf(esc, sizeof esc, "\\%c", c);
            bad |= sbuf_puts(b, esc);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            bad |= sbuf_puts(b, esc);
        } else {
            bad |= sbuf_add(b, s, 1);
        }
    }
    return bad | sbuf_add(b, "\"", 1);
}

/* Entry i's key: its name, or (ibsi) its IBSI key, NULL when it has none or an earlier entry
 * has the same one (first order's entropy and the intensity histogram's, for example). */
static const char *entry_key(const radx_result *r, size_t i, int ibsi)
{
    if (!ibsi) return radx_result_name(r, i);
    const char *k = radx_result_ibsi_name(r, i);
    for (size_t j = 0; k && j < i; j++) {
        const char *e = radx_result_ibsi_name(r, j);
        if (e && !strcmp(e, k)) return NULL;
    }
    return k;
}

static int format_json(sbuf_t *b, const radx_result *r, int ibsi)
{
    size_t n = radx_result_count(r);
    int bad = sbuf_add(b, "{", 1), first = 1;
    for (size_t i = 0; i < n; i++) {
        const char *key = entry_key(r, i, ibsi);
        if (!key) continue;
        bad |= sbuf_puts(b, first ? "\n " : ",\n ");
        first = 0;
        bad |= json_string(b, key);
        bad |= sbuf_puts(b, ": ");
        if (!radx_result_is_number(r, i))
            bad |= json_string(b, radx_result_text(r, i));
        else if (isfinite(radx_result_value(r, i)))
            bad |= sbuf_puts(b, radx_result_text(r, i));
        else
            bad |= sbuf_puts(b, "null"); /* JSON has no NaN or infinity */
    }
    return bad | sbuf_puts(b, "\n}\n");
}

static int format_csv(sbuf_t *b, const radx_result *r, int ibsi)
{
    size_t n = radx_result_count(r);
    int bad = 0, first = 1;
    for (size_t i = 0; i < n; i++) {
        const char *key = entry_key(r, i, ibsi);
        if (key) bad |= sbuf_field(b, key, first);
        first &= !key;
    }
    bad |= sbuf_endrow(b);
    first = 1;
    for (size_t i = 0; i < n; i++) {
        if (!entry_key(r, i, ibsi)) continue;
        bad |= sbuf_field(b, radx_result_text(r, i), first);
        first = 0;
    }
    return bad | sbuf_endrow(b);
}

static int format_txt(sbuf_t *b, const radx_result *r, int ibsi)
{
    size_t n = radx_result_count(r);
    int bad = sbuf_add(b, "", 0); /* an empty result is an empty text, not a NULL one */
    for (size_t i = 0; i < n; i++) {
        const char *key = entry_key(r, i, ibsi);
        if (!key) continue;
        bad |= sbuf_puts(b, key);
        bad |= sbuf_puts(b, ": ");
        bad |= sbuf_puts(b, radx_result_text(r, i));
        bad |= sbuf_add(b, "\n", 1);
    }
    return bad;
}

int radx_cli_format_result(sbuf_t *b, const radx_result *r, const char *fmt, int ibsi)
{
    if (!strcmp(fmt, "json")) return format_json(b, r, ibsi);
    if (!strcmp(fmt, "csv")) return format_csv(b, r, ibsi);
    return format_txt(b, r, ibsi);
}

/* ---- files ---- */

/* Writes all of buf to fd, retrying after signals.  0, or -1 (errno). */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int radx_cli_write_file(radx_ctx *ctx, radx_file *f, const char *buf, size_t n, char *err, size_t errlen)
{
    if (write_all(radx_file_fd(f), buf, n) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", radx_file_path(f), strerror(errno));
        radx_file_discard(f);
        return 9;
    }
    radx_status s = radx_file_commit(ctx, f);
    if (s) snprintf(err, errlen, "%s", radx_ctx_last_error(ctx));
    return s == RADX_ERR_NOMEM ? 7 : s ? 9 : 0;
}

int radx_cli_write_atomic(const char *path, const char *buf, size_t n, char *err, size_t errlen)
{
    radx_ctx *ctx = NULL;
    radx_file *f = NULL;
    if (radx_ctx_create(&ctx)) {
        snprintf(err, errlen, "%s: out of memory", path);
        return 7;
    }
    radx_status s = radx_file_create(ctx, path, &f);
    int rc = s == RADX_ERR_NOMEM ? 7 : s ? 9 : 0;
    if (s)
        snprintf(err, errlen, "%s", radx_ctx_last_error(ctx));
    else
        rc = radx_cli_write_file(ctx, f, buf, n, err, errlen);
    radx_ctx_destroy(ctx);
    return rc;
}

int radx_cli_append_durable(int fd, const char *buf, size_t n)
{
    off_t end = lseek(fd, 0, SEEK_END);
    if (write_all(fd, buf, n) == 0 && fdatasync(fd) == 0) return 0;
    int e = errno;
    if (end >= 0 && ftruncate(fd, end) != 0) { /* the partial row stays; --resume drops it */
    }
    errno = e;
    return -1;
}
