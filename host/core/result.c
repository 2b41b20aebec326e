/* SPDX-License-Identifier: BSD-3-Clause */
/* Result lists and Python-style number formatting. */
#include <math.h>
#include <stdio.h>
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

radx_status radx_result_add_text(radx_result *r, const char *name, const char *text)
{
    return add(r, name, 0, NAN, text);
}

void radx_fmt_double(char *buf, size_t len, double v)
{
    if (isnan(v)) { snprintf(buf, len, "nan"); return; }
    if (isinf(v)) { snprintf(buf, len, v > 0 ? "inf" : "-inf"); return; }
    /* Python's repr: the shortest digit string that reads back to v ("%.{p}e"), printed in fixed
     * notation when the decimal exponent is in [-4, 16), else as d.ddde+XX. */
    char e[40];
    int prec;
    for (prec = 0; prec <= 16; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, v);
        if (strtod(e, NULL) == v) break;
    }
    char *ep = strchr(e, 'e');
    int exp10 = atoi(ep + 1);
    char digits[32];
    size_t nd = 0;
    for (char *c = e; c < ep; c++)
        if (*c >= '0' && *c <= '9') digits[nd++] = *c;
    while (nd > 1 && digits[nd - 1] == '0') nd--; /* trailing zeros of the mantissa */
    digits[nd] = 0;
    const char *sign = signbit(v) ? "-" : "";
    if (exp10 >= -4 && exp10 < 16) {
        char out[64];
        size_t o = 0;
        if (exp10 < 0) {
            o += (size_t)snprintf(out + o, sizeof out - o, "0.");
            for (int i = 0; i < -exp10 - 1; i++) out[o++] = '0';
            o += (size_t)snprintf(out + o, sizeof out - o, "%s", digits);
        } else {
            for (int i = 0; i <= exp10; i++) out[o++] = (size_t)i < nd ? digits[i] : '0';
            out[o++] = '.';
            if ((size_t)exp10 + 1 < nd) o += (size_t)snprintf(out + o, sizeof out - o, "%s", digits + exp10 + 1);
            else out[o++] = '0';
            out[o] = 0;
        }
        out[o] = 0;
        snprintf(buf, len, "%s%s", sign, out);
    } else {
        snprintf(buf, len, "%s%c%s%s%se%c%02d", sign, digits[0], nd > 1 ? "." : "", nd > 1 ? digits + 1 : "", "",
                 exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    }
}

void radx_format_number(double v, char *buf, size_t len) { radx_fmt_double(buf, len, v); }

size_t radx_result_count(const radx_result *r) { return r ? r->n : 0; }
const char *radx_result_name(const radx_result *r, size_t i) { return (r && i < r->n) ? r->e[i].name : NULL; }
int radx_result_is_number(const radx_result *r, size_t i) { return (r && i < r->n) ? r->e[i].is_number : 0; }
double radx_result_value(const radx_result *r, size_t i) { return (r && i < r->n) ? r->e[i].value : NAN; }
const char *radx_result_text(const radx_result *r, size_t i) { return (r && i < r->n) ? r->e[i].text : NULL; }

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
        free(r->e[i].text);
    }
    free(r->e);
    free(r);
}
