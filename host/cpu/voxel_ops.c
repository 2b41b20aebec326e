/* SPDX-License-Identifier: BSD-3-Clause */
/* The CPU backend's per-voxel ops (voxel_firstorder, voxel_texture; host/backend/backend.h): the
 * features of the kernel around every ROI voxel of a voxel map's region A.
 *
 * Kernels of at most RADX_VFO_MAX voxels run the per-voxel rules the CUDA kernels run too
 * (kernels/rules/voxel_*.h); larger ones run the segment functions (radx_<class>_compute) on the
 * kernel box.  For GLCM the box then gets one isolated "phantom" ROI voxel that gives the matrix
 * the ROI's level set, which PyRadiomics' voxel mode uses (host/pipeline/voxelmap.c explains it).
 *
 * Threads: OpenMP over the ROI voxels; each voxel is computed by one thread with the class
 * functions single-threaded inside, so nothing depends on the thread count.  On failure the
 * error of the smallest voxel index is reported, with its position on the working grid. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cpu/backend_cpu.h"
#include "rules/voxel_glcm.h"
#include "rules/voxel_gldm.h"
#include "rules/voxel_glrlm.h"
#include "rules/voxel_glszm.h"
#include "rules/voxel_ngtdm.h"
#include "rules/voxel_rules.h"
#include "features/features.h"

#define MAX_OUT 64 /* feature slots of one voxel: more than any class's table */

/* The region as the rules read it (host pointers). */
typedef struct region {
    const radx_voxel_region *a;
    const uint8_t *mk;
    const int32_t *gl;
    const int64_t *aidx;
    int r, f2d_xyz;
} region;

static region region_of(const radx_voxel_region *a, const radx_params *q)
{
    region g;
    g.a = a;
    g.mk = radx_cpu_ptr(a->mk);
    g.gl = radx_cpu_ptr(a->gl);
    g.aidx = radx_cpu_ptr(a->aidx);
    g.r = q->kernel_radius;
    g.f2d_xyz = q->force2d ? 2 - q->force2d_dimension : -1;
    return g;
}

/* The first failure, by voxel index. */
typedef struct first_error {
    int64_t v; /* -1: none */
    radx_err e;
} first_error;

static void note_error(first_error *f, int64_t v, radx_status st, const radx_err *e)
{
#ifdef _OPENMP
#pragma omp critical(radx_voxel_op_err)
#endif
    {
        if (f->v < 0 || v < f->v) {
            f->v = v;
            f->e = *e;
            if (f->e.status == RADX_OK) f->e.status = st;
        }
    }
}

/* "<image>: <class> voxel map at voxel (x, y, z): <message>" for the first failure. */
static radx_status report(const region *g, radx_class c, const first_error *f, int nomem, radx_err *err)
{
    const radx_voxel_region *a = g->a;
    if (nomem) return radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory");
    if (f->v < 0) return RADX_OK;
    const int64_t ai = g->aidx[f->v];
    return radx_seterr(err, f->e.status, "%s: %s voxel map at voxel (%lld, %lld, %lld): %s", a->name,
                       radx_class_name(c), (long long)(a->lo[0] + ai % a->dim[0]),
                       (long long)(a->lo[1] + (ai / a->dim[0]) % a->dim[1]),
                       (long long)(a->lo[2] + ai / (a->dim[0] * a->dim[1])), f->e.msg);
}

static int class_size(radx_class c)
{
    const radx_feature_info *tab;
    int nf;
    radx_class_table(c, &tab, &nf);
    return nf;
}

static void store(double *out, int64_t v, int nf, const double *w)
{
    memcpy(out + (size_t)v * (size_t)nf, w, sizeof *w * (size_t)nf);
}

/* ---- first order ---- */

/* The kernel's values and levels (its mk voxels, C order) into x, xgl; their number. */
static int64_t kernel_values(const region *g, const double *val, const int32_t *glfo, int64_t ai, double *x,
                             int32_t *xgl)
{
    const int64_t *dim = g->a->dim;
    int64_t k0[3], k1[3], n = 0;
    radx_vm_kernel_box(dim, g->r, g->f2d_xyz, ai, k0, k1);
    for (int64_t z = k0[2]; z <= k1[2]; z++)
        for (int64_t y = k0[1]; y <= k1[1]; y++)
            for (int64_t xx = k0[0]; xx <= k1[0]; xx++) {
                const int64_t i = xx + dim[0] * (y + dim[1] * z);
                if (!g->mk[i]) continue;
                x[n] = val[i];
                xgl[n++] = glfo[i];
            }
    return n;
}

radx_status radx_cpu_voxel_firstorder(void *ctx, const radx_voxel_region *a, const radx_voxel_values *v,
                                      const radx_params *q, radx_buf *outb, radx_err *err)
{
    (void)ctx;
    const region g = region_of(a, q);
    const double *val = radx_cpu_ptr(v->val);
    const int32_t *glfo = radx_cpu_ptr(v->gl);
    double *out = radx_cpu_ptr(outb);
    const int nf = class_size(RADX_CLASS_FIRSTORDER);
    const int64_t kvox = radx_vm_kernel_max(a->dim, g.r, g.f2d_xyz);
    const int rule = kvox <= RADX_VFO_MAX; /* the per-voxel rule the CUDA kernel runs too */
    first_error first = {-1, {RADX_OK, "", ""}};
    int nomem = 0;
#ifdef _OPENMP
#pragma omp parallel reduction(| : nomem)
#endif
    {
#ifdef _OPENMP
        omp_set_num_threads(1); /* the class functions' own parallel regions: one thread each */
#endif
        double *x = malloc(sizeof *x * (size_t)kvox);
        int32_t *xgl = malloc(sizeof *xgl * (size_t)kvox);
        int64_t *cnt = malloc(sizeof *cnt * (size_t)kvox);
        const int ok = x && xgl && cnt;
        if (!ok) nomem = 1;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 8)
#endif
        for (int64_t i = 0; i < a->nroi; i++) {
            if (!ok) continue;
            double w[MAX_OUT];
            for (int k = 0; k < MAX_OUT; k++) w[k] = NAN;
            if (rule) {
                radx_vfo_voxel(a->dim, g.mk, val, glfo, g.aidx[i], g.r, g.f2d_xyz, q->voxel_array_shift,
                               q->ibsi_kurtosis_excess, a->voxel_volume, x, xgl, cnt, w);
            } else {
                radx_err e = {RADX_OK, "", ""};
                const int64_t n = kernel_values(&g, val, glfo, g.aidx[i], x, xgl);
                const radx_status st = radx_firstorder_compute(x, xgl, n, v->ng, a->voxel_volume, q, w, &e);
                if (st) {
                    note_error(&first, i, st, &e);
                    continue;
                }
            }
            store(out, i, nf, w);
        }
        free(x);
        free(xgl);
        free(cnt);
    }
    return report(&g, RADX_CLASS_FIRSTORDER, &first, nomem, err);
}

/* ---- texture classes ---- */

/* The rules' description of A, for this backend and the CUDA one (host/cpu/backend_cpu.h). */
void radx_voxel_rule_inputs(const radx_voxel_region *a, const radx_params *q, const uint8_t *mk, const int32_t *gl,
                            const uint8_t *present, int nlev, radx_vglcm_in *g, radx_vgldm_in *d)
{
    int dmax = 0;
    for (int i = 0; i < q->n_distances; i++)
        if (q->distances[i] > dmax) dmax = q->distances[i];
    memset(g, 0, sizeof *g);
    memset(d, 0, sizeof *d);
    memcpy(g->dim, a->dim, sizeof g->dim);
    memcpy(d->dim, a->dim, sizeof d->dim);
    g->mk = d->mk = mk;
    g->gl = d->gl = gl;
    g->ng = d->ng = a->ng;
    g->r = d->r = q->kernel_radius;
    g->f2d_xyz = d->f2d_xyz = q->force2d ? 2 - q->force2d_dimension : -1;
    g->force2d_dim = d->force2d_dim = q->force2d ? q->force2d_dimension : -1;
    g->distances = d->distances = q->distances;
    g->ndist = d->ndist = q->n_distances;
    g->dmax = d->dmax = dmax;
    g->norm = d->norm = (int)q->weighting_norm;
    memcpy(g->spacing_zyx, a->spacing_zyx, sizeof g->spacing_zyx);
    memcpy(d->spacing_zyx, a->spacing_zyx, sizeof d->spacing_zyx);
    g->present = present;
    g->nlev = nlev;
    g->sym = q->symmetrical_glcm ? 1 : 0;
    d->alpha = (int)q->gldm_a;
}

/* One thread's scratch. */
typedef struct tex_ws {
    void *rule_mem; /* the rule's workspace */
    radx_vglcm_ws gw;
    radx_vgldm_ws dw;
    radx_vngtdm_ws nw;
    radx_vglszm_ws zw;
    radx_vglrlm_ws rw;
    int32_t *kgl; /* segment path: the kernel box's levels (plus the phantom column) */
    uint8_t *kroi;
    uint32_t *stamp; /* ng + 1 */
    uint32_t gen;
} tex_ws;

static size_t rule_ws_size(radx_class c, int64_t kvox, int ng, int dmax, int r)
{
    switch (c) {
    case RADX_CLASS_GLCM: return radx_vglcm_ws_size(kvox, ng);
    case RADX_CLASS_GLDM: return radx_vgldm_ws_size(kvox, ng, dmax);
    case RADX_CLASS_NGTDM: return radx_vngtdm_ws_size(kvox, ng, dmax);
    case RADX_CLASS_GLSZM: return radx_vglszm_ws_size(kvox, ng);
    default: return radx_vglrlm_ws_size(kvox, ng, 2 * (int64_t)r + 1);
    }
}

static void rule_ws_carve(radx_class c, tex_ws *w, int64_t kvox, int ng, int dmax, int r)
{
    switch (c) {
    case RADX_CLASS_GLCM: radx_vglcm_ws_carve(w->rule_mem, kvox, ng, &w->gw); break;
    case RADX_CLASS_GLDM: radx_vgldm_ws_carve(w->rule_mem, kvox, ng, dmax, &w->dw); break;
    case RADX_CLASS_NGTDM: radx_vngtdm_ws_carve(w->rule_mem, kvox, ng, dmax, &w->nw); break;
    case RADX_CLASS_GLSZM: radx_vglszm_ws_carve(w->rule_mem, kvox, ng, &w->zw); break;
    default: radx_vglrlm_ws_carve(w->rule_mem, kvox, ng, 2 * (int64_t)r + 1, &w->rw); break;
    }
}

/* The class's rule at A voxel ai into w; non-zero when it has more neighbour offsets than it holds. */
static int run_rule(radx_class c, const radx_vglcm_in *gin, const radx_vgldm_in *din, int64_t ai, tex_ws *w,
                    double *out)
{
    switch (c) {
    case RADX_CLASS_GLCM: return radx_vglcm_voxel(gin, ai, &w->gw, out);
    case RADX_CLASS_GLDM: return radx_vgldm_voxel(din, ai, &w->dw, out);
    case RADX_CLASS_NGTDM: return radx_vngtdm_voxel(din, ai, &w->nw, out);
    case RADX_CLASS_GLSZM: return radx_vglszm_voxel(din, ai, &w->zw, out);
    default: return radx_vglrlm_voxel(din, ai, &w->rw, out);
    }
}

/* The segment path's texture input: the kernel box (numpy order, x fastest) plus extra_x zeroed
 * columns along x, where the caller may place the GLCM phantom. */
static void fill_box(const region *g, const int64_t k0[3], const int64_t k1[3], int64_t extra_x, tex_ws *w,
                     radx_texture_input *tin)
{
    const radx_voxel_region *a = g->a;
    const int64_t kx = k1[0] - k0[0] + 1, ky = k1[1] - k0[1] + 1, kz = k1[2] - k0[2] + 1, bx = kx + extra_x;
    int64_t n = 0;
    for (int64_t z = 0; z < kz; z++)
        for (int64_t y = 0; y < ky; y++) {
            const int64_t src = k0[0] + a->dim[0] * ((k0[1] + y) + a->dim[1] * (k0[2] + z));
            int32_t *dg = w->kgl + bx * (y + ky * z);
            uint8_t *dr = w->kroi + bx * (y + ky * z);
            for (int64_t x = 0; x < kx; x++) {
                const uint8_t m = g->mk[src + x];
                dr[x] = m;
                dg[x] = m ? g->gl[src + x] : 0;
                n += m;
            }
            for (int64_t x = kx; x < bx; x++) {
                dr[x] = 0;
                dg[x] = 0;
            }
        }
    tin->dims_zyx[0] = kz;
    tin->dims_zyx[1] = ky;
    tin->dims_zyx[2] = bx;
    memcpy(tin->spacing_zyx, a->spacing_zyx, sizeof tin->spacing_zyx);
    tin->gl = w->kgl;
    tin->roi = w->kroi;
    tin->ng = a->ng;
    tin->n_roi = n;
}

/* The GLCM phantom: the ROI's largest level if the kernel lacks it, else a ROI level the kernel
 * lacks (if any), at x = kx + dmax of the box's first row, isolated from every kernel voxel. */
static void add_phantom(const region *g, const uint8_t *present, int nlev, int64_t kx, int dmax, tex_ws *w,
                        radx_texture_input *tin)
{
    const int ng = g->a->ng;
    const int64_t nb = tin->dims_zyx[0] * tin->dims_zyx[1] * tin->dims_zyx[2];
    if (++w->gen == 0) {
        memset(w->stamp, 0, ((size_t)ng + 1) * sizeof *w->stamp);
        w->gen = 1;
    }
    int nk = 0;
    for (int64_t i = 0; i < nb; i++)
        if (w->kroi[i] && w->stamp[w->kgl[i]] != w->gen) {
            w->stamp[w->kgl[i]] = w->gen;
            nk++;
        }
    int ph = 0;
    if (w->stamp[ng] != w->gen)
        ph = ng;
    else if (nk < nlev)
        for (int l = 1; l <= ng && !ph; l++)
            if (present[l] && w->stamp[l] != w->gen) ph = l;
    if (ph) {
        w->kroi[kx + dmax] = 1;
        w->kgl[kx + dmax] = ph;
        tin->n_roi++;
    }
}

static void tex_ws_free(tex_ws *w)
{
    free(w->rule_mem);
    free(w->kgl);
    free(w->kroi);
    free(w->stamp);
}

radx_status radx_cpu_voxel_texture(void *ctx, radx_class c, const radx_voxel_region *a, radx_buf *presentb,
                                   const radx_params *q, radx_buf *outb, radx_err *err)
{
    (void)ctx;
    if (c < RADX_CLASS_GLCM || c > RADX_CLASS_NGTDM)
        return radx_seterr(err, RADX_ERR_INTERNAL, "voxel map: not a texture class: %d", (int)c);
    const region g = region_of(a, q);
    const uint8_t *present = radx_cpu_ptr(presentb);
    double *out = radx_cpu_ptr(outb);
    const int nf = class_size(c);
    int nlev = 0;
    if (present)
        for (int l = 1; l <= a->ng; l++) nlev += present[l] != 0;
    radx_vglcm_in gin;
    radx_vgldm_in din;
    radx_voxel_rule_inputs(a, q, g.mk, g.gl, present, nlev, &gin, &din);
    const int dmax = gin.dmax;
    const int64_t kvox = radx_vm_kernel_max(a->dim, g.r, g.f2d_xyz);
    const int rule = kvox <= RADX_VFO_MAX; /* kernels/rules/voxel_*.h, as the CUDA kernels */
    /* the segment path's box: 2r+1 per axis, at most A's size (plus the GLCM phantom column) */
    const int64_t extra_x = c == RADX_CLASS_GLCM ? (int64_t)dmax + 1 : 0;
    int64_t kmax[3];
    for (int k = 0; k < 3; k++) kmax[k] = 2 * (int64_t)g.r + 1 < a->dim[k] ? 2 * (int64_t)g.r + 1 : a->dim[k];
    const size_t boxcap = (size_t)((kmax[0] + extra_x) * kmax[1] * kmax[2]);
    first_error first = {-1, {RADX_OK, "", ""}};
    int nomem = 0;
#ifdef _OPENMP
#pragma omp parallel reduction(| : nomem)
#endif
    {
#ifdef _OPENMP
        omp_set_num_threads(1); /* the class functions' own parallel regions: one thread each */
#endif
        tex_ws w;
        memset(&w, 0, sizeof w);
        int ok;
        if (rule) {
            w.rule_mem = calloc(1, rule_ws_size(c, kvox, a->ng, dmax, g.r));
            if (w.rule_mem) rule_ws_carve(c, &w, kvox, a->ng, dmax, g.r);
            ok = w.rule_mem != NULL;
        } else {
            w.kgl = malloc(boxcap * sizeof *w.kgl);
            w.kroi = malloc(boxcap);
            w.stamp = calloc((size_t)a->ng + 1, sizeof *w.stamp);
            ok = w.kgl && w.kroi && w.stamp;
        }
        if (!ok) nomem = 1;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 8)
#endif
        for (int64_t i = 0; i < a->nroi; i++) {
            if (!ok) continue;
            radx_err e = {RADX_OK, "", ""};
            radx_status st = RADX_OK;
            double wout[MAX_OUT];
            for (int k = 0; k < MAX_OUT; k++) wout[k] = NAN;
            if (rule) {
                if (run_rule(c, &gin, &din, g.aidx[i], &w, wout) != 0)
                    st = radx_seterr(&e, RADX_ERR_PARAM, "%s: distances: more neighbour offsets than supported",
                                     radx_class_name(c));
            } else {
                int64_t k0[3], k1[3];
                radx_texture_input tin;
                tin.morph = NULL;
                radx_vm_kernel_box(a->dim, g.r, g.f2d_xyz, g.aidx[i], k0, k1);
                fill_box(&g, k0, k1, extra_x, &w, &tin);
                if (c == RADX_CLASS_GLCM) add_phantom(&g, present, nlev, k1[0] - k0[0] + 1, dmax, &w, &tin);
                st = radx_texture_compute(c, &tin, q, wout, &e);
            }
            if (st) {
                note_error(&first, i, st, &e);
                continue;
            }
            store(out, i, nf, wout);
        }
        tex_ws_free(&w);
    }
    return report(&g, c, &first, nomem, err);
}
