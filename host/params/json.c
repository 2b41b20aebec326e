/* SPDX-License-Identifier: BSD-3-Clause */
/* A .json parameter file read with the grammar of Python's json module, which PyRadiomics
 * (through pykwalify) reads it with: RFC 8259 JSON plus NaN, Infinity and -Infinity; no
 * trailing commas, comments, single quotes, unquoted keys, control characters in strings, byte
 * order mark or invalid UTF-8.  Written here rather than taken from a library because none of
 * the packaged ones (json-c, jansson, cJSON, yajl) accepts exactly that language: the strict
 * ones refuse NaN / Infinity, the lenient ones accept comments, trailing commas or single
 * quotes.  One pass over the text, recursion depth bounded, values typed as Python's json types
 * them (through radx_resolve_plain) into the pval tree the YAML reader also builds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "params/params_internal.h"

typedef struct jctx {
    const unsigned char *p, *end;
    size_t line;
    const unsigned char *cpos; /* a position on the current line and its column */
    size_t ccol;
    long nodes;
    const char *file;
    radx_err *err;
} jctx;

/* 1-based column of position q on the current line (in characters, as libyaml and Python
 * count them), counted on from the last one asked for, so that a long line costs its length. */
static size_t col_of(jctx *c, const unsigned char *q)
{
    for (; c->cpos < q; c->cpos++)
        if ((*c->cpos & 0xC0) != 0x80) c->ccol++;
    return c->ccol;
}

static radx_status jerr(jctx *c, const char *what)
{
    if (c->p >= c->end)
        return radx_seterr(c->err, RADX_ERR_FORMAT, "%s:%zu:%zu: JSON syntax error: %s (at the end of the file)",
                           c->file, c->line, col_of(c, c->p), what);
    return radx_seterr(c->err, RADX_ERR_FORMAT, "%s:%zu:%zu: JSON syntax error: %s", c->file, c->line, col_of(c, c->p),
                       what);
}

static void skip_ws(jctx *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n') {
            c->line++;
            c->cpos = c->p + 1;
            c->ccol = 1;
        }
        c->p++;
    }
}

static int has(const jctx *c, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(c->end - c->p) >= n && !memcmp(c->p, word, n);
}

/* Length of the UTF-8 character at s (strict: no overlong form, surrogate or value above
 * U+10FFFF, as Python's utf-8 codec), 0 when invalid. */
static int utf8_len(const unsigned char *s, const unsigned char *end)
{
    int n = s[0] < 0x80                    ? 1
            : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
            : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
            : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                           : 0;
    if (n == 0 || end - s < n) return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))) return 0;
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))) return 0;
    return n;
}

static void put_utf8(char *o, size_t *k, unsigned long u)
{
    if (u < 0x80) {
        o[(*k)++] = (char)u;
    } else if (u < 0x800) {
        o[(*k)++] = (char)(0xC0 | (u >> 6));
        o[(*k)++] = (char)(0x80 | (u & 0x3F));
    } else if (u < 0x10000) {
        o[(*k)++] = (char)(0xE0 | (u >> 12));
        o[(*k)++] = (char)(0x80 | ((u >> 6) & 0x3F));
        o[(*k)++] = (char)(0x80 | (u & 0x3F));
    } else {
        o[(*k)++] = (char)(0xF0 | (u >> 18));
        o[(*k)++] = (char)(0x80 | ((u >> 12) & 0x3F));
        o[(*k)++] = (char)(0x80 | ((u >> 6) & 0x3F));
        o[(*k)++] = (char)(0x80 | (u & 0x3F));
    }
}

/* Four hex digits at s into *u; -1 when they are not. */
static int hex4(const unsigned char *s, const unsigned char *end, unsigned long *u)
{
    if (end - s < 4) return -1;
    *u = 0;
    for (int i = 0; i < 4; i++) {
        int h = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
                : s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                : s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10
                                             : -1;
        if (h < 0) return -1;
        *u = *u * 16 + (unsigned long)h;
    }
    return 0;
}

/* The escape after a backslash (c->p on the character after it) appended to o. */
static radx_status string_escape(jctx *c, char *o, size_t *k)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e = c->p < c->end && *c->p ? strchr(from, *c->p) : NULL;
    if (e) {
        o[(*k)++] = to[e - from];
        c->p++;
        return RADX_OK;
    }
    unsigned long u, lo;
    if (c->p >= c->end || *c->p != 'u' || hex4(c->p + 1, c->end, &u)) return jerr(c, "invalid \\escape");
    c->p += 5;
    /* a surrogate pair makes one character; a lone surrogate stays (Python keeps it) */
    if (u >= 0xD800 && u <= 0xDBFF && c->end - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u' &&
        !hex4(c->p + 2, c->end, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        c->p += 6;
    }
    if (u == 0) /* valid JSON, but no setting takes it (the YAML reader says the same) */
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: NUL character in a value", c->file, c->line,
                           col_of(c, c->p));
    put_utf8(o, k, u);
    return RADX_OK;
}

/* A string (c->p on its opening quote) into a malloc'ed *out. */
static radx_status parse_string(jctx *c, char **out)
{
    const unsigned char *q = ++c->p;
    while (q < c->end && *q != '"') q += *q == '\\' && q + 1 < c->end ? 2 : 1;
    char *o = malloc((size_t)(q - c->p) + 1); /* escapes never lengthen the text */
    size_t k = 0;
    if (!o) return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
    radx_status st = RADX_OK;
    while (!st) {
        if (c->p >= c->end) {
            st = jerr(c, "unterminated string");
        } else if (*c->p == '"') {
            c->p++;
            break;
        } else if (*c->p == '\\') {
            c->p++;
            st = string_escape(c, o, &k);
        } else if (*c->p < 0x20) {
            st = jerr(c, "invalid control character in a string");
        } else {
            int n = utf8_len(c->p, c->end);
            if (!n) st = jerr(c, "invalid UTF-8");
            for (int i = 0; i < n; i++) o[k++] = (char)*c->p++;
        }
    }
    if (st) {
        free(o);
        return st;
    }
    o[k] = 0;
    *out = o;
    return RADX_OK;
}

static const unsigned char *digits(const unsigned char *q, const unsigned char *end)
{
    while (q < end && *q >= '0' && *q <= '9') q++;
    return q;
}

/* Python's NUMBER_RE: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?; its end, or NULL. */
static const unsigned char *number_end(const unsigned char *q, const unsigned char *end, int *isfloat)
{
    *isfloat = 0;
    if (q < end && *q == '-') q++;
    if (q >= end || *q < '0' || *q > '9') return NULL;
    q = *q == '0' ? q + 1 : digits(q, end);
    if (q + 1 < end && *q == '.' && q[1] >= '0' && q[1] <= '9') {
        q = digits(q + 1, end);
        *isfloat = 1;
    }
    const unsigned char *e = q;
    if (e < end && (*e == 'e' || *e == 'E')) {
        e++;
        if (e < end && (*e == '+' || *e == '-')) e++;
        if (e < end && *e >= '0' && *e <= '9') {
            q = digits(e, end);
            *isfloat = 1;
        }
    }
    return q;
}

/* A number or one of true, false, null, NaN, Infinity, -Infinity, typed as Python's json does. */
static radx_status parse_word(jctx *c, pval *v)
{
    static const char *const words[] = {"true", "false", "null", "NaN", "Infinity", "-Infinity"};
    size_t n = 0;
    int isfloat = 0;
    for (int i = 0; i < 6 && !n; i++)
        if (has(c, words[i])) n = strlen(words[i]);
    if (!n) {
        const unsigned char *e = number_end(c->p, c->end, &isfloat);
        if (!e) return jerr(c, "expecting a value");
        n = (size_t)(e - c->p);
    }
    if (!(v->s = malloc(n + 1))) return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
    memcpy(v->s, c->p, n);
    v->s[n] = 0;
    c->p += n;
    v->plain = 1;
    if (n <= 200) {
        radx_resolve_plain(v->s, v, 1);
    } else { /* beyond radx_resolve_plain's length: Python's int or float */
        v->k = isfloat ? PV_FLOAT : PV_INT;
        v->big = !isfloat;
        v->d = strtod(v->s, NULL);
    }
    return RADX_OK;
}

static radx_status parse_value(jctx *c, pval *v, int depth);

/* Python's dict of a JSON object: a repeated key keeps the place of its first occurrence and
 * takes the value of its last.  Sorted, so that many keys take n log n steps. */
static radx_status merge_duplicates(pval *v, jctx *c)
{
    radx_keyref *k = malloc((size_t)v->n * sizeof *k);
    unsigned char *gone = calloc((size_t)v->n, 1);
    if (!k || !gone) {
        free(k);
        free(gone);
        return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < v->n; i++) k[i] = (radx_keyref){v->keys[i], i};
    qsort(k, (size_t)v->n, sizeof *k, radx_keyref_cmp);
    for (int j = 1; j < v->n; j++) {
        if (strcmp(k[j].s, k[j - 1].s)) continue;
        const int first = k[j - 1].i, later = k[j].i;
        radx_pval_free(&v->items[first]);
        v->items[first] = v->items[later]; /* the later value moves to the first place */
        memset(&v->items[later], 0, sizeof v->items[later]);
        gone[later] = 1;
        k[j].i = first;
    }
    int m = 0;
    for (int i = 0; i < v->n; i++) {
        if (gone[i]) {
            free(v->keys[i]);
            continue;
        }
        v->keys[m] = v->keys[i];
        v->items[m++] = v->items[i];
    }
    v->n = m;
    free(k);
    free(gone);
    return RADX_OK;
}

/* [ value, ... ] or { "key": value, ... } (c->p on the bracket), items appended as they come. */
static radx_status parse_container(jctx *c, pval *v, int depth)
{
    const int map = *c->p == '{';
    const unsigned char close = map ? '}' : ']';
    int cap = 0;
    v->k = map ? PV_MAP : PV_SEQ;
    c->p++;
    skip_ws(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return RADX_OK;
    }
    for (;;) {
        if (v->n == cap) {
            cap = cap ? 2 * cap : 8;
            pval *it = realloc(v->items, (size_t)cap * sizeof *it);
            char **ks = map ? realloc(v->keys, (size_t)cap * sizeof *ks) : NULL;
            if (it) v->items = it;
            if (ks) v->keys = ks;
            if (!it || (map && !ks)) return radx_seterr(c->err, RADX_ERR_NOMEM, "out of memory");
        }
        pval *item = &v->items[v->n];
        memset(item, 0, sizeof *item);
        if (map) v->keys[v->n] = NULL;
        v->n++;
        if (map) {
            if (c->p >= c->end || *c->p != '"') return jerr(c, "expecting a property name in double quotes");
            item->kline = c->line;
            radx_status st = parse_string(c, &v->keys[v->n - 1]);
            if (st) return st;
            skip_ws(c);
            if (c->p >= c->end || *c->p != ':') return jerr(c, "expecting ':' after a property name");
            c->p++;
            skip_ws(c);
        }
        size_t kline = item->kline;
        radx_status st = parse_value(c, item, depth + 1);
        item->kline = kline;
        if (st) return st;
        skip_ws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return map ? merge_duplicates(v, c) : RADX_OK;
        }
        if (c->p >= c->end || *c->p != ',') return jerr(c, map ? "expecting ',' or '}'" : "expecting ',' or ']'");
        c->p++;
        skip_ws(c);
        if (c->p < c->end && *c->p == close) return jerr(c, "trailing comma");
    }
}

/* One value at c->p (white space skipped before it) into *v (zeroed by the caller). */
static radx_status parse_value(jctx *c, pval *v, int depth)
{
    v->line = c->line;
    v->col = col_of(c, c->p);
    if (depth > RADX_PARAM_MAX_DEPTH)
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: nesting deeper than %d levels", c->file, v->line,
                           v->col, RADX_PARAM_MAX_DEPTH);
    if (++c->nodes > RADX_PARAM_MAX_NODES)
        return radx_seterr(c->err, RADX_ERR_PARAM, "%s:%zu:%zu: more than %ld values", c->file, v->line, v->col,
                           RADX_PARAM_MAX_NODES);
    if (c->p < c->end && (*c->p == '{' || *c->p == '[')) return parse_container(c, v, depth);
    if (c->p < c->end && *c->p == '"') {
        v->k = PV_STR;
        return parse_string(c, &v->s);
    }
    return parse_word(c, v);
}

radx_status radx_json_parse(const unsigned char *text, size_t n, const char *path, pval *root, radx_err *err)
{
    jctx c = {text, text + n, 1, text, 1, 0, path, err};
    memset(root, 0, sizeof *root);
    if (n >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF)
        return radx_seterr(err, RADX_ERR_FORMAT, "%s: JSON file starts with a UTF-8 byte order mark", path);
    skip_ws(&c);
    radx_status st = parse_value(&c, root, 0);
    if (!st) {
        skip_ws(&c);
        if (c.p < c.end) st = jerr(&c, "extra data after the JSON value");
    }
    if (st) radx_pval_free(root);
    return st;
}
