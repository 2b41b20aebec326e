/* SPDX-License-Identifier: BSD-3-Clause */
/* Tiles on the GPU: with a device budget of 1 MiB (RADX_CUDA_MEMORY_MIB, set before the first
 * CUDA call), a 64 x 96 x 240 box's level index (5.6 MiB) does not fit, so the CUDA GLCM, GLRLM,
 * GLSZM, GLDM and NGTDM process it in z-slabs (kernels/cuda/angular_count.cuh, kernels/cuda/glszm.cu,
 * kernels/cuda/neighbourhood_texture.cuh, kernels/rules/tile_rules.h), discretisation bins its 1.47 M values in chunks,
 * first order sorts them in chunks merged on the host, shape builds its mesh in slabs of cube
 * layers, resampling evaluates slabs of output slices, and LoG filters in two passes (x-y slices,
 * then z lines; to 1e-5 of the largest response, as test_gpu_log).  Required: GLCM's and GLRLM's matrices equal to the CPU's cell for cell (distances 1
 * and {1, 3}; GLRLM's runs cross the slabs through carry planes); the features of GLSZM (zones
 * labelled per slab, stitched on the host), GLDM, NGTDM, first order and shape equal to the
 * CPU's bit for bit; the levels equal to the CPU's; the backend reporting the tiled stages and
 * staying within the budget.  The slab arithmetic itself is tested on the CPU (test_tiles).
 * Exits 77 without a CUDA device. */
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "cuda/stages.h"
#include "pipeline/discretise.h"
#include "cuda/glcm_cuda.h"
#include "features/angular_classes.h"
#include "cuda/glrlm_cuda.h"
#include "cpu/log_filter.h"
#include "cuda/resample_cuda.h"
#include <math.h>
#include "params/params.h"
#include "radx.h"
#include "core/radx_internal.h"
#include "radx_test.h"
#include "tex_box.h"

/* Every call below must note a tiled stage (radx_cuda_memory_stats) and none may run on the CPU. */
static long long g_tiled0, g_fb0;
static void tiled_begin(void)
{
    radx_cuda_memstats m;
    radx_cuda_memory_stats(&m);
    g_tiled0 = m.tiled_stages;
    g_fb0 = m.cpu_fallbacks;
}
static void tiled_end(const char *what)
{
    radx_cuda_memstats m;
    radx_cuda_memory_stats(&m);
    CHECK(m.tiled_stages > g_tiled0, "%s was not processed in tiles under the 1 MiB budget", what);
    CHECK(m.cpu_fallbacks == g_fb0, "%s fell back to the CPU", what);
}

int main(void)
{
    if (!radx_backend_available(RADX_BACKEND_CUDA)) {
        printf("test_gpu_tiles: no CUDA backend or device here: skipped\n");
        return RADX_TEST_SKIP;
    }
    setenv("RADX_CUDA_MEMORY_MIB", "1", 1);
    void *stream = NULL;
    radx_err e = {RADX_OK, ""};
    if (radx_angular_cuda_test_stream(&stream, &e) != RADX_OK) {
        CHECK(0, "stream: %s", e.msg);
        return radx_test_finish("test_gpu_tiles");
    }
    const int64_t nz = 240, ny = 96, nx = 64, n = nz * ny * nx;
    int32_t *gl = malloc(sizeof *gl * (size_t)n);
    uint8_t *roi = malloc((size_t)n);
    uint64_t s = 42;
    int64_t nroi = 0;
    for (int64_t v = 0; v < n; v++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        const int64_t x = v % nx, y = (v / nx) % ny, z = v / (nx * ny);
        const double r2 = (x - 32.0) * (x - 32.0) + (y - 48.0) * (y - 48.0) + (z - 120.0) * (z - 120.0) / 4.0;
        roi[v] = r2 < 30.0 * 30.0;
        gl[v] = roi[v] ? 1 + (int32_t)(((s >> 40) % 25) + (uint64_t)(z / 10)) : 0; /* 48 levels */
        nroi += roi[v];
    }
    radx_texture_input in = tex_box(gl, roi, nz, ny, nx, 48);
    const char *dist[] = {"[1]", "[1, 3]"};
    typedef struct {
        const char *name;
        radx_status (*prepare)(const radx_texture_input *, const radx_params *, double *, radx_angular_prep *,
                               radx_err *);
        radx_status (*gpu)(void *, const radx_angular_prep *, int, uint32_t *, radx_err *);
        uint64_t (*cpu)(const void *, int, uint32_t *);
    } ang_class;
    const ang_class classes[2] = {{"GLCM", radx_glcm_prepare, radx_glcm_cuda_counts, radx_glcm_count_angle},
                                  {"GLRLM", radx_glrlm_prepare, radx_glrlm_cuda_counts, radx_glrlm_count_angle}};
    for (int d = 0; d < 4; d++) {
        const ang_class *k = &classes[d / 2];
        radx_params p;
        radx_params_init_defaults(&p);
        CHECK(radx_params_set_text(&p, "distances", dist[d % 2], &e) == RADX_OK, "distances: %s", e.msg);
        radx_angular_prep g;
        double out[64];
        if (k->prepare(&in, &p, out, &g, &e) != RADX_OK) {
            CHECK(0, "prepare: %s", e.msg);
            radx_params_clear(&p);
            continue;
        }
        uint32_t *cpu = malloc(g.ncell * sizeof *cpu), *gpu = malloc((size_t)g.na * g.ncell * sizeof *gpu);
        tiled_begin();
        radx_status st = k->gpu(stream, &g, RADX_ANG_AUTO, gpu, &e);
        tiled_end(k->name);
        CHECK(st == RADX_OK, "%s distances %s: CUDA counts: %s", k->name, dist[d % 2], e.msg);
        long long differ = 0;
        for (int a = 0; st == RADX_OK && a < g.na; a++) {
            k->cpu(&g, a, cpu);
            for (size_t c = 0; c < g.ncell; c++) differ += cpu[c] != gpu[(size_t)a * g.ncell + c];
        }
        CHECK(differ == 0, "%s distances %s: %lld cells differ", k->name, dist[d % 2], differ);
        printf("%s distances %s: %d angles of %zu cells counted in slabs: %lld cells differ from the CPU's\n",
               k->name, dist[d % 2], g.na, g.ncell, differ);
        free(cpu);
        free(gpu);
        radx_angular_prep_free(&g);
        radx_params_clear(&p);
    }
    /* GLRLM on an ROI one voxel thick in x: the angles with dx != 0 see no line of two ROI voxels,
     * so the slabs leave their flags clear and the host decides them on the whole box */
    {
        uint8_t *thin = malloc((size_t)n);
        int64_t nthin = 0;
        for (int64_t v = 0; v < n; v++) {
            thin[v] = roi[v] && v % nx == 32;
            nthin += thin[v];
        }
        radx_texture_input tin = in;
        tin.roi = thin;
        tin.n_roi = nthin;
        radx_params p;
        radx_params_init_defaults(&p);
        radx_angular_prep g;
        double out[64];
        if (radx_glrlm_prepare(&tin, &p, out, &g, &e) == RADX_OK) {
            uint32_t *cpu = malloc(g.ncell * sizeof *cpu), *gpu = malloc((size_t)g.na * g.ncell * sizeof *gpu);
            tiled_begin();
            radx_status st = radx_glrlm_cuda_counts(stream, &g, RADX_ANG_AUTO, gpu, &e);
            tiled_end("GLRLM (thin ROI)");
            CHECK(st == RADX_OK, "GLRLM, thin ROI: CUDA counts: %s", e.msg);
            long long differ = 0;
            for (int a = 0; st == RADX_OK && a < g.na; a++) {
                radx_glrlm_count_angle(&g, a, cpu);
                for (size_t c = 0; c < g.ncell; c++) differ += cpu[c] != gpu[(size_t)a * g.ncell + c];
            }
            CHECK(differ == 0, "GLRLM, thin ROI: %lld cells differ", differ);
            printf("GLRLM, ROI one voxel thick, in slabs: %lld cells differ from the CPU's\n", differ);
            free(cpu);
            free(gpu);
            radx_angular_prep_free(&g);
        } else {
            CHECK(0, "GLRLM, thin ROI: prepare: %s", e.msg);
        }
        radx_params_clear(&p);
        free(thin);
    }
    /* GLSZM, GLDM and NGTDM: features of the tiled GPU path vs the CPU's */
    {
        radx_params p;
        radx_params_init_defaults(&p);
        double c[64], g[64];
        int differ = 0;
        tiled_begin();
        radx_status a = radx_glszm_compute(&in, &p, c, &e), b = radx_cuda_glszm(stream, &in, &p, g, &e);
        tiled_end("GLSZM");
        CHECK(a == RADX_OK && b == RADX_OK, "glszm: %s", e.msg);
        for (int f = 0; f < radx_glszm_nfeatures; f++) differ += memcmp(&c[f], &g[f], sizeof c[f]) != 0;
        a = radx_gldm_compute(&in, &p, c, &e);
        tiled_begin();
        b = radx_cuda_gldm(stream, &in, &p, g, &e);
        tiled_end("GLDM");
        CHECK(a == RADX_OK && b == RADX_OK, "gldm: %s", e.msg);
        for (int f = 0; f < radx_gldm_nfeatures; f++) differ += memcmp(&c[f], &g[f], sizeof c[f]) != 0;
        a = radx_ngtdm_compute(&in, &p, c, &e);
        tiled_begin();
        b = radx_cuda_ngtdm(stream, &in, &p, g, &e);
        tiled_end("NGTDM");
        CHECK(a == RADX_OK && b == RADX_OK, "ngtdm: %s", e.msg);
        for (int f = 0; f < radx_ngtdm_nfeatures; f++) differ += memcmp(&c[f], &g[f], sizeof c[f]) != 0;
        CHECK(differ == 0, "GLSZM/GLDM/NGTDM: %d features differ between the tiled GPU path and the CPU", differ);
        printf("GLSZM, GLDM and NGTDM in slabs: %d features differ from the CPU's\n", differ);
        radx_params_clear(&p);
    }
    /* first order: 1.47 M values sorted in chunks on the device and merged on the host */
    {
        radx_params p;
        radx_params_init_defaults(&p);
        double *x = malloc(sizeof *x * (size_t)n), *edges = NULL, c[64], g[64];
        int32_t *lv = malloc(sizeof *lv * (size_t)n);
        int nedges = 0, differ = 0;
        for (int64_t v = 0; v < n; v++) x[v] = (double)gl[v] * 12.5 + (double)(v % 97) * 0.01 - 300.0;
        CHECK(radx_bin_edges(x, n, &p, 0, &edges, &nedges, &e) == RADX_OK, "edges: %s", e.msg);
        const int ng = radx_discretise(x, n, edges, nedges, lv);
        /* discretisation in chunks (12 bytes a value: 17 MiB here) */
        int32_t *lv2 = malloc(sizeof *lv2 * (size_t)n);
        int ng2 = -1;
        long long ldiff = 0;
        tiled_begin();
        CHECK(radx_cuda_discretise(stream, x, n, edges, nedges, lv2, &ng2, &e) == RADX_OK, "discretise: %s", e.msg);
        tiled_end("discretisation");
        for (int64_t v = 0; v < n; v++) ldiff += lv[v] != lv2[v];
        CHECK(ldiff == 0 && ng2 == ng, "discretisation in chunks: %lld levels differ, largest %d vs %d", ldiff, ng2, ng);
        printf("discretisation in chunks: %lld of %lld levels differ from the CPU's\n", ldiff, (long long)n);
        free(lv2);
        radx_status a = radx_firstorder_compute(x, lv, n, ng, 1.0, &p, c, &e);
        tiled_begin();
        radx_status b = radx_cuda_firstorder(stream, x, lv, n, ng, 1.0, &p, g, &e);
        tiled_end("first order");
        CHECK(a == RADX_OK && b == RADX_OK, "first order: %s", e.msg);
        for (int f = 0; f < radx_firstorder_nfeatures; f++) differ += memcmp(&c[f], &g[f], sizeof c[f]) != 0;
        CHECK(differ == 0, "first order: %d features differ between the chunked GPU path and the CPU", differ);
        printf("first order in chunks: %d features differ from the CPU's\n", differ);
        free(x);
        free(lv);
        free(edges);
        radx_params_clear(&p);
    }
    /* shape: the padded mask alone (1.5 MiB) does not fit: the mesh in slabs of cube layers */
    {
        radx_shape_input si;
        radx_params p;
        double c[64], g[64];
        int differ = 0;
        memset(&si, 0, sizeof si);
        si.dims_zyx[0] = nz; si.dims_zyx[1] = ny; si.dims_zyx[2] = nx;
        si.spacing_zyx[0] = 1.25; si.spacing_zyx[1] = si.spacing_zyx[2] = 0.78;
        si.roi = roi;
        si.n_roi = nroi;
        radx_params_init_defaults(&p);
        tiled_begin();
        radx_status a = radx_shape_compute(&si, &p, c, &e), b = radx_cuda_shape(stream, &si, &p, g, &e);
        tiled_end("shape");
        CHECK(a == RADX_OK && b == RADX_OK, "shape: %s", e.msg);
        for (int f = 0; f < radx_shape_nfeatures; f++) differ += memcmp(&c[f], &g[f], sizeof c[f]) != 0;
        CHECK(differ == 0, "shape: %d features differ between the mesh built in slabs and the CPU's", differ);
        printf("shape in slabs: %d features differ from the CPU's\n", differ);
        radx_params_clear(&p);
    }
    /* resampling (B-spline to 0.7 mm: 3.3 M output voxels) in slabs of output slices, and LoG (the
     * first 60 slices, and a depth whose padded z length is odd; its 3-D transform needs about
     * 14 MiB) in two passes */
    {
        radx_volume img, msk, io, mo, go, gm, lc, lg;
        memset(&img, 0, sizeof img);
        img.g.size[0] = nx; img.g.size[1] = ny; img.g.size[2] = nz;
        img.g.spacing[0] = img.g.spacing[1] = 0.78; img.g.spacing[2] = 1.25;
        img.g.direction[0] = img.g.direction[4] = img.g.direction[8] = 1.0;
        img.g.ndim = 3;
        msk = img;
        img.dtype = RADX_DT_F32;
        msk.dtype = RADX_DT_U8;
        img.data = malloc(sizeof(float) * (size_t)n);
        msk.data = roi;
        for (int64_t v = 0; v < n; v++) ((float *)img.data)[v] = (float)(gl[v] * 12.5 + (double)(v % 97) * 0.3 - 200.0);
        radx_params p;
        radx_params_init_defaults(&p);
        CHECK(radx_params_set_text(&p, "resampledPixelSpacing", "[0.7, 0.7, 0.7]", &e) == RADX_OK, "%s", e.msg);
        long long on_dev0 = 0, on_dev1 = 0;
        long long on_cpu0 = 0, on_cpu1 = 0;
        radx_cuda_resample_counts(&on_dev0, &on_cpu0);
        radx_status a = radx_resample(&img, &msk, &p, 1, &io, &mo, &e);
        tiled_begin();
        radx_status b = radx_cuda_resample(stream, &img, &msk, &p, 1, &go, &gm, &e);
        tiled_end("resampling");
        radx_cuda_resample_counts(&on_dev1, &on_cpu1);
        CHECK(on_cpu1 == on_cpu0, "resampling: %lld evaluation(s) left to the CPU", on_cpu1 - on_cpu0);
        CHECK(a == RADX_OK && b == RADX_OK, "resample: %s", e.msg);
        if (a == RADX_OK && b == RADX_OK) {
            const int64_t no = io.g.size[0] * io.g.size[1] * io.g.size[2];
            const int same = no == go.g.size[0] * go.g.size[1] * go.g.size[2] &&
                             !memcmp(io.data, go.data, radx_dtype_size(io.dtype) * (size_t)no) &&
                             !memcmp(mo.data, gm.data, radx_dtype_size(mo.dtype) * (size_t)no);
            CHECK(same, "resampling in slabs: the output differs from the CPU's");
            CHECK(on_dev1 > on_dev0, "resampling: no evaluation ran on the device");
            printf("resampling in slabs: %lld output voxels, %s the CPU's\n", (long long)no,
                   same ? "bit-identical to" : "DIFFERENT from");
            radx_volume_free(&io);
            radx_volume_free(&mo);
            radx_volume_free(&go);
            radx_volume_free(&gm);
        }
        radx_params_clear(&p);
        int64_t depths[2] = {60, 0};
        for (int64_t dz = 41; dz < 120 && !depths[1]; dz++) { /* a depth with an odd padded z length */
            radx_log_opts lo;
            radx_log_setup S;
            memset(&S, 0, sizeof S);
            img.g.size[2] = dz;
            if (radx_log_prepare(&img, 2.0, RADX_LOG_PYRADIOMICS, &lo, &e) == RADX_OK &&
                radx_log_setup_init(&img, 2.0, &lo, &S, &e) == RADX_OK && S.ax[2].L % 2)
                depths[1] = dz;
            radx_log_setup_free(&S);
        }
        CHECK(depths[1] > 0, "no depth from 41 to 119 gives an odd padded z length");
        for (int di = 0; di < 2 && depths[di] > 0; di++) {
        img.g.size[2] = depths[di];
        a = radx_log_filter(&img, 2.0, RADX_LOG_PYRADIOMICS, &lc, &e);
        tiled_begin();
        b = radx_cuda_log_filter(stream, &img, 2.0, RADX_LOG_PYRADIOMICS, &lg, &e);
        tiled_end("LoG");
        CHECK(a == RADX_OK && b == RADX_OK, "LoG: %s", e.msg);
        if (a == RADX_OK && b == RADX_OK) {
            const int64_t nl = nx * ny * depths[di];
            double mx = 0, d = 0;
            for (int64_t v = 0; v < nl; v++) {
                const double c = ((const float *)lc.data)[v], g2 = ((const float *)lg.data)[v];
                mx = fmax(mx, fabs(c));
                d = fmax(d, fabs(c - g2));
            }
            CHECK(d <= 1e-5 * mx, "LoG in two passes: max |GPU - CPU| %.3g of max |CPU|", d / mx);
            printf("LoG in two passes, %lld slices: max |GPU - CPU| / max |CPU| = %.2e\n", (long long)depths[di],
                   d / mx);
            radx_volume_free(&lc);
            radx_volume_free(&lg);
        }
        }
        free(img.data);
    }
    radx_cuda_memstats ms;
    radx_cuda_memory_stats(&ms);
    printf("budget %.2f MiB: peak %.3f MiB, %lld tiled stage(s)\n", ms.budget_bytes / 1048576.0,
           ms.peak_bytes / 1048576.0, ms.tiled_stages);
    CHECK(ms.peak_bytes <= ms.budget_bytes, "peak %llu over the budget %llu", ms.peak_bytes, ms.budget_bytes);
    CHECK(ms.cpu_fallbacks == 0, "%lld stage(s) fell back to the CPU", ms.cpu_fallbacks);
    radx_angular_cuda_test_stream_destroy(stream);
    free(gl);
    free(roi);
    return radx_test_finish("test_gpu_tiles");
}
