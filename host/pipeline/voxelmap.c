/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel-based feature maps: PyRadiomics 3.0.1's voxel-based extraction
 * (featureextractor.execute(..., voxelBased=True), base.py _initVoxelBasedCalculation /
 * _calculateVoxels, firstorder.py's kernel offsets, cmatrices.c's kernel bounding box set_bb),
 * computed by running the segment feature functions (radx_glcm_compute, ...) on each kernel.
 *
 * What PyRadiomics does, and how radx reproduces it:
 *
 *  1. The case is prepared as in segment mode (host/pipeline/pipeline.h: read, normalise, resample or
 *     preCrop, correctMask, ROI checks, resegmentation); shape is not computed.  Per image type,
 *     the (filtered) image is cropped to the ROI bounding box padded by kernelRadius (clipped to
 *     the image): the array "A" below.
 *  2. Discretisation once per image type over the whole ROI (maskedKernel true) or over all of
 *     A (maskedKernel false), so every kernel shares PyRadiomics' Ng and gray-level set.  (For a
 *     float32 image with binCount, firstorder bins a float64 copy, the other classes the float32
 *     image: two edge sets, as PyRadiomics.)
 *  3. For every ROI voxel c (numpy.where order), the kernel is the box c +- kernelRadius clipped
 *     to A (size 1 along force2Ddimension under force2D), and the voxels taking part are those of
 *     the ROI (maskedKernel) or all of the box.  Matrices only count voxel pairs / runs / zones /
 *     neighbourhoods inside that box, so each class's value equals the segment computation on the
 *     box with those voxels as the ROI -- with these differences, handled exactly:
 *       - GLCM rows/columns are PyRadiomics' ROI-wide gray levels, not the kernel's: Ng (IDMN,
 *         IDN) is the ROI's largest level, and MCC's Q has zero rows for ROI levels the kernel
 *         lacks (its second largest eigenvalue then includes 0; with a single kernel level MCC
 *         is 0, not the "flat region" 1).  One isolated "phantom" ROI voxel with the ROI's
 *         largest level (or, when the kernel has it, another ROI level the kernel lacks) is added
 *         to the box, far enough from the kernel (distances + 1 along x) to pair with nothing,
 *         which gives radx_glcm_compute exactly that level set and adds only empty angles.
 *       - GLCM empty angles: PyRadiomics deletes an angle only when it is empty for every voxel
 *         of the batch (voxelBatch; -1 = all ROI voxels); for a voxel where a kept angle is empty
 *         the angle's matrix is NaN.  The nanmean features ignore it (= the segment result);
 *         JointAverage (a plain mean) is NaN for that voxel; MCC's numpy.linalg.eigvals raises
 *         on the NaN matrix, which makes PyRadiomics drop MCC for the whole batch (its voxels
 *         keep initValue).  The same holds for a voxel whose weighted matrix is empty.
 *       - the other classes (first order, GLRLM, GLSZM, GLDM, NGTDM) only weight present gray
 *         levels and drop empty angles through nanmean, so the segment result is theirs.
 *  4. Maps: initValue everywhere, the voxel's value at each ROI voxel (NaN where PyRadiomics
 *     computes NaN).  PyRadiomics returns them on A's grid; radx on the whole working grid (the
 *     input image's unless resampled / preCropped), the same world positions.
 *
 * Deliberate differences: features whose getter raises DeprecationWarning (GLCM Dissimilarity,
 * Homogeneity1/2, SumVariance, ...), when named in a parameter file, get no map (PyRadiomics
 * returns an initValue-only image for them); first order on a 2-D image is computed (PyRadiomics
 * 3.0.1 raises there: firstorder.py appends a 3-D centre offset to 2-D kernel offsets).
 *
 * Threads: OpenMP over the ROI voxels; each voxel's values are computed by one thread with the
 * class functions running single-threaded inside, so nothing depends on the thread count. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "rules/angles.h"
#include "pipeline/discretise.h"
#include "params/params.h"
#include "pipeline/pipeline.h"
#include "rules/voxel_glcm.h"
#include "rules/voxel_gldm.h"
#include "rules/voxel_ngtdm.h"
#include "rules/voxel_glszm.h"
#include "rules/voxel_glrlm.h"
#include "rules/voxel_rules.h"
#include "pipeline/voxelmap.h"

int radx_voxelmap_select(const radx_params *p, radx_class c, int *sel)
{
    if (c == RADX_CLASS_SHAPE || c == RADX_CLASS_SHAPE2D || c < 0 || c >= RADX_CLASS_COUNT) return 0;
    const radx_class_sel *s = &p->cls[c];
    if (!s->enabled) return 0;
    const radx_feature_info *tab;
    int nf, n = 0;
    radx_class_table(c, &tab, &nf);
    if (s->all || s->n == 0) {
        for (int i = 0; i < nf; i++)
            if (!tab[i].deprecated) sel[n++] = i;
        return n;
    }
    /* named features in file order, duplicates once; getters that raise (deprecated == 2) are
     * not reported (PyRadiomics' voxel mode would return an initValue-only image for them) */
    for (int k = 0; k < s->n; k++) {
        int dup = 0;
        for (int j = 0; j < k; j++) dup |= strcmp(s->names[j], s->names[k]) == 0;
        if (dup) continue;
        for (int i = 0; i < nf; i++)
            if (strcmp(tab[i].name, s->names[k]) == 0 && tab[i].deprecated != 2) sel[n++] = i;
    }
    return n;
}


static int table_index(radx_class c, const char *name)
{
    const radx_feature_info *tab;
    int nf;
    radx_class_table(c, &tab, &nf);
    for (int i = 0; i < nf; i++)
        if (strcmp(tab[i].name, name) == 0) return i;
    return -1;
}

static int popcount64(uint64_t x)
{
    int n = 0;
    while (x) { x &= x - 1; n++; }
    return n;
}

/* ---- one image type ------------------------------------------------------------------------ */

typedef struct vm_image {
    const radx_params *q;     /* this image type's settings */
    const char *prefix;
    int r;                    /* kernelRadius */
    int f2d_xyz;              /* force2D axis in x y z order, -1 without force2D */
    int64_t lo[3], dim[3];    /* A: first voxel on the grid and size, x y z */
    uint8_t *mk;              /* A: voxel takes part in kernels (ROI, or all of A when unmasked) */
    int32_t *gl;              /* A: gray level (0 outside mk) */
    int32_t *gl_fo;           /* A: first order's gray levels (== gl unless binCount on float32) */
    double *val;              /* A: values */
    int ng, ng_fo;            /* largest gray level (PyRadiomics' Ng) */
    uint8_t *present;         /* ng + 1: level present in mk */
    int nlev;                 /* levels present */
    int64_t nroi;
    int64_t *aidx;            /* ROI voxels as indices into A, ascending */
    double spacing_zyx[3];
    double voxel_volume;
} vm_image;

typedef struct vm_run {
    const radx_params *p;
    const radx_backend_ops *ops;  /* the plan's backend (per-voxel ops where it has them) */
    void *bctx;
    const radx_case *cs;
    const radx_vmap_sink *sink;
    const uint8_t *lab;
    const radx_roi_box *box;
    const char *ipath;
    int64_t nroi;
    int64_t *vox;             /* ROI voxels' flat grid indices */
} vm_run;

/* Per-thread scratch. */
typedef struct vm_ws {
    int32_t *kgl;             /* kernel box gray levels (plus the phantom column) */
    uint8_t *kroi;            /* kernel box membership */
    double *x;                /* first order: values */
    int32_t *xgl;             /* first order: levels */
    int64_t *cnt;             /* first order: level counts */
    uint32_t *stamp;          /* ng + 1 */
    uint32_t gen;
    double out[64];
} vm_ws;

/* Kernel box of ROI voxel at A index ai (kernels/rules/voxel_rules.h, the GPU kernels' rule too). */
static void kernel_box(const vm_image *im, int64_t ai, int64_t k0[3], int64_t k1[3])
{
    radx_vm_kernel_box(im->dim, im->r, im->f2d_xyz, ai, k0, k1);
}

/* Fills the texture input for the kernel box (numpy order, x fastest).  extra_x: columns appended
 * along x (zeroed; the caller may place a phantom voxel there). */
static void fill_box(const vm_image *im, const int64_t k0[3], const int64_t k1[3], int64_t extra_x, vm_ws *w,
                     radx_texture_input *tin)
{
    const int64_t kx = k1[0] - k0[0] + 1, ky = k1[1] - k0[1] + 1, kz = k1[2] - k0[2] + 1, bx = kx + extra_x;
    int64_t n = 0;
    for (int64_t z = 0; z < kz; z++)
        for (int64_t y = 0; y < ky; y++) {
            const int64_t src = k0[0] + im->dim[0] * ((k0[1] + y) + im->dim[1] * (k0[2] + z));
            int32_t *dg = w->kgl + bx * (y + ky * z);
            uint8_t *dr = w->kroi + bx * (y + ky * z);
            for (int64_t x = 0; x < kx; x++) {
                const uint8_t m = im->mk[src + x];
                dr[x] = m;
                dg[x] = m ? im->gl[src + x] : 0;
                n += m;
            }
            for (int64_t x = kx; x < bx; x++) { dr[x] = 0; dg[x] = 0; }
        }
    tin->dims_zyx[0] = kz;
    tin->dims_zyx[1] = ky;
    tin->dims_zyx[2] = bx;
    tin->spacing_zyx[0] = im->spacing_zyx[0];
    tin->spacing_zyx[1] = im->spacing_zyx[1];
    tin->spacing_zyx[2] = im->spacing_zyx[2];
    tin->gl = w->kgl;
    tin->roi = w->kroi;
    tin->ng = im->ng;
    tin->n_roi = n;
}

/* GLCM: bit a of bits = angle a (of A's angle list) has at least one pair inside the kernel. */
static void glcm_nonempty(const vm_image *im, const int64_t k0[3], const int64_t k1[3], const int *ang, int na,
                          uint64_t *bits)
{
    const int64_t dx0 = im->dim[0], dxy = im->dim[0] * im->dim[1];
    for (int w = 0; w < (na + 63) / 64; w++) bits[w] = 0;
    for (int a = 0; a < na; a++) {
        const int dz = ang[3 * a], dy = ang[3 * a + 1], dx = ang[3 * a + 2];
        int found = 0;
        for (int64_t z = k0[2]; z <= k1[2] && !found; z++) {
            if (z + dz < k0[2] || z + dz > k1[2]) continue;
            for (int64_t y = k0[1]; y <= k1[1] && !found; y++) {
                if (y + dy < k0[1] || y + dy > k1[1]) continue;
                for (int64_t x = k0[0]; x <= k1[0]; x++) {
                    if (x + dx < k0[0] || x + dx > k1[0]) continue;
                    const int64_t i = x + dx0 * y + dxy * z;
                    if (im->mk[i] && im->mk[i + dx + dx0 * dy + dxy * dz]) { found = 1; break; }
                }
            }
        }
        if (found) bits[a / 64] |= (uint64_t)1 << (a % 64);
    }
}

typedef struct vm_err {
    int64_t v;                /* voxel of the first error (smallest index), -1 for none */
    radx_err e;
} vm_err;

/* Values of the selected features of class c for every ROI voxel into vals (nsel x nroi). */
static radx_status compute_class(const vm_run *run, const vm_image *im, radx_class c, const int *sel, int nsel,
                                 double *vals, radx_err *err)
{
    const radx_params *q = im->q;
    const int64_t nroi = im->nroi;
    const int r = im->r;
    if (c == RADX_CLASS_FIRSTORDER && run->ops && run->ops->voxel_firstorder) {
        /* the backend's per-voxel path (CUDA); it declines (RADX_ERR_UNSUPPORTED, or no room on the
         * device: RADX_ERR_NOMEM) and the loop below runs instead */
        radx_vfo_input in;
        double *fo = malloc(sizeof *fo * (size_t)(nroi > 0 ? nroi : 1) * RADX_FO_N);
        if (!fo) return radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory for %lld voxels", (long long)nroi);
        memcpy(in.dim, im->dim, sizeof in.dim);
        in.mk = im->mk;
        in.val = im->val;
        in.gl = im->gl_fo;
        in.aidx = im->aidx;
        in.nroi = nroi;
        in.r = r;
        in.f2d_xyz = im->f2d_xyz;
        in.voxel_volume = im->voxel_volume;
        in.shift = q->voxel_array_shift;
        in.excess = q->ibsi_kurtosis_excess;
        radx_err e = {RADX_OK, ""};
        const radx_status st = run->ops->voxel_firstorder(run->bctx, &in, fo, &e);
        if (st == RADX_OK) {
            for (int64_t v = 0; v < nroi; v++)
                for (int k = 0; k < nsel; k++)
                    vals[(size_t)k * (size_t)nroi + (size_t)v] = fo[(size_t)v * RADX_FO_N + (size_t)sel[k]];
            free(fo);
            return RADX_OK;
        }
        free(fo);
        if (st != RADX_ERR_UNSUPPORTED && st != RADX_ERR_NOMEM) {
            *err = e;
            return st;
        }
    }
    int dmax = 0;
    for (int i = 0; i < q->n_distances; i++)
        if (q->distances[i] > dmax) dmax = q->distances[i];
    const int is_glcm = c == RADX_CLASS_GLCM;
    const int64_t extra_x = is_glcm ? (int64_t)dmax + 1 : 0;
    /* the largest kernel box: 2r+1 per axis, at most A's size (plus the phantom column) */
    int64_t kmax[3];
    for (int a = 0; a < 3; a++) kmax[a] = 2 * (int64_t)r + 1 < im->dim[a] ? 2 * (int64_t)r + 1 : im->dim[a];
    const size_t boxcap = (size_t)((kmax[0] + extra_x) * kmax[1] * kmax[2]);
    /* first order: kernels up to RADX_VFO_MAX voxels by the shared per-voxel rule, larger ones by
     * the segment function (radix sort) */
    const int64_t kvox = radx_vm_kernel_max(im->dim, r, im->f2d_xyz);
    const int fo_rule = kvox <= RADX_VFO_MAX;
    /* GLCM: kernels up to RADX_VFO_MAX voxels by the shared per-voxel rule (kernels/rules/voxel_glcm.h),
     * larger ones by the segment function on the box with the phantom voxel */
    const int glcm_rule = is_glcm && kvox <= RADX_VFO_MAX;
    const int gldm_rule = c == RADX_CLASS_GLDM && kvox <= RADX_VFO_MAX;
    const int ngtdm_rule = c == RADX_CLASS_NGTDM && kvox <= RADX_VFO_MAX;
    const int glszm_rule = c == RADX_CLASS_GLSZM && kvox <= RADX_VFO_MAX;
    const int glrlm_rule = c == RADX_CLASS_GLRLM && kvox <= RADX_VFO_MAX;
    const int tex_rule = glcm_rule || gldm_rule || ngtdm_rule || glszm_rule || glrlm_rule; /* kernels/voxel_*.h */
    const int nrule = glcm_rule    ? GLCM_F_COUNT
                      : gldm_rule  ? RADX_GLDM_NOUT
                      : ngtdm_rule ? RADX_NGTDM_NOUT
                      : glszm_rule ? RADX_GLSZM_NOUT
                                   : GLRLM_F_COUNT; /* its output slots */
    const int64_t lmax = 2 * (int64_t)r + 1; /* GLRLM: longest run */
    radx_vglcm_in gin;
    radx_vgldm_in din;
    memset(&gin, 0, sizeof gin);
    memset(&din, 0, sizeof din);
    if (gldm_rule || ngtdm_rule || glszm_rule || glrlm_rule) { /* one description (kernels/rules/voxel_gldm.h) */
        memcpy(din.dim, im->dim, sizeof din.dim);
        din.mk = im->mk;
        din.gl = im->gl;
        din.ng = im->ng;
        din.r = r;
        din.f2d_xyz = im->f2d_xyz;
        din.force2d_dim = q->force2d ? q->force2d_dimension : -1;
        din.distances = q->distances;
        din.ndist = q->n_distances;
        din.dmax = dmax;
        din.alpha = (int)q->gldm_a;
        din.norm = (int)q->weighting_norm;
        memcpy(din.spacing_zyx, im->spacing_zyx, sizeof din.spacing_zyx);
    }
    if (glcm_rule) {
        memcpy(gin.dim, im->dim, sizeof gin.dim);
        gin.mk = im->mk;
        gin.gl = im->gl;
        gin.present = im->present;
        gin.ng = im->ng;
        gin.nlev = im->nlev;
        gin.r = r;
        gin.f2d_xyz = im->f2d_xyz;
        gin.force2d_dim = q->force2d ? q->force2d_dimension : -1;
        gin.distances = q->distances;
        gin.ndist = q->n_distances;
        gin.dmax = dmax;
        gin.sym = q->symmetrical_glcm ? 1 : 0;
        gin.norm = (int)q->weighting_norm;
        memcpy(gin.spacing_zyx, im->spacing_zyx, sizeof gin.spacing_zyx);
    }

    /* GLCM: A's angle list (PyRadiomics' voxel mode builds it from the cropped array) */
    int *angA = NULL, naA = 0, nw = 1;
    uint64_t *bits = NULL;
    uint8_t *empty_w = NULL;
    const int weighted = q->weighting_norm != RADX_WNORM_NONE;
    const int i_ja = table_index(RADX_CLASS_GLCM, "JointAverage"), i_mcc = table_index(RADX_CLASS_GLCM, "MCC"),
              i_je = table_index(RADX_CLASS_GLCM, "JointEnergy");
    if (is_glcm) {
        const long long dz[3] = {im->dim[2], im->dim[1], im->dim[0]};
        angA = malloc(3 * RADX_MAX_ANGLES * sizeof *angA);
        if (!angA) return radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory");
        naA = radx_angles_build(dz, q->distances, q->n_distances, 0, q->force2d ? q->force2d_dimension : -1, angA,
                                RADX_MAX_ANGLES);
        if (naA < 0) {
            free(angA);
            return radx_seterr(err, RADX_ERR_PARAM, "glcm: distances: invalid value (< 1) or more than %d angles",
                               RADX_MAX_ANGLES);
        }
        nw = naA > 0 ? (naA + 63) / 64 : 1;
        bits = calloc((size_t)nroi * (size_t)nw, sizeof *bits);
        empty_w = calloc((size_t)nroi, 1);
        if (!bits || !empty_w) {
            free(angA); free(bits); free(empty_w);
            return radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory for %lld voxels", (long long)nroi);
        }
    }

    /* the backend's per-voxel texture rule (CUDA: every texture class): its values replace the loop's
     * computation below (which for GLCM then only records the angle bits for the batch rules);
     * when it declines, the loop computes */
    double *gout = NULL;
    if (tex_rule && run->ops && run->ops->voxel_texture) {
        gout = malloc(sizeof *gout * (size_t)(nroi > 0 ? nroi : 1) * (size_t)nrule);
        if (!gout) {
            free(angA); free(bits); free(empty_w);
            return radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory for %lld voxels", (long long)nroi);
        }
        radx_err ge = {RADX_OK, ""};
        const radx_status gs =
            run->ops->voxel_texture(run->bctx, c,
                                    glcm_rule ? (const void *)&gin : (const void *)&din,
                                    im->aidx, nroi, gout, &ge);
        if (gs != RADX_OK) {
            free(gout);
            gout = NULL;
            if (gs != RADX_ERR_UNSUPPORTED && gs != RADX_ERR_NOMEM) {
                free(angA); free(bits); free(empty_w);
                *err = ge;
                return gs;
            }
        }
    }

    vm_err first = {-1, {RADX_OK, ""}};
    int nomem = 0;
#ifdef _OPENMP
#pragma omp parallel reduction(| : nomem)
#endif
    {
#ifdef _OPENMP
        omp_set_num_threads(1); /* the class functions' own parallel regions: one thread each */
#endif
        vm_ws w;
        memset(&w, 0, sizeof w);
        w.kgl = malloc(boxcap * sizeof *w.kgl);
        w.kroi = malloc(boxcap);
        w.x = malloc(boxcap * sizeof *w.x);
        w.xgl = malloc(boxcap * sizeof *w.xgl);
        w.cnt = malloc(boxcap * sizeof *w.cnt);
        w.stamp = calloc((size_t)im->ng + 1, sizeof *w.stamp);
        radx_vglcm_ws gw;
        radx_vgldm_ws dw;
        radx_vngtdm_ws nw_;
        radx_vglszm_ws zw;
        radx_vglrlm_ws rw;
        void *gmem = NULL;
        memset(&zw, 0, sizeof zw);
        memset(&rw, 0, sizeof rw);
        memset(&gw, 0, sizeof gw);
        memset(&dw, 0, sizeof dw);
        memset(&nw_, 0, sizeof nw_);
        if (tex_rule && !gout) {
            gmem = calloc(1, glcm_rule    ? radx_vglcm_ws_size(kvox, im->ng)
                             : gldm_rule  ? radx_vgldm_ws_size(kvox, im->ng, dmax)
                             : ngtdm_rule ? radx_vngtdm_ws_size(kvox, im->ng, dmax)
                             : glszm_rule ? radx_vglszm_ws_size(kvox, im->ng)
                                          : radx_vglrlm_ws_size(kvox, im->ng, lmax));
            if (gmem && glcm_rule) radx_vglcm_ws_carve(gmem, kvox, im->ng, &gw);
            if (gmem && gldm_rule) radx_vgldm_ws_carve(gmem, kvox, im->ng, dmax, &dw);
            if (gmem && ngtdm_rule) radx_vngtdm_ws_carve(gmem, kvox, im->ng, dmax, &nw_);
            if (gmem && glszm_rule) radx_vglszm_ws_carve(gmem, kvox, im->ng, &zw);
            if (gmem && glrlm_rule) radx_vglrlm_ws_carve(gmem, kvox, im->ng, lmax, &rw);
        }
        const int ok = w.kgl && w.kroi && w.x && w.xgl && w.cnt && w.stamp && (!tex_rule || gout || gmem);
        if (!ok) nomem = 1;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 8)
#endif
        for (int64_t v = 0; v < nroi; v++) {
            if (!ok) continue;
            radx_err e = {RADX_OK, ""};
            radx_status st = RADX_OK;
            int64_t k0[3], k1[3];
            kernel_box(im, im->aidx[v], k0, k1);
            for (int k = 0; k < 64; k++) w.out[k] = NAN;
            if (c == RADX_CLASS_FIRSTORDER && fo_rule) {
                /* the per-voxel rule the CUDA kernel runs too (kernels/rules/voxel_rules.h) */
                radx_vfo_voxel(im->dim, im->mk, im->val, im->gl_fo, im->aidx[v], r, im->f2d_xyz, q->voxel_array_shift,
                               q->ibsi_kurtosis_excess, im->voxel_volume, w.x, w.xgl, w.cnt, w.out);
            } else if (tex_rule) {
                int bad = 0;
                if (gout)
                    memcpy(w.out, gout + (size_t)v * (size_t)nrule, (size_t)nrule * sizeof *w.out);
                else if (glcm_rule)
                    bad = radx_vglcm_voxel(&gin, im->aidx[v], &gw, w.out) != 0;
                else if (gldm_rule)
                    bad = radx_vgldm_voxel(&din, im->aidx[v], &dw, w.out) != 0;
                else if (ngtdm_rule)
                    bad = radx_vngtdm_voxel(&din, im->aidx[v], &nw_, w.out) != 0;
                else if (glszm_rule)
                    bad = radx_vglszm_voxel(&din, im->aidx[v], &zw, w.out) != 0;
                else
                    bad = radx_vglrlm_voxel(&din, im->aidx[v], &rw, w.out) != 0;
                if (bad)
                    st = radx_seterr(&e, RADX_ERR_PARAM, "%s: distances: more neighbour offsets than supported",
                                     radx_class_name(c));
                if (glcm_rule) {
                    glcm_nonempty(im, k0, k1, angA, naA, bits + (size_t)v * (size_t)nw);
                    if (weighted && i_je >= 0) empty_w[v] = isnan(w.out[i_je]) ? 1 : 0;
                }
            } else if (c == RADX_CLASS_FIRSTORDER) {
                int64_t n = 0;
                for (int64_t z = k0[2]; z <= k1[2]; z++)
                    for (int64_t y = k0[1]; y <= k1[1]; y++)
                        for (int64_t x = k0[0]; x <= k1[0]; x++) {
                            const int64_t i = x + im->dim[0] * (y + im->dim[1] * z);
                            if (!im->mk[i]) continue;
                            w.x[n] = im->val[i];
                            w.xgl[n++] = im->gl_fo[i];
                        }
                st = radx_firstorder_compute(w.x, w.xgl, n, im->ng_fo, im->voxel_volume, q, w.out, &e);
            } else {
                radx_texture_input tin;
                fill_box(im, k0, k1, extra_x, &w, &tin);
                if (is_glcm) {
                    /* the phantom: the ROI's largest level if the kernel lacks it, else a ROI level the
                     * kernel lacks (if any), at x = kx + dmax, isolated from every kernel voxel */
                    const int64_t kx = k1[0] - k0[0] + 1;
                    const int64_t nb = tin.dims_zyx[0] * tin.dims_zyx[1] * tin.dims_zyx[2];
                    if (++w.gen == 0) { memset(w.stamp, 0, ((size_t)im->ng + 1) * sizeof *w.stamp); w.gen = 1; }
                    int nk = 0;
                    for (int64_t i = 0; i < nb; i++)
                        if (w.kroi[i] && w.stamp[w.kgl[i]] != w.gen) { w.stamp[w.kgl[i]] = w.gen; nk++; }
                    int ph = 0;
                    if (w.stamp[im->ng] != w.gen) ph = im->ng;
                    else if (nk < im->nlev)
                        for (int g = 1; g <= im->ng && !ph; g++)
                            if (im->present[g] && w.stamp[g] != w.gen) ph = g;
                    if (ph) {
                        w.kroi[kx + dmax] = 1;
                        w.kgl[kx + dmax] = ph;
                        tin.n_roi++;
                    }
                    glcm_nonempty(im, k0, k1, angA, naA, bits + (size_t)v * (size_t)nw);
                }
                switch (c) {
                case RADX_CLASS_GLCM: st = radx_glcm_compute(&tin, q, w.out, &e); break;
                case RADX_CLASS_GLRLM: st = radx_glrlm_compute(&tin, q, w.out, &e); break;
                case RADX_CLASS_GLSZM: st = radx_glszm_compute(&tin, q, w.out, &e); break;
                case RADX_CLASS_GLDM: st = radx_gldm_compute(&tin, q, w.out, &e); break;
                case RADX_CLASS_NGTDM: st = radx_ngtdm_compute(&tin, q, w.out, &e); break;
                default: st = radx_seterr(&e, RADX_ERR_INTERNAL, "voxel map: class %d has no kernel path", (int)c);
                }
                if (is_glcm && weighted && i_je >= 0) empty_w[v] = isnan(w.out[i_je]) ? 1 : 0;
            }
            if (st) {
#ifdef _OPENMP
#pragma omp critical(radx_vmap_err)
#endif
                {
                    if (first.v < 0 || v < first.v) {
                        first.v = v;
                        first.e = e;
                        if (first.e.status == RADX_OK) first.e.status = st;
                    }
                }
                continue;
            }
            for (int k = 0; k < nsel; k++) vals[(size_t)k * (size_t)nroi + (size_t)v] = w.out[sel[k]];
        }
        free(w.kgl);
        free(w.kroi);
        free(w.x);
        free(w.xgl);
        free(w.cnt);
        free(w.stamp);
        free(gmem);
    }
    radx_status st = RADX_OK;
    if (nomem) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory");
    } else if (first.v >= 0) {
        const int64_t ai = im->aidx[first.v];
        st = radx_seterr(err, first.e.status, "%s: %s voxel map at voxel (%lld, %lld, %lld): %s", run->ipath,
                         radx_class_name(c), (long long)(im->lo[0] + ai % im->dim[0]),
                         (long long)(im->lo[1] + (ai / im->dim[0]) % im->dim[1]),
                         (long long)(im->lo[2] + ai / (im->dim[0] * im->dim[1])), first.e.msg);
    }

    if (!st && is_glcm) {
        /* PyRadiomics' batch rules for NaN angles (see the top of this file) */
        int k_ja = -1, k_mcc = -1;
        for (int k = 0; k < nsel; k++) {
            if (sel[k] == i_ja) k_ja = k;
            if (sel[k] == i_mcc) k_mcc = k;
        }
        const int64_t vb = q->voxel_batch > 0 ? (int64_t)q->voxel_batch : (nroi > 0 ? nroi : 1);
        uint64_t *uni = calloc((size_t)nw, sizeof *uni);
        if (!uni) st = radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory");
        for (int64_t b0 = 0; !st && b0 < nroi; b0 += vb) {
            const int64_t b1 = b0 + vb < nroi ? b0 + vb : nroi;
            int cnt_u = 0, any_nan = 0;
            const int per_angle = !weighted && naA > 1;
            if (per_angle) {
                for (int wi = 0; wi < nw; wi++) uni[wi] = 0;
                for (int64_t v = b0; v < b1; v++)
                    for (int wi = 0; wi < nw; wi++) uni[wi] |= bits[(size_t)v * (size_t)nw + (size_t)wi];
                for (int wi = 0; wi < nw; wi++) cnt_u += popcount64(uni[wi]);
            }
            for (int64_t v = b0; v < b1; v++) {
                int cnt = 0;
                for (int wi = 0; wi < nw; wi++) cnt += popcount64(bits[(size_t)v * (size_t)nw + (size_t)wi]);
                int nan_angle;
                if (per_angle) nan_angle = cnt != cnt_u;      /* a kept angle is empty here */
                else if (weighted) nan_angle = empty_w[v];    /* the weighted matrix is empty */
                else nan_angle = cnt == 0;                    /* the single angle is empty */
                if (nan_angle) {
                    any_nan = 1;
                    if (k_ja >= 0) vals[(size_t)k_ja * (size_t)nroi + (size_t)v] = NAN;
                }
            }
            if (any_nan && k_mcc >= 0) /* numpy.linalg.eigvals raised: MCC not stored for the batch */
                for (int64_t v = b0; v < b1; v++) vals[(size_t)k_mcc * (size_t)nroi + (size_t)v] = q->init_value;
        }
        free(uni);
    }
    free(angA);
    free(bits);
    free(empty_w);
    free(gout);
    return st;
}

/* Per image type: crop A, discretise, every class. */
static radx_status map_image_type(void *user, const radx_volume *img, const radx_params *q, const char *prefix,
                                  radx_err *err)
{
    const vm_run *run = user;
    const radx_params *p = run->p;
    const radx_geom *g = &img->g;
    vm_image im;
    memset(&im, 0, sizeof im);
    im.q = q;
    im.prefix = prefix;
    im.r = q->kernel_radius;
    im.f2d_xyz = q->force2d ? 2 - q->force2d_dimension : -1;
    radx_status st = RADX_OK;
    double *x = NULL, *edges = NULL, *vals = NULL;
    int32_t *gls = NULL;
    int nedges = 0;
    if (im.r < 1) return radx_seterr(err, RADX_ERR_PARAM, "voxelSetting 'kernelRadius': %d must be >= 1", im.r);

    /* A: the feature ROI's box padded by kernelRadius (cropToTumorMask(padDistance=kernelRadius)) */
    for (int a = 0; a < 3; a++) {
        int64_t lo = run->box->lo[a] - p->kernel_radius, hi = run->box->hi[a] + p->kernel_radius;
        if (lo < 0) lo = 0;
        if (hi > g->size[a] - 1) hi = g->size[a] - 1;
        im.lo[a] = lo;
        im.dim[a] = hi - lo + 1;
    }
    const int64_t nA = im.dim[0] * im.dim[1] * im.dim[2];
    im.mk = malloc((size_t)nA);
    im.gl = calloc((size_t)nA, sizeof *im.gl);
    im.val = malloc((size_t)nA * sizeof *im.val);
    im.aidx = malloc((size_t)run->nroi * sizeof *im.aidx);
    x = malloc((size_t)nA * sizeof *x);
    gls = malloc((size_t)nA * sizeof *gls);
    if (!im.mk || !im.gl || !im.val || !im.aidx || !x || !gls) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "%s: out of memory for a %lldx%lldx%lld voxel-map region", run->ipath,
                         (long long)im.dim[0], (long long)im.dim[1], (long long)im.dim[2]);
        goto done;
    }
    int64_t n = 0, nr = 0, nbad = 0, first_bad = -1;
    for (int64_t z = 0; z < im.dim[2]; z++)
        for (int64_t y = 0; y < im.dim[1]; y++)
            for (int64_t xx = 0; xx < im.dim[0]; xx++) {
                const int64_t ai = xx + im.dim[0] * (y + im.dim[1] * z);
                const int64_t gi = (im.lo[0] + xx) + g->size[0] * ((im.lo[1] + y) + g->size[1] * (im.lo[2] + z));
                const uint8_t in_roi = run->lab[gi] ? 1 : 0;
                const uint8_t m = q->masked_kernel ? in_roi : 1;
                im.mk[ai] = m;
                im.val[ai] = radx_volume_get(img, gi);
                if (in_roi) im.aidx[nr++] = ai;
                if (m) {
                    if (!isfinite(im.val[ai])) {
                        if (first_bad < 0) first_bad = gi;
                        nbad++;
                    }
                    x[n++] = im.val[ai];
                }
            }
    im.nroi = nr;
    if (nbad) {
        st = radx_seterr(err, RADX_ERR_VALUE,
                         "%s: %lld NaN or infinite voxel(s) inside the %s%s%s, first at index (%lld, %lld, %lld)",
                         run->ipath, (long long)nbad, q->masked_kernel ? "ROI" : "kernel region (maskedKernel: False)",
                         strcmp(prefix, "original") ? " of image type " : "", strcmp(prefix, "original") ? prefix : "",
                         (long long)(first_bad % g->size[0]), (long long)((first_bad / g->size[0]) % g->size[1]),
                         (long long)(first_bad / (g->size[0] * g->size[1])));
        goto done;
    }
    /* discretisation over the kernel voxels' set (binImage with the voxel-mode maskArray) */
    st = radx_bin_edges(x, n, q, img->dtype == RADX_DT_F32, &edges, &nedges, err);
    if (st) goto done;
    im.ng = radx_discretise(x, n, edges, nedges, gls);
    for (int64_t ai = 0, k = 0; ai < nA; ai++)
        if (im.mk[ai]) im.gl[ai] = gls[k++];
    im.gl_fo = im.gl;
    im.ng_fo = im.ng;
    if (img->dtype == RADX_DT_F32 && q->has_bin_count && p->cls[RADX_CLASS_FIRSTORDER].enabled) {
        /* firstorder bins imageArray.astype('float'): float64 histogram edges */
        free(edges);
        edges = NULL;
        st = radx_bin_edges(x, n, q, 0, &edges, &nedges, err);
        if (st) goto done;
        im.gl_fo = calloc((size_t)nA, sizeof *im.gl_fo);
        if (!im.gl_fo) { st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory"); goto done; }
        im.ng_fo = radx_discretise(x, n, edges, nedges, gls);
        for (int64_t ai = 0, k = 0; ai < nA; ai++)
            if (im.mk[ai]) im.gl_fo[ai] = gls[k++];
    }
    im.present = calloc((size_t)im.ng + 1, 1);
    if (!im.present) { st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory"); goto done; }
    for (int64_t ai = 0; ai < nA; ai++)
        if (im.mk[ai]) im.present[im.gl[ai]] = 1;
    for (int k = 1; k <= im.ng; k++) im.nlev += im.present[k];
    im.spacing_zyx[0] = g->spacing[2];
    im.spacing_zyx[1] = g->spacing[1];
    im.spacing_zyx[2] = g->spacing[0];
    /* numpy.multiply.reduce(spacing): ((sx * sy) * sz) */
    im.voxel_volume = g->spacing[0] * g->spacing[1];
    if (g->ndim == 3) im.voxel_volume *= g->spacing[2];

    radx_class order[RADX_CLASS_COUNT];
    int ncls = radx_class_order(p, order);
    for (int ci = 0; ci < ncls && !st; ci++) {
        radx_class c = order[ci];
        int sel[128];
        int nsel = radx_voxelmap_select(p, c, sel);
        if (nsel == 0) continue;
        vals = malloc((size_t)nsel * (size_t)im.nroi * sizeof *vals);
        if (!vals) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory for %d maps of %lld voxels", nsel, (long long)im.nroi);
            break;
        }
        st = compute_class(run, &im, c, sel, nsel, vals, err);
        if (!st) {
            radx_vmap_class vc = {prefix, c, nsel, sel, im.nroi, run->vox, vals, g, q->init_value};
            st = run->sink->class_done(run->sink->user, &vc, err);
        }
        free(vals);
        vals = NULL;
    }
done:
    if (im.gl_fo != im.gl) free(im.gl_fo);
    free(im.mk);
    free(im.gl);
    free(im.val);
    free(im.aidx);
    free(im.present);
    free(x);
    free(gls);
    free(edges);
    free(vals);
    return st;
}

radx_status radx_voxelmap_run(const radx_params *p, const radx_backend_ops *ops, void *bctx, const char *ipath,
                              const char *mpath, int label, const radx_vmap_sink *sink, radx_err *err)
{
    if (p->kernel_radius < 1)
        return radx_seterr(err, RADX_ERR_PARAM, "voxelSetting 'kernelRadius': %d must be >= 1", p->kernel_radius);
    radx_case cs;
    radx_status st = radx_pipeline_prepare(p, ops, bctx, ipath, mpath, label, NULL, &cs, err);
    if (st) return st;
    vm_run run;
    memset(&run, 0, sizeof run);
    run.p = p;
    run.ops = ops;
    run.bctx = bctx;
    run.cs = &cs;
    run.sink = sink;
    run.ipath = ipath;
    run.lab = radx_case_feature_mask(&cs, &run.box);
    run.nroi = run.box->n;
    run.vox = malloc((size_t)run.nroi * sizeof *run.vox);
    if (!run.vox) {
        radx_case_free(&cs);
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for %lld ROI voxels", (long long)run.nroi);
    }
    const radx_geom *g = &cs.img.g;
    int64_t nr = 0;
    for (int64_t z = run.box->lo[2]; z <= run.box->hi[2]; z++)
        for (int64_t y = run.box->lo[1]; y <= run.box->hi[1]; y++)
            for (int64_t x = run.box->lo[0]; x <= run.box->hi[0]; x++) {
                const int64_t gi = x + g->size[0] * (y + g->size[1] * z);
                if (run.lab[gi]) run.vox[nr++] = gi;
            }
    /* number of maps: image types (LoG: one per sigma) x selected features */
    int nimg = 0, nfeat = 0;
    for (int t = 0; t < RADX_IMG_COUNT; t++)
        if (p->imtype[t].enabled) nimg += t == RADX_IMG_LOG ? p->imtype[t].n_sigma : 1;
    for (int c = 0; c < RADX_CLASS_COUNT; c++) {
        int sel[128];
        nfeat += radx_voxelmap_select(p, (radx_class)c, sel);
    }
    st = sink->begin ? sink->begin(sink->user, g, run.nroi, nimg * nfeat, err) : RADX_OK;
    if (!st) st = radx_pipeline_for_each_image(&cs, p, ops, bctx, ipath, map_image_type, &run, err);
    free(run.vox);
    radx_case_free(&cs);
    return st;
}

/* ---- the public form: float maps on the grid, one at a time (radx_plan_execute_map) ------- */

typedef struct vm_public {
    radx_map_callback cb;
    void *user;
    radx_map_grid grid;
    float *buf;               /* one map on the grid */
    double buf_init;          /* the initValue buf holds outside the ROI */
    int buf_ready;
    size_t index, count;
} vm_public;

static radx_status pub_begin(void *user, const radx_geom *g, int64_t nroi, int nmaps, radx_err *err)
{
    vm_public *u = user;
    for (int a = 0; a < 3; a++) {
        u->grid.size[a] = (long long)g->size[a];
        u->grid.spacing[a] = g->spacing[a];
        u->grid.origin[a] = g->origin[a];
    }
    memcpy(u->grid.direction, g->direction, sizeof u->grid.direction);
    u->grid.ndim = g->ndim;
    u->count = (size_t)nmaps;
    u->buf = malloc(sizeof *u->buf * (size_t)radx_geom_nvox(g));
    if (!u->buf)
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a %lldx%lldx%lld map", (long long)g->size[0],
                           (long long)g->size[1], (long long)g->size[2]);
    return RADX_OK;
}

static radx_status pub_class(void *user, const radx_vmap_class *c, radx_err *err)
{
    vm_public *u = user;
    const int64_t nvox = radx_geom_nvox(c->grid);
    if (!u->buf_ready || !(u->buf_init == c->init_value || (isnan(u->buf_init) && isnan(c->init_value)))) {
        const float f = (float)c->init_value;
        for (int64_t i = 0; i < nvox; i++) u->buf[i] = f;
        u->buf_init = c->init_value;
        u->buf_ready = 1;
    }
    const radx_feature_info *tab;
    int nf;
    radx_class_table(c->cls, &tab, &nf);
    for (int k = 0; k < c->nsel; k++) {
        const double *v = c->values + (size_t)k * (size_t)c->nroi;
        for (int64_t i = 0; i < c->nroi; i++) u->buf[c->vox[i]] = (float)v[i];
        char name[256];
        snprintf(name, sizeof name, "%s_%s_%s", c->image_type, radx_class_name(c->cls), tab[c->sel[k]].name);
        radx_map m;
        m.name = name;
        m.image_type = c->image_type;
        m.feature_class = radx_class_name(c->cls);
        m.feature = tab[c->sel[k]].name;
        m.index = u->index++;
        m.count = u->count;
        m.n_roi = (long long)c->nroi;
        m.grid = &u->grid;
        m.data = u->buf;
        radx_status s = u->cb(u->user, &m);
        if (s != RADX_OK)
            return radx_seterr(err, s, "%s: the map callback stopped the run (%s)", name, radx_status_string(s));
    }
    return RADX_OK;
}

radx_status radx_voxelmap_run_public(const radx_params *p, const radx_backend_ops *ops, void *bctx,
                                     const char *ipath, const char *mpath, int label, radx_map_callback cb,
                                     void *user, radx_err *err)
{
    vm_public u;
    memset(&u, 0, sizeof u);
    u.cb = cb;
    u.user = user;
    radx_vmap_sink sink = {&u, pub_begin, pub_class};
    radx_status st = radx_voxelmap_run(p, ops, bctx, ipath, mpath, label, &sink, err);
    free(u.buf);
    return st;
}
