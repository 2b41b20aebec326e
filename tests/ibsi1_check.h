/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-1 reference values against radx: runs one shipped parameter file (data/ibsi1/) on a data set
 * through the public API, keys the result by IBSI tag (radx_result_ibsi_name) and compares every
 * reference value the IBSI-1 manual lists for that data set
 * (data/ibsi1/reference_values/ibsi1_manual_reference_values.csv, CC-BY-4.0), printing per family
 * passed / total and the worst error in units of its tolerance.
 *
 * Tolerance: the manual's; where it gives none (the digital phantom, whose values are exact to
 * their printed digits) or one below the printed precision, half a unit of the value's last printed
 * digit.  A value the table leaves unset (—) is not counted. */
#ifndef RADX_TEST_IBSI1_CHECK_H
#define RADX_TEST_IBSI1_CHECK_H
#include <ctype.h>
#include <math.h>
#include "csv_read.h"
#include "radx.h"
#include "radx_test.h"

/* half a unit of the last printed significant digit of a reference text like "0.0411", "1.49e3" */
static inline double ibsi1_print_tolerance(const char *s)
{
    int exp10 = 0, frac = 0, seen_dot = 0;
    const char *e = strpbrk(s, "eE");
    if (e) exp10 = atoi(e + 1);
    for (const char *c = s; *c && c != e; c++) {
        if (*c == '.')
            seen_dot = 1;
        else if (isdigit((unsigned char)*c) && seen_dot)
            frac++;
    }
    return 0.5 * pow(10.0, exp10 - frac);
}

/* The value of IBSI key `key` in r; 0 when absent. */
static inline int ibsi1_find(const radx_result *r, const char *key, double *v)
{
    for (size_t i = 0; i < radx_result_count(r); i++) {
        const char *k = radx_result_ibsi_name(r, i);
        if (k && !strcmp(k, key)) {
            *v = radx_result_value(r, i);
            return 1;
        }
    }
    return 0;
}

/* Runs params (under data/ibsi1/) on image and mask, compares the data set `data` ("dig. phantom",
 * "config. A", ...) of the reference table; adds the values compared and passed to *total and
 * *passed. */
static inline void ibsi1_check(const char *params, const char *image, const char *mask, const char *data, int *total,
                               int *passed)
{
    char path[2048];
    csv_table ref;
    snprintf(path, sizeof path, "%s/data/ibsi1/reference_values/ibsi1_manual_reference_values.csv", RADX_SOURCE_DIR);
    if (csv_load(path, ',', &ref)) {
        CHECK(0, "cannot read %s", path);
        return;
    }
    radx_ctx *ctx;
    radx_params *p;
    radx_plan *plan = NULL;
    radx_result *r = NULL;
    radx_ctx_create(&ctx);
    radx_params_create(ctx, &p);
    snprintf(path, sizeof path, "%s/data/ibsi1/%s", RADX_SOURCE_DIR, params);
    radx_status s = radx_params_load(ctx, p, path);
    if (!s) s = radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan);
    if (!s) s = radx_plan_execute(plan, image, mask, 0, &r);
    CHECK(s == RADX_OK, "%s: %s", params, radx_ctx_last_error(ctx));

    /* families in the table's order, with their counts */
    enum { MAXF = 16 };
    char fam[MAXF][40];
    int nfam = 0, fpass[MAXF] = {0}, ftotal[MAXF] = {0};
    double fworst[MAXF] = {0};
    for (int row = 1; r && row < ref.nrows; row++) {
        const char *family = csv_get(&ref, row, 0), *tag = csv_get(&ref, row, 3), *agg = csv_get(&ref, row, 5);
        const char *val = csv_get(&ref, row, 6), *tol = csv_get(&ref, row, 7);
        if (strcmp(csv_get(&ref, row, 4), data) || !val[0]) continue;
        int f = 0;
        while (f < nfam && strcmp(fam[f], family)) f++;
        if (f == nfam && nfam < MAXF) snprintf(fam[nfam++], sizeof fam[0], "%s", family);
        if (f >= MAXF) continue;
        char key[256];
        snprintf(key, sizeof key, "%s%s%s", tag, agg[0] ? "|" : "", agg);
        const double want = atof(val), t = fmax(atof(tol), ibsi1_print_tolerance(val));
        double got = NAN;
        ftotal[f]++;
        (*total)++;
        if (!ibsi1_find(r, key, &got)) {
            CHECK(0, "%s: %s has no value (reference %s)", data, key, val);
            continue;
        }
        const double err = fabs(got - want) / t;
        if (err > fworst[f] || isnan(err)) fworst[f] = err;
        if (err <= 1.0) {
            fpass[f]++;
            (*passed)++;
        } else {
            CHECK(0, "%s: %s = %.6g, reference %s +- %g (%.2f tolerances off)", data, key, got, val, t, err);
        }
    }
    for (int f = 0; f < nfam; f++)
        printf("%-13s %-28s %3d / %3d   worst %.2f of its tolerance\n", data, fam[f], fpass[f], ftotal[f], fworst[f]);
    radx_result_destroy(r);
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    radx_ctx_destroy(ctx);
    csv_free(&ref);
}
#endif
