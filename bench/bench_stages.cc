// SPDX-License-Identifier: BSD-3-Clause
// Per-op timings of the flagship configuration (data/lung_ct_egfr_delta.yaml: B-spline
// resampling to 0.702 mm in-plane, LoG sigma 1.5 / 3 / 5 mm, binCount 50) on a synthetic
// 512 x 512 x 300 CT (int16, 0.78 x 0.78 x 1.25 mm) with an ellipsoidal lesion of 100 voxels
// across on every axis, for both backends side by side, through the op table and the backends'
// own buffers (host/backend/dispatch.h) as the pipeline calls them:
//   cpu/<op>   the CPU backend (OpenMP threads), wall time;
//   cuda/<op>  the CUDA backend, timed with CUDA events on the backend's stream (manual time),
//              its inputs already in its buffers; skipped with a message when no device is usable.
// Rows: read_nii_gz (reading and inflating the CT, host only), crop (host only), resample,
// log/sigma, roi_values, discretise, level_box, firstorder, glcm, glrlm, glszm, gldm, ngtdm,
// shape, image_type (one image type's features as extract computes them), end_to_end (the whole
// pipeline on volumes in memory: resample, four image types, every class, diagnostics); on the
// CPU also each texture class split into its matrix and its features.  Counters: items = ROI
// voxels (voxels/s), box = voxels of the op's input, and for CUDA dev_MiB = the backend's
// device-memory peak so far.
//   ./build/bench/bench_stages [--benchmark_filter=cuda/]
#include <benchmark/benchmark.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#ifdef RADX_HAVE_CUDA
#include <cuda_runtime.h>
#endif
extern "C" {
#include "core/result.h"
#include "backend/cuda.h"
#include "backend/dispatch.h"
#include "bench_roi.h"
#include "core/error.h"
#include "core/volume.h"
#include "io/io.h"
#include "params/params.h"
#include "features/features.h"
#include "cpu/resample.h"
#include "rules/log_transfer.h" /* radx_log_boundary */
#include "features/angular_classes.h"
#include "features/size_matrix.h"
#include "features/texture_common.h"
#include "io/io.h"
#include "io/map_write.h"
#include "params/params.h"
#include "features/discretise.h"
#include "pipeline/pipeline.h"
}

namespace
{

constexpr int64_t NX = 512, NY = 512, NZ = 300;
constexpr double SX = 0.78, SY = 0.78, SZ = 1.25;

// Deterministic value noise in [-1, 1].
double hash01(int64_t i, int64_t j, int64_t k)
{
    uint64_t h =
        (uint64_t)i * 0x9e3779b97f4a7c15ull ^ (uint64_t)j * 0xc2b2ae3d27d4eb4full ^ (uint64_t)k * 0x165667b19e3779f9ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (double)(h >> 11) / 4503599627370496.0 - 1.0;
}

struct Target : BenchRoi { // the feature stages' inputs, from the resampled original image
    bool ok = false;
    std::string why;
    radx_params p;
    radx_volume img{}, msk{};   // the synthetic CT and its mask
    radx_volume rimg{}, rmsk{}; // resampled (CPU), the LoG input
    int64_t nbox = 0;
    std::vector<uint8_t> lab; // the resampled mask as a label map (1 in the ROI)
    radx_roi_box box{};       // its bounding box
};

void fail(Target &t, const char *what, const radx_err &e) { t.why = std::string(what) + ": " + e.msg; }

Target &target()
{
    static Target t;
    static bool done = false;
    if (done) return t;
    done = true;
    radx_err e{};
    radx_params_init_defaults(&t.p);
    const std::string params = std::string(RADX_SOURCE_DIR) + "/data/lung_ct_egfr_delta.yaml";
    if (radx_params_load_file(&t.p, params.c_str(), &e)) {
        fail(t, "flagship parameters", e);
        return t;
    }

    const int64_t n = NX * NY * NZ;
    for (radx_volume *v : {&t.img, &t.msk}) {
        v->g.size[0] = NX;
        v->g.size[1] = NY;
        v->g.size[2] = NZ;
        v->g.spacing[0] = SX;
        v->g.spacing[1] = SY;
        v->g.spacing[2] = SZ;
        v->g.origin[0] = -199.5;
        v->g.origin[1] = -199.5;
        v->g.origin[2] = -180.0;
        std::memset(v->g.direction, 0, sizeof v->g.direction);
        v->g.direction[0] = v->g.direction[4] = v->g.direction[8] = 1.0;
        v->g.ndim = 3;
    }
    t.img.dtype = RADX_DT_I16;
    t.msk.dtype = RADX_DT_U8;
    int16_t *im = (int16_t *)std::malloc(sizeof(int16_t) * (size_t)n);
    uint8_t *mk = (uint8_t *)std::calloc((size_t)n, 1);
    if (!im || !mk) {
        t.why = "out of memory";
        return t;
    }
    t.img.data = im;
    t.msk.data = mk;
    const double cx = 250, cy = 270, cz = 150, r = 50; // lesion: 100 voxels across on every axis
    for (int64_t k = 0; k < NZ; k++)
        for (int64_t j = 0; j < NY; j++)
            for (int64_t i = 0; i < NX; i++) {
                const int64_t v = i + NX * (j + NY * k);
                const double dx = (i - cx) / r, dy = (j - cy) / r, dz = (k - cz) / r;
                const double d2 = dx * dx + dy * dy + dz * dz;
                const double body =
                    ((i - 256.0) * (i - 256.0) / (230.0 * 230.0) + (j - 256.0) * (j - 256.0) / (180.0 * 180.0)) < 1;
                double hu = body ? -820 + 60 * std::sin(0.05 * i) * std::cos(0.07 * j) : -1000;
                if (d2 <= 1.0) {
                    mk[v] = 1;
                    hu = 30 + 80 * std::sin(0.31 * i + 0.17 * k) * std::cos(0.23 * j) + 25 * hash01(i, j, k) - 60 * d2;
                } else if (d2 <= 1.2) {
                    hu = -300 + 200 * hash01(i, j, k);
                }
                im[v] = (int16_t)std::lround(hu + 15 * hash01(k, i, j));
            }

    // resample once on the CPU: the LoG and feature stages start from its output
    if (radx_resample(&t.img, &t.msk, &t.p, 1, &t.rimg, &t.rmsk, &e)) {
        fail(t, "resample", e);
        return t;
    }
    const radx_geom &g = t.rimg.g;
    if (!bench_roi_box(t.rimg, t.rmsk, &t)) {
        t.why = "the resampled ROI is empty";
        return t;
    }
    t.lab.assign((size_t)radx_geom_nvox(&g), 0);
    for (int64_t i = 0; i < radx_geom_nvox(&g); i++) t.lab[(size_t)i] = radx_volume_get(&t.rmsk, i) == 1;
    for (int a = 0; a < 3; a++) {
        t.box.lo[a] = t.lo[a];
        t.box.hi[a] = t.hi[a];
    }
    t.box.n = (int64_t)t.x.size(); /* the box's ROI voxels (radx_roi_box.n) */
    t.nbox = (int64_t)t.roi.size();
    if (!bench_roi_levels(g, &t.p, &t, &e)) {
        fail(t, "bin edges", e);
        return t;
    }
    const int ng = t.tin.ng;
    const int64_t nx = t.nx, ny = t.ny, nz = t.nz;
    std::fprintf(stderr,
                 "bench_stages: CT %lldx%lldx%lld, resampled crop %lldx%lldx%lld, ROI box %lldx%lldx%lld, "
                 "%lld ROI voxels, %d gray levels\n",
                 (long long)NX, (long long)NY, (long long)NZ, (long long)g.size[0], (long long)g.size[1],
                 (long long)g.size[2], (long long)nx, (long long)ny, (long long)nz, (long long)t.tin.n_roi, ng);
    t.ok = true;
    return t;
}

// A backend to time, with the target's inputs in its own buffers (made once, outside the timing).
struct Backend {
    radx_be be{nullptr, nullptr};
    bool cuda = false;
    std::string why;
    radx_volbuf crop{}; // the resampled image (the LoG's and roi_values' input)
    radx_buf *roi = nullptr, *x = nullptr, *gl = nullptr, *glbox = nullptr, *scratch_gl = nullptr;
    radx_buf *scratch_x = nullptr, *scratch_box = nullptr;
    radx_volbuf filtered{};
    radx_box_bufs box{};
};

radx_buf *up(const radx_be &be, const void *h, size_t bytes)
{
    radx_err e{};
    radx_buf *b = radx_buf_alloc(&be, bytes);
    if (b && radx_buf_set(&be, b, 0, h, bytes, &e)) {
        radx_buf_free(&be, b);
        return nullptr;
    }
    return b;
}

bool make_buffers(Backend &k, Target &t)
{
    const size_t ib = radx_dtype_size(t.rimg.dtype) * (size_t)radx_geom_nvox(&t.rimg.g);
    k.crop = {t.rimg.g, t.rimg.dtype, radx_buf_wrap(&k.be, t.rimg.data, ib), {0, 0, 0}};
    k.filtered = {
        t.rimg.g, RADX_DT_F32, radx_buf_alloc(&k.be, sizeof(float) * (size_t)radx_geom_nvox(&t.rimg.g)), {0, 0, 0}};
    k.roi = up(k.be, t.roi.data(), t.roi.size());
    k.x = up(k.be, t.x.data(), sizeof(double) * t.x.size());
    k.gl = up(k.be, t.gl.data(), sizeof(int32_t) * t.gl.size());
    k.glbox = up(k.be, t.glbox.data(), sizeof(int32_t) * t.glbox.size());
    k.scratch_x = radx_buf_alloc(&k.be, sizeof(double) * t.x.size());
    k.scratch_gl = radx_buf_alloc(&k.be, sizeof(int32_t) * t.gl.size());
    k.scratch_box = radx_buf_alloc(&k.be, sizeof(int32_t) * t.glbox.size());
    std::memcpy(k.box.dims_zyx, t.tin.dims_zyx, sizeof k.box.dims_zyx);
    std::memcpy(k.box.spacing_zyx, t.tin.spacing_zyx, sizeof k.box.spacing_zyx);
    k.box.roi = k.roi;
    k.box.gl = k.glbox;
    k.box.ng = t.tin.ng;
    k.box.n_roi = t.tin.n_roi;
    return k.crop.buf && k.filtered.buf && k.roi && k.x && k.gl && k.glbox && k.scratch_x && k.scratch_gl &&
           k.scratch_box;
}

Backend &backend(bool cuda)
{
    static Backend b[2];
    static bool made[2] = {false, false};
    Backend &k = b[cuda];
    if (made[cuda]) return k;
    made[cuda] = true;
    k.cuda = cuda;
    radx_err e{};
    if (!cuda) {
        k.be.ops = &radx_cpu_backend;
    } else if (radx_cuda_device_count() <= 0) {
        k.why = "no usable CUDA device (or radx built without CUDA)";
        return k;
    } else if (radx_cuda_backend_create(&k.be, &e)) {
        k.be.ops = nullptr;
        k.why = e.msg;
        return k;
    }
    Target &t = target();
    if (t.ok && !make_buffers(k, t)) {
        k.be.ops = nullptr;
        k.why = "out of memory for the target's buffers";
    }
    return k;
}

// Times one call of f per iteration (after an untimed prep()): CUDA events on the backend's
// stream, or wall time.
template <class F, class P> void timed(benchmark::State &st, Backend &b, F f, P prep)
{
#ifdef RADX_HAVE_CUDA
    if (b.cuda) {
        cudaStream_t s = (cudaStream_t)radx_cuda_backend_stream(b.be.ctx);
        cudaEvent_t e0, e1;
        cudaEventCreate(&e0);
        cudaEventCreate(&e1);
        for (auto _ : st) {
            prep();
            cudaEventRecord(e0, s);
            const bool ok = f();
            cudaEventRecord(e1, s);
            cudaEventSynchronize(e1);
            float ms = 0;
            cudaEventElapsedTime(&ms, e0, e1);
            st.SetIterationTime(ms * 1e-3);
            if (!ok) break;
        }
        cudaEventDestroy(e0);
        cudaEventDestroy(e1);
        radx_device_stats ds;
        radx_cuda_backend_stats(b.be.ctx, &ds);
        st.counters["dev_MiB"] = (double)ds.peak_bytes / 1048576.0;
        return;
    }
#endif
    for (auto _ : st) {
        prep();
        const auto t0 = std::chrono::steady_clock::now();
        const bool ok = f();
        st.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        if (!ok) break;
    }
}

template <class F> void timed(benchmark::State &st, Backend &b, F f)
{
    timed(st, b, f, [] {});
}

bool ready(benchmark::State &st, Target &t, Backend &b)
{
    if (!t.ok) {
        st.SkipWithError(("target case: " + t.why).c_str());
        return false;
    }
    if (!b.be.ops) {
        st.SkipWithError(b.why.c_str());
        return false;
    }
    return true;
}

void finish(benchmark::State &st, Target &t, int64_t box)
{
    st.SetItemsProcessed(st.iterations() * t.tin.n_roi);
    st.counters["box"] = (double)box;
}

// One op call per iteration on the CPU or CUDA backend: call(t, b, e) runs it and returns its
// status; items = ROI voxels, box = box(t).
template <class Box, class Call> void run_op(benchmark::State &st, bool cuda, Box box, Call call)
{
    Target &t = target();
    Backend &b = backend(cuda);
    if (!ready(st, t, b)) return;
    timed(st, b, [&] {
        radx_err e{};
        const radx_status s = call(t, b, e);
        if (s) st.SkipWithError(e.msg);
        return s == RADX_OK;
    });
    finish(st, t, box(t));
}

int64_t crop_voxels(const Target &t) { return radx_geom_nvox(&t.rimg.g); }
int64_t roi_voxels(const Target &t) { return (int64_t)t.x.size(); }
int64_t box_voxels(const Target &t) { return t.nbox; }

void BM_resample(benchmark::State &st, bool cuda)
{
    run_op(st, cuda, crop_voxels, [](Target &t, Backend &b, radx_err &e) {
        radx_volume a{}, m{};
        const radx_status s = radx_op_resample(&b.be, &t.img, &t.msk, &t.p, 1, &a, &m, &e);
        radx_volume_free(&a);
        radx_volume_free(&m);
        return s;
    });
}

void BM_log(benchmark::State &st, bool cuda, double sigma)
{
    run_op(st, cuda, crop_voxels, [sigma](Target &t, Backend &b, radx_err &e) {
        const radx_log_spec spec = {(radx_log_mode)t.p.log_mode, RADX_LOG_BC_MIRROR, 0};
        return radx_op_log_filter(&b.be, &b.crop, sigma, &spec, &b.filtered, &e);
    });
}

void BM_roi_values(benchmark::State &st, bool cuda)
{
    run_op(st, cuda, box_voxels, [](Target &t, Backend &b, radx_err &e) {
        radx_roi_stats rs;
        const int64_t lo[3] = {t.lo[0], t.lo[1], t.lo[2]};
        return radx_op_roi_values(&b.be, &b.crop, b.roi, t.tin.dims_zyx, lo, b.scratch_x, (int64_t)t.x.size(), &rs, &e);
    });
}

void BM_discretise(benchmark::State &st, bool cuda)
{
    run_op(st, cuda, roi_voxels, [](Target &t, Backend &b, radx_err &e) {
        int ng = 0;
        return radx_op_discretise(&b.be, b.x, (int64_t)t.x.size(), t.edges.data(), (int)t.edges.size(), b.scratch_gl,
                                  &ng, &e);
    });
}

void BM_level_box(benchmark::State &st, bool cuda)
{
    run_op(st, cuda, box_voxels, [](Target &t, Backend &b, radx_err &e) {
        return radx_op_level_box(&b.be, b.gl, (int64_t)t.gl.size(), b.roi, t.nbox, b.scratch_box, &e);
    });
}

void BM_firstorder(benchmark::State &st, bool cuda)
{
    run_op(st, cuda, roi_voxels, [](Target &t, Backend &b, radx_err &e) {
        double out[64];
        return radx_op_firstorder(&b.be, b.x, b.gl, (int64_t)t.x.size(), t.tin.ng, SX * SY * SZ, &t.p, out, &e);
    });
}

void BM_texture(benchmark::State &st, bool cuda, radx_class cls)
{
    run_op(st, cuda, box_voxels, [cls](Target &t, Backend &b, radx_err &e) {
        double out[64];
        return radx_op_texture(&b.be, cls, &b.box, &t.p, out, &e);
    });
}

void BM_shape(benchmark::State &st, bool cuda)
{
    run_op(st, cuda, box_voxels, [](Target &t, Backend &b, radx_err &e) {
        double out[64];
        radx_box_bufs in = b.box;
        in.gl = nullptr;
        return radx_op_shape(&b.be, RADX_CLASS_SHAPE, &in, &t.p, out, &e);
    });
}

// On the CPU, GLCM / GLRLM split into their two steps: the matrices of every angle (level index
// included) and the features from those counts.
using PrepFn = radx_status (*)(const radx_texture_input *, const radx_params *, double *, radx_angular_prep *,
                               radx_err *);
using CountFn = uint64_t (*)(const void *, int, uint32_t *);
using FromFn = radx_status (*)(const radx_angular_prep *, const radx_params *, const double *, radx_angular_count_fn,
                               const void *, double *, radx_err *);

void count_all(const radx_angular_prep &g, CountFn cpu, std::vector<uint32_t> &cnt)
{
    cnt.resize((size_t)g.na * g.ncell);
    for (int a = 0; a < g.na; a++) cpu(&g, a, cnt.data() + (size_t)a * g.ncell);
}

void BM_angular_matrix(benchmark::State &st, PrepFn prep, CountFn cpu)
{
    std::vector<uint32_t> cnt;
    run_op(st, false, box_voxels, [&](Target &t, Backend &, radx_err &e) {
        double out[64];
        radx_angular_prep g;
        radx_status s = prep(&t.tin, &t.p, out, &g, &e);
        if (!s) count_all(g, cpu, cnt);
        radx_angular_prep_free(&g);
        return s;
    });
}

void BM_angular_features(benchmark::State &st, PrepFn prep, CountFn cpu, FromFn from)
{
    Target &t = target();
    Backend &b = backend(false);
    if (!ready(st, t, b)) return;
    radx_angular_prep g;
    std::vector<uint32_t> cnt;
    double out[64];
    radx_err e{};
    if (prep(&t.tin, &t.p, out, &g, &e)) {
        st.SkipWithError(e.msg);
        return;
    }
    count_all(g, cpu, cnt);
    radx_angular_counts src{cnt.data(), g.ncell};
    run_op(st, false, box_voxels, [&](Target &tt, Backend &, radx_err &ee) {
        return from(&g, &tt.p, tt.tin.spacing_zyx, radx_angular_counts_get, &src, out, &ee);
    });
    radx_angular_prep_free(&g);
}

// On the CPU, GLSZM, GLDM, NGTDM split into their matrix (setup included) and their features.
template <class M> struct NbClass {
    radx_status (*setup)(const radx_texture_input *, const radx_params *, double *, radx_tex_nbclass *, radx_err *);
    radx_status (*cpu)(const radx_texture_input *, const radx_tex_nbclass *, M *, radx_err *);
    radx_status (*features)(const radx_tex_nbclass *, const M *, double *, radx_err *);
    void (*free_matrix)(M *);
};

template <class M> radx_status nb_matrix(const NbClass<M> &k, const Target &t, radx_tex_nbclass &s, M &m, radx_err &e)
{
    double out[64];
    std::memset(&m, 0, sizeof m);
    radx_status st = k.setup(&t.tin, &t.p, out, &s, &e);
    return st ? st : k.cpu(&t.tin, &s, &m, &e);
}

template <class M> void BM_nb_matrix(benchmark::State &st, NbClass<M> k)
{
    run_op(st, false, box_voxels, [&](Target &t, Backend &, radx_err &e) {
        radx_tex_nbclass s{};
        M m;
        const radx_status r = nb_matrix(k, t, s, m, e);
        k.free_matrix(&m);
        radx_tex_nbclass_free(&s);
        return r;
    });
}

template <class M> void BM_nb_features(benchmark::State &st, NbClass<M> k)
{
    Target &t = target();
    Backend &b = backend(false);
    if (!ready(st, t, b)) return;
    radx_tex_nbclass s{};
    M m;
    radx_err e{};
    if (nb_matrix(k, t, s, m, e)) {
        st.SkipWithError(e.msg);
    } else {
        run_op(st, false, box_voxels, [&](Target &, Backend &, radx_err &ee) {
            double out[64];
            return k.features(&s, &m, out, &ee);
        });
    }
    k.free_matrix(&m);
    radx_tex_nbclass_free(&s);
}

// Cropping the resampled mask to the ROI box (numpy-ordered ROI flags).
void BM_crop(benchmark::State &st)
{
    run_op(st, false, box_voxels, [](Target &t, Backend &, radx_err &e) {
        int64_t dims[3];
        uint8_t *roi = nullptr;
        const radx_status s = radx_pipeline_crop_box(&t.rimg.g, t.lab.data(), &t.box, dims, &roi, &e);
        std::free(roi);
        return s;
    });
}

// Reading and decompressing the synthetic CT from a .nii.gz written once (float32, as radx writes
// maps); the host does it for both backends.
void BM_read_nii_gz(benchmark::State &st)
{
    Target &t = target();
    if (!t.ok) {
        st.SkipWithError(("target case: " + t.why).c_str());
        return;
    }
    static std::string path;
    if (path.empty()) {
        char dir[] = "/tmp/radx_bench_XXXXXX";
        if (!mkdtemp(dir)) {
            st.SkipWithError("cannot make a temporary folder");
            return;
        }
        path = std::string(dir) + "/ct.nii.gz";
        const int64_t n = radx_geom_nvox(&t.img.g);
        std::vector<float> f((size_t)n);
        for (int64_t i = 0; i < n; i++) f[(size_t)i] = (float)((const int16_t *)t.img.data)[i];
        radx_err e{};
        if (radx_map_write(path.c_str(), &t.img.g, f.data(), &e)) {
            st.SkipWithError(e.msg);
            path.clear();
            return;
        }
    }
    for (auto _ : st) {
        radx_volume v{};
        radx_err e{};
        if (radx_volume_read(path.c_str(), &v, &e)) {
            st.SkipWithError(e.msg);
            break;
        }
        radx_volume_free(&v);
    }
    st.SetItemsProcessed(st.iterations() * radx_geom_nvox(&t.img.g));
}

// One image type's features as `extract` computes them (crop, ROI values, discretisation, first
// order, the five texture classes) on the resampled image, in the backend's buffers.
void BM_image_type(benchmark::State &st, bool cuda)
{
    Target &t = target();
    Backend &b = backend(cuda);
    if (!ready(st, t, b)) return;
    radx_params q;
    std::memset(&q, 0, sizeof q);
    radx_err e{};
    if (radx_params_for_imtype(&q, &t.p, RADX_IMG_ORIGINAL, &e)) {
        radx_params_clear(&q);
        st.SkipWithError(e.msg);
        return;
    }
    timed(st, b, [&] {
        radx_result *r = radx_result_new();
        radx_err e2{};
        const radx_status s = r ? radx_pipeline_image_type(&b.crop, &q, &b.be, "original", &b.crop.g, t.lab.data(),
                                                           nullptr, &t.box, r, "synthetic_ct", &e2)
                                : RADX_ERR_NOMEM;
        radx_result_destroy(r);
        if (s) st.SkipWithError(e2.msg);
        return s == RADX_OK;
    });
    radx_params_clear(&q);
    finish(st, t, t.tin.n_roi);
}

// The whole pipeline on the volumes in memory.
void BM_end_to_end(benchmark::State &st, bool cuda)
{
    Target &t = target();
    Backend &b = backend(cuda);
    if (!ready(st, t, b)) return;
    timed(st, b, [&] {
        radx_result *r = nullptr;
        radx_err e{};
        const radx_status s =
            radx_pipeline_run(&t.p, &b.be, &t.img, "synthetic_ct", &t.msk, "synthetic_mask", 1, &r, &e);
        radx_result_destroy(r);
        if (s) st.SkipWithError(e.msg);
        return s == RADX_OK;
    });
    finish(st, t, radx_geom_nvox(&t.img.g));
}

void register_all()
{
    benchmark::RegisterBenchmark("cpu/read_nii_gz", BM_read_nii_gz)->UseRealTime()->Unit(benchmark::kMillisecond);
    const double sigmas[3] = {1.5, 3.0, 5.0};
    const struct {
        const char *name;
        radx_class cls;
    } tex[5] = {{"glcm", RADX_CLASS_GLCM},
                {"glrlm", RADX_CLASS_GLRLM},
                {"glszm", RADX_CLASS_GLSZM},
                {"gldm", RADX_CLASS_GLDM},
                {"ngtdm", RADX_CLASS_NGTDM}};
    for (int c = 0; c < 2; c++) {
        const bool cuda = c == 1;
        const std::string be = cuda ? "cuda/" : "cpu/";
        auto reg = [&](const std::string &n, auto fn) {
            benchmark::RegisterBenchmark((be + n).c_str(), fn)->UseManualTime()->Unit(benchmark::kMillisecond);
        };
        reg("resample", [cuda](benchmark::State &s) { BM_resample(s, cuda); });
        for (double sg : sigmas) {
            char n[32];
            std::snprintf(n, sizeof n, "log/sigma_%.1f", sg);
            reg(n, [cuda, sg](benchmark::State &s) { BM_log(s, cuda, sg); });
        }
        reg("roi_values", [cuda](benchmark::State &s) { BM_roi_values(s, cuda); });
        reg("discretise", [cuda](benchmark::State &s) { BM_discretise(s, cuda); });
        reg("level_box", [cuda](benchmark::State &s) { BM_level_box(s, cuda); });
        reg("firstorder", [cuda](benchmark::State &s) { BM_firstorder(s, cuda); });
        for (const auto &k : tex) {
            const radx_class cls = k.cls;
            reg(k.name, [cuda, cls](benchmark::State &s) { BM_texture(s, cuda, cls); });
        }
        reg("shape", [cuda](benchmark::State &s) { BM_shape(s, cuda); });
        reg("image_type", [cuda](benchmark::State &s) { BM_image_type(s, cuda); });
        reg("end_to_end", [cuda](benchmark::State &s) { BM_end_to_end(s, cuda); });
        if (cuda) continue;
        const NbClass<radx_szm_sparse> szm{radx_glszm_setup, radx_glszm_matrix, radx_glszm_from_matrix,
                                           radx_szm_sparse_free};
        const NbClass<radx_szm_sparse> dm{radx_gldm_setup, radx_gldm_matrix, radx_gldm_from_matrix,
                                          radx_szm_sparse_free};
        const NbClass<radx_ngtdm_mat> ng{radx_ngtdm_setup, radx_ngtdm_matrix, radx_ngtdm_from_matrix,
                                         radx_ngtdm_mat_free};
        reg("glszm/matrix", [szm](benchmark::State &s) { BM_nb_matrix(s, szm); });
        reg("glszm/features", [szm](benchmark::State &s) { BM_nb_features(s, szm); });
        reg("gldm/matrix", [dm](benchmark::State &s) { BM_nb_matrix(s, dm); });
        reg("gldm/features", [dm](benchmark::State &s) { BM_nb_features(s, dm); });
        reg("ngtdm/matrix", [ng](benchmark::State &s) { BM_nb_matrix(s, ng); });
        reg("ngtdm/features", [ng](benchmark::State &s) { BM_nb_features(s, ng); });
        reg("crop", [](benchmark::State &s) { BM_crop(s); });
        reg("glcm/matrix", [](benchmark::State &s) { BM_angular_matrix(s, radx_glcm_prepare, radx_glcm_count_angle); });
        reg("glcm/features", [](benchmark::State &s) {
            BM_angular_features(s, radx_glcm_prepare, radx_glcm_count_angle, radx_glcm_from_counts);
        });
        reg("glrlm/matrix",
            [](benchmark::State &s) { BM_angular_matrix(s, radx_glrlm_prepare, radx_glrlm_count_angle); });
        reg("glrlm/features", [](benchmark::State &s) {
            BM_angular_features(s, radx_glrlm_prepare, radx_glrlm_count_angle, radx_glrlm_from_counts);
        });
    }
}

} // namespace

int main(int argc, char **argv)
{
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
