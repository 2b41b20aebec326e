/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray-level x size matrices and the features computed from them, shared by GLSZM (size = zone
 * size, host/features/glszm.c) and GLDM (size = dependence size dep + 1, host/features/gldm.c): PyRadiomics 3.0.1
 * writes these features identically for both classes (glszm.py, gldm.py).
 *
 * The matrix is kept sparse, with integer counts, holding only the (gray level, size) cells that
 * occur, which is what PyRadiomics' deletion of empty rows and columns leaves: memory stays
 * O(entries) where PyRadiomics allocates Ng x max size.  Rows are indices into the gray levels
 * present in the ROI, whose actual gray values (coefficients['grayLevels']) the features use;
 * columns are actual sizes (jvector).
 *
 * The matrix is built on the CPU (radx_szm_aggregate over the items of a class) or on the GPU
 * (kernels/cuda/neighbourhood_texture.cu); either way the features come from radx_szm_features, and both
 * builders give the same entries in the same order, so CPU and CUDA features are bit-identical. */
#ifndef RADX_SPARSE_TEXTURE_H
#define RADX_SPARSE_TEXTURE_H

#include <stdint.h>
#include "rules/size_matrix_features.h" /* radx_szm_feats, radx_szm_features_core */

#ifdef __cplusplus
extern "C" {
#endif

/* Sparse gray-level x size matrix with integer counts. */
typedef struct radx_szm_sparse {
    int64_t n;    /* entries */
    int32_t *gi;  /* index into the present gray levels, [0, ngp) */
    int64_t *j;   /* size (zone size, or dependence size dep + 1), [1, jmax] */
    int64_t *c;   /* count, > 0 */
    int64_t jmax; /* bound on the sizes: the extent of the size marginal */
    int64_t nz;   /* sum of the counts: Nz (zones for GLSZM, ROI voxels for GLDM) */
} radx_szm_sparse;

/* Largest ngp x (jmax + 1) histogram that radx_szm_aggregate (and the GPU builder) aggregate
 * densely, entries then in (gi, j) order. */
#define RADX_SZM_DENSE_MAX_CELLS ((int64_t)1 << 22)

/* 1 when a matrix of ngp gray levels and sizes up to jmax is aggregated densely: entries in
 * (gi, j) order.  Otherwise entries are by gi, then by first occurrence of j in the items. */
int radx_szm_dense(int ngp, int64_t jmax);

/* Allocates room for n entries (at least 1) in a zeroed s; 0, or -1 when out of memory (s then
 * holds nothing). */
int radx_szm_sparse_alloc(radx_szm_sparse *s, int64_t n);
void radx_szm_sparse_free(radx_szm_sparse *s); /* NULL-safe on a zeroed or freed s */

/* Aggregates the n items (gi[k], j[k]) (gi in [0, ngp), j in [1, jmax]), each one count, into
 * *out (distinct entries with counts, nz = n, jmax as given), in a deterministic order (see
 * radx_szm_dense).  Returns 0, or -1 when out of memory (*out is then empty). */
int radx_szm_aggregate(int64_t n, const int32_t *gi, const int64_t *j, int ngp, int64_t jmax, radx_szm_sparse *out);

/* Features of s: ivals[gi] are the gray values of the ngp present levels.  Returns 0, or -1
 * when out of memory. */
int radx_szm_features(const radx_szm_sparse *s, int ngp, const double *ivals, radx_szm_feats *f);

#ifdef __cplusplus
}
#endif
#endif
