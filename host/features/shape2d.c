/* SPDX-License-Identifier: BSD-3-Clause */
/* 2-D shape features, PyRadiomics 3.0.1 radiomics/shape2D.py + cshape.c
 * calculate_coefficients2D.
 *
 * The ROI bounding box must be one voxel thick along the out-of-plane numpy axis (force2D
 * dimension); the remaining two axes, in numpy order, form the 2-D mask, which is padded with
 * one background pixel on every side (numpy.pad(pad_width=1)).  Marching squares gives the
 * signed mesh surface and the perimeter (summed in raster order, as cshape.c does), the
 * maximum diameter over the crossed-edge midpoints (exact hull reduction, host/features/shape.c), and
 * the PCA axes come from the 2 x 2 covariance of the physical pixel coordinates.
 *
 * When does PyRadiomics compute shape2D?  featureextractor.computeShape (3.0.1), for a 3-D
 * mask, with force2D=True:
 *
 *     elif not (boundingBox[1::2] - boundingBox[0::2] + 1)[force2Ddimension] > 1:
 *         logger.warning('Size in specified 2D dimension (%i) is greater than 1, ...')
 *     else:
 *         compute('shape2D')
 *
 * boundingBox comes from sitk.LabelStatisticsImageFilter, i.e. in ITK axis order (x, y, z),
 * while force2Ddimension is a numpy axis (0 = z).  So the test actually made is "the ROI's
 * extent along ITK axis force2Ddimension (numpy axis 2 - force2Ddimension) is more than one
 * voxel" -- not what the message says, and inverted with respect to it.  If it passes,
 * RadiomicsShape2D itself raises ValueError when the mask is more than one voxel thick along
 * numpy axis force2Ddimension, and the exception aborts the whole extraction of that case.
 * Observed with PyRadiomics 3.0.1 (3-D mask, force2D=True):
 *     force2Ddimension 0: one z-slice ROI -> computed; one x-column ROI -> skipped (warning);
 *                         thicker than one slice in z but x extent > 1 -> ValueError.
 *     force2Ddimension 1: one y-row ROI -> skipped; any other ROI -> ValueError.  (Never
 *                         computed on 3-D input.)
 *     force2Ddimension 2: one x-column ROI with z extent > 1 -> computed; one z-slice ROI ->
 *                         skipped; otherwise ValueError.
 * For a 2-D mask (Nd == 2) shape2D is always computed and force2D is ignored; for a 3-D mask
 * without force2D it is skipped with a warning.
 *
 * radx_shape2d_extractor_gate() reproduces that decision for the pipeline (1: call
 * radx_shape2d_compute, which returns RADX_ERR_ROI exactly where PyRadiomics raises; 0: skip
 * with a warning).  radx_shape2d_compute itself always computes the 2-D features of the ROI
 * reduced along the force2D dimension (numpy axis force2d_dimension when p->force2d is set,
 * axis 0 otherwise, which is how a 2-D image arrives: dims_zyx = (1, ny, nx)).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "core/error.h"
#include "params/params.h"
#include "features/features.h"
#include "rules/marching_cubes.h"

#define RADX_SHAPE2D_PI 3.141592653589793238462643383279502884

/* PyRadiomics' decision (see the comment at the top).  ndim: dimension of the mask image as
 * stored (2 or 3); bbox_dims_zyx: ROI bounding-box size in numpy order (z, y, x).
 * Returns 1 when shape2D is to be computed (radx_shape2d_compute may still fail with
 * RADX_ERR_ROI, as PyRadiomics raises), 0 when PyRadiomics skips it with a warning. */
int radx_shape2d_extractor_gate(int ndim, const radx_params *p, const int64_t bbox_dims_zyx[3])
{
    if (ndim == 2) return 1;
    if (ndim != 3 || !p->force2d) return 0;
    if (p->force2d_dimension < 0 || p->force2d_dimension > 2) return 1; /* compute() reports it */
    /* the bounding box is indexed in ITK order (x, y, z) with a numpy axis number */
    return bbox_dims_zyx[2 - p->force2d_dimension] > 1;
}

radx_status radx_shape2d_compute(const radx_shape_input *in, const radx_params *p, double *out, radx_err *err)
{
    int dim = 0, ax[2], k;
    int64_t na, nb, PA, PB, iy, ix, np = 0, nv = 0, cap;
    double sp2[2], sp3[3], S = 0, Per = 0, diam[4], cov[3][3], c2[3][3], w[3];
    uint8_t *m = NULL;
    int32_t *vtx = NULL;
    radx_status st;

    st = radx_shape_check_input(in, "shape2D", err);
    if (st != RADX_OK) return st;
    for (k = 0; k < radx_shape2d_nfeatures; k++) out[k] = NAN;
    if (p && p->force2d) {
        dim = p->force2d_dimension;
        if (dim < 0 || dim > 2)
            return radx_seterr(err, RADX_ERR_PARAM, "shape2D: force2Ddimension %d is not 0, 1 or 2", dim);
    }
    if (in->dims_zyx[dim] > 1) {
        if (p && p->force2d)
            return radx_seterr(err, RADX_ERR_ROI,
                               "shape2D: ROI spans %lld voxels along numpy axis %d (force2Ddimension), "
                               "2-D shape needs a single slice",
                               (long long)in->dims_zyx[dim], dim);
        return radx_seterr(err, RADX_ERR_ROI,
                           "shape2D: ROI spans %lld slices and force2D is off; shape2D needs a 2-D mask "
                           "or force2D with a single-slice ROI",
                           (long long)in->dims_zyx[0]);
    }
    for (k = 0, iy = 0; iy < 3; iy++)
        if (iy != dim) ax[k++] = (int)iy;
    na = in->dims_zyx[ax[0]];
    nb = in->dims_zyx[ax[1]];
    sp2[0] = in->spacing_zyx[ax[0]];
    sp2[1] = in->spacing_zyx[ax[1]];
    PA = na + 2;
    PB = nb + 2;

    /* the 2-D mask: a C-order slice of the (single-slice) box, padded */
    m = (uint8_t *)calloc((size_t)(PA * PB), 1);
    if (!m) goto nomem;
    for (iy = 0; iy < na; iy++)
        for (ix = 0; ix < nb; ix++) {
            int64_t c[3] = {0, 0, 0}, src;
            c[ax[0]] = iy;
            c[ax[1]] = ix;
            src = (c[0] * in->dims_zyx[1] + c[1]) * in->dims_zyx[2] + c[2];
            m[(iy + 1) * PB + ix + 1] = in->roi[src] != 0;
            np += in->roi[src] != 0;
        }
    if (np == 0) {
        free(m);
        return radx_seterr(err, RADX_ERR_ROI, "shape2D: ROI is empty");
    }

    /* marching squares, cshape.c order; at most 2 vertices per square */
    cap = 2 * (PA - 1) * (PB - 1);
    vtx = (int32_t *)malloc(sizeof(int32_t) * 3 * (size_t)cap);
    if (!vtx) goto nomem;
    for (iy = 0; iy < PA - 1; iy++)
        for (ix = 0; ix < PB - 1; ix++) {
            int t, idx = radx_ms_square_index(m + iy * PB + ix, PB), nvs;
            int32_t v2[4];
            if (idx == 0 || idx == 0xf) continue;
            for (t = 0; radx_ms_line_edge(idx, t, 0) >= 0; t++) {
                double cr, len;
                radx_ms_segment(iy, ix, idx, t, sp2, &cr, &len);
                S += cr;
                Per += len;
            }
            nvs = radx_ms_square_vertices(idx, iy, ix, v2);
            for (t = 0; t < nvs; t++, nv++) {
                vtx[3 * nv] = 0;
                vtx[3 * nv + 1] = v2[2 * t];
                vtx[3 * nv + 2] = v2[2 * t + 1];
            }
        }
    S = S / 2;
    free(m);
    m = NULL;

    {
        int64_t ext[3];
        ext[0] = 1;
        ext[1] = 2 * (PA - 1) + 1;
        ext[2] = 2 * (PB - 1) + 1;
        sp3[0] = 1.0;
        sp3[1] = sp2[0];
        sp3[2] = sp2[1];
        st = radx_shape_diameters(vtx, nv, ext, sp3, 1, 0, diam, err);
    }
    free(vtx);
    vtx = NULL;
    if (st != RADX_OK) return st;

    {
        int64_t npc;
        st = radx_shape_covariance(in->roi, in->dims_zyx, in->spacing_zyx, cov, &npc, err);
        if (st != RADX_OK) return st;
        c2[0][0] = cov[ax[0]][ax[0]];
        c2[0][1] = cov[ax[0]][ax[1]];
        c2[1][0] = cov[ax[1]][ax[0]];
        c2[1][1] = cov[ax[1]][ax[1]];
        radx_shape_eigvals(2, c2, w);
    }

    {
        const double pi = RADX_SHAPE2D_PI;
        double sph = (2 * sqrt(pi * S)) / Per;                     /* shape2D.py */
        out[0] = (w[0] < 0 || w[1] < 0) ? NAN : sqrt(w[0] / w[1]); /* Elongation */
        out[1] = w[1] < 0 ? NAN : sqrt(w[1]) * 4;                  /* MajorAxisLength */
        out[2] = diam[3];                                          /* MaximumDiameter */
        out[3] = S;                                                /* MeshSurface */
        out[4] = w[0] < 0 ? NAN : sqrt(w[0]) * 4;                  /* MinorAxisLength */
        out[5] = Per;                                              /* Perimeter */
        out[6] = Per / S;                                          /* PerimeterSurfaceRatio */
        out[7] = (double)np * (sp2[1] * sp2[0]);                   /* PixelSurface: Np * (x * y) */
        out[8] = 1.0 / sph;                                        /* SphericalDisproportion */
        out[9] = sph;                                              /* Sphericity */
    }
    return RADX_OK;

nomem:
    free(m);
    free(vtx);
    return radx_seterr(err, RADX_ERR_NOMEM, "shape2D: out of memory for a %lld x %lld slice", (long long)na,
                       (long long)nb);
}
