/* SPDX-License-Identifier: BSD-3-Clause */
/* Sparse gray-level x size matrices and their features, shared by GLSZM and GLDM (see
 * sparse_texture.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/size_matrix.h"

void radx_szm_sparse_free(radx_szm_sparse *s)
{
    free(s->gi);
    free(s->j);
    free(s->c);
    memset(s, 0, sizeof *s);
}

int radx_szm_sparse_alloc(radx_szm_sparse *s, int64_t n)
{
    const size_t m = (size_t)(n > 0 ? n : 1);
    memset(s, 0, sizeof *s);
    s->gi = malloc(m * sizeof *s->gi);
    s->j = malloc(m * sizeof *s->j);
    s->c = malloc(m * sizeof *s->c);
    if (!s->gi || !s->j || !s->c) {
        radx_szm_sparse_free(s);
        return -1;
    }
    return 0;
}

int radx_szm_dense(int ngp, int64_t jmax) { return (int64_t)ngp * (jmax + 1) <= RADX_SZM_DENSE_MAX_CELLS; }

/* A small matrix (radx_szm_dense) is a dense histogram (entries in (gi, j) order); otherwise,
 * linear in n: items are bucketed by gi (counting sort), then counted per bucket with a scratch
 * array over j (entries by gi, then by first occurrence of j).  Either way the order is
 * deterministic. */
int radx_szm_aggregate(int64_t n, const int32_t *gi, const int64_t *j, int ngp, int64_t jmax, radx_szm_sparse *out)
{
    int64_t *start = NULL, *pos = NULL, *order = NULL, *cnt = NULL, *touched = NULL;
    int64_t k, e = 0;
    int g;
    memset(out, 0, sizeof *out);
    out->jmax = jmax;
    out->nz = n;
    if (radx_szm_dense(ngp, jmax)) {
        /* small matrix: dense histogram, entries in (gi, j) order */
        int64_t *h = calloc((size_t)ngp * (size_t)(jmax + 1), sizeof *h);
        int64_t nz = 0;
        if (!h) return -1;
        for (k = 0; k < n; k++)
            if (h[(int64_t)gi[k] * (jmax + 1) + j[k]]++ == 0) nz++;
        if (radx_szm_sparse_alloc(out, nz) < 0) {
            free(h);
            return -1;
        }
        out->jmax = jmax;
        out->nz = n;
        for (g = 0; g < ngp; g++) {
            int64_t jj;
            for (jj = 1; jj <= jmax; jj++) {
                const int64_t c = h[(int64_t)g * (jmax + 1) + jj];
                if (!c) continue;
                out->gi[e] = g;
                out->j[e] = jj;
                out->c[e] = c;
                e++;
            }
        }
        out->n = e;
        free(h);
        return 0;
    }
    start = calloc((size_t)ngp + 1, sizeof *start);
    pos = malloc(((size_t)ngp + 1) * sizeof *pos);
    order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    cnt = calloc((size_t)jmax + 1, sizeof *cnt);
    touched = malloc((size_t)(n > 0 ? n : 1) * sizeof *touched);
    if (!start || !pos || !order || !cnt || !touched || radx_szm_sparse_alloc(out, n) < 0) {
        free(start);
        free(pos);
        free(order);
        free(cnt);
        free(touched);
        radx_szm_sparse_free(out);
        return -1;
    }
    out->jmax = jmax;
    out->nz = n;
    for (k = 0; k < n; k++) start[gi[k] + 1]++;
    for (g = 0; g < ngp; g++) start[g + 1] += start[g];
    for (g = 0; g < ngp; g++) pos[g] = start[g];
    for (k = 0; k < n; k++) order[pos[gi[k]]++] = k;
    for (g = 0; g < ngp; g++) {
        int64_t nt = 0, t;
        for (k = start[g]; k < start[g + 1]; k++) {
            const int64_t jj = j[order[k]];
            if (cnt[jj]++ == 0) touched[nt++] = jj;
        }
        for (t = 0; t < nt; t++) {
            out->gi[e] = g;
            out->j[e] = touched[t];
            out->c[e] = cnt[touched[t]];
            cnt[touched[t]] = 0;
            e++;
        }
    }
    out->n = e;
    free(start);
    free(pos);
    free(order);
    free(cnt);
    free(touched);
    return 0;
}

int radx_szm_features(const radx_szm_sparse *s, int ngp, const double *ivals, radx_szm_feats *f)
{
    int64_t *pg = calloc((size_t)ngp, sizeof *pg), *ps = calloc((size_t)s->jmax + 1, sizeof *ps);
    memset(f, 0, sizeof *f);
    if (!pg || !ps) {
        free(pg);
        free(ps);
        return -1;
    }
    radx_szm_features_core(s->gi, s->j, s->c, s->n, ngp, s->jmax, s->nz, ivals, pg, ps, f);
    free(pg);
    free(ps);
    return 0;
}
