/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray Level Dependence Matrix features, reproducing PyRadiomics 3.0.1 (gldm.py and cmatrices.c
 * calculate_gldm).
 *
 * Per voxel (OpenMP over rows, written to a per-voxel array, so results do not depend on the
 * thread count): the number of dependent neighbours (kernels/rules/gldm_rules.h) over the angles of
 * the `distances` setting (bidirectional; host/features/texture_common.c).  The (gray level, dependence
 * size) pairs are then aggregated into a sparse matrix with integer counts, whose features GLDM
 * shares with GLSZM (host/features/size_matrix.c).  Gray levels absent from the ROI and
 * dependence sizes that never occur carry no entry (PyRadiomics deletes those rows/columns);
 * features use the actual gray values and dependence sizes dep + 1.  Nz = sum of P = number of
 * ROI voxels.  The deprecated features (DependencePercentage, GrayLevelNonUniformityNormalized)
 * raise DeprecationWarning in PyRadiomics, which then reports no value at all: radx writes NaN
 * in their slots.
 *
 * Three steps (host/features/texture_common.h), shared with the CUDA entry point (kernels/cuda/gldm.cu, which
 * counts the same matrix on the GPU): radx_gldm_setup, the matrix (radx_gldm_matrix here),
 * radx_gldm_from_matrix. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules/gldm_rules.h"
#include "rules/voxel_gldm.h" /* radx_gldm_out */
#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "features/size_matrix.h"
#include "features/texture_common.h"

radx_status radx_gldm_setup(const radx_texture_input *in, const radx_params *p, double *out, radx_tex_nbclass *s,
                            radx_err *err)
{
    int f2d = -1;
    radx_status st;
    memset(s, 0, sizeof *s);
    st = radx_tex_check_neighbourhood(in, p, "gldm", radx_gldm_nfeatures, 1, out, s->dims, &f2d, err);
    if (st != RADX_OK) return st;
    if (!(p->gldm_a >= 0.0) || p->gldm_a > 2147483647.0 || p->gldm_a != floor(p->gldm_a))
        return radx_seterr(err, RADX_ERR_PARAM, "gldm_a: %g is not an integer >= 0", p->gldm_a);
    s->alpha = (int)p->gldm_a;
    s->nvox = s->dims[0] * s->dims[1] * s->dims[2];

    /* gray levels present in the ROI */
    st = radx_tex_roi_levels(in, "gldm", &s->n_roi, &s->lut, &s->ivals, &s->ngp, err);
    if (st != RADX_OK) return st;
    st = radx_tex_nbhd_build(s->dims, p->distances, p->n_distances, f2d, "gldm", &s->nh, err);
    if (st != RADX_OK) radx_tex_nbclass_free(s);
    return st;
}

int64_t radx_gldm_jmax(const radx_tex_nbclass *s) { return (int64_t)s->nh.na + 1; }

radx_status radx_gldm_matrix_from_dep(const radx_texture_input *in, const radx_tex_nbclass *s, const int32_t *dep,
                                      radx_szm_sparse *m, radx_err *err)
{
    int32_t *item_gi = malloc((size_t)s->n_roi * sizeof *item_gi);
    int64_t *item_j = malloc((size_t)s->n_roi * sizeof *item_j);
    radx_status st = RADX_OK;
    int64_t v, n = 0;
    memset(m, 0, sizeof *m);
    if (!item_gi || !item_j) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld voxels)", (long long)s->nvox);
        goto done;
    }
    for (v = 0; v < s->nvox; v++) {
        if (!in->roi[v]) continue;
        item_gi[n] = s->lut[in->gl[v]];
        item_j[n] = radx_gldm_size_of(dep[v]); /* PyRadiomics' jvector: dependence size = dep + 1 */
        n++;
    }
    if (radx_szm_aggregate(n, item_gi, item_j, s->ngp, radx_gldm_jmax(s), m) < 0)
        st = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld ROI voxels)", (long long)s->n_roi);
done:
    free(item_gi);
    free(item_j);
    return st;
}

radx_status radx_gldm_matrix(const radx_texture_input *in, const radx_tex_nbclass *s, radx_szm_sparse *m, radx_err *err)
{
    int32_t *dep = malloc((size_t)s->nvox * sizeof *dep);
    radx_status st;
    memset(m, 0, sizeof *m);
    if (!dep) return radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld voxels)", (long long)s->nvox);
    /* dependent neighbours per voxel (in parallel; each voxel writes its own slot) */
    radx_tex_neighbour_pass(in, &s->nh, s->alpha, dep, NULL);
    st = radx_gldm_matrix_from_dep(in, s, dep, m, err);
    free(dep);
    return st;
}

radx_status radx_gldm_from_matrix(const radx_tex_nbclass *s, const radx_szm_sparse *m, double *out, radx_err *err)
{
    radx_szm_feats f;
    if (radx_szm_features(m, s->ngp, s->ivals, &f) < 0)
        return radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld ROI voxels)", (long long)s->n_roi);

    radx_gldm_out(&f, out); /* kernels/rules/voxel_gldm.h */
    return RADX_OK;
}

radx_status radx_gldm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    radx_tex_nbclass s;
    radx_szm_sparse m;
    radx_status st = radx_gldm_setup(in, p, out, &s, err);
    if (st != RADX_OK) return st;
    st = radx_gldm_matrix(in, &s, &m, err);
    if (st == RADX_OK) st = radx_gldm_from_matrix(&s, &m, out, err);
    radx_szm_sparse_free(&m);
    radx_tex_nbclass_free(&s);
    return st;
}
