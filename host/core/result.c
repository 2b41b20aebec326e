/* SPDX-License-Identifier: BSD-3-Clause */
/* Result lists: the ordered name -> value entries a case produces. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/result.h"

radx_result *radx_result_new(void) { return calloc(1, sizeof(radx_result)); }

static radx_status add(radx_result *r, const char *name, int is_number, double v, const char *text)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        radx_entry *e = realloc(r->e, cap * sizeof *e);
        if (!e) return RADX_ERR_NOMEM;
        r->e = e;
        r->cap = cap;
    }
    radx_entry *x = &r->e[r->n];
    x->name = strdup(name);
    x->text = strdup(text);
    x->ibsi = NULL;
    if (!x->name || !x->text) {
        free(x->name);
        free(x->text);
        return RADX_ERR_NOMEM;
    }
    x->is_number = is_number;
    x->value = v;
    r->n++;
    return RADX_OK;
}

radx_status radx_result_add_number(radx_result *r, const char *name, double v)
{
    char buf[40];
    radx_fmt_double(buf, sizeof buf, v);
    return add(r, name, 1, v, buf);
}

radx_status radx_result_add_feature(radx_result *r, const char *name, const char *ibsi, double v)
{
    radx_status st = radx_result_add_number(r, name, v);
    if (st || !ibsi) return st;
    if (!(r->e[r->n - 1].ibsi = strdup(ibsi))) return RADX_ERR_NOMEM;
    return RADX_OK;
}

radx_status radx_result_add_text(radx_result *r, const char *name, const char *text)
{
    return add(r, name, 0, NAN, text);
}

size_t radx_result_count(const radx_result *r) { return r ? r->n : 0; }
const char *radx_result_name(const radx_result *r, size_t i) { return (r && i < r->n) ? r->e[i].name : NULL; }
int radx_result_is_number(const radx_result *r, size_t i) { return (r && i < r->n) ? r->e[i].is_number : 0; }
double radx_result_value(const radx_result *r, size_t i) { return (r && i < r->n) ? r->e[i].value : NAN; }
const char *radx_result_text(const radx_result *r, size_t i) { return (r && i < r->n) ? r->e[i].text : NULL; }
const char *radx_result_ibsi_name(const radx_result *r, size_t i) { return (r && i < r->n) ? r->e[i].ibsi : NULL; }

size_t radx_result_names(const radx_result *r, char *buf, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; r && i < r->n; i++) {
        const size_t l = strlen(r->e[i].name);
        if (buf && o + l + (i > 0) < len) {
            if (i) buf[o] = '\n';
            memcpy(buf + o + (i > 0), r->e[i].name, l);
        }
        o += l + (i > 0);
    }
    if (buf && len) buf[o < len ? o : 0] = 0;
    return o;
}

void radx_result_values(const radx_result *r, double *values, unsigned char *is_number, size_t n)
{
    for (size_t i = 0; r && i < n && i < r->n; i++) {
        if (values) values[i] = r->e[i].is_number ? r->e[i].value : NAN;
        if (is_number) is_number[i] = (unsigned char)(r->e[i].is_number != 0);
    }
}

long radx_result_find(const radx_result *r, const char *name)
{
    if (!r || !name) return -1;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->e[i].name, name) == 0) return (long)i;
    return -1;
}

void radx_result_destroy(radx_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->e[i].name);
        free(r->e[i].ibsi);
        free(r->e[i].text);
    }
    free(r->e);
    free(r);
}
