/* SPDX-License-Identifier: BSD-3-Clause */
/* Number syntax: Python's int() / float() for text (the CLI's -s values, and pykwalify's float
 * check of strings), and the YAML 1.2 core schema as ruamel.yaml types plain scalars. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "params/params_internal.h"

/* Digits of class isdig from s, copied to out[*no..] (at most cap - 1) without underscores;
 * returns where they end.  allow_us: 0 no underscores, 1 Python's rule (each underscore
 * followed by a digit), 2 ruamel's (underscores anywhere after the first digit).  NULL when s
 * starts with no digit or breaks rule 1. */
static const char *scan_digitpart(const char *s, int (*isdig)(int), char *out, size_t *no, size_t cap, int allow_us)
{
    if (!isdig((unsigned char)*s)) return NULL;
    while (*s) {
        if (isdig((unsigned char)*s)) {
            if (*no + 1 < cap) out[(*no)++] = *s;
            s++;
        } else if (*s == '_' && allow_us) {
            s++;
            if (allow_us == 1 && !isdig((unsigned char)*s)) return NULL; /* Python: digit_ digit */
        } else {
            break;
        }
    }
    return s;
}

static int isoct(int c) { return c >= '0' && c <= '7'; }
static int isbin(int c) { return c == '0' || c == '1'; }

/* Python int(text): [ws][sign]digits[_digits]...[ws], base 10.  0 ok, -1 syntax, -2 overflow. */
int radx_py_int(const char *text, long long *out)
{
    const char *s = text;
    while (isspace((unsigned char)*s)) s++;
    char buf[128];
    size_t n = 0;
    if (*s == '+' || *s == '-') buf[n++] = *s++;
    s = scan_digitpart(s, isdigit, buf, &n, sizeof buf, 1);
    if (!s) return -1;
    while (isspace((unsigned char)*s)) s++;
    if (*s) return -1;
    buf[n] = 0;
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    if (errno == ERANGE || n >= sizeof buf - 1) return -2;
    *out = v;
    return 0;
}

int radx_ci_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

/* Python float(text).  0 ok, -1 syntax. */
int radx_py_float(const char *text, double *out)
{
    const char *s = text;
    while (isspace((unsigned char)*s)) s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (len == 0 || len > 200) return -1;
    char w[256];
    memcpy(w, s, len);
    w[len] = 0;
    const char *q = w;
    int neg = 0;
    if (*q == '+' || *q == '-') {
        neg = *q == '-';
        q++;
    }
    if (radx_ci_eq(q, "inf") || radx_ci_eq(q, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return 0;
    }
    if (radx_ci_eq(q, "nan")) {
        *out = NAN;
        return 0;
    }
    char buf[256];
    size_t n = 0;
    buf[n++] = neg ? '-' : '+';
    int have = 0;
    if (isdigit((unsigned char)*q)) {
        q = scan_digitpart(q, isdigit, buf, &n, sizeof buf, 1);
        if (!q) return -1;
        have = 1;
    }
    if (*q == '.') {
        buf[n++] = *q++;
        if (isdigit((unsigned char)*q)) {
            q = scan_digitpart(q, isdigit, buf, &n, sizeof buf, 1);
            if (!q) return -1;
            have = 1;
        }
    }
    if (!have) return -1;
    if (*q == 'e' || *q == 'E') {
        buf[n++] = *q++;
        if (*q == '+' || *q == '-') buf[n++] = *q++;
        q = scan_digitpart(q, isdigit, buf, &n, sizeof buf, 1);
        if (!q) return -1;
    }
    if (*q) return -1;
    buf[n] = 0;
    *out = strtod(buf, NULL);
    return 0;
}

/* null, booleans, JSON's NaN / Infinity and YAML's .inf / .nan; 0 when s is none of these. */
static int resolve_keyword(const char *s, pval *v, int json)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    static const char *const trues[] = {"true", "True", "TRUE"};
    static const char *const falses[] = {"false", "False", "FALSE"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (!strcmp(s, nulls[i])) {
            v->k = PV_NULL;
            return 1;
        }
    for (int i = 0; i < 3; i++) {
        if (!strcmp(s, trues[i])) {
            v->k = PV_BOOL;
            v->b = 1;
            return 1;
        }
        if (!strcmp(s, falses[i])) {
            v->k = PV_BOOL;
            v->b = 0;
            return 1;
        }
    }
    if (json) { /* Python's json module reads these as floats */
        if (!strcmp(s, "NaN")) {
            v->k = PV_FLOAT;
            v->d = NAN;
            return 1;
        }
        if (!strcmp(s, "Infinity")) {
            v->k = PV_FLOAT;
            v->d = INFINITY;
            return 1;
        }
        if (!strcmp(s, "-Infinity")) {
            v->k = PV_FLOAT;
            v->d = -INFINITY;
            return 1;
        }
    }
    const char *q = s;
    int neg = 0;
    if (*q == '+' || *q == '-') {
        neg = *q == '-';
        q++;
    }
    if (!strcmp(q, ".inf") || !strcmp(q, ".Inf") || !strcmp(q, ".INF")) {
        v->k = PV_FLOAT;
        v->d = neg ? -INFINITY : INFINITY;
        return 1;
    }
    if (q == s && (!strcmp(q, ".nan") || !strcmp(q, ".NaN") || !strcmp(q, ".NAN"))) {
        v->k = PV_FLOAT;
        v->d = NAN;
        return 1;
    }
    return 0;
}

/* 0x / 0o / 0b integers, q after the sign (ints beyond long long are 'big', kept as double);
 * anything else starting so is a string. */
static void resolve_based_int(const char *q, int neg, pval *v)
{
    char buf[256];
    size_t n = 0;
    int base = q[1] == 'x' ? 16 : q[1] == 'o' ? 8 : 2;
    const char *e = scan_digitpart(q + 2, base == 16 ? isxdigit : base == 8 ? isoct : isbin, buf, &n, sizeof buf, 2);
    if (!e || *e || n == 0) {
        v->k = PV_STR;
        return;
    }
    buf[n] = 0;
    errno = 0;
    unsigned long long u = strtoull(buf, NULL, base);
    v->k = PV_INT;
    if (errno == ERANGE || u > (unsigned long long)LLONG_MAX) {
        v->big = 1;
        v->d = neg ? -(double)u : (double)u;
    } else {
        v->i = neg ? -(long long)u : (long long)u;
        v->d = (double)v->i;
    }
}

/* A decimal int or float, q after the sign (underscores between digits allowed, as ruamel
 * does), else a string. */
static void resolve_decimal(const char *q, int neg, pval *v)
{
    char buf[256];
    size_t n = 0;
    buf[n++] = neg ? '-' : '+';
    int isfloat = 0, have = 0;
    const char *e = q;
    if (isdigit((unsigned char)*e)) {
        e = scan_digitpart(e, isdigit, buf, &n, sizeof buf, 2);
        have = 1;
    }
    if (e && *e == '.') {
        isfloat = 1;
        buf[n++] = *e++;
        if (isdigit((unsigned char)*e)) {
            e = scan_digitpart(e, isdigit, buf, &n, sizeof buf, 2);
            have = 1;
        }
    }
    if (e && have && (*e == 'e' || *e == 'E')) {
        isfloat = 1;
        buf[n++] = *e++;
        if (*e == '+' || *e == '-') buf[n++] = *e++;
        if (!isdigit((unsigned char)*e))
            e = NULL;
        else
            e = scan_digitpart(e, isdigit, buf, &n, sizeof buf, 0);
    }
    if (!e || *e || !have) {
        v->k = PV_STR;
        return;
    }
    buf[n] = 0;
    if (isfloat) {
        v->k = PV_FLOAT;
        v->d = strtod(buf, NULL);
    } else {
        v->k = PV_INT;
        errno = 0;
        v->i = strtoll(buf, NULL, 10);
        v->d = strtod(buf, NULL);
        if (errno == ERANGE) v->big = 1;
    }
}

/* Types a plain YAML scalar as ruamel.yaml (YAML 1.2) does: null, bool, int, float or str. */
void radx_resolve_plain(const char *s, pval *v, int json)
{
    if (resolve_keyword(s, v, json)) return;
    if (strlen(s) > 200) {
        v->k = PV_STR;
        return;
    }
    const char *q = s;
    int neg = 0;
    if (*q == '+' || *q == '-') {
        neg = *q == '-';
        q++;
    }
    if (q[0] == '0' && (q[1] == 'x' || q[1] == 'o' || q[1] == 'b'))
        resolve_based_int(q, neg, v);
    else
        resolve_decimal(q, neg, v);
}
