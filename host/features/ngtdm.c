/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbouring Gray Tone Difference Matrix features, reproducing PyRadiomics 3.0.1 (ngtdm.py and
 * cmatrices.c calculate_ngtdm).
 *
 * Per voxel (OpenMP over rows, written to a per-voxel array): |gl - mean of the neighbours in
 * the ROI| over the angles of the `distances` setting (bidirectional), kernels/rules/ngtdm_rules.h.
 * The matrix (n_i, s_i) is then accumulated serially in C order, the order PyRadiomics uses, so
 * s_i is bit-identical to PyRadiomics' and independent of the thread count.  Voxels without a
 * neighbour in the ROI count in n_i with a difference of 0 (as PyRadiomics does), so
 * Nvp = number of ROI voxels.  Gray levels with n_i = 0 are dropped; the features use the
 * actual gray values.  Homogeneous cases follow PyRadiomics: Coarseness 1e6 when
 * sum(p_i s_i) = 0, Contrast 0 when Ngp = 1, Busyness 0 when sum |i p_i - j p_j| = 0,
 * Strength 0 when sum s_i = 0.
 *
 * Three steps (host/features/texture_common.h), shared with the CUDA entry point (kernels/cuda/ngtdm.cu, which
 * computes the per-voxel differences on the GPU and sums them here, with radx_ngtdm_accumulate,
 * in the same order): radx_ngtdm_setup, the matrix (radx_ngtdm_matrix here),
 * radx_ngtdm_from_matrix. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ngtdm_features.h"
#include "rules/narrow_rules.h"
#include "rules/ngtdm_rules.h"
#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "features/texture_common.h"

radx_status radx_ngtdm_setup(const radx_texture_input *in, const radx_params *p, double *out, radx_tex_nbclass *s,
                             radx_err *err)
{
    int f2d = -1;
    radx_status st;
    memset(s, 0, sizeof *s);
    st = radx_tex_check_neighbourhood(in, p, "ngtdm", radx_ngtdm_nfeatures, 1, out, s->dims, &f2d, err);
    if (st != RADX_OK) return st;
    s->nvox = s->dims[0] * s->dims[1] * s->dims[2];

    st = radx_tex_roi_levels(in, "ngtdm", &s->n_roi, NULL, NULL, NULL, err);
    if (st != RADX_OK) return st;
    st = radx_tex_nbhd_build(s->dims, p->distances, p->n_distances, f2d, "ngtdm", &s->nh, err);
    if (st != RADX_OK) radx_tex_nbclass_free(s);
    return st;
}

int radx_ngtdm_mat_alloc(radx_ngtdm_mat *m, int ng)
{
    m->ng = ng;
    m->ni = calloc((size_t)ng + 1, sizeof *m->ni);
    m->si = calloc((size_t)ng + 1, sizeof *m->si);
    if (!m->ni || !m->si) {
        radx_ngtdm_mat_free(m);
        return -1;
    }
    return 0;
}

void radx_ngtdm_mat_free(radx_ngtdm_mat *m)
{
    free(m->ni);
    free(m->si);
    memset(m, 0, sizeof *m);
}

void radx_ngtdm_accumulate(const radx_texture_input *in, const double *diff, int roi_only, radx_ngtdm_mat *m)
{
    const int64_t nvox = in->dims_zyx[0] * in->dims_zyx[1] * in->dims_zyx[2];
    int64_t v, k = 0;
    for (v = 0; v < nvox; v++) {
        if (!in->roi[v]) continue;
        m->ni[in->gl[v]]++;
        m->si[in->gl[v]] += diff[roi_only ? k : v];
        k++;
    }
}

void radx_ngtdm_accumulate_codes(const radx_texture_input *in, const void *codes, int w, int64_t na, radx_ngtdm_mat *m)
{
    const int64_t nvox = in->dims_zyx[0] * in->dims_zyx[1] * in->dims_zyx[2];
    int64_t v, k = 0;
    for (v = 0; v < nvox; v++) {
        if (!in->roi[v]) continue;
        int64_t count, sum;
        radx_ngtdm_uncode(na, radx_uint_get(codes, w, k++), &count, &sum);
        m->ni[in->gl[v]]++;
        m->si[in->gl[v]] += radx_ngtdm_absdiff(in->gl[v], count, sum);
    }
}

radx_status radx_ngtdm_matrix(const radx_texture_input *in, const radx_tex_nbclass *s, radx_ngtdm_mat *m, radx_err *err)
{
    double *diff = malloc((size_t)s->nvox * sizeof *diff);
    memset(m, 0, sizeof *m);
    if (!diff || radx_ngtdm_mat_alloc(m, in->ng) < 0) {
        free(diff);
        return radx_seterr(err, RADX_ERR_NOMEM, "ngtdm: out of memory (%lld voxels)", (long long)s->nvox);
    }
    /* per-voxel absolute gray tone difference (in parallel; each voxel writes its own slot) */
    radx_tex_neighbour_pass(in, &s->nh, 0, NULL, diff);
    /* accumulate in C order, as PyRadiomics does */
    radx_ngtdm_accumulate(in, diff, 0, m);
    free(diff);
    return RADX_OK;
}

radx_status radx_ngtdm_from_matrix(const radx_tex_nbclass *s, const radx_ngtdm_mat *m, double *out, radx_err *err)
{
    int ngp = 0, g;
    for (g = 1; g <= m->ng; g++)
        if (m->ni[g]) ngp++;
    double *pv = malloc((size_t)(ngp > 0 ? ngp : 1) * sizeof *pv);
    double *sv = malloc((size_t)(ngp > 0 ? ngp : 1) * sizeof *sv);
    double *iv = malloc((size_t)(ngp > 0 ? ngp : 1) * sizeof *iv);
    if (!pv || !sv || !iv) {
        free(pv);
        free(sv);
        free(iv);
        return radx_seterr(err, RADX_ERR_NOMEM, "ngtdm: out of memory (%d gray levels)", ngp);
    }
    radx_ngtdm_features_core(m->ni, m->si, m->ng, (double)s->n_roi, pv, sv, iv,
                             out); /* kernels/rules/ngtdm_features.h */
    free(pv);
    free(sv);
    free(iv);
    return RADX_OK;
}

radx_status radx_ngtdm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    radx_tex_nbclass s;
    radx_ngtdm_mat m;
    radx_status st = radx_ngtdm_setup(in, p, out, &s, err);
    if (st != RADX_OK) return st;
    st = radx_ngtdm_matrix(in, &s, &m, err);
    if (st == RADX_OK) st = radx_ngtdm_from_matrix(&s, &m, out, err);
    radx_ngtdm_mat_free(&m);
    radx_tex_nbclass_free(&s);
    return st;
}
