/* SPDX-License-Identifier: BSD-3-Clause */
/* -s NAME:VALUE overrides: the text converted as PyRadiomics' CLI converts it, then validated
 * and applied like a file's setting (see params.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "params/params.h"
#include "params/params_internal.h"

static char *trim_dup(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1])) n--;
    char *r = malloc(n + 1);
    if (!r) return NULL;
    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

static int is_none_text(const char *s)
{
    return !strcmp(s, "None") || !strcmp(s, "none") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL") ||
           !strcmp(s, "~");
}

static void unquote(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
        memmove(s, s + 1, n - 2);
        s[n - 2] = 0;
    }
}

/* One scalar of the given schema type from text, as PyRadiomics' CLI converts it. */
static radx_status text_scalar(const char *txt, ktype t, pval *v, const actx *a, const char *key)
{
    memset(v, 0, sizeof *v);
    v->plain = 1;
    if (!(v->s = radx_pstrdup(txt))) return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
    if (is_none_text(txt)) {
        v->k = PV_NULL;
        return RADX_OK;
    }
    switch (t) {
    case T_INT:
    case T_SEQI: {
        int r = radx_py_int(txt, &v->i);
        if (r == -1) return radx_param_error(a, key, "value '%s' is not an integer", txt);
        v->k = PV_INT;
        if (r == -2) v->big = 1;
        v->d = (double)v->i;
        return RADX_OK;
    }
    case T_FLOAT:
    case T_SEQF:
        if (radx_py_float(txt, &v->d)) return radx_param_error(a, key, "value '%s' is not a number", txt);
        v->k = PV_FLOAT;
        return RADX_OK;
    case T_BOOL:
        if (radx_ci_eq(txt, "true") || !strcmp(txt, "1")) {
            v->k = PV_BOOL;
            v->b = 1;
            return RADX_OK;
        }
        if (radx_ci_eq(txt, "false") || !strcmp(txt, "0")) {
            v->k = PV_BOOL;
            v->b = 0;
            return RADX_OK;
        }
        return radx_param_error(a, key, "value '%s' is not a boolean (true, false, 1 or 0)", txt);
    case T_INTERP:
        if (radx_py_int(txt, &v->i) == 0) {
            v->k = PV_INT;
            v->d = (double)v->i;
            return RADX_OK;
        }
        /* fall through */
    case T_STR:
    case T_SEQS:
    case T_WNORM:
        v->k = PV_STR;
        v->plain = 0;
        unquote(v->s);
        return RADX_OK;
    }
    return RADX_OK;
}

/* The elements of list text t ("1, 2.5"), each converted as a scalar of the key's type; messages
 * quote the value as shown. */
static radx_status text_list(const char *t, const char *shown, const keydef *kd, pval *v, const actx *a)
{
    v->k = PV_SEQ;
    int cnt = 0;
    if (*t) {
        cnt = 1;
        for (const char *q = t; *q; q++) cnt += *q == ',';
    }
    if (cnt > 64) return radx_param_error(a, kd->name, "value '%s' has more than 64 values", shown);
    if (cnt && !(v->items = calloc((size_t)cnt, sizeof *v->items)))
        return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
    const char *q = t;
    for (int i = 0; i < cnt; i++) {
        const char *e = strchr(q, ',');
        size_t len = e ? (size_t)(e - q) : strlen(q);
        char *el = trim_dup(q, len);
        if (!el) return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
        v->n = i + 1;
        radx_status st;
        if (!*el)
            st = radx_param_error(a, kd->name, "value '%s' has an empty element", shown);
        else if (is_none_text(el))
            st = radx_param_error(a, kd->name, "value '%s': element %d is None", shown, i);
        else
            st = text_scalar(el, kd->t, &v->items[i], a, kd->name);
        free(el);
        if (st) return st;
        q = e ? e + 1 : q + len;
    }
    return RADX_OK;
}

/* value as PyRadiomics' CLI reads it for key kd: None, a list for list keys ("1,2", "[1, 2]" or
 * "(1, 2)"), else one scalar. */
static radx_status text_value(const char *value, const keydef *kd, pval *v, const actx *a)
{
    memset(v, 0, sizeof *v);
    char *txt = trim_dup(value, strlen(value));
    if (!txt) return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
    radx_status st;
    if (!*txt) {
        st = radx_param_error(a, kd->name, "empty value");
    } else if (kd->t != T_SEQI && kd->t != T_SEQF && kd->t != T_SEQS) {
        st = text_scalar(txt, kd->t, v, a, kd->name);
    } else if (is_none_text(txt)) {
        v->k = PV_NULL;
        v->plain = 1;
        v->s = txt;
        return RADX_OK;
    } else {
        /* the brackets are cut off in place: list messages show txt without its closing one */
        char *body = txt;
        size_t n = strlen(body);
        if (n >= 2 && ((body[0] == '[' && body[n - 1] == ']') || (body[0] == '(' && body[n - 1] == ')'))) {
            body[n - 1] = 0;
            body++;
        }
        char *t = trim_dup(body, strlen(body));
        if (!t) {
            free(txt);
            return radx_seterr(a->err, RADX_ERR_NOMEM, "out of memory");
        }
        st = text_list(t, txt, kd, v, a);
        free(t);
    }
    free(txt);
    return st;
}

radx_status radx_params_set_text(radx_params *p, const char *name, const char *value, radx_err *err)
{
    if (!p || !name || !value) return radx_seterr(err, RADX_ERR_ARG, "radx_params_set_text: NULL argument");
    actx a = {NULL, "setting", err};
    char *nm = trim_dup(name, strlen(name));
    if (!nm) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    int k = radx_find_key(nm);
    if (k < 0) {
        radx_status st = radx_param_error(&a, nm, "unknown setting (not a PyRadiomics parameter)");
        free(nm);
        return st;
    }
    free(nm);
    if (radx_param_keys[k].sect & S_VOXEL) a.section = "voxelSetting";
    pval v;
    radx_status st = text_value(value, &radx_param_keys[k], &v, &a);
    if (st) {
        radx_pval_free(&v);
        return st;
    }
    radx_params t;
    if ((st = radx_params_copy(&t, p, err))) {
        radx_pval_free(&v);
        return st;
    }
    st = radx_apply_value(&t, k, &v, &a);
    if (!st) st = radx_record_given(&t, k, &v, err);
    radx_pval_free(&v);
    if (st) {
        radx_params_clear(&t);
        return st;
    }
    radx_params_sync_log_sigma(&t);
    radx_params_clear(p);
    *p = t;
    return RADX_OK;
}
