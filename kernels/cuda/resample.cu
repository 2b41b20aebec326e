/* SPDX-License-Identifier: BSD-3-Clause */
/* Resampling on the GPU: radx_cuda_resample (kernels/cuda/stages.h), same contract as radx_resample.
 *
 * Split of the work:
 *   - host/cpu/resample.c (radx_resample_with, host/cpu/resample.h) does the set-up, as for the CPU:
 *     PyRadiomics' grid, ITK's geometry matrices (its SVD-based inverse), the ROI checks, the
 *     equal-spacing shortcut, the input box each evaluation reads and, for B-splines, the
 *     coefficients of that box (BSplineDecompositionImageFilter's recursions); and afterwards the
 *     cast of every value to the output pixel type;
 *   - this file evaluates the output voxels: one kernel maps both ends of every output scanline to
 *     input continuous indices (radx_rs_line_ends), one kernel evaluates every output voxel
 *     (radx_rs_eval_voxel: scanline position, inside test, nearest / linear / cubic B-spline),
 *     both from kernels/rules/resample_eval.h over the rules of kernels/rules/resample_rules.h, which the CPU
 *     loop calls too.
 * Every operation there is an IEEE-rounded +, -, *, /, sqrt, floor, float conversion or
 * round-to-nearest-even, so the device reproduces the CPU's values bit for bit, provided nvcc does
 * not contract a*b+c into fused multiply-adds: this file must be compiled with --fmad=false.  A
 * probe kernel checks that at run time (exact_arithmetic); if products and sums are fused,
 * every evaluation is handed back to the CPU (same voxels, no speed-up).  Also handed back to the
 * CPU: the windowed-sinc interpolators (their weights use sin/cos, whose CUDA implementations are
 * not glibc's, so the voxels could differ in the last bit and then flip an integer output), and
 * evaluations of which not even one output slice fits in device memory (the CPU gives the same
 * voxels).
 *
 * Device memory per evaluation: the input box (8 bytes per voxel), the output (in the output pixel
 * type, cast on the device by the CPU's rule radx_rs_store: a CT's int16 comes back in 2 bytes a
 * voxel) and 48 bytes per output scanline; freed on every path.  A mask whose box holds at most
 * 255 labels besides 0 goes up and comes back in 1 byte a voxel: indices into a palette of its
 * labels (radx_rs_mask_palette), evaluated by radx_rs_nearest_index (the CPU's nearest-neighbour
 * offset) and mapped back to labels on the host with the CPU's cast.  When that does not fit,
 * the output is evaluated in slabs of slices (tiles), each with only the input slices its voxels
 * read (radx_rs_eval_slabs, host/cpu/resample.c; tested on the CPU by test_resample). */
#include <cuda_runtime.h>
#include <atomic>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_check.cuh"
#include "cuda/device_mem.cuh"
#include "cpu/resample.h"
#include "cuda/stages.h"
#include "rules/resample_eval.h"

#define RS_BLOCK    128
#define RS_MAX_GRID (1 << 20)

/* ---- the FMA probe: a*b + c with a*b = 1 - 2^-60 exactly; separate roundings give 0 ---- */
static __global__ void rs_fma_probe(double a, double b, double c, double *out)
{
    if (blockIdx.x == 0 && threadIdx.x == 0) *out = a * b + c;
}

/* Whether the device rounds products and sums separately, as the CPU does: 1 yes, 0 no (fused:
 * every evaluation is left to the CPU), -1 when the probe could not run (*err says why). */
static int exact_arithmetic(cudaStream_t s, radx_err *err)
{
    static std::atomic<int> cached(-1);
    int v = cached.load();
    if (v >= 0) return v;
    double *d = NULL, h = 1.0;
    cudaError_t e = cudaMalloc(&d, sizeof(double));
    if (e == cudaSuccess) {
        rs_fma_probe<<<1, 1, 0, s>>>(1.0 + 0x1p-30, 1.0 - 0x1p-30, -1.0, d);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess) e = cudaMemcpyAsync(&h, d, sizeof(double), cudaMemcpyDeviceToHost, s);
    if (e == cudaSuccess) e = cudaStreamSynchronize(s);
    cudaFree(d);
    if (e != cudaSuccess) {
        cudaGetLastError();
        radx_seterr(err, RADX_ERR_DEVICE, "resample on the GPU: arithmetic probe failed: %s", cudaGetErrorString(e));
        return -1;
    }
    v = h == 0.0 ? 1 : 0;
    cached.store(v);
    return v;
}

/* The job as the kernels see it (device pointer to the box). */
struct rs_dev_job {
    int interp;
    double out_i2p[9], out_origin[3];
    int64_t out_nx;
    double in_p2i[9], in_origin[3];
    int64_t in_size[3];
    int64_t lo[3], n[3]; /* output box: first voxel, size */
    const double *buf;
    int64_t blo[3], bsz[3];
};

static int rs_grid(int64_t n)
{
    int64_t b = (n + RS_BLOCK - 1) / RS_BLOCK;
    if (b < 1) b = 1;
    if (b > RS_MAX_GRID) b = RS_MAX_GRID;
    return (int)b;
}

/* both ends of every output scanline of the box: ends[6 l .. 6 l + 5] = st[3], en[3] */
static __global__ void rs_lines(rs_dev_job j, double *__restrict__ ends)
{
    const int64_t nl = j.n[1] * j.n[2];
    for (int64_t l = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; l < nl; l += (int64_t)blockDim.x * gridDim.x) {
        const int64_t y = j.lo[1] + l % j.n[1], z = j.lo[2] + l / j.n[1];
        double st[3], en[3];
        radx_rs_line_ends(j.out_i2p, j.out_origin, j.out_nx, j.in_p2i, j.in_origin, y, z, st, en);
        for (int d = 0; d < 3; d++) {
            ends[6 * l + d] = st[d];
            ends[6 * l + 3 + d] = en[d];
        }
    }
}

/* both ends of output scanline l, from rs_lines' table */
static __device__ __forceinline__ void rs_ends_of(const double *__restrict__ ends, int64_t l, double st[3],
                                                  double en[3])
{
    for (int d = 0; d < 3; d++) {
        st[d] = ends[6 * l + d];
        en[d] = ends[6 * l + 3 + d];
    }
}

/* every output voxel of the box; INTERP a compile-time constant so that only its branch of
 * radx_rs_eval_voxel is compiled in (registers: the windowed-sinc tables are large) */
template <int INTERP>
static __global__ void rs_voxels(rs_dev_job j, const double *__restrict__ ends, int dt, void *__restrict__ out)
{
    const int64_t total = j.n[0] * j.n[1] * j.n[2];
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t x = i % j.n[0], l = i / j.n[0];
        double st[3], en[3];
        rs_ends_of(ends, l, st, en);
        radx_rs_store(dt, out, i,
                      radx_rs_eval_voxel(INTERP, j.buf, j.blo, j.bsz, j.in_size, st, en, j.lo[0] + x, j.out_nx));
    }
}

/* masks: the palette index of every output voxel of the box, from the box of indices */
static __global__ void rs_mask_indices(rs_dev_job j, const double *__restrict__ ends, const uint8_t *__restrict__ idx,
                                       uint8_t *__restrict__ out)
{
    const int64_t total = j.n[0] * j.n[1] * j.n[2];
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t x = i % j.n[0], l = i / j.n[0];
        double st[3], en[3];
        rs_ends_of(ends, l, st, en);
        out[i] = radx_rs_nearest_index(idx, j.blo, j.bsz, j.in_size, st, en, j.lo[0] + x, j.out_nx);
    }
}

/* What the slab evaluator needs besides the slab: the stream and, for a mask whose labels fit a
 * palette, the whole job's box as palette indices (a slab's part of it lies at the same offset
 * as its part of the job's buf). */
struct rs_eval_ctx {
    radx_cuda *cu;
    const double *buf;  /* the whole job's box */
    const uint8_t *idx; /* its palette indices, or NULL: the box goes up as double */
    const double *pal;
};

/* One job (or slab of one, host/cpu/resample.h) on the device into out (the output pixel type: the
 * cast is done there, so a CT comes back in 2 bytes a voxel, not 8); RADX_ERR_NOMEM (nothing
 * noted) when its buffers do not fit. */
static radx_status rs_device_eval(void *vctx, const radx_rs_job *job, void *out, radx_err *err)
{
    const rs_eval_ctx *ctx = (const rs_eval_ctx *)vctx;
    cudaStream_t s = ctx->cu->stream;
    /* a mask in palette indices: 1 byte a voxel up and down (the host maps them to labels) */
    const uint8_t *h_idx = ctx->idx ? ctx->idx + (job->buf - ctx->buf) : NULL;
    rs_dev_job j;
    memset(&j, 0, sizeof j);
    j.interp = job->interp;
    memcpy(j.out_i2p, job->out_i2p, sizeof j.out_i2p);
    memcpy(j.in_p2i, job->in_p2i, sizeof j.in_p2i);
    j.out_nx = job->out_size[0];
    for (int d = 0; d < 3; d++) {
        j.out_origin[d] = job->out_origin[d];
        j.in_origin[d] = job->in_origin[d];
        j.in_size[d] = job->in_size[d];
        j.lo[d] = job->lo[d];
        j.n[d] = job->hi[d] - job->lo[d];
        j.blo[d] = job->blo[d];
        j.bsz[d] = job->bsz[d];
    }
    const int64_t nvals = j.n[0] * j.n[1] * j.n[2], nlines = j.n[1] * j.n[2];
    if (nvals <= 0) return RADX_OK;
    const size_t buf_bytes = (h_idx ? 1 : sizeof(double)) * (size_t)(j.bsz[0] * j.bsz[1] * j.bsz[2]);
    const size_t val_bytes = (h_idx ? 1 : radx_dtype_size((radx_dtype)job->out_dtype)) * (size_t)nvals,
                 end_bytes = 6 * sizeof(double) * (size_t)nlines;
    if (buf_bytes + val_bytes + end_bytes > radx_dev::available(ctx->cu))
        return RADX_ERR_NOMEM; /* not even worth a try */
    uint8_t *h_oi = NULL;      /* the output indices come back here */
    if (h_idx && !(h_oi = (uint8_t *)radx_dev::pinned(1, val_bytes))) return RADX_ERR_NOMEM;
    double *d_buf = NULL, *d_ends = NULL;
    char *d_vals = NULL;
    const char *what = "allocation";
    radx_dev::dmem mem;
    cudaError_t e = radx_dev::dmem_init(&mem, ctx->cu);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, (char **)&d_buf, buf_bytes);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &d_vals, val_bytes);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, (char **)&d_ends, end_bytes);
    if (e == cudaErrorMemoryAllocation) { /* thinner slabs, or the CPU (same voxels) */
        cudaGetLastError();
        radx_dev::dfree_all(&mem);
        return RADX_ERR_NOMEM;
    }
    if (e == cudaSuccess) {
        what = "upload";
        e = cudaMemcpyAsync(d_buf, h_idx ? (const void *)h_idx : (const void *)job->buf, buf_bytes,
                            cudaMemcpyHostToDevice, s);
    }
    if (e == cudaSuccess) {
        j.buf = d_buf;
        what = "resampling kernels";
        rs_lines<<<rs_grid(nlines), RS_BLOCK, 0, s>>>(j, d_ends);
        const int dt = job->out_dtype;
        if (h_idx)
            rs_mask_indices<<<rs_grid(nvals), RS_BLOCK, 0, s>>>(j, d_ends, (const uint8_t *)d_buf, (uint8_t *)d_vals);
        else if (j.interp == RADX_RS_NEAREST)
            rs_voxels<RADX_RS_NEAREST><<<rs_grid(nvals), RS_BLOCK, 0, s>>>(j, d_ends, dt, d_vals);
        else if (j.interp == RADX_RS_LINEAR)
            rs_voxels<RADX_RS_LINEAR><<<rs_grid(nvals), RS_BLOCK, 0, s>>>(j, d_ends, dt, d_vals);
        else
            rs_voxels<RADX_RS_BSPLINE><<<rs_grid(nvals), RS_BLOCK, 0, s>>>(j, d_ends, dt, d_vals);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess) {
        what = "download";
        e = cudaMemcpyAsync(h_idx ? (void *)h_oi : out, d_vals, val_bytes, cudaMemcpyDeviceToHost, s);
    }
    if (e == cudaSuccess) {
        what = "stream synchronisation";
        e = cudaStreamSynchronize(s);
    }
    if (e == cudaSuccess && h_idx) { /* the labels, cast as the CPU casts its box's values */
        for (int64_t i = 0; i < nvals; i++) radx_rs_store(job->out_dtype, out, i, ctx->pal[h_oi[i]]);
        radx_cuda_note_narrow_saved(ctx->cu,
                                    (unsigned long long)buf_bytes * (sizeof(double) - 1) +
                                        (unsigned long long)nvals * (radx_dtype_size((radx_dtype)job->out_dtype) - 1));
    }
    radx_status st = RADX_OK;
    if (e != cudaSuccess) {
        cudaGetLastError();
        cudaStreamSynchronize(s);
        cudaGetLastError();
        st = radx_seterr(err, RADX_ERR_DEVICE, "resample on the GPU (%lldx%lldx%lld voxels): %s failed: %s",
                         (long long)j.n[0], (long long)j.n[1], (long long)j.n[2], what, cudaGetErrorString(e));
    }
    radx_dev::dfree_all(&mem);
    return st;
}

/* radx_rs_eval_fn for host/cpu/resample.c; ctx = the radx_cuda.  A job whose buffers do not fit is
 * evaluated in slabs of output slices, each with only the input slices it reads
 * (radx_rs_eval_slabs); when not even one slice fits, the CPU evaluates it. */
static radx_status cuda_rs_eval(void *ctx, const radx_rs_job *job, void *out, int *handled, radx_err *err)
{
    *handled = 0;
    radx_cuda *cu = (radx_cuda *)ctx;
    if (job->interp != RADX_RS_NEAREST && job->interp != RADX_RS_LINEAR && job->interp != RADX_RS_BSPLINE)
        return RADX_OK; /* windowed sincs: the CPU */
    const int ex = exact_arithmetic(cu->stream, err);
    if (ex < 0) return RADX_ERR_DEVICE;
    if (ex == 0) return RADX_OK; /* fused arithmetic: the CPU gives the voxels */
    const int was_oom = radx_dev::oom();
    int nslabs = 0;
    rs_eval_ctx ec = {cu, job->buf, NULL, NULL};
    double pal[256];
    uint8_t *idx = NULL;
    if (job->interp == RADX_RS_NEAREST && job->is_mask) { /* labels: as palette indices when they fit */
        const size_t nb = (size_t)job->bsz[0] * (size_t)job->bsz[1] * (size_t)job->bsz[2];
        idx = (uint8_t *)radx_dev::pinned(0, nb);
        if (idx && radx_rs_mask_palette(job->buf, nb, idx, pal) > 0) {
            ec.idx = idx;
            ec.pal = pal;
        }
    }
    radx_status st = radx_rs_eval_slabs(job, out, rs_device_eval, &ec, &nslabs, err);
    if (st == RADX_ERR_NOMEM) { /* not even one slice fits: the CPU gives the same voxels */
        if (!was_oom) radx_dev::clear_oom();
        cu->fallbacks++;
        return RADX_OK;
    }
    if (st != RADX_OK) return st;
    if (!was_oom) radx_dev::clear_oom(); /* recovered in slabs: not a shortage the backend must act on */
    if (nslabs > 1) radx_cuda_note_tiled(cu);
    *handled = 1;
    return RADX_OK;
}

radx_status radx_cuda_resample(radx_cuda *cu, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                               uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    return radx_resample_with(img, mask, p, label, cuda_rs_eval, cu, img_out, mask_out, err);
}
