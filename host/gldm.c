/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray Level Dependence Matrix features, reproducing PyRadiomics 3.0.1 (gldm.py and cmatrices.c
 * calculate_gldm).
 *
 * Per voxel (OpenMP over rows, written to a per-voxel array, so results do not depend on the
 * thread count): the number of dependent neighbours (kernels/gldm_rules.h) over the angles of
 * the `distances` setting (bidirectional; host/texture_common.c).  The (gray level, dependence
 * size) pairs are then aggregated into a sparse matrix with integer counts, whose features GLDM
 * shares with GLSZM (host/sparse_texture.c).  Gray levels absent from the ROI and
 * dependence sizes that never occur carry no entry (PyRadiomics deletes those rows/columns);
 * features use the actual gray values and dependence sizes dep + 1.  Nz = sum of P = number of
 * ROI voxels.  The deprecated features (DependencePercentage, GrayLevelNonUniformityNormalized)
 * raise DeprecationWarning in PyRadiomics, which then reports no value at all: radx writes NaN
 * in their slots. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gldm_rules.h"
#include "radx_internal.h"
#include "sparse_texture.h"
#include "texture_common.h"

radx_status radx_gldm_compute(const radx_texture_input *in, const radx_params *p, double *out, radx_err *err)
{
    int64_t dims[3], nvox, v, n_roi = 0;
    int32_t *lut = NULL, *dep = NULL, *item_gi = NULL;
    int64_t *item_j = NULL;
    double *ivals = NULL;
    radx_tex_nbhd nh;
    int ngp = 0, f2d = -1, alpha;
    radx_status st = RADX_OK;
    radx_szm_feats f;

    memset(&nh, 0, sizeof nh);
    st = radx_tex_check_neighbourhood(in, p, "gldm", radx_gldm_nfeatures, 1, out, dims, &f2d, err);
    if (st != RADX_OK) return st;
    if (!(p->gldm_a >= 0.0) || p->gldm_a > 2147483647.0 || p->gldm_a != floor(p->gldm_a))
        return radx_seterr(err, RADX_ERR_PARAM, "gldm_a: %g is not an integer >= 0", p->gldm_a);
    alpha = (int)p->gldm_a;
    nvox = dims[0] * dims[1] * dims[2];

    /* gray levels present in the ROI */
    st = radx_tex_roi_levels(in, "gldm", &n_roi, &lut, &ivals, &ngp, err);
    if (st != RADX_OK) return st;
    st = radx_tex_nbhd_build(dims, p->distances, p->n_distances, f2d, "gldm", &nh, err);
    if (st != RADX_OK) goto done;

    dep = malloc((size_t)nvox * sizeof *dep);
    item_gi = malloc((size_t)n_roi * sizeof *item_gi);
    item_j = malloc((size_t)n_roi * sizeof *item_j);
    if (!dep || !item_gi || !item_j) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld voxels)", (long long)nvox);
        goto done;
    }

    /* dependent neighbours per voxel (in parallel; each voxel writes its own slot) */
    radx_tex_neighbour_pass(in, &nh, alpha, dep, NULL);
    {
        int64_t n = 0;
        for (v = 0; v < nvox; v++) {
            if (!in->roi[v]) continue;
            item_gi[n] = lut[in->gl[v]];
            item_j[n] = (int64_t)dep[v] + 1; /* PyRadiomics' jvector: dependence size = dep + 1 */
            n++;
        }
    }
    free(dep); dep = NULL;

    if (radx_szm_item_features(n_roi, item_gi, item_j, ngp, ivals, (int64_t)nh.na + 1, &f) < 0) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld ROI voxels)", (long long)n_roi);
        goto done;
    }

    /* order of radx_gldm_features (host/feature_tables.c) */
    out[0] = f.ent;   /* DependenceEntropy */
    out[1] = f.sn;    /* DependenceNonUniformity */
    out[2] = f.snn;   /* DependenceNonUniformityNormalized */
    out[3] = NAN;     /* DependencePercentage: deprecated, PyRadiomics reports no value */
    out[4] = f.jvar;  /* DependenceVariance */
    out[5] = f.gln;   /* GrayLevelNonUniformity */
    out[6] = NAN;     /* GrayLevelNonUniformityNormalized: deprecated, PyRadiomics reports no value */
    out[7] = f.glv;   /* GrayLevelVariance */
    out[8] = f.hgl;   /* HighGrayLevelEmphasis */
    out[9] = f.le;    /* LargeDependenceEmphasis */
    out[10] = f.lehg; /* LargeDependenceHighGrayLevelEmphasis */
    out[11] = f.lelg; /* LargeDependenceLowGrayLevelEmphasis */
    out[12] = f.lgl;  /* LowGrayLevelEmphasis */
    out[13] = f.se;   /* SmallDependenceEmphasis */
    out[14] = f.sehg; /* SmallDependenceHighGrayLevelEmphasis */
    out[15] = f.selg; /* SmallDependenceLowGrayLevelEmphasis */

done:
    radx_tex_nbhd_free(&nh);
    free(dep);
    free(item_gi);
    free(item_j);
    free(ivals);
    free(lut);
    return st;
}
