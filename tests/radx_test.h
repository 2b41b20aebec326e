/* SPDX-License-Identifier: BSD-3-Clause */
/* Tiny test harness: checks that count failures, a skip code, and relative-error helpers. */
#ifndef RADX_TEST_H
#define RADX_TEST_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RADX_TEST_SKIP 77

static int radx_test_failures = 0;
static int radx_test_checks = 0;

#define CHECK(cond, ...)                                                                  \
    do {                                                                                  \
        radx_test_checks++;                                                               \
        if (!(cond)) {                                                                    \
            radx_test_failures++;                                                         \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);              \
            fprintf(stderr, __VA_ARGS__);                                                 \
            fputc('\n', stderr);                                                          \
        }                                                                                 \
    } while (0)

/* PyRadiomics' own baseline rule: relative difference, 0 must be matched exactly (here within
 * 1e-12 absolute, to absorb the sign of a computed -0 and rounding at 0). */
static inline double radx_test_relerr(double value, double ref)
{
    if (isnan(ref) && isnan(value)) return 0.0;
    if (isnan(ref) || isnan(value)) return INFINITY;
    if (ref == 0.0) return fabs(value) < 1e-12 ? 0.0 : INFINITY;
    return fabs(1.0 - value / ref);
}

static inline int radx_test_exists(const char *path) { return access(path, R_OK) == 0; }

static inline int radx_test_finish(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, radx_test_checks, radx_test_failures);
    return radx_test_failures ? 1 : 0;
}
#endif
