/* SPDX-License-Identifier: BSD-3-Clause */
/* Growable strings, and Python's repr() of the values PyRadiomics holds: what
 * diagnostics_Configuration_Settings shows and how messages quote a value. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/repr.h"
#include "params/params_internal.h"

void radx_sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1) cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void radx_sb_puts(sbuf *b, const char *s) { radx_sb_putn(b, s, strlen(s)); }

void radx_sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        radx_sb_putn(b, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    radx_sb_putn(b, big, (size_t)n);
    free(big);
}

/* Takes the string (never NULL unless out of memory). */
char *radx_sb_take(sbuf *b)
{
    if (b->oom) {
        free(b->p);
        return NULL;
    }
    if (!b->p) return radx_pstrdup("");
    return b->p;
}

void radx_sb_float(sbuf *b, double d)
{
    char t[64];
    radx_fmt_double(t, sizeof t, d);
    radx_sb_puts(b, t);
}

/* repr(str) of Python 3 (printable non-ASCII is kept as is). */
void radx_sb_pystr(sbuf *b, const char *s)
{
    char q = '\'';
    if (strchr(s, '\'') && !strchr(s, '"')) q = '"';
    radx_sb_putn(b, &q, 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        char t[8];
        if (*c == (unsigned char)q || *c == '\\') {
            t[0] = '\\';
            t[1] = (char)*c;
            radx_sb_putn(b, t, 2);
        } else if (*c == '\n')
            radx_sb_puts(b, "\\n");
        else if (*c == '\r')
            radx_sb_puts(b, "\\r");
        else if (*c == '\t')
            radx_sb_puts(b, "\\t");
        else if (*c < 0x20 || *c == 0x7f) {
            snprintf(t, sizeof t, "\\x%02x", *c);
            radx_sb_puts(b, t);
        } else
            radx_sb_putn(b, (const char *)c, 1);
    }
    radx_sb_putn(b, &q, 1);
}

void radx_sb_repr(sbuf *b, const pval *v)
{
    switch (v->k) {
    case PV_NULL: radx_sb_puts(b, "None"); break;
    case PV_BOOL: radx_sb_puts(b, v->b ? "True" : "False"); break;
    case PV_INT:
        if (v->big && v->s)
            radx_sb_puts(b, v->s); /* digits as written (decimal in practice) */
        else
            radx_sb_printf(b, "%lld", v->i);
        break;
    case PV_FLOAT: radx_sb_float(b, v->d); break;
    case PV_STR: radx_sb_pystr(b, v->s ? v->s : ""); break;
    case PV_SEQ:
        radx_sb_puts(b, "[");
        for (int i = 0; i < v->n; i++) {
            if (i) radx_sb_puts(b, ", ");
            radx_sb_repr(b, &v->items[i]);
        }
        radx_sb_puts(b, "]");
        break;
    case PV_MAP:
        radx_sb_puts(b, "{");
        for (int i = 0; i < v->n; i++) {
            if (i) radx_sb_puts(b, ", ");
            radx_sb_pystr(b, v->keys[i]);
            radx_sb_puts(b, ": ");
            radx_sb_repr(b, &v->items[i]);
        }
        radx_sb_puts(b, "}");
        break;
    }
}

/* How a value is shown in messages: plain scalars as written, the rest as Python repr. */
void radx_show_value(const pval *v, char *out, size_t len)
{
    if (v->plain && v->s) {
        snprintf(out, len, "%s", v->s);
    } else {
        sbuf b = {0};
        radx_sb_repr(&b, v);
        if (b.oom || !b.p)
            snprintf(out, len, "?");
        else
            snprintf(out, len, "%s", b.p);
        free(b.p);
    }
    if (strlen(out) > 120) strcpy(out + 117, "...");
}

/* Python's str() of a number as written in the file (int 3 -> "3", float 3.0 -> "3.0"). */
void radx_pv_number_str(const pval *v, char *out, size_t len)
{
    if (v->k == PV_INT && !v->big)
        snprintf(out, len, "%lld", v->i);
    else if (v->k == PV_FLOAT || v->k == PV_INT)
        radx_fmt_double(out, len, v->d);
    else
        snprintf(out, len, "%s", v->s ? v->s : "?");
}
