/* SPDX-License-Identifier: BSD-3-Clause */
/* First-order features (PyRadiomics 3.0.1 firstorder.py semantics). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "rules/firstorder_rules.h"
#include "core/error.h"
#include "params/params.h"
#include "features/features.h"

/* Sorts n finite doubles ascending: insertion sort for a few values (voxel-map kernels; the
 * device's rule), else an LSD radix sort on the order-preserving 64-bit keys (-0.0 before +0.0,
 * as the CUDA backend's radix sort orders them) (8 passes of 8 bits, skipping a pass whose digit is the same for
 * every key): O(n), where qsort was the largest cost of first order on large ROIs.  Returns -1
 * when out of memory. */
static inline uint64_t sort_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}

static inline double key_value(uint64_t k)
{
    const uint64_t u = (k >> 63) ? (k & 0x7fffffffffffffffull) : ~k;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

int radx_firstorder_sort(double *s, int64_t n)
{
    if (n < 64) {
        radx_fo_insertion_sort(s, n);
        return 0;
    }
    uint64_t *a = malloc(sizeof *a * (size_t)n), *b = malloc(sizeof *b * (size_t)n);
    if (!a || !b) {
        free(a);
        free(b);
        return -1;
    }
    size_t cnt[8][256];
    memset(cnt, 0, sizeof cnt);
    for (int64_t i = 0; i < n; i++) {
        const uint64_t k = sort_key(s[i]);
        a[i] = k;
        for (int d = 0; d < 8; d++) cnt[d][(k >> (8 * d)) & 0xff]++;
    }
    for (int d = 0; d < 8; d++) {
        size_t *c = cnt[d], sum = 0;
        if (c[(a[0] >> (8 * d)) & 0xff] == (size_t)n) continue; /* one digit value: nothing moves */
        for (int v = 0; v < 256; v++) {
            const size_t t = c[v];
            c[v] = sum;
            sum += t;
        }
        for (int64_t i = 0; i < n; i++) b[c[(a[i] >> (8 * d)) & 0xff]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (int64_t i = 0; i < n; i++) s[i] = key_value(a[i]);
    free(a);
    free(b);
    return 0;
}

int radx_firstorder_merge_runs(const double *src, const int64_t *bounds, int k, double *dst)
{
    int64_t *head = malloc(sizeof *head * (size_t)(k > 0 ? k : 1));
    if (!head) return -1;
    for (int r = 0; r < k; r++) head[r] = bounds[r];
    for (int64_t o = 0; o < bounds[k] - bounds[0]; o++) {
        int best = -1;
        uint64_t bk = 0;
        for (int r = 0; r < k; r++) { /* k is small (the chunks of one sort): a scan of the heads */
            if (head[r] >= bounds[r + 1]) continue;
            const uint64_t key = sort_key(src[head[r]]);
            if (best < 0 || key < bk) {
                best = r;
                bk = key;
            }
        }
        dst[o] = src[head[best]++];
    }
    free(head);
    return 0;
}

radx_status radx_firstorder_compute(const double *x, const int32_t *gl, int64_t n, int ng, double voxel_volume,
                                    const radx_params *p, double *out, radx_err *err)
{
    if (n <= 0) return radx_seterr(err, RADX_ERR_ROI, "first order: empty ROI");
    double *s = malloc(sizeof *s * (size_t)n);
    int64_t *hist = calloc((size_t)ng + 1, sizeof *hist);
    if (!s || !hist) {
        free(s);
        free(hist);
        return radx_seterr(err, RADX_ERR_NOMEM, "first order: out of memory for %lld voxels", (long long)n);
    }
    memcpy(s, x, sizeof *s * (size_t)n);
    if (radx_firstorder_sort(s, n) != 0) {
        free(s);
        free(hist);
        return radx_seterr(err, RADX_ERR_NOMEM, "first order: out of memory for %lld voxels", (long long)n);
    }
    for (int64_t i = 0; i < n; i++) hist[gl[i]]++;
    radx_status st = radx_firstorder_from_sorted(s, n, hist, ng, voxel_volume, p, out, err);
    free(s);
    free(hist);
    return st;
}

/* Every sum runs over the sorted values (compensated, so the order hardly matters; sorted so
 * that the CUDA backend, which sorts on the device, gets the same bits), and the robust range
 * p10 <= x <= p90 is a contiguous run of them. */
radx_status radx_firstorder_from_sorted(const double *s, int64_t n, const int64_t *hist, int ng, double voxel_volume,
                                        const radx_params *p, double *out, radx_err *err)
{
    if (n <= 0) return radx_seterr(err, RADX_ERR_ROI, "first order: empty ROI");
    int64_t *counts = malloc(sizeof *counts * ((size_t)ng + 1)), m = 0;
    if (!counts) return radx_seterr(err, RADX_ERR_NOMEM, "first order: out of memory for %d levels", ng);
    for (int g = 0; g <= ng; g++)
        if (hist[g]) counts[m++] = hist[g];
    radx_fo_features(s, n, counts, m, p->voxel_array_shift, p->ibsi_kurtosis_excess, voxel_volume, out);
    free(counts);
    return RADX_OK;
}
