/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's Gabor filter on the CPU (data/ibsi2/definitions.md): a 2-D complex kernel
 * (kernels/rules/gabor_rules.h) as large as the plane (2 floor(n / 2) + 1 per axis), convolved with
 * every slice of the plane by double-precision FFTs (host/cpu/fft_double.h) over the slice padded
 * by the kernel's radius with the boundary condition; the modulus, averaged over the orientations
 * and (three_planes) over the x-y, x-z and y-z planes.  The slice's spectrum is taken once for all
 * orientations.  Slices in parallel, each by one thread: the result does not depend on the thread
 * count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/fft.h"
#include "cpu/fft_double.h"
#include "cpu/gabor_filter.h"
#include "rules/gabor_rules.h"
#include "rules/log_transfer.h" /* radx_log_ext */

#define PI 3.14159265358979323846

/* One plane: its two axes (x = 0, y = 1, z = 2), the axis its slices run along, the padded size. */
typedef struct plane {
    int a0, a1, as;
    int64_t r[2], p[2]; /* kernel radius, FFT size per plane axis */
} plane;

/* The spectra of the kernel at every orientation (complex, p[0] x p[1] each), the kernel centred
 * at the origin of the periodic grid. */
static double *kernel_spectra(const plane *pl, const double sp[3], const radx_gabor_spec *s, int ntheta, radx_err *err)
{
    const int64_t np = pl->p[0] * pl->p[1];
    double *k = calloc((size_t)(2 * np * ntheta), sizeof *k);
    if (!k) return NULL;
    const int64_t n3[3] = {pl->p[0], pl->p[1], 1};
    for (int t = 0; t < ntheta; t++) {
        double *kt = k + 2 * np * t;
        const double theta = s->theta0 + t * s->dtheta;
        for (int64_t v = -pl->r[1]; v <= pl->r[1]; v++)
            for (int64_t u = -pl->r[0]; u <= pl->r[0]; u++) {
                const int64_t q = ((u + pl->p[0]) % pl->p[0]) + pl->p[0] * ((v + pl->p[1]) % pl->p[1]);
                radx_gabor_kernel(u * sp[pl->a0], v * sp[pl->a1], theta, s->sigma, s->lambda, s->gamma, &kt[2 * q],
                                  &kt[2 * q + 1]);
            }
        if (radx_fft3_double(kt, n3, 0, err)) {
            free(k);
            return NULL;
        }
    }
    return k;
}

/* The mean modulus over the orientations of slice c of plane pl, added (times w) into acc. */
static int filter_slice(const radx_volume *in, const plane *pl, const double *kspec, int ntheta, int bc, int64_t c,
                        double w, double *acc, double *buf, double *work)
{
    const int64_t *n = in->g.size, np = pl->p[0] * pl->p[1];
    const int64_t stride[3] = {1, n[0], n[0] * n[1]}, n3[3] = {pl->p[0], pl->p[1], 1};
    const int64_t base = c * stride[pl->as];
    for (int64_t j = 0; j < pl->p[1]; j++) /* the slice padded by the radius, the boundary extending it */
        for (int64_t i = 0; i < pl->p[0]; i++) {
            const int64_t e0 = radx_log_ext(i - pl->r[0], n[pl->a0], (radx_log_boundary)bc);
            const int64_t e1 = radx_log_ext(j - pl->r[1], n[pl->a1], (radx_log_boundary)bc);
            const int64_t q = i + pl->p[0] * j;
            const int inside = e0 >= 0 && e1 >= 0 && i < n[pl->a0] + 2 * pl->r[0] && j < n[pl->a1] + 2 * pl->r[1];
            buf[2 * q] = inside ? radx_volume_get(in, base + e0 * stride[pl->a0] + e1 * stride[pl->a1]) : 0.0;
            buf[2 * q + 1] = 0.0;
        }
    if (radx_fft3_double(buf, n3, 0, NULL)) return -1;
    for (int t = 0; t < ntheta; t++) {
        const double *kt = kspec + 2 * np * t;
        for (int64_t q = 0; q < np; q++) {
            const double a = buf[2 * q], b = buf[2 * q + 1], x = kt[2 * q], y = kt[2 * q + 1];
            work[2 * q] = (a * x - b * y) / (double)np;
            work[2 * q + 1] = (a * y + b * x) / (double)np;
        }
        if (radx_fft3_double(work, n3, 1, NULL)) return -1;
        for (int64_t j = 0; j < n[pl->a1]; j++)
            for (int64_t i = 0; i < n[pl->a0]; i++) {
                const int64_t q = (i + pl->r[0]) + pl->p[0] * (j + pl->r[1]);
                acc[base + i * stride[pl->a0] + j * stride[pl->a1]] += w * hypot(work[2 * q], work[2 * q + 1]) / ntheta;
            }
    }
    return 0;
}

radx_status radx_gabor_filter_into(const radx_volume *in, const radx_gabor_spec *s, float *out, radx_err *err)
{
    if (!in || !in->data || !s || !out) return radx_seterr(err, RADX_ERR_ARG, "Gabor filter: NULL argument");
    if (!(s->sigma > 0) || !(s->lambda > 0) || !(s->gamma > 0) || !(s->dtheta >= 0))
        return radx_seterr(err, RADX_ERR_PARAM,
                           "setting 'gaborSigma', 'gaborLambda', 'gaborGamma': %g, %g, %g must be > 0 (and "
                           "gaborAngleStep >= 0)",
                           s->sigma, s->lambda, s->gamma);
    const int ntheta = s->dtheta > 0 ? (int)ceil(2 * PI / s->dtheta - 1e-9) : 1;
    if (ntheta > 3600) return radx_seterr(err, RADX_ERR_PARAM, "setting 'gaborAngleStep': above 3600 orientations");
    const int64_t nvox = radx_geom_nvox(&in->g);
    double *acc = calloc((size_t)nvox, sizeof *acc);
    if (!acc) return radx_seterr(err, RADX_ERR_NOMEM, "Gabor filter: out of memory");
    static const int planes[3][3] = {{0, 1, 2}, {0, 2, 1}, {1, 2, 0}};
    const int nplane = s->three_planes && in->g.ndim == 3 ? 3 : 1;
    radx_status st = RADX_OK;
    for (int pi = 0; pi < nplane && !st; pi++) {
        plane pl = {planes[pi][0], planes[pi][1], planes[pi][2], {0, 0}, {0, 0}};
        const int ax[2] = {pl.a0, pl.a1};
        for (int a = 0; a < 2; a++) {
            pl.r[a] = in->g.size[ax[a]] / 2;
            pl.p[a] = radx_fft_good_size(in->g.size[ax[a]] + 2 * pl.r[a], 0);
        }
        double *kspec = kernel_spectra(&pl, in->g.spacing, s, ntheta, err);
        if (!kspec) {
            st = err && err->status ? err->status : radx_seterr(err, RADX_ERR_NOMEM, "Gabor filter: out of memory");
            break;
        }
        const int64_t np = pl.p[0] * pl.p[1];
        int fail = 0;
#pragma omp parallel reduction(| : fail)
        {
            double *buf = malloc((size_t)(2 * np) * sizeof *buf), *work = malloc((size_t)(2 * np) * sizeof *work);
            if (!buf || !work) fail = 1;
#pragma omp for schedule(dynamic, 1)
            for (int64_t c = 0; c < in->g.size[pl.as]; c++)
                if (!fail && filter_slice(in, &pl, kspec, ntheta, s->boundary, c, 1.0 / nplane, acc, buf, work))
                    fail = 1;
            free(buf);
            free(work);
        }
        free(kspec);
        if (fail) st = radx_seterr(err, RADX_ERR_NOMEM, "Gabor filter: out of memory");
    }
    for (int64_t i = 0; !st && i < nvox; i++) out[i] = (float)acc[i];
    free(acc);
    return st;
}
