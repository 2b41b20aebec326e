// SPDX-License-Identifier: BSD-3-Clause
// Times each feature family of radx's CPU backend on PyRadiomics' brain1 case (binWidth 25,
// PyRadiomics defaults), the IBSI-1 families and aggregations (ibsi_*), and the whole extraction
// through the public API.  Items = ROI voxels.
//   ./build/bench/bench_families [--benchmark_filter=glcm]
#include <benchmark/benchmark.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <string>
#include <algorithm>
extern "C" {
#include "bench_roi.h"
#include "features/discretise.h"
#include "core/error.h"
#include "core/volume.h"
#include "io/io.h"
#include "params/params.h"
#include "features/features.h"
#include "features/ibsi_morph.h"
#include "features/ibsi_texture.h"
}

namespace
{

struct Case : BenchRoi { // brain1's ROI box, levels and class inputs
    radx_params p;
    bool ok = false;
    std::string image, mask;
};

Case &brain1()
{
    static Case c;
    static bool done = false;
    if (done) return c;
    done = true;
    c.image = std::string(RADX_SOURCE_DIR) + "/data/pyradiomics/brain1_image.nrrd";
    c.mask = std::string(RADX_SOURCE_DIR) + "/data/pyradiomics/brain1_label.nrrd";
    radx_params_init_defaults(&c.p);
    radx_volume img{}, msk{};
    radx_err err{};
    if (radx_volume_read(c.image.c_str(), &img, &err) || radx_volume_read(c.mask.c_str(), &msk, &err)) {
        std::fprintf(stderr, "bench: %s\n", err.msg);
        return c;
    }
    if (!bench_roi_box(img, msk, &c) || !bench_roi_levels(img.g, &c.p, &c, &err)) {
        radx_volume_free(&img);
        radx_volume_free(&msk);
        return c;
    }
    radx_volume_free(&img);
    radx_volume_free(&msk);
    c.ok = true;
    return c;
}

using TexFn = radx_status (*)(const radx_texture_input *, const radx_params *, double *, radx_err *);

void run_texture(benchmark::State &st, TexFn fn)
{
    Case &c = brain1();
    if (!c.ok) {
        st.SkipWithError("brain1 not readable");
        return;
    }
    double out[64];
    radx_err err{};
    for (auto _ : st) {
        if (fn(&c.tin, &c.p, out, &err)) {
            st.SkipWithError(err.msg);
            return;
        }
        benchmark::DoNotOptimize(out[0]);
    }
    st.SetItemsProcessed(st.iterations() * c.tin.n_roi);
}

void BM_glcm(benchmark::State &st) { run_texture(st, radx_glcm_compute); }
void BM_glrlm(benchmark::State &st) { run_texture(st, radx_glrlm_compute); }
void BM_glszm(benchmark::State &st) { run_texture(st, radx_glszm_compute); }
void BM_gldm(benchmark::State &st) { run_texture(st, radx_gldm_compute); }
void BM_ngtdm(benchmark::State &st) { run_texture(st, radx_ngtdm_compute); }

// An IBSI texture class under one aggregation (host/features/ibsi_texture.c).
void BM_ibsi_texture(benchmark::State &st, radx_class cls, radx_aggregation agg)
{
    Case &c = brain1();
    if (!c.ok) {
        st.SkipWithError("brain1 not readable");
        return;
    }
    double out[64];
    radx_err err{};
    for (auto _ : st) {
        if (radx_ibsi_texture(cls, agg, &c.tin, nullptr, &c.p, out, &err)) {
            st.SkipWithError(err.msg);
            return;
        }
        benchmark::DoNotOptimize(out[0]);
    }
    st.SetItemsProcessed(st.iterations() * c.tin.n_roi);
}

// The IBSI intensity families: statistics beyond first order, intensity histogram, IVH.
void BM_ibsi_intensity(benchmark::State &st, radx_class cls)
{
    Case &c = brain1();
    if (!c.ok) {
        st.SkipWithError("brain1 not readable");
        return;
    }
    double out[64];
    radx_err err{};
    const int64_t n = (int64_t)c.x.size();
    for (auto _ : st) {
        const radx_status s = cls == RADX_CLASS_STAT ? radx_stat_compute(c.x.data(), n, out, &err)
                              : cls == RADX_CLASS_IH ? radx_ih_compute(c.gl.data(), n, c.tin.ng, out, &err)
                                                     : radx_ivh_compute(c.x.data(), n, &c.p, out, &err);
        if (s) {
            st.SkipWithError(err.msg);
            return;
        }
        benchmark::DoNotOptimize(out[0]);
    }
    st.SetItemsProcessed(st.iterations() * c.tin.n_roi);
}

// IBSI morphology beyond shape (convex hull, ellipsoid, Moran's I, Geary's C ...), the mesh's
// volume and area given.
void BM_ibsi_morph(benchmark::State &st)
{
    Case &c = brain1();
    double shape[64], out[64];
    radx_err err{};
    if (!c.ok || radx_shape_compute(&c.sin, &c.p, shape, &err)) {
        st.SkipWithError("brain1 not readable");
        return;
    }
    radx_morph_input m{};
    m.s = c.sin;
    m.x = c.x.data();
    m.nx = (int64_t)c.x.size();
    m.volume = shape[10];
    m.area = shape[14];
    for (auto _ : st) {
        if (radx_morph_compute(&m, out, &err)) {
            st.SkipWithError(err.msg);
            return;
        }
        benchmark::DoNotOptimize(out[0]);
    }
    st.SetItemsProcessed(st.iterations() * c.tin.n_roi);
}

void BM_firstorder(benchmark::State &st)
{
    Case &c = brain1();
    if (!c.ok) {
        st.SkipWithError("brain1 not readable");
        return;
    }
    double out[64];
    radx_err err{};
    for (auto _ : st) {
        radx_firstorder_compute(c.x.data(), c.gl.data(), (int64_t)c.x.size(), c.tin.ng, 1.0, &c.p, out, &err);
        benchmark::DoNotOptimize(out[0]);
    }
    st.SetItemsProcessed(st.iterations() * c.tin.n_roi);
}

void BM_shape(benchmark::State &st)
{
    Case &c = brain1();
    if (!c.ok) {
        st.SkipWithError("brain1 not readable");
        return;
    }
    double out[64];
    radx_err err{};
    for (auto _ : st) {
        if (radx_shape_compute(&c.sin, &c.p, out, &err)) {
            st.SkipWithError(err.msg);
            return;
        }
        benchmark::DoNotOptimize(out[0]);
    }
    st.SetItemsProcessed(st.iterations() * c.tin.n_roi);
}

void BM_read_nrrd(benchmark::State &st)
{
    Case &c = brain1();
    for (auto _ : st) {
        radx_volume v{};
        radx_err err{};
        if (radx_volume_read(c.image.c_str(), &v, &err)) {
            st.SkipWithError(err.msg);
            return;
        }
        radx_volume_free(&v);
    }
}

void BM_extract_end_to_end(benchmark::State &st)
{
    Case &c = brain1();
    radx_ctx *ctx = nullptr;
    radx_ctx_create(&ctx);
    radx_params *p = nullptr;
    radx_params_create(ctx, &p);
    radx_plan *plan = nullptr;
    if (radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan)) {
        st.SkipWithError(radx_ctx_last_error(ctx));
        return;
    }
    for (auto _ : st) {
        radx_result *r = nullptr;
        if (radx_plan_execute(plan, c.image.c_str(), c.mask.c_str(), 0, &r)) {
            st.SkipWithError(radx_ctx_last_error(ctx));
            break;
        }
        radx_result_destroy(r);
    }
    st.SetItemsProcessed(st.iterations() * (c.ok ? c.tin.n_roi : 0));
    radx_plan_destroy(plan);
    radx_params_destroy(p);
    radx_ctx_destroy(ctx);
}

} // namespace

BENCHMARK(BM_read_nrrd)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_firstorder)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_shape)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_glcm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_glrlm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_glszm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_gldm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ngtdm)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, glcm_2Davg, RADX_CLASS_GLCM, RADX_AGG_2D_AVG)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, glcm_3Davg, RADX_CLASS_GLCM, RADX_AGG_3D_AVG)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, glcm_3Dmrg, RADX_CLASS_GLCM, RADX_AGG_3D_MRG)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, glrlm_3Davg, RADX_CLASS_GLRLM, RADX_AGG_3D_AVG)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, glszm_2D, RADX_CLASS_GLSZM, RADX_AGG_2D)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, glszm_3D, RADX_CLASS_GLSZM, RADX_AGG_3D)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, gldzm_2D, RADX_CLASS_GLDZM, RADX_AGG_2D)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, gldzm_3D, RADX_CLASS_GLDZM, RADX_AGG_3D)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, ngtdm_3D, RADX_CLASS_NGTDM, RADX_AGG_3D)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_texture, ngldm_3D, RADX_CLASS_NGLDM, RADX_AGG_3D)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_intensity, stat, RADX_CLASS_STAT)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_intensity, ih, RADX_CLASS_IH)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ibsi_intensity, ivh, RADX_CLASS_IVH)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ibsi_morph)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_extract_end_to_end)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
