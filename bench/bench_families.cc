// SPDX-License-Identifier: BSD-3-Clause
// Times each feature family of radx's CPU backend on PyRadiomics' brain1 case (binWidth 25,
// PyRadiomics defaults), and the whole extraction through the public API.  Items = ROI voxels.
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
#include "discretise.h"
#include "radx_internal.h"
}

namespace {

struct Case {
    radx_params p;
    radx_texture_input tin{};
    radx_shape_input sin{};
    std::vector<double> x;
    std::vector<int32_t> gl, glbox;
    std::vector<uint8_t> roi;
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
    int64_t lo[3] = {INT64_MAX, INT64_MAX, INT64_MAX}, hi[3] = {-1, -1, -1};
    const radx_geom &g = img.g;
    for (int64_t k = 0; k < g.size[2]; k++)
        for (int64_t j = 0; j < g.size[1]; j++)
            for (int64_t i = 0; i < g.size[0]; i++)
                if (radx_volume_get(&msk, i + g.size[0] * (j + g.size[1] * k)) == 1) {
                    int64_t v[3] = {i, j, k};
                    for (int a = 0; a < 3; a++) { lo[a] = std::min(lo[a], v[a]); hi[a] = std::max(hi[a], v[a]); }
                }
    int64_t nx = hi[0] - lo[0] + 1, ny = hi[1] - lo[1] + 1, nz = hi[2] - lo[2] + 1;
    c.roi.assign(nx * ny * nz, 0);
    std::vector<double> val(nx * ny * nz);
    for (int64_t k = 0; k < nz; k++)
        for (int64_t j = 0; j < ny; j++)
            for (int64_t i = 0; i < nx; i++) {
                int64_t s = (lo[0] + i) + g.size[0] * ((lo[1] + j) + g.size[1] * (lo[2] + k));
                int64_t d = i + nx * (j + ny * k);
                c.roi[d] = radx_volume_get(&msk, s) == 1;
                val[d] = radx_volume_get(&img, s);
                if (c.roi[d]) c.x.push_back(val[d]);
            }
    double *edges = nullptr;
    int nedges = 0;
    if (radx_bin_edges(c.x.data(), (int64_t)c.x.size(), &c.p, 0, &edges, &nedges, &err)) return c;
    c.gl.resize(c.x.size());
    int ng = radx_discretise(c.x.data(), (int64_t)c.x.size(), edges, nedges, c.gl.data());
    std::free(edges);
    c.glbox.assign(c.roi.size(), 0);
    for (size_t i = 0, k = 0; i < c.roi.size(); i++)
        if (c.roi[i]) c.glbox[i] = c.gl[k++];
    c.tin.dims_zyx[0] = nz; c.tin.dims_zyx[1] = ny; c.tin.dims_zyx[2] = nx;
    c.tin.spacing_zyx[0] = g.spacing[2]; c.tin.spacing_zyx[1] = g.spacing[1]; c.tin.spacing_zyx[2] = g.spacing[0];
    c.tin.gl = c.glbox.data();
    c.tin.roi = c.roi.data();
    c.tin.ng = ng;
    c.tin.n_roi = (int64_t)c.x.size();
    std::memcpy(c.sin.dims_zyx, c.tin.dims_zyx, sizeof c.sin.dims_zyx);
    std::memcpy(c.sin.spacing_zyx, c.tin.spacing_zyx, sizeof c.sin.spacing_zyx);
    c.sin.roi = c.roi.data();
    c.sin.n_roi = c.tin.n_roi;
    radx_volume_free(&img);
    radx_volume_free(&msk);
    c.ok = true;
    return c;
}

using TexFn = radx_status (*)(const radx_texture_input *, const radx_params *, double *, radx_err *);

void run_texture(benchmark::State &st, TexFn fn)
{
    Case &c = brain1();
    if (!c.ok) { st.SkipWithError("brain1 not readable"); return; }
    double out[64];
    radx_err err{};
    for (auto _ : st) {
        if (fn(&c.tin, &c.p, out, &err)) { st.SkipWithError(err.msg); return; }
        benchmark::DoNotOptimize(out[0]);
    }
    st.SetItemsProcessed(st.iterations() * c.tin.n_roi);
}

void BM_glcm(benchmark::State &st) { run_texture(st, radx_glcm_compute); }
void BM_glrlm(benchmark::State &st) { run_texture(st, radx_glrlm_compute); }
void BM_glszm(benchmark::State &st) { run_texture(st, radx_glszm_compute); }
void BM_gldm(benchmark::State &st) { run_texture(st, radx_gldm_compute); }
void BM_ngtdm(benchmark::State &st) { run_texture(st, radx_ngtdm_compute); }

void BM_firstorder(benchmark::State &st)
{
    Case &c = brain1();
    if (!c.ok) { st.SkipWithError("brain1 not readable"); return; }
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
    if (!c.ok) { st.SkipWithError("brain1 not readable"); return; }
    double out[64];
    radx_err err{};
    for (auto _ : st) {
        if (radx_shape_compute(&c.sin, &c.p, out, &err)) { st.SkipWithError(err.msg); return; }
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
        if (radx_volume_read(c.image.c_str(), &v, &err)) { st.SkipWithError(err.msg); return; }
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
    if (radx_plan_create(ctx, p, RADX_BACKEND_CPU, &plan)) { st.SkipWithError(radx_ctx_last_error(ctx)); return; }
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

}  // namespace

BENCHMARK(BM_read_nrrd)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_firstorder)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_shape)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_glcm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_glrlm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_glszm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_gldm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ngtdm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_extract_end_to_end)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
