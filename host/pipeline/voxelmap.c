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
#include "features/discretise.h"
#include "params/params.h"
#include "backend/dispatch.h"
#include "pipeline/pipeline.h"
#include "rules/voxel_rules.h"
#include "core/limits.h"
#include "pipeline/voxelmap.h"
#include "features/features.h"

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
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}

/* ---- one image type ------------------------------------------------------------------------ */

typedef struct vm_image {
    const radx_params *q; /* this image type's settings */
    const char *prefix;
    int r;                 /* kernelRadius */
    int f2d_xyz;           /* force2D axis in x y z order, -1 without force2D */
    int64_t lo[3], dim[3]; /* A: first voxel on the grid and size, x y z */
    uint8_t *mk;           /* A: voxel takes part in kernels (ROI, or all of A when unmasked) */
    int32_t *gl;           /* A: gray level (0 outside mk) */
    int32_t *gl_fo;        /* A: first order's gray levels (== gl unless binCount on float32) */
    double *val;           /* A: values */
    int ng, ng_fo;         /* largest gray level (PyRadiomics' Ng) */
    uint8_t *present;      /* ng + 1: level present in mk */
    int64_t nroi;
    int64_t *aidx; /* ROI voxels as indices into A, ascending */
    double spacing_zyx[3];
    double voxel_volume;
    /* the same in the backend's buffers, for the per-voxel ops */
    radx_voxel_region region;
    radx_voxel_values fo;
    radx_buf *present_buf;
} vm_image;

typedef struct vm_run {
    const radx_params *p;
    const radx_be *be;
    const radx_case *cs;
    const radx_vmap_sink *sink;
    const uint8_t *lab;
    const radx_roi_box *box;
    const char *ipath;
    int64_t nroi;
    int64_t *vox; /* ROI voxels' flat grid indices */
} vm_run;

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
                    if (im->mk[i] && im->mk[i + dx + dx0 * dy + dxy * dz]) {
                        found = 1;
                        break;
                    }
                }
            }
        }
        if (found) bits[a / 64] |= (uint64_t)1 << (a % 64);
    }
}

/* PyRadiomics' GLCM batch rules for angles that are empty at a voxel (see the top of this file):
 * JointAverage is NaN there, and MCC keeps initValue for the whole batch of such a voxel.  out:
 * the op's values (nroi x nf), vals: the selected features (nsel x nroi). */
static radx_status glcm_batch_rules(const vm_image *im, const double *out, int nf, const int *sel, int nsel,
                                    double *vals, radx_err *err)
{
    const radx_params *q = im->q;
    const int64_t nroi = im->nroi;
    const int weighted = q->weighting_norm != RADX_WNORM_NONE;
    const int i_ja = table_index(RADX_CLASS_GLCM, "JointAverage"), i_mcc = table_index(RADX_CLASS_GLCM, "MCC"),
              i_je = table_index(RADX_CLASS_GLCM, "JointEnergy");
    int k_ja = -1, k_mcc = -1;
    for (int k = 0; k < nsel; k++) {
        if (sel[k] == i_ja) k_ja = k;
        if (sel[k] == i_mcc) k_mcc = k;
    }
    /* A's angle list (PyRadiomics' voxel mode builds it from the cropped array) */
    const long long dz[3] = {im->dim[2], im->dim[1], im->dim[0]};
    int *ang = malloc(3 * RADX_MAX_ANGLES * sizeof *ang);
    if (!ang) return radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory");
    const int na = radx_angles_build(dz, q->distances, q->n_distances, 0, q->force2d ? q->force2d_dimension : -1, ang,
                                     RADX_MAX_ANGLES);
    if (na < 0) {
        free(ang);
        return radx_seterr(err, RADX_ERR_PARAM, "glcm: distances: invalid value (< 1) or more than %d angles",
                           RADX_MAX_ANGLES);
    }
    const int nw = na > 0 ? (na + 63) / 64 : 1;
    uint64_t *bits = calloc((size_t)(nroi > 0 ? nroi : 1) * (size_t)nw, sizeof *bits);
    uint64_t *uni = calloc((size_t)nw, sizeof *uni);
    if (!bits || !uni) {
        free(ang);
        free(bits);
        free(uni);
        return radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory for %lld voxels", (long long)nroi);
    }
    for (int64_t v = 0; v < nroi; v++) {
        int64_t k0[3], k1[3];
        radx_vm_kernel_box(im->dim, im->r, im->f2d_xyz, im->aidx[v], k0, k1);
        glcm_nonempty(im, k0, k1, ang, na, bits + (size_t)v * (size_t)nw);
    }
    const int64_t vb = q->voxel_batch > 0 ? (int64_t)q->voxel_batch : (nroi > 0 ? nroi : 1);
    for (int64_t b0 = 0; b0 < nroi; b0 += vb) {
        const int64_t b1 = b0 + vb < nroi ? b0 + vb : nroi;
        int cnt_u = 0, any_nan = 0;
        const int per_angle = !weighted && na > 1;
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
            if (per_angle)
                nan_angle = cnt != cnt_u; /* a kept angle is empty here */
            else if (weighted)
                nan_angle = i_je >= 0 && isnan(out[(size_t)v * (size_t)nf + (size_t)i_je]);
            else
                nan_angle = cnt == 0; /* the single angle is empty */
            if (nan_angle) {
                any_nan = 1;
                if (k_ja >= 0) vals[(size_t)k_ja * (size_t)nroi + (size_t)v] = NAN;
            }
        }
        if (any_nan && k_mcc >= 0) /* numpy.linalg.eigvals raised: MCC not stored for the batch */
            for (int64_t v = b0; v < b1; v++) vals[(size_t)k_mcc * (size_t)nroi + (size_t)v] = q->init_value;
    }
    free(ang);
    free(bits);
    free(uni);
    return RADX_OK;
}

/* Values of the selected features of class c for every ROI voxel into vals (nsel x nroi): the
 * backend's per-voxel op, then PyRadiomics' GLCM batch rules. */
static radx_status compute_class(const vm_run *run, vm_image *im, radx_class c, const int *sel, int nsel, double *vals,
                                 radx_err *err)
{
    const radx_be *be = run->be;
    const int64_t nroi = im->nroi;
    const radx_feature_info *tab;
    int nf;
    radx_class_table(c, &tab, &nf);
    radx_buf *outb = radx_buf_alloc(be, sizeof(double) * (size_t)(nroi > 0 ? nroi : 1) * (size_t)nf);
    if (!outb) return radx_seterr(err, RADX_ERR_NOMEM, "voxel map: out of memory for %lld voxels", (long long)nroi);
    radx_status st;
    if (c == RADX_CLASS_FIRSTORDER)
        st = radx_op_voxel_firstorder(be, &im->region, &im->fo, im->q, outb, err);
    else
        st = radx_op_voxel_texture(be, c, &im->region, im->present_buf, im->q, outb, err);
    const double *out = st ? NULL : radx_buf_map(be, outb, RADX_MAP_READ, err);
    if (!st && !out) st = err && err->status ? err->status : RADX_ERR_DEVICE;
    if (!st) {
        for (int64_t v = 0; v < nroi; v++)
            for (int k = 0; k < nsel; k++)
                vals[(size_t)k * (size_t)nroi + (size_t)v] = out[(size_t)v * (size_t)nf + (size_t)sel[k]];
        if (c == RADX_CLASS_GLCM) st = glcm_batch_rules(im, out, nf, sel, nsel, vals, err);
    }
    radx_buf_free(be, outb);
    return st;
}

/* A's arrays in buffers of the backend (wrapped: the host keeps them unchanged meanwhile). */
static radx_status wrap_region(const vm_run *run, vm_image *im, radx_err *err)
{
    const radx_be *be = run->be;
    const int64_t nA = im->dim[0] * im->dim[1] * im->dim[2];
    radx_voxel_region *a = &im->region;
    memset(a, 0, sizeof *a);
    memcpy(a->dim, im->dim, sizeof a->dim);
    memcpy(a->lo, im->lo, sizeof a->lo);
    a->name = run->ipath;
    a->ng = im->ng;
    a->nroi = im->nroi;
    memcpy(a->spacing_zyx, im->spacing_zyx, sizeof a->spacing_zyx);
    a->voxel_volume = im->voxel_volume;
    a->mk = radx_buf_wrap(be, im->mk, (size_t)nA);
    a->gl = radx_buf_wrap(be, im->gl, sizeof(int32_t) * (size_t)nA);
    a->aidx = radx_buf_wrap(be, im->aidx, sizeof(int64_t) * (size_t)(im->nroi > 0 ? im->nroi : 1));
    im->fo.val = radx_buf_wrap(be, im->val, sizeof(double) * (size_t)nA);
    im->fo.gl = im->gl_fo == im->gl ? a->gl : radx_buf_wrap(be, im->gl_fo, sizeof(int32_t) * (size_t)nA);
    im->fo.ng = im->ng_fo;
    im->present_buf = radx_buf_wrap(be, im->present, (size_t)im->ng + 1);
    if (!a->mk || !a->gl || !a->aidx || !im->fo.val || !im->fo.gl || !im->present_buf)
        return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
    return RADX_OK;
}

static void free_region(const radx_be *be, vm_image *im)
{
    if (im->fo.gl != im->region.gl) radx_buf_free(be, im->fo.gl);
    radx_buf_free(be, im->fo.val);
    radx_buf_free(be, im->region.mk);
    radx_buf_free(be, im->region.gl);
    radx_buf_free(be, im->region.aidx);
    radx_buf_free(be, im->present_buf);
}

/* A: the feature ROI's box padded by kernelRadius r (cropToTumorMask(padDistance=kernelRadius)). */
static radx_roi_box map_region(const radx_geom *g, const radx_roi_box *box, int r)
{
    radx_roi_box A = *box;
    A.n = 1;
    for (int a = 0; a < 3; a++) {
        A.lo[a] = box->lo[a] - r < 0 ? 0 : box->lo[a] - r;
        A.hi[a] = box->hi[a] + r > g->size[a] - 1 ? g->size[a] - 1 : box->hi[a] + r;
        A.n *= A.hi[a] - A.lo[a] + 1;
    }
    return A;
}

/* Per image type: crop A, discretise, every class. */
static radx_status map_image_type(void *user, const radx_volbuf *imgb, const radx_params *q, const char *prefix,
                                  radx_err *err)
{
    const vm_run *run = user;
    const radx_params *p = run->p;
    const radx_geom *g = &run->cs->img.g; /* the working grid; imgb may be a window of it */
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
    /* the image's values on the host */
    radx_volume img = {imgb->g, imgb->dtype, radx_buf_map(run->be, imgb->buf, RADX_MAP_READ, err), 0};
    if (!img.data) return err && err->status ? err->status : RADX_ERR_DEVICE;

    const radx_roi_box A = map_region(g, run->box, p->kernel_radius);
    for (int a = 0; a < 3; a++) {
        im.lo[a] = A.lo[a];
        im.dim[a] = A.hi[a] - A.lo[a] + 1;
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
                const int64_t ii =
                    (im.lo[0] + xx - imgb->at[0]) +
                    imgb->g.size[0] * ((im.lo[1] + y - imgb->at[1]) + imgb->g.size[1] * (im.lo[2] + z - imgb->at[2]));
                const uint8_t in_roi = run->lab[gi] ? 1 : 0;
                const uint8_t m = q->masked_kernel ? in_roi : 1;
                im.mk[ai] = m;
                im.val[ai] = radx_volume_get(&img, ii);
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
    st = radx_bin_edges(x, n, q, img.dtype == RADX_DT_F32, &edges, &nedges, err);
    if (st) goto done;
    im.ng = radx_discretise(x, n, edges, nedges, gls);
    for (int64_t ai = 0, k = 0; ai < nA; ai++)
        if (im.mk[ai]) im.gl[ai] = gls[k++];
    im.gl_fo = im.gl;
    im.ng_fo = im.ng;
    if (img.dtype == RADX_DT_F32 && q->has_bin_count && p->cls[RADX_CLASS_FIRSTORDER].enabled) {
        /* firstorder bins imageArray.astype('float'): float64 histogram edges */
        free(edges);
        edges = NULL;
        st = radx_bin_edges(x, n, q, 0, &edges, &nedges, err);
        if (st) goto done;
        im.gl_fo = calloc((size_t)nA, sizeof *im.gl_fo);
        if (!im.gl_fo) {
            st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
            goto done;
        }
        im.ng_fo = radx_discretise(x, n, edges, nedges, gls);
        for (int64_t ai = 0, k = 0; ai < nA; ai++)
            if (im.mk[ai]) im.gl_fo[ai] = gls[k++];
    }
    im.present = calloc((size_t)im.ng + 1, 1);
    if (!im.present) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int64_t ai = 0; ai < nA; ai++)
        if (im.mk[ai]) im.present[im.gl[ai]] = 1;
    im.spacing_zyx[0] = g->spacing[2];
    im.spacing_zyx[1] = g->spacing[1];
    im.spacing_zyx[2] = g->spacing[0];
    /* numpy.multiply.reduce(spacing): ((sx * sy) * sz) */
    im.voxel_volume = g->spacing[0] * g->spacing[1];
    if (g->ndim == 3) im.voxel_volume *= g->spacing[2];

    st = wrap_region(run, &im, err);
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
    free_region(run->be, &im);
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

/* The case's memory and the maps': a class's values for every ROI voxel (double), the region
 * arrays (about 40 bytes a voxel of the ROI box padded by kernelRadius) and one float map of
 * the grid being written. */
static radx_status check_map_memory(const radx_case *cs, int r, int64_t nroi, int nsel_max, radx_err *err)
{
    const radx_roi_box *b = &cs->box;
    double region = 1.0;
    for (int a = 0; a < 3; a++) region *= fmin((double)cs->img.g.size[a], (double)(b->hi[a] - b->lo[a] + 1) + 2.0 * r);
    const double ngrid = (double)radx_geom_nvox(&cs->img.g);
    const double extra = 8.0 * (double)nsel_max * (double)nroi + 40.0 * region + 4.0 * ngrid;
    char what[160];
    snprintf(what, sizeof what, "voxel maps: %d features of %lld ROI voxels", nsel_max, (long long)nroi);
    return radx_memory_check(cs->mem_bytes + extra, what, err);
}

radx_status radx_voxelmap_run(const radx_params *p, const radx_be *be, const radx_volume *img, const char *ipath,
                              const radx_volume *msk, const char *mpath, int label, const radx_vmap_sink *sink,
                              radx_err *err)
{
    if (p->kernel_radius < 1)
        return radx_seterr(err, RADX_ERR_PARAM, "voxelSetting 'kernelRadius': %d must be >= 1", p->kernel_radius);
    for (int c = RADX_CLASS_PYRADIOMICS_COUNT; c < RADX_CLASS_COUNT; c++)
        if (p->cls[c].enabled)
            return radx_seterr(err, RADX_ERR_UNSUPPORTED,
                               "featureClass '%s': IBSI-1 classes have no voxel-based maps (PyRadiomics' classes do)",
                               radx_class_name((radx_class)c));
    if (p->n_aggregations)
        return radx_seterr(err, RADX_ERR_UNSUPPORTED,
                           "setting 'textureAggregation': voxel-based maps use PyRadiomics' aggregation only");
    radx_case cs;
    radx_status st = radx_pipeline_prepare(p, be, img, ipath, msk, mpath, label, NULL, &cs, err);
    if (st) return st;
    vm_run run;
    memset(&run, 0, sizeof run);
    run.p = p;
    run.be = be;
    run.cs = &cs;
    run.sink = sink;
    run.ipath = ipath;
    run.lab = radx_case_feature_mask(&cs, p, &run.box);
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
    int nfeat = 0, nsel_max = 0;
    const int nimg = radx_pipeline_image_count(p, g->ndim);
    for (int c = 0; c < RADX_CLASS_COUNT; c++) {
        int sel[128], ns = radx_voxelmap_select(p, (radx_class)c, sel);
        nfeat += ns;
        if (ns > nsel_max) nsel_max = ns;
    }
    st = check_map_memory(&cs, p->kernel_radius, run.nroi, nsel_max, err);
    if (!st && sink->begin) st = sink->begin(sink->user, g, run.nroi, nimg * nfeat, err);
    const radx_roi_box need = map_region(g, run.box, p->kernel_radius);
    if (!st) st = radx_pipeline_for_each_image(&cs, p, be, &need, ipath, map_image_type, &run, err);
    free(run.vox);
    radx_case_free(&cs);
    return st;
}

/* ---- the public form: float maps on the grid, one at a time (radx_plan_execute_map) ------- */

typedef struct vm_public {
    radx_map_callback cb;
    void *user;
    radx_map_grid grid;
    float *buf;      /* one map on the grid */
    double buf_init; /* the initValue buf holds outside the ROI */
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

radx_status radx_voxelmap_run_public(const radx_params *p, const radx_be *be, const radx_volume *img, const char *ipath,
                                     const radx_volume *msk, const char *mpath, int label, radx_map_callback cb,
                                     void *user, radx_err *err)
{
    vm_public u;
    memset(&u, 0, sizeof u);
    u.cb = cb;
    u.user = user;
    radx_vmap_sink sink = {&u, pub_begin, pub_class};
    radx_status st = radx_voxelmap_run(p, be, img, ipath, msk, mpath, label, &sink, err);
    free(u.buf);
    return st;
}
