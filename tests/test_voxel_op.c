/* SPDX-License-Identifier: BSD-3-Clause */
/* The voxel-map hooks for a backend's per-voxel first order and texture classes (host/pipeline/voxelmap.c,
 * backend ops voxel_firstorder and voxel_texture), exercised on the CPU with stand-in ops, since
 * the CUDA ops cannot run here:
 *   - ops that compute every voxel by the per-voxel rules (kernels/rules/voxel_rules.h, voxel_glcm.h,
 *     voxel_glrlm.h, voxel_glszm.h, voxel_gldm.h, voxel_ngtdm.h: what the CUDA kernels run per
 *     thread)
 *     must give the CPU loop's maps exactly
 *     (the scatter into the selected features, the voxel order, initValue outside the ROI, GLCM's
 *     batch rules for NaN angles and MCC);
 *   - an op that declines (RADX_ERR_UNSUPPORTED, RADX_ERR_NOMEM) must leave the CPU loop's maps;
 *   - an op that fails otherwise must fail the run with its message.
 * Settings: breast1, first order (all features, and a named subset in another order), GLCM (all
 * features; weighted with two distances; asymmetric; voxelBatch), GLDM (gldm_a 0 and 1, two
 * distances), NGTDM (two distances), GLSZM and GLRLM (weighted, force2D), kernelRadius 1 and 2, masked and unmasked, force2D, and kernelRadius 4 (declined). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "params/params.h"
#include "core/radx_internal.h"
#include "radx_test.h"
#include "map_keep.h"
#include "params_yaml.h"
#include "rules/voxel_glcm.h"
#include "rules/voxel_gldm.h"
#include "rules/voxel_ngtdm.h"
#include "rules/voxel_glszm.h"
#include "rules/voxel_glrlm.h"
#include "rules/voxel_rules.h"
#include "pipeline/voxelmap.h"

#ifndef RADX_SOURCE_DIR
#define RADX_SOURCE_DIR "."
#endif

static int calls;

static radx_status op_rule(void *ctx, const radx_vfo_input *in, double *out, radx_err *err)
{
    double s[RADX_VFO_MAX], o[RADX_FO_N];
    int32_t g[RADX_VFO_MAX];
    int64_t cnt[RADX_VFO_MAX];
    calls++;
    if (radx_vm_kernel_max(in->dim, in->r, in->f2d_xyz) > RADX_VFO_MAX)
        return radx_seterr(err, RADX_ERR_UNSUPPORTED, "kernel too large");
    for (int64_t v = in->nroi - 1; v >= 0; v--) { /* any order: each voxel is independent */
        radx_vfo_voxel(in->dim, in->mk, in->val, in->gl, in->aidx[v], in->r, in->f2d_xyz, in->shift, in->excess,
                       in->voxel_volume, s, g, cnt, o);
        memcpy(out + (size_t)v * RADX_FO_N, o, sizeof o);
    }
    return RADX_OK;
}

static radx_status op_decline(void *ctx, const radx_vfo_input *in, double *out, radx_err *err)
{
    calls++;
    memset(out, 0xff, sizeof(double) * (size_t)in->nroi * RADX_FO_N); /* garbage that must not be used */
    return radx_seterr(err, (calls & 1) ? RADX_ERR_UNSUPPORTED : RADX_ERR_NOMEM, "declined");
}

static radx_status op_fail(void *ctx, const radx_vfo_input *in, double *out, radx_err *err)
{
    calls++;
    return radx_seterr(err, RADX_ERR_DEVICE, "the device fell over");
}

/* Texture classes: what the CUDA kernels do, on the CPU (one workspace, the voxels in reverse
 * order) */
static radx_status top_rule(void *ctx, radx_class cls, const void *vin, const int64_t *aidx, int64_t nroi,
                            double *out, radx_err *err)
{
    calls++;
    /* one class: its input type, workspace type, workspace size and carve arguments, rule, outputs */
#define RULE(CLS, IN, WS, SIZE, CARVE, VOXEL, NOUT)                                                \
    if (cls == CLS) {                                                                              \
        const IN *in = vin;                                                                        \
        const int64_t kvox = radx_vm_kernel_max(in->dim, in->r, in->f2d_xyz);                      \
        const int64_t lmax = 2 * (int64_t)in->r + 1;                                               \
        (void)lmax;                                                                                \
        if (kvox > RADX_VFO_MAX) return radx_seterr(err, RADX_ERR_UNSUPPORTED, "kernel too large"); \
        void *mem = calloc(1, SIZE);                                                               \
        WS w;                                                                                      \
        if (!mem) return radx_seterr(err, RADX_ERR_NOMEM, "out of memory");                       \
        CARVE;                                                                                     \
        for (int64_t v = nroi - 1; v >= 0; v--) VOXEL(in, aidx[v], &w, out + (size_t)v * NOUT);    \
        free(mem);                                                                                 \
        return RADX_OK;                                                                            \
    }
    RULE(RADX_CLASS_GLCM, radx_vglcm_in, radx_vglcm_ws, radx_vglcm_ws_size(kvox, in->ng),
         radx_vglcm_ws_carve(mem, kvox, in->ng, &w), radx_vglcm_voxel, GLCM_F_COUNT)
    RULE(RADX_CLASS_GLRLM, radx_vglrlm_in, radx_vglrlm_ws, radx_vglrlm_ws_size(kvox, in->ng, lmax),
         radx_vglrlm_ws_carve(mem, kvox, in->ng, lmax, &w), radx_vglrlm_voxel, GLRLM_F_COUNT)
    RULE(RADX_CLASS_GLSZM, radx_vglszm_in, radx_vglszm_ws, radx_vglszm_ws_size(kvox, in->ng),
         radx_vglszm_ws_carve(mem, kvox, in->ng, &w), radx_vglszm_voxel, RADX_GLSZM_NOUT)
    RULE(RADX_CLASS_GLDM, radx_vgldm_in, radx_vgldm_ws, radx_vgldm_ws_size(kvox, in->ng, in->dmax),
         radx_vgldm_ws_carve(mem, kvox, in->ng, in->dmax, &w), radx_vgldm_voxel, RADX_GLDM_NOUT)
    RULE(RADX_CLASS_NGTDM, radx_vngtdm_in, radx_vngtdm_ws, radx_vngtdm_ws_size(kvox, in->ng, in->dmax),
         radx_vngtdm_ws_carve(mem, kvox, in->ng, in->dmax, &w), radx_vngtdm_voxel, RADX_NGTDM_NOUT)
#undef RULE
    return radx_seterr(err, RADX_ERR_UNSUPPORTED, "no rule for this class");
}

static radx_status top_decline(void *ctx, radx_class cls, const void *vin, const int64_t *aidx, int64_t nroi,
                               double *out, radx_err *err)
{
    calls++;
    const int nout = cls == RADX_CLASS_GLCM    ? GLCM_F_COUNT
                     : cls == RADX_CLASS_GLDM  ? RADX_GLDM_NOUT
                     : cls == RADX_CLASS_GLSZM ? RADX_GLSZM_NOUT
                     : cls == RADX_CLASS_GLRLM ? GLRLM_F_COUNT
                                               : RADX_NGTDM_NOUT;
    memset(out, 0xff, sizeof(double) * (size_t)nroi * (size_t)nout); /* garbage that must not be used */
    return radx_seterr(err, (calls & 1) ? RADX_ERR_UNSUPPORTED : RADX_ERR_NOMEM, "declined");
}

static radx_status top_fail(void *ctx, radx_class cls, const void *vin, const int64_t *aidx, int64_t nroi,
                            double *out, radx_err *err)
{
    calls++;
    return radx_seterr(err, RADX_ERR_DEVICE, "the device fell over");
}

static radx_status run(const radx_params *p, const radx_backend_ops *ops, maps *m, radx_err *e)
{
    char img[512], msk[512];
    snprintf(img, sizeof img, "%s/data/pyradiomics/breast1_image.nrrd", RADX_SOURCE_DIR);
    snprintf(msk, sizeof msk, "%s/data/pyradiomics/breast1_label.nrrd", RADX_SOURCE_DIR);
    return radx_voxelmap_run_public(p, ops, NULL, img, msk, 0, keep, m, e);
}

static void same(const char *what, const maps *a, const maps *b)
{
    CHECK(a->n == b->n && a->n > 0, "%s: %d and %d maps", what, a->n, b->n);
    for (int i = 0; i < a->n && i < b->n; i++) {
        CHECK(!strcmp(a->name[i], b->name[i]), "%s: map %d: %s vs %s", what, i, a->name[i], b->name[i]);
        CHECK(!memcmp(a->data[i], b->data[i], a->nvox * sizeof(float)), "%s: %s differs", what, a->name[i]);
    }
}

/* nops: how many op calls the settings make (first order, GLCM) */
static void one(const char *what, const char *yaml, int nops)
{
    radx_params p;
    radx_err e = {RADX_OK, ""};
    radx_status st = radx_test_params_yaml(yaml, &p, &e);
    CHECK(st == RADX_OK, "%s: parameters: %s", what, e.msg);
    if (st) {
        radx_params_clear(&p);
        return;
    }
    radx_backend_ops rule = radx_cpu_backend, decline = radx_cpu_backend, fail = radx_cpu_backend;
    rule.voxel_firstorder = op_rule;
    decline.voxel_firstorder = op_decline;
    fail.voxel_firstorder = op_fail;
    rule.voxel_texture = top_rule;
    decline.voxel_texture = top_decline;
    fail.voxel_texture = top_fail;
    maps cpu = {0}, r = {0}, d = {0}, x = {0};
    st = run(&p, &radx_cpu_backend, &cpu, &e);
    CHECK(st == RADX_OK, "%s: CPU: %s", what, e.msg);
    calls = 0;
    st = run(&p, &rule, &r, &e);
    CHECK(st == RADX_OK && calls == nops, "%s: rule op: %s (%d calls)", what, e.msg, calls);
    same(what, &cpu, &r);
    calls = 0;
    st = run(&p, &decline, &d, &e);
    CHECK(st == RADX_OK && calls == nops, "%s: declining op: %s (%d calls)", what, e.msg, calls);
    same(what, &cpu, &d);
    st = run(&p, &fail, &x, &e);
    CHECK(st == RADX_ERR_DEVICE && strstr(e.msg, "fell over"), "%s: failing op gave status %d (%s)", what, (int)st,
          e.msg);
    printf("%-44s %d maps: op maps equal the CPU loop's; declined: equal; failure: reported\n", what, cpu.n);
    maps_free(&cpu);
    maps_free(&r);
    maps_free(&d);
    maps_free(&x);
    radx_params_clear(&p);
}

int main(void)
{
    one("first order, r=1, masked", "featureClass:\n  firstorder:\nvoxelSetting:\n  kernelRadius: 1\n", 1);
    one("first order subset, r=2, unmasked",
        "featureClass:\n  firstorder: [Skewness, Entropy, Median, TotalEnergy]\nvoxelSetting:\n  kernelRadius: 2\n"
        "  maskedKernel: false\n", 1);
    one("first order + glcm, r=2, force2D",
        "featureClass:\n  firstorder:\n  glcm: [Contrast]\nsetting:\n  force2D: true\nvoxelSetting:\n  kernelRadius: 2\n", 2);
    one("first order, r=4 (too large for the rule op)", "featureClass:\n  firstorder:\nvoxelSetting:\n  kernelRadius: 4\n", 1);
    one("glcm, r=1, all features, voxelBatch 20", "featureClass:\n  glcm:\nvoxelSetting:\n  kernelRadius: 1\n  voxelBatch: 20\n", 1);
    one("glcm, r=1, unmasked, weighted, distances 1 and 2",
        "featureClass:\n  glcm: [MCC, JointAverage, Imc2, Idmn]\nsetting:\n  weightingNorm: euclidean\n  distances: [1, 2]\n"
        "voxelSetting:\n  kernelRadius: 1\n  maskedKernel: false\n", 1);
    one("glcm, r=2, asymmetric", "featureClass:\n  glcm:\nsetting:\n  symmetricalGLCM: false\nvoxelSetting:\n  kernelRadius: 2\n", 1);
    one("gldm, r=1, all features", "featureClass:\n  gldm:\nvoxelSetting:\n  kernelRadius: 1\n", 1);
    one("gldm, r=2, gldm_a 1, distances 1 and 2, unmasked",
        "featureClass:\n  gldm:\nsetting:\n  gldm_a: 1\n  distances: [1, 2]\nvoxelSetting:\n  kernelRadius: 2\n"
        "  maskedKernel: false\n", 1);
    one("ngtdm, r=1", "featureClass:\n  ngtdm:\nvoxelSetting:\n  kernelRadius: 1\n", 1);
    one("ngtdm, r=2, distances 1 and 2, unmasked, force2D",
        "featureClass:\n  ngtdm:\nsetting:\n  distances: [1, 2]\n  force2D: true\nvoxelSetting:\n  kernelRadius: 2\n"
        "  maskedKernel: false\n", 1);
    one("glszm, r=1", "featureClass:\n  glszm:\nvoxelSetting:\n  kernelRadius: 1\n", 1);
    one("glszm, r=2, unmasked, force2D", "featureClass:\n  glszm:\nsetting:\n  force2D: true\nvoxelSetting:\n"
        "  kernelRadius: 2\n  maskedKernel: false\n", 1);
    one("glrlm, r=1", "featureClass:\n  glrlm:\nvoxelSetting:\n  kernelRadius: 1\n", 1);
    one("glrlm, r=2, weighted (manhattan), unmasked", "featureClass:\n  glrlm:\nsetting:\n  weightingNorm: manhattan\n"
        "voxelSetting:\n  kernelRadius: 2\n  maskedKernel: false\n", 1);
    one("glrlm, r=1, force2D", "featureClass:\n  glrlm:\nsetting:\n  force2D: true\nvoxelSetting:\n  kernelRadius: 1\n", 1);
    one("gldm + glcm, r=1, force2D", "featureClass:\n  gldm:\n  glcm: [Contrast]\nsetting:\n  force2D: true\n"
        "voxelSetting:\n  kernelRadius: 1\n", 2);
    return radx_test_finish("test_voxel_op");
}
