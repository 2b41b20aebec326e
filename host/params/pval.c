/* SPDX-License-Identifier: BSD-3-Clause */
/* The value tree a parameter file or an -s override becomes (see params_internal.h). */
#include <stdlib.h>
#include <string.h>
#include "params/params_internal.h"

void radx_pval_free(pval *v)
{
    if (!v) return;
    free(v->s);
    for (int i = 0; i < v->n; i++) {
        radx_pval_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

char *radx_pstrdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *r = malloc(n);
    if (r) memcpy(r, s, n);
    return r;
}

int radx_pval_copy(pval *dst, const pval *src)
{
    *dst = *src;
    dst->s = NULL;
    dst->items = NULL;
    dst->keys = NULL;
    dst->n = 0;
    if (src->s && !(dst->s = radx_pstrdup(src->s))) return -1;
    if (src->n > 0) {
        dst->items = calloc((size_t)src->n, sizeof *dst->items);
        if (!dst->items) return -1;
        if (src->keys && !(dst->keys = calloc((size_t)src->n, sizeof *dst->keys))) return -1;
        for (int i = 0; i < src->n; i++) {
            dst->n = i + 1;
            if (radx_pval_copy(&dst->items[i], &src->items[i])) return -1;
            if (src->keys && !(dst->keys[i] = radx_pstrdup(src->keys[i]))) return -1;
        }
    }
    return 0;
}

int radx_keyref_cmp(const void *a, const void *b)
{
    const radx_keyref *x = a, *y = b;
    int d = strcmp(x->s, y->s);
    return d ? d : (x->i > y->i) - (x->i < y->i);
}
