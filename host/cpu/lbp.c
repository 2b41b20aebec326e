/* SPDX-License-Identifier: BSD-3-Clause */
/* PyRadiomics' LBP2D and LBP3D image types on the CPU: the rules of kernels/rules/lbp2d_rules.h
 * and lbp3d_rules.h at every output voxel (LBP2D) or ROI voxel (LBP3D), in parallel; and scipy's
 * cubic spline prefilter, which LBP3D's samples read, on the window they read. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/lbp.h"

radx_status radx_lbp2d_into(const radx_lbp2d *l, const void *img, void *out, radx_err *err)
{
    if (!l || !img || !out) return radx_seterr(err, RADX_ERR_ARG, "lbp2d: NULL argument");
    const int64_t nx = l->out_dims[0], ny = l->out_dims[1], nz = l->out_dims[2];
#pragma omp parallel for schedule(static) collapse(2)
    for (int64_t k = 0; k < nz; k++)
        for (int64_t j = 0; j < ny; j++)
            for (int64_t i = 0; i < nx; i++)
                radx_numpy_cast_store(l->out_dtype, out, i + nx * (j + ny * k), radx_lbp2d_voxel(l, img, i, j, k));
    return RADX_OK;
}

radx_status radx_lbp3d_into(const radx_lbp3d *t, const double *coef, const void *img, const int64_t *roi, int64_t n,
                            double *out, radx_err *err)
{
    if (!t || !coef || !img || (n && !roi) || !out) return radx_seterr(err, RADX_ERR_ARG, "lbp3d: NULL argument");
    const int64_t nout = t->out_dims[0] * t->out_dims[1] * t->out_dims[2], nimg = t->levels + 1;
    memset(out, 0, sizeof *out * (size_t)(nout * nimg));
    int failed = 0;
#pragma omp parallel
    {
        double *work = malloc(sizeof *work * (size_t)(radx_lbp3d_work(t) + nimg)), *vals = work + radx_lbp3d_work(t);
        if (!work) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 64)
        for (int64_t r = 0; r < n; r++) {
            if (!work) continue;
            int64_t pos[3];
            radx_lbp3d_position(t, roi[r], pos);
            const int64_t at = pos[2] + t->img_dims[0] * (pos[1] + t->img_dims[1] * pos[0]);
            radx_lbp3d_voxel(t, coef, pos, radx_value_at(t->dtype, img, at), work, vals);
            for (int64_t i = 0; i < nimg; i++) out[i * nout + roi[r]] = vals[i];
        }
        free(work);
    }
    return failed ? radx_seterr(err, RADX_ERR_NOMEM, "lbp3d: out of memory for its work space") : RADX_OK;
}

/* ---- scipy's cubic spline prefilter ---- */

/* The pole of the cubic B-spline filter, as scipy writes it (ni_splines.c get_filter_poles). */
#define SPLINE3_POLE (-0.267949192431122706472553658494127633)

/* scipy's apply_filter for order 3 on one line of n > 1 values, in place: the gain, then the
 * causal and anticausal passes with their mirror initialisations.  zn1: pow(pole, n - 1). */
static void spline3_line(double *c, int64_t n, double zn1)
{
    const double z = SPLINE3_POLE;
    double gain = 1.0;
    gain *= (1.0 - z) * (1.0 - 1.0 / z);
    for (int64_t i = 0; i < n; i++) c[i] *= gain;
    double zi = z;
    c[0] = c[0] + zn1 * c[n - 1];
    for (int64_t i = 1; i < n - 1; i++) {
        c[0] += zi * (c[i] + zn1 * c[n - 1 - i]);
        zi *= z;
    }
    c[0] /= 1 - zn1 * zn1;
    for (int64_t i = 1; i < n; i++) c[i] += z * c[i - 1];
    c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1);
    for (int64_t i = n - 2; i >= 0; i--) c[i] = z * (c[i + 1] - c[i]);
}

/* Filters line (n values) when it has more than one, as NI_SplineFilter1D does. */
static void spline3_filter(double *line, int64_t n)
{
    if (n > 1) spline3_line(line, n, pow(SPLINE3_POLE, (double)(n - 1)));
}

/* Along z then y for image column x: rows[(z - at_z) * ny_w + (y - at_y)] for the window's y and z
 * (rows: the window's y-z plane of this column).  zline: nz doubles, yplane: ny * dz doubles. */
static void spline3_column(const radx_volume *img, int64_t x, const int64_t at[3], const int64_t dims[3], double *zline,
                           double *yplane, double *rows)
{
    const int64_t nx = img->g.size[0], ny = img->g.size[1], nz = img->g.size[2];
    for (int64_t y = 0; y < ny; y++) {
        for (int64_t z = 0; z < nz; z++) zline[z] = radx_value_at(img->dtype, img->data, x + nx * (y + ny * z));
        spline3_filter(zline, nz);
        for (int64_t z = 0; z < dims[2]; z++) yplane[z * ny + y] = zline[at[2] + z];
    }
    for (int64_t z = 0; z < dims[2]; z++) {
        double *yline = yplane + z * ny;
        spline3_filter(yline, ny);
        for (int64_t y = 0; y < dims[1]; y++) rows[z * dims[1] + y] = yline[at[1] + y];
    }
}

radx_status radx_spline3_window(const radx_volume *img, const int64_t at[3], const int64_t dims[3], double *out,
                                radx_err *err)
{
    if (!img || !img->data || !out) return radx_seterr(err, RADX_ERR_ARG, "spline3_window: NULL argument");
    const int64_t nx = img->g.size[0], ny = img->g.size[1], nz = img->g.size[2], nrow = dims[1] * dims[2];
    double *cols = malloc(sizeof *cols * (size_t)(nrow * nx)); /* [x][z][y]: after the z and y passes */
    if (!cols) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for LBP3D's spline coefficients");
    int failed = 0;
#pragma omp parallel
    {
        double *zline = malloc(sizeof *zline * (size_t)nz), *yplane = malloc(sizeof *yplane * (size_t)(ny * dims[2]));
        if (!zline || !yplane) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t x = 0; x < nx; x++)
            if (zline && yplane) spline3_column(img, x, at, dims, zline, yplane, cols + x * nrow);
        free(zline);
        free(yplane);
    }
    if (failed) {
        free(cols);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for LBP3D's spline coefficients");
    }
#pragma omp parallel
    {
        double *line = malloc(sizeof *line * (size_t)nx);
        if (!line) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t r = 0; r < nrow; r++) { /* r = z * dims[1] + y: one x-line */
            if (!line) continue;
            for (int64_t x = 0; x < nx; x++) line[x] = cols[x * nrow + r];
            spline3_filter(line, nx);
            memcpy(out + r * dims[0], line + at[0], sizeof *out * (size_t)dims[0]);
        }
        free(line);
    }
    free(cols);
    return failed ? radx_seterr(err, RADX_ERR_NOMEM, "out of memory for LBP3D's spline coefficients") : RADX_OK;
}
