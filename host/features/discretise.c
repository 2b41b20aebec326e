/* SPDX-License-Identifier: BSD-3-Clause */
/* Host side of discretisation: PyRadiomics' bin edges, reproduced operation by operation. */
#include <math.h>
#include <stdlib.h>
#include "features/discretise.h"
#include "rules/bin_index.h"

/* Python's float modulo (sign of the divisor), as numpy.remainder computes it. */
static double py_mod(double a, double b)
{
    double m = fmod(a, b);
    if (m != 0.0 && ((m < 0) != (b < 0))) m += b;
    return m;
}

radx_status radx_bin_edges(const double *x, int64_t n, const radx_params *p, int values_f32, double **edges,
                           int *nedges, radx_err *err)
{
    double mn = n > 0 ? x[0] : 0.0, mx = mn;
    for (int64_t i = 1; i < n; i++) {
        if (x[i] < mn) mn = x[i];
        if (x[i] > mx) mx = x[i];
    }
    return radx_bin_edges_range(mn, mx, n, p, values_f32, edges, nedges, err);
}

/* IBSI-1's discretisation as edges (the bin of x is the number of edges <= x): fixed bin number
 * floor(Ng (x - min) / (max - min)) + 1, the maximum in bin Ng, edges min + k (max - min) / Ng
 * (product first, so an edge that is an integer is exact); fixed bin size floor((x - origin) / w) + 1
 * from the re-segmentation range's lower bound (absolute mode), else the ROI's minimum. */
static radx_status ibsi_edges(double mn, double mx, const radx_params *p, double **edges, int *nedges, radx_err *err)
{
    int len;
    double origin = mn, step = 0.0;
    if (p->has_bin_count) {
        len = mx > mn ? p->bin_count : 1;
    } else {
        step = p->bin_width;
        if (!(step > 0) || !isfinite(step))
            return radx_seterr(err, RADX_ERR_PARAM, "setting 'binWidth': value %g must be > 0", step);
        if (p->n_reseg_range > 0 && p->reseg_mode == RADX_RESEG_ABSOLUTE) {
            const double lo = p->n_reseg_range > 1 ? fmin(p->reseg_range[0], p->reseg_range[1]) : p->reseg_range[0];
            origin = fmin(lo, mn);
        }
        const double len_d = floor((mx - origin) / step) + 1.0;
        if (!(len_d >= 1) || len_d > RADX_MAX_BINS)
            return radx_seterr(err, RADX_ERR_PARAM,
                               "setting 'binWidth': value %g gives %.0f bins from %g to the ROI maximum %g (limit %d)",
                               step, len_d, origin, mx, RADX_MAX_BINS);
        len = (int)len_d;
    }
    double *e = malloc(sizeof *e * (size_t)len);
    if (!e) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for %d bin edges", len);
    for (int k = 0; k < len; k++) e[k] = p->has_bin_count ? mn + ((double)k * (mx - mn)) / len : origin + k * step;
    *edges = e;
    *nedges = len;
    return RADX_OK;
}

radx_status radx_bin_edges_range(double mn, double mx, int64_t n, const radx_params *p, int values_f32, double **edges,
                                 int *nedges, radx_err *err)
{
    *edges = NULL;
    *nedges = 0;
    if (n <= 0) return radx_seterr(err, RADX_ERR_ROI, "no voxels to discretise");
    if (p->ibsi_discretisation) return ibsi_edges(mn, mx, p, edges, nedges, err);
    if (p->has_bin_count) {
        /* numpy.histogram(values, binCount)[1]; then edges[-1] += 1 */
        int nb = p->bin_count;
        if (nb < 1) return radx_seterr(err, RADX_ERR_PARAM, "setting 'binCount': value %d must be >= 1", nb);
        if (nb > RADX_MAX_BINS)
            return radx_seterr(err, RADX_ERR_PARAM, "setting 'binCount': value %d is above the limit of %d bins", nb,
                               RADX_MAX_BINS);
        double first = mn, last = mx;
        if (first == last) {
            first -= 0.5;
            last += 0.5;
        }
        double *e = malloc(sizeof *e * (size_t)(nb + 1));
        if (!e) return radx_seterr(err, RADX_ERR_NOMEM, "setting 'binCount': out of memory for %d bin edges", nb + 1);
        /* numpy.linspace(first, last, nb + 1): y = arange(num) * step + start; y[-1] = stop */
        double delta = last - first, step = delta / nb;
        for (int i = 0; i <= nb; i++) {
            double y = (step == 0.0) ? ((double)i / nb) * delta : (double)i * step;
            e[i] = y + first;
        }
        e[nb] = last;
        if (values_f32) /* bin dtype is float32 for a float32 image */
            for (int i = 0; i <= nb; i++) e[i] = (double)(float)e[i];
        e[nb] = values_f32 ? (double)((float)e[nb] + 1.0f) : e[nb] + 1.0;
        *edges = e;
        *nedges = nb + 1;
        return RADX_OK;
    }
    double bw = p->bin_width;
    if (!(bw > 0) || !isfinite(bw))
        return radx_seterr(err, RADX_ERR_PARAM, "setting 'binWidth': value %g must be > 0", bw);
    /* lowBound = min - min % bw; highBound = max + 2 bw; numpy.arange(low, high, bw) */
    double low = mn - py_mod(mn, bw);
    double high = mx + 2.0 * bw;
    double len_d = ceil((high - low) / bw);
    if (!(len_d >= 1) || len_d > RADX_MAX_BINS)
        return radx_seterr(err, RADX_ERR_PARAM,
                           "setting 'binWidth': value %g gives %.0f bins over the ROI range [%g, %g] "
                           "(limit %d)",
                           bw, len_d, mn, mx, RADX_MAX_BINS);
    int len = (int)len_d;
    if (len == 1) { /* flat region: PyRadiomics simulates histogram's single bin */
        double *e = malloc(2 * sizeof *e);
        if (!e) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for bin edges");
        e[0] = low - 0.5;
        e[1] = low + 0.5;
        *edges = e;
        *nedges = 2;
        return RADX_OK;
    }
    double *e = malloc(sizeof *e * (size_t)len);
    if (!e) return radx_seterr(err, RADX_ERR_NOMEM, "setting 'binWidth': out of memory for %d bin edges", len);
    /* numpy's DOUBLE_fill: e[0] = start, e[1] = start + step, e[i] = start + i * (e[1] - e[0]) */
    e[0] = low;
    e[1] = low + bw;
    double d = e[1] - e[0];
    for (int i = 2; i < len; i++) e[i] = low + (double)i * d;
    *edges = e;
    *nedges = len;
    return RADX_OK;
}

int radx_discretise(const double *x, int64_t n, const double *edges, int nedges, int32_t *gl)
{
    int ng = 0;
    for (int64_t i = 0; i < n; i++) {
        int b = radx_bin_index(edges, nedges, x[i]);
        gl[i] = b;
        if (b > ng) ng = b;
    }
    return ng;
}
