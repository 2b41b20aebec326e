/* SPDX-License-Identifier: BSD-3-Clause */
/* A NRRD header looked at before teem parses it: teem's key/value parsing is quadratic in the
 * number of lines, and teem opens the (first) detached data file while it reads the header, so
 * that a header naming a FIFO would hang it and one naming a device or a file elsewhere would be
 * opened.  Here, in one linear pass: the header's size within RADX_IO_MAX_HEADER_BYTES and
 * RADX_IO_MAX_HEADER_LINES, and every data file named by its "data file" field checked by
 * radx_io_data_file (regular file, inside the header's folder).  nrrd_read.c checks the data
 * files again, as teem understood them, with their sizes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"

int radx_io_nrrd_pattern_ok(const char *fmt)
{
    int convs = 0;
    for (const char *c = fmt; *c; c++) {
        if (*c != '%') continue;
        if (c[1] == '%') {
            c++;
            continue;
        }
        c++;
        while (*c == '0' || *c == '-' || *c == '+' || *c == ' ') c++;
        while (*c >= '0' && *c <= '9') c++;
        if (*c != 'd') return 0;
        convs++;
    }
    return convs == 1;
}

/* The header's text, up to the empty line that ends it or the end of the file (a detached
 * header), NUL-terminated; NULL with an error when it exceeds the bounds. */
static char *header_text(const char *path, radx_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        radx_seterr(err, RADX_ERR_IO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(RADX_IO_MAX_HEADER_BYTES + 2);
    size_t len = 0;
    long lines = 0;
    int c, at_line_start = 1, cr_only = 0, ended = 0;
    while (buf && !ended && len <= RADX_IO_MAX_HEADER_BYTES && lines <= RADX_IO_MAX_HEADER_LINES &&
           (c = getc(f)) != EOF) {
        buf[len++] = (char)c;
        if (c == '\n') {
            ended = at_line_start || cr_only;
            lines++;
            at_line_start = 1;
            cr_only = 0;
        } else {
            cr_only = at_line_start && c == '\r';
            at_line_start = 0;
        }
    }
    fclose(f);
    if (!buf) {
        radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory", path);
    } else if (len > RADX_IO_MAX_HEADER_BYTES) {
        radx_seterr(err, RADX_ERR_NOMEM, "%s: NRRD header longer than the limit of %d bytes", path,
                    RADX_IO_MAX_HEADER_BYTES);
    } else if (lines > RADX_IO_MAX_HEADER_LINES) {
        radx_seterr(err, RADX_ERR_NOMEM, "%s: NRRD header has more than the limit of %d lines", path,
                    RADX_IO_MAX_HEADER_LINES);
    } else {
        buf[len] = 0;
        return buf;
    }
    free(buf);
    return NULL;
}

/* Cuts the line at s (at '\n', and a '\r' before it); returns the next line or NULL. */
static char *cut_line(char *s)
{
    char *nl = strchr(s, '\n');
    if (nl) *nl = 0;
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
    return nl ? nl + 1 : NULL;
}

/* The "data file" field's value on this line, or NULL. */
static char *data_file_field(char *line)
{
    const char *keys[] = {"data file:", "datafile:"};
    for (int k = 0; k < 2; k++) {
        const size_t n = strlen(keys[k]);
        if (strncmp(line, keys[k], n) == 0) {
            line += n;
            while (*line == ' ' || *line == '\t') line++;
            return line;
        }
    }
    return NULL;
}

/* Each file that the "data file" value `info` names, as teem reads it ("NAME", "PATTERN min max
 * step [dim]", "LIST [dim]" or "SKIPLIST [dim]" followed by one name per line), checked. */
static radx_status check_named(const char *path, const char *dir, char *info, char *rest, radx_err *err)
{
    int64_t size;
    char name[PATH_MAX + 64];
    const int list = strncmp(info, "LIST", 4) == 0, skiplist = strncmp(info, "SKIPLIST", 8) == 0;
    if (list || skiplist) {
        for (char *l = rest; l && *l;) {
            char *next = cut_line(l), *nm = l;
            if (skiplist) { /* "skip name" */
                nm += strcspn(nm, " \t");
                nm += strspn(nm, " \t");
            }
            if (*nm) {
                radx_status st = radx_io_data_file(path, dir, nm, 1, &size, err);
                if (st != RADX_OK) return st;
            }
            l = next;
        }
        return RADX_OK;
    }
    char fmt[PATH_MAX];
    const size_t w = strcspn(info, " \t");
    long lo, hi, step;
    if (strchr(info, '%') && w < sizeof fmt && sscanf(info + w, "%ld %ld %ld", &lo, &hi, &step) == 3) {
        /* a numbered pattern: the name is the first word */
        memcpy(fmt, info, w);
        fmt[w] = 0;
        if (!radx_io_nrrd_pattern_ok(fmt))
            return radx_seterr(err, RADX_ERR_FORMAT, "%s: unsupported data file name pattern", path);
        if (step == 0 || (hi - lo) / step < 0 || (hi - lo) / step >= RADX_IO_MAX_DATA_FILES)
            return radx_seterr(err, RADX_ERR_NOMEM, "%s: header names too many data files (the limit is %d)", path,
                               RADX_IO_MAX_DATA_FILES);
        for (long i = 0; i <= (hi - lo) / step; i++) {
            if ((size_t)snprintf(name, sizeof name, fmt, (int)(lo + i * step)) >= sizeof name)
                return radx_seterr(err, RADX_ERR_FORMAT, "%s: data file name too long", path);
            radx_status st = radx_io_data_file(path, dir, name, 1, &size, err);
            if (st != RADX_OK) return st;
        }
        return RADX_OK;
    }
    return radx_io_data_file(path, dir, info, 1, &size, err);
}

radx_status radx_io_nrrd_precheck(const char *path, radx_err *err)
{
    char *text = header_text(path, err);
    if (!text) return err ? err->status : RADX_ERR_IO;
    /* the header's folder, as teem takes it: the path up to its last '/' */
    char dir[PATH_MAX] = "/";
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    radx_status st = RADX_OK;
    for (char *l = text; l && *l && st == RADX_OK;) {
        char *next = cut_line(l), *info = data_file_field(l);
        if (info) {
            st = check_named(path, slash ? dir : NULL, info, next, err);
            break;
        }
        l = next;
    }
    free(text);
    return st;
}
