/* SPDX-License-Identifier: BSD-3-Clause */
/* Python's repr() of a float (see core/repr.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/repr.h"
#include "radx.h"

/* v's significant digits (no sign, no point, trailing zeros dropped; at least one digit) and
 * decimal exponent, taken from the shortest "%.{p}e" text that strtod reads back to v.  17
 * digits always read back, so the search ends at p = 16. */
static int shortest_digits(double v, char digits[32], size_t *nd)
{
    char e[40];
    for (int prec = 0; prec <= 16; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, v);
        if (strtod(e, NULL) == v) break;
    }
    const char *ep = strchr(e, 'e');
    size_t n = 0;
    for (const char *c = e; c < ep; c++)
        if (*c >= '0' && *c <= '9') digits[n++] = *c;
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = 0;
    *nd = n;
    return atoi(ep + 1);
}

/* Fixed notation of digits[0..nd) x 10^exp10, -4 <= exp10 < 16: "0.000ddd", "ddd.ddd", "ddd00.0". */
static void put_fixed(char *out, const char *digits, size_t nd, int exp10)
{
    size_t o = 0;
    if (exp10 < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -exp10 - 1; i++) out[o++] = '0';
        for (size_t i = 0; i < nd; i++) out[o++] = digits[i];
    } else {
        for (int i = 0; i <= exp10; i++) out[o++] = (size_t)i < nd ? digits[i] : '0';
        out[o++] = '.';
        if ((size_t)exp10 + 1 < nd)
            for (size_t i = (size_t)exp10 + 1; i < nd; i++) out[o++] = digits[i];
        else
            out[o++] = '0';
    }
    out[o] = 0;
}

void radx_fmt_double(char *buf, size_t len, double v)
{
    if (isnan(v)) {
        snprintf(buf, len, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, len, v > 0 ? "inf" : "-inf");
        return;
    }
    char digits[32];
    size_t nd;
    int exp10 = shortest_digits(v, digits, &nd);
    const char *sign = signbit(v) ? "-" : "";
    if (exp10 >= -4 && exp10 < 16) {
        char out[40];
        put_fixed(out, digits, nd, exp10);
        snprintf(buf, len, "%s%s", sign, out);
    } else {
        snprintf(buf, len, "%s%c%s%se%c%02d", sign, digits[0], nd > 1 ? "." : "", digits + 1, exp10 < 0 ? '-' : '+',
                 exp10 < 0 ? -exp10 : exp10);
    }
}

void radx_format_number(double v, char *buf, size_t len) { radx_fmt_double(buf, len, v); }
