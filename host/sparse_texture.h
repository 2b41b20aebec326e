/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray-level x size matrices and the features computed from them, shared by GLSZM (size = zone
 * size, host/glszm.c) and GLDM (size = dependence size dep + 1, host/gldm.c): PyRadiomics 3.0.1
 * writes these features identically for both classes (glszm.py, gldm.py).
 *
 * The matrix is kept sparse, with integer counts, holding only the (gray level, size) cells that
 * occur, which is what PyRadiomics' deletion of empty rows and columns leaves: memory stays
 * O(entries) where PyRadiomics allocates Ng x max size.  Rows are indices into the gray levels
 * present in the ROI, whose actual gray values (coefficients['grayLevels']) the features use;
 * columns are actual sizes (jvector). */
#ifndef RADX_SPARSE_TEXTURE_H
#define RADX_SPARSE_TEXTURE_H

#include <stdint.h>

/* The features GLSZM and GLDM share, with GLSZM's names for the size terms. */
typedef struct radx_szm_feats {
    double gln, glnn, glv, hgl, lgl;  /* gray level marginal: P(i) */
    double sn, snn, se, le, jvar;     /* size marginal: S/L = sum P(j) / j^2, P(j) j^2 */
    double lehg, lelg, sehg, selg;    /* joint: large/small x high/low gray level */
    double ent;
} radx_szm_feats;

/* Features of the matrix of n items (gi[k], j[k]) (gi in [0, ngp), j in [1, jmax]): each item
 * adds one count at (gray level index gi, size j).  ivals[gi] are the gray values of the ngp
 * present levels; Nz = n (zones for GLSZM, ROI voxels for GLDM).  The items are aggregated into
 * the sparse matrix in a deterministic order (host/sparse_texture.c), so the features do not
 * depend on the thread count.  Returns 0, or -1 when out of memory. */
int radx_szm_item_features(int64_t n, const int32_t *gi, const int64_t *j, int ngp, const double *ivals,
                           int64_t jmax, radx_szm_feats *f);

#endif
