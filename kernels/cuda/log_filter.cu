/* SPDX-License-Identifier: BSD-3-Clause */
/* Laplacian of Gaussian by FFT on the GPU: radx_cuda_log_filter (kernels/cuda/stages.h).
 *
 * The algorithm of host/cpu/log_filter.c, step for step, with the same set-up and per-sample rules:
 *   - radx_log_prepare / radx_log_setup_init (host/cpu/log_filter.c) check the arguments and build the
 *     FFT grid and the per-axis tables (g, d, padding map) on the host, exactly as the CPU does;
 *   - the input is read from its buffer's device copy (uploaded once, in its own pixel type, for
 *     every sigma); a kernel sums every z slice (double, one block
 *     per slice, fixed tree order) and one thread adds the slice sums in slice order into the
 *     centring constant (radx_log_centre);
 *   - a kernel extends the centred image into the padded cuFFT buffer (radx_log_ext tables,
 *     radx_log_centred), cuFFT R2C, a kernel multiplies every spectrum sample (radx_log_apply),
 *     cuFFT C2R, a kernel crops and adds the constant's response (radx_log_output);
 *   - the F32 result stays in the output buffer's device copy (the ROI values are gathered there).
 *
 * Agreement with the CPU: every per-sample step is the same arithmetic (float samples, double
 * transfer function), but cuFFT and KissFFT round differently (both float, different
 * factorisations and twiddles) and the slice sums of a float image are summed in another order
 * (integer images: exact in double, so the same constant).  Expected difference: a few float
 * ulps of the largest intermediate value, i.e. |GPU - CPU| <= ~1e-6 of the largest |response| or
 * of the input range after centring (the float FFT's error is ~1e-7 relative to the signal's
 * norm, growing like log2 of the size); tests/test_backend_ops.c checks max |GPU - CPU| <= 1e-5 of
 * the largest |response| and prints what it achieves.
 *
 * Device memory: the input and output buffers' device copies, the FFT buffer (8 (Lx/2+1) Ly Lz
 * bytes), the tables and cuFFT's work area (the idle cached plans are freed and the allocation
 * tried once more on a shortage); when that does not fit, two passes in slabs (lf_two_pass) with
 * the result in the output's host copy.  Work is enqueued on the plan's stream only. */
#include <cuda_runtime.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_check.cuh"
#include "cuda/device_mem.cuh"
#include "cuda/stages.h"
#include "cuda/fft_cufft.h"
#include "cpu/log_filter.h"
#include "rules/log_transfer.h"

#define LF_BLOCK    256
#define LF_MAX_GRID (1 << 20)

static int lf_grid(int64_t n)
{
    int64_t b = (n + LF_BLOCK - 1) / LF_BLOCK;
    if (b < 1) b = 1;
    if (b > LF_MAX_GRID) b = LF_MAX_GRID;
    return (int)b;
}

/* Per-axis tables on the device: g[L], d[L] (double) and map[L] (int64) for the three axes. */
struct lf_tabs {
    const double *g[3], *d[3];
    const int64_t *map[3];
    int64_t n[3], L[3], off[3];
};

/* ---- 1. slice sums (one block per z slice, fixed reduction order) ---- */
template <typename T>
static __global__ void lf_slice_sum(const T *__restrict__ in, int64_t nslice, int64_t nz, double *__restrict__ zsum)
{
    __shared__ double sh[LF_BLOCK];
    for (int64_t z = blockIdx.x; z < nz; z += gridDim.x) {
        const T *s = in + z * nslice;
        double acc = 0.0;
        for (int64_t i = threadIdx.x; i < nslice; i += LF_BLOCK) acc += (double)s[i];
        sh[threadIdx.x] = acc;
        __syncthreads();
        for (int w = LF_BLOCK / 2; w > 0; w >>= 1) {
            if ((int)threadIdx.x < w) sh[threadIdx.x] += sh[threadIdx.x + w];
            __syncthreads();
        }
        if (threadIdx.x == 0) zsum[z] = sh[0];
        __syncthreads();
    }
}

/* the slice sums in slice order, as the CPU adds them */
static __global__ void lf_centre(const double *__restrict__ zsum, int64_t nz, int64_t nvox, double *__restrict__ cval)
{
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    double sum = 0.0;
    for (int64_t z = 0; z < nz; z++) sum += zsum[z];
    *cval = radx_log_centre(sum, nvox);
}

/* ---- 2. the centred image, extended into the padded buffer (rows of 2 nh floats) ---- */
template <typename T>
static __global__ void lf_pad(const T *__restrict__ in, lf_tabs t, int64_t nh, const double *__restrict__ cval,
                              float *__restrict__ buf)
{
    const int64_t row = 2 * nh, total = row * t.L[1] * t.L[2];
    const double c = *cval;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t px = i % row, r = i / row;
        const int64_t py = r % t.L[1], pz = r / t.L[1];
        const int64_t sx = px < t.L[0] ? t.map[0][px] : -1;
        const int64_t sy = t.map[1][py], sz = t.map[2][pz];
        float v = 0.0f;
        if (sx >= 0 && sy >= 0 && sz >= 0) v = radx_log_centred((double)in[sx + t.n[0] * (sy + t.n[1] * sz)], c);
        buf[i] = v;
    }
}

/* ---- 3. spectrum times T(k) / (Lx Ly Lz) ---- */
static __global__ void lf_multiply(radx_fft_cpx *__restrict__ buf, lf_tabs t, int64_t nh, double scale)
{
    const int64_t total = nh * t.L[1] * t.L[2];
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t kx = i % nh, r = i / nh;
        const int64_t ky = r % t.L[1], kz = r / t.L[1];
        radx_fft_cpx v = buf[i];
        radx_log_apply(&v.re, &v.im, t.g[0][kx], t.d[0][kx], t.g[1][ky], t.d[1][ky], t.g[2][kz], t.d[2][kz], scale);
        buf[i] = v;
    }
}

/* ---- 4. crop, add the constant's response c T(0) ---- */
static __global__ void lf_crop(const float *__restrict__ buf, lf_tabs t, int64_t nh, const double *__restrict__ cval,
                               double t0, float *__restrict__ out)
{
    const int64_t total = t.n[0] * t.n[1] * t.n[2];
    const double add = *cval * t0;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t x = i % t.n[0], r = i / t.n[0];
        const int64_t y = r % t.n[1], z = r / t.n[1];
        const float v = buf[(x + t.off[0]) + 2 * nh * ((y + t.off[1]) + t.L[1] * (z + t.off[2]))];
        out[i] = radx_log_output(v, add);
    }
}

template <typename T>
static cudaError_t lf_launch_in(const void *d_in, const radx_log_setup *S, const lf_tabs &t, double *d_zsum,
                                double *d_cval, float *d_buf, cudaStream_t s)
{
    const T *in = (const T *)d_in;
    if (S->bc != RADX_LOG_BC_ZERO) {
        const int64_t nz = S->ax[2].n;
        lf_slice_sum<T><<<(int)(nz < 65535 ? nz : 65535), LF_BLOCK, 0, s>>>(in, S->ax[0].n * S->ax[1].n, nz, d_zsum);
        lf_centre<<<1, 1, 0, s>>>(d_zsum, nz, S->nvox, d_cval);
    }
    const int64_t nfl = 2 * S->nbuf;
    lf_pad<T><<<lf_grid(nfl), LF_BLOCK, 0, s>>>(in, t, S->nh, d_cval, d_buf);
    return cudaGetLastError();
}

static cudaError_t lf_launch_front(radx_dtype dt, const void *d_in, const radx_log_setup *S, const lf_tabs &t,
                                   double *d_zsum, double *d_cval, float *d_buf, cudaStream_t s)
{
    switch (dt) {
    case RADX_DT_U8: return lf_launch_in<uint8_t>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    case RADX_DT_I8: return lf_launch_in<int8_t>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    case RADX_DT_U16: return lf_launch_in<uint16_t>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    case RADX_DT_I16: return lf_launch_in<int16_t>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    case RADX_DT_U32: return lf_launch_in<uint32_t>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    case RADX_DT_I32: return lf_launch_in<int32_t>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    case RADX_DT_U64: return lf_launch_in<uint64_t>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    case RADX_DT_I64: return lf_launch_in<int64_t>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    case RADX_DT_F32: return lf_launch_in<float>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    case RADX_DT_F64: return lf_launch_in<double>(d_in, S, t, d_zsum, d_cval, d_buf, s);
    }
    return cudaErrorInvalidValue;
}

/* ---- tiles: the filter in two passes (kernels/rules/log_transfer.h, radx_log_apply_xy / _z) ---- */

/* pass 1: the padded x-y planes of ns image slices held in `in` (slice s of buf: image slice s) */
template <typename T>
static __global__ void lf_pad_xy(const T *__restrict__ in, lf_tabs t, int64_t nh, int64_t ns, double c,
                                 float *__restrict__ buf)
{
    const int64_t row = 2 * nh, total = row * t.L[1] * ns;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t px = i % row, r = i / row, py = r % t.L[1], sl = r / t.L[1];
        const int64_t sx = px < t.L[0] ? t.map[0][px] : -1, sy = t.map[1][py];
        float v = 0.0f;
        if (sx >= 0 && sy >= 0) v = radx_log_centred((double)in[sx + t.n[0] * (sy + t.n[1] * sl)], c);
        buf[i] = v;
    }
}

/* pass 1: the spectra of ns planes in a, times Gx Gy into a and times Dx Gy + Gx Dy into b */
static __global__ void lf_mul_xy(radx_fft_cpx *__restrict__ a, radx_fft_cpx *__restrict__ b, lf_tabs t, int64_t nh,
                                 int64_t ns, double scale)
{
    const int64_t total = nh * t.L[1] * ns;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t kx = i % nh, ky = (i / nh) % t.L[1];
        radx_fft_cpx va = a[i], vb;
        radx_log_apply_xy(va.re, va.im, t.g[0][kx], t.d[0][kx], t.g[1][ky], t.d[1][ky], scale, &va.re, &va.im, &vb.re,
                          &vb.im);
        a[i] = va;
        b[i] = vb;
    }
}

/* pass 1: the image's x and y of the ns filtered planes into A and B (n0 x n1 x ns) */
static __global__ void lf_crop_xy(const float *__restrict__ a, const float *__restrict__ b, lf_tabs t, int64_t nh,
                                  int64_t ns, float *__restrict__ A, float *__restrict__ B)
{
    const int64_t total = t.n[0] * t.n[1] * ns;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t x = i % t.n[0], r = i / t.n[0], y = r % t.n[1], sl = r / t.n[1];
        const int64_t src = (x + t.off[0]) + 2 * nh * ((y + t.off[1]) + t.L[1] * sl);
        A[i] = a[src];
        B[i] = b[src];
    }
}

/* pass 2: the padded z lines of the rows [y0, y0 + ty) (A, B hold them: x + n0 (yy + ty z)) as
 * rows of 2 nz2 floats, line l = x + n0 yy */
static __global__ void lf_gather_z(const float *__restrict__ A, const float *__restrict__ B, lf_tabs t, int64_t ty,
                                   int64_t nz2, float *__restrict__ la, float *__restrict__ lb)
{
    const int64_t row = 2 * nz2, total = row * t.n[0] * ty;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t p = i % row, l = i / row;
        const int64_t sz = p < t.L[2] ? t.map[2][p] : -1;
        float va = 0.0f, vb = 0.0f;
        if (sz >= 0) {
            va = A[l + t.n[0] * ty * sz];
            vb = B[l + t.n[0] * ty * sz];
        }
        la[i] = va;
        lb[i] = vb;
    }
}

/* pass 2: Dz A + Gz B per z frequency, into a */
static __global__ void lf_mul_z(radx_fft_cpx *__restrict__ a, const radx_fft_cpx *__restrict__ b, lf_tabs t,
                                int64_t nz2, int64_t nlines, double scale)
{
    const int64_t total = nz2 * nlines;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t kz = i % nz2;
        radx_fft_cpx va = a[i];
        const radx_fft_cpx vb = b[i];
        radx_log_apply_z(&va.re, &va.im, vb.re, vb.im, t.g[2][kz], t.d[2][kz], scale);
        a[i] = va;
    }
}

/* pass 2: the image's z of every line, plus the constant's response, into out (x + n0 (yy + ty z)) */
static __global__ void lf_crop_z(const float *__restrict__ la, lf_tabs t, int64_t ty, int64_t nz2, double add,
                                 float *__restrict__ out)
{
    const int64_t nl = t.n[0] * ty, total = nl * t.n[2];
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t l = i % nl, z = i / nl;
        out[i] = radx_log_output(la[2 * nz2 * l + z + t.off[2]], add);
    }
}

template <typename T>
static void lf_pad_xy_launch(const void *in, const lf_tabs &t, int64_t nh, int64_t ns, double c, float *buf,
                             cudaStream_t s)
{
    lf_pad_xy<T><<<lf_grid(2 * nh * t.L[1] * ns), LF_BLOCK, 0, s>>>((const T *)in, t, nh, ns, c, buf);
}

static cudaError_t lf_pad_xy_any(radx_dtype dt, const void *in, const lf_tabs &t, int64_t nh, int64_t ns, double c,
                                 float *buf, cudaStream_t s)
{
    switch (dt) {
    case RADX_DT_U8: lf_pad_xy_launch<uint8_t>(in, t, nh, ns, c, buf, s); break;
    case RADX_DT_I8: lf_pad_xy_launch<int8_t>(in, t, nh, ns, c, buf, s); break;
    case RADX_DT_U16: lf_pad_xy_launch<uint16_t>(in, t, nh, ns, c, buf, s); break;
    case RADX_DT_I16: lf_pad_xy_launch<int16_t>(in, t, nh, ns, c, buf, s); break;
    case RADX_DT_U32: lf_pad_xy_launch<uint32_t>(in, t, nh, ns, c, buf, s); break;
    case RADX_DT_I32: lf_pad_xy_launch<int32_t>(in, t, nh, ns, c, buf, s); break;
    case RADX_DT_U64: lf_pad_xy_launch<uint64_t>(in, t, nh, ns, c, buf, s); break;
    case RADX_DT_I64: lf_pad_xy_launch<int64_t>(in, t, nh, ns, c, buf, s); break;
    case RADX_DT_F32: lf_pad_xy_launch<float>(in, t, nh, ns, c, buf, s); break;
    case RADX_DT_F64: lf_pad_xy_launch<double>(in, t, nh, ns, c, buf, s); break;
    default: return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
}

/* The per-axis tables on the device (g, d per axis as double, then map per axis as int64) from
 * S into tabs (allocated by the caller: lf_tab_bytes), and their description t. */
static size_t lf_tab_bytes(const radx_log_setup *S)
{
    return (size_t)(S->ax[0].L + S->ax[1].L + S->ax[2].L) * (2 * sizeof(double) + sizeof(int64_t));
}

static cudaError_t lf_upload_tabs(const radx_log_setup *S, char *tabs, lf_tabs *t, cudaStream_t s)
{
    cudaError_t e = cudaSuccess;
    char *p = tabs;
    for (int a = 0; a < 3; a++) {
        const size_t nb = (size_t)S->ax[a].L * sizeof(double);
        if (e == cudaSuccess) e = cudaMemcpyAsync(p, S->ax[a].g, nb, cudaMemcpyHostToDevice, s);
        t->g[a] = (const double *)p;
        p += nb;
        if (e == cudaSuccess) e = cudaMemcpyAsync(p, S->ax[a].d, nb, cudaMemcpyHostToDevice, s);
        t->d[a] = (const double *)p;
        p += nb;
    }
    for (int a = 0; a < 3; a++) {
        const size_t nb = (size_t)S->ax[a].L * sizeof(int64_t);
        if (e == cudaSuccess) e = cudaMemcpyAsync(p, S->ax[a].map, nb, cudaMemcpyHostToDevice, s);
        t->map[a] = (const int64_t *)p;
        p += nb;
        t->n[a] = S->ax[a].n;
        t->L[a] = S->ax[a].L;
        t->off[a] = S->ax[a].off;
    }
    return e;
}

/* The end of a pass: waits for its copies (pageable host memory; its buffers go next), turns a
 * CUDA failure into the status, returns the plan and frees the buffers. */
static radx_status lf_pass_end(cudaStream_t s, cudaError_t e, radx_status st, const char *what, radx_cufft_plan *plan,
                               radx_dev::dmem *mem, radx_err *err)
{
    if (e == cudaSuccess) e = cudaStreamSynchronize(s);
    if (e != cudaSuccess) {
        cudaStreamSynchronize(s);
        st = radx_dev::cuda_status(e, "LoG (two passes)", what, err);
    }
    radx_cufft_release(plan);
    radx_dev::dfree_all(mem);
    return st;
}

/* Pass 1 over the image slices [z0, z0 + ns) into the host arrays A, B (n0 n1 n2 floats). */
static radx_status lf_pass1(radx_cuda *cu, const radx_volume *in, const radx_log_setup *S, const lf_tabs &t, double c,
                            int64_t z0, int64_t ns, float *A, float *B, radx_err *err)
{
    cudaStream_t s = cu->stream;
    const int64_t n01 = S->ax[0].n * S->ax[1].n, nh = S->nh, L1 = S->ax[1].L;
    const size_t es = radx_dtype_size(in->dtype), nbuf = (size_t)(nh * L1 * ns);
    const int64_t dims[3] = {S->ax[0].L, L1, ns};
    radx_cufft_plan *plan = NULL;
    radx_dev::dmem mem;
    void *d_in = NULL;
    radx_fft_cpx *ba = NULL, *bb = NULL;
    float *dA = NULL, *dB = NULL;
    const char *what = "allocation";
    radx_status st = radx_cufft_plan_many(cu, dims, 2, &plan, err);
    if (st != RADX_OK) return st;
    cudaError_t e = radx_dev::dmem_init(&mem, cu);
    if (e == cudaSuccess) e = radx_dev::dmalloc_bytes(&mem, &d_in, (size_t)(n01 * ns) * es);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &ba, nbuf);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &bb, nbuf);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &dA, (size_t)(n01 * ns));
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &dB, (size_t)(n01 * ns));
    if (e == cudaSuccess) {
        what = "pass 1";
        e = cudaMemcpyAsync(d_in, (const char *)in->data + (size_t)(z0 * n01) * es, (size_t)(n01 * ns) * es,
                            cudaMemcpyHostToDevice, s);
    }
    if (e == cudaSuccess) e = lf_pad_xy_any(in->dtype, d_in, t, nh, ns, c, (float *)ba, s);
    if (e == cudaSuccess) st = radx_cufft_r2c(plan, ba, err);
    if (e == cudaSuccess && st == RADX_OK) {
        lf_mul_xy<<<lf_grid((int64_t)nbuf), LF_BLOCK, 0, s>>>(ba, bb, t, nh, ns,
                                                              1.0 / ((double)S->ax[0].L * (double)L1));
        e = cudaGetLastError();
    }
    if (e == cudaSuccess && st == RADX_OK) st = radx_cufft_c2r(plan, ba, err);
    if (e == cudaSuccess && st == RADX_OK) st = radx_cufft_c2r(plan, bb, err);
    if (e == cudaSuccess && st == RADX_OK) {
        lf_crop_xy<<<lf_grid(n01 * ns), LF_BLOCK, 0, s>>>((const float *)ba, (const float *)bb, t, nh, ns, dA, dB);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess && st == RADX_OK)
        e = cudaMemcpyAsync(A + z0 * n01, dA, sizeof(float) * (size_t)(n01 * ns), cudaMemcpyDeviceToHost, s);
    if (e == cudaSuccess && st == RADX_OK)
        e = cudaMemcpyAsync(B + z0 * n01, dB, sizeof(float) * (size_t)(n01 * ns), cudaMemcpyDeviceToHost, s);
    return lf_pass_end(s, e, st, what, plan, &mem, err);
}

/* Pass 2 over the image rows [y0, y0 + ty) from the host arrays A, B into res (n0 n1 n2). */
static radx_status lf_pass2(radx_cuda *cu, const radx_log_setup *S, const lf_tabs &t, double add, int64_t y0,
                            int64_t ty, const float *A, const float *B, float *res, radx_err *err)
{
    cudaStream_t s = cu->stream;
    const int64_t n0 = S->ax[0].n, n1 = S->ax[1].n, n2 = S->ax[2].n, L2 = S->ax[2].L, nz2 = L2 / 2 + 1;
    const int64_t nl = n0 * ty;
    const size_t nbuf = (size_t)(nz2 * nl), slab = (size_t)(nl * n2);
    const int64_t dims[3] = {L2, nl, 1};
    radx_cufft_plan *plan = NULL;
    radx_dev::dmem mem;
    radx_fft_cpx *la = NULL, *lb = NULL;
    float *dA = NULL, *dB = NULL, *dout = NULL;
    const char *what = "allocation";
    const size_t row = sizeof(float) * (size_t)nl, pitch = sizeof(float) * (size_t)(n0 * n1);
    radx_status st = radx_cufft_plan_many(cu, dims, 1, &plan, err);
    if (st != RADX_OK) return st;
    cudaError_t e = radx_dev::dmem_init(&mem, cu);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &dA, slab);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &dB, slab);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &dout, slab);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &la, nbuf);
    if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &lb, nbuf);
    if (e == cudaSuccess) {
        what = "pass 2";
        /* rows [y0, y0 + ty) of every slice: n2 runs of n0 ty floats */
        e = cudaMemcpy2DAsync(dA, row, A + y0 * n0, pitch, row, (size_t)n2, cudaMemcpyHostToDevice, s);
    }
    if (e == cudaSuccess)
        e = cudaMemcpy2DAsync(dB, row, B + y0 * n0, pitch, row, (size_t)n2, cudaMemcpyHostToDevice, s);
    if (e == cudaSuccess) {
        lf_gather_z<<<lf_grid((int64_t)(2 * nbuf)), LF_BLOCK, 0, s>>>(dA, dB, t, ty, nz2, (float *)la, (float *)lb);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess) st = radx_cufft_r2c(plan, la, err);
    if (e == cudaSuccess && st == RADX_OK) st = radx_cufft_r2c(plan, lb, err);
    if (e == cudaSuccess && st == RADX_OK) {
        lf_mul_z<<<lf_grid((int64_t)nbuf), LF_BLOCK, 0, s>>>(la, lb, t, nz2, nl, 1.0 / (double)L2);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess && st == RADX_OK) st = radx_cufft_c2r(plan, la, err);
    if (e == cudaSuccess && st == RADX_OK) {
        lf_crop_z<<<lf_grid((int64_t)slab), LF_BLOCK, 0, s>>>((const float *)la, t, ty, nz2, add, dout);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess && st == RADX_OK)
        e = cudaMemcpy2DAsync(res + y0 * n0, pitch, dout, row, row, (size_t)n2, cudaMemcpyDeviceToHost, s);
    return lf_pass_end(s, e, st, what, plan, &mem, err);
}

/* A shortage that thinner slabs get round: no error after all. */
static radx_status lf_retry(radx_err *err);

/* Runs pass(lo, k) over [0, n) in slabs as thick as the device memory allows at `per` bytes a
 * slice (at least 1), halving on a shortage (without the thicker slabs' idle cuFFT plans); what
 * is done stays done. */
template <class Pass> static radx_status lf_slabs(radx_cuda *cu, int64_t n, size_t per, radx_err *err, Pass pass)
{
    int64_t t = (int64_t)(radx_dev::available(cu) / (per ? per : 1));
    if (t > n) t = n;
    if (t < 1) t = 1;
    radx_status st = RADX_OK;
    for (int64_t lo = 0; st == RADX_OK && lo < n;) {
        const int64_t k = lo + t < n ? t : n - lo;
        st = pass(lo, k);
        if (st == RADX_ERR_NOMEM && k > 1) {
            radx_cufft_cache_clear(cu);
            t = k / 2;
            st = lf_retry(err);
            continue;
        }
        lo += k;
    }
    return st;
}

static radx_status lf_retry(radx_err *err)
{
    if (err) {
        err->status = RADX_OK;
        err->msg[0] = '\0';
    }
    return RADX_OK;
}

/* The filter in two passes, for an image whose 3-D FFT the device cannot hold: pass 1 in slabs
 * of z slices, pass 2 in slabs of y rows, each as thick as fits (halved on a shortage; what is
 * done stays done).  A and B (the pass-1 images) wait on the host.  The centring constant is the
 * CPU's (radx_log_centring); the result agrees with the 3-D transform to float rounding. */
static radx_status lf_two_pass(radx_cuda *cu, const radx_volume *in, const radx_log_setup *S, double sigma_mm,
                               float *res, radx_err *err)
{
    cudaStream_t s = cu->stream;
    const int64_t n0 = S->ax[0].n, n1 = S->ax[1].n, n2 = S->ax[2].n, n01 = n0 * n1;
    const size_t es = radx_dtype_size(in->dtype);
    float *A = (float *)malloc(sizeof(float) * (size_t)(n01 * n2)),
          *B = (float *)malloc(sizeof(float) * (size_t)(n01 * n2));
    double *zsum = (double *)calloc((size_t)n2, sizeof(double));
    radx_dev::dmem mem;
    memset(&mem, 0, sizeof mem); /* freed on every path, dmem_init or not */
    char *tabs = NULL;
    lf_tabs t;
    radx_status st = RADX_OK;
    if (!A || !B || !zsum) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "LoG sigma %g mm: out of host memory for the two passes", sigma_mm);
        goto out;
    }
    {
        const double c = radx_log_centring(in, S, zsum), add = c * S->t0;
        cudaError_t e = radx_dev::dmem_init(&mem, cu);
        if (e == cudaSuccess) e = radx_dev::dalloc(&mem, &tabs, lf_tab_bytes(S));
        if (e == cudaSuccess) e = lf_upload_tabs(S, tabs, &t, s);
        if (e != cudaSuccess) {
            st = radx_dev::cuda_status(e, "LoG (two passes)", "tables", err);
            goto out;
        }
        /* pass 1: slices; per slice the input, two spectra, two crops, and about as much again
         * for cuFFT's work area */
        const size_t per_slice =
            (size_t)n01 * (es + 2 * sizeof(float)) + 4 * (size_t)(S->nh * S->ax[1].L) * sizeof(radx_fft_cpx);
        st = lf_slabs(cu, n2, per_slice, err,
                      [&](int64_t z0, int64_t ns) { return lf_pass1(cu, in, S, t, c, z0, ns, A, B, err); });
        if (st == RADX_OK && S->ax[2].L == 1) { /* one slice, no z padding: the 1-point transform is the identity */
            for (int64_t i = 0; i < n01; i++) {
                float re = A[i], im = 0.0f;
                radx_log_apply_z(&re, &im, B[i], 0.0f, S->ax[2].g[0], S->ax[2].d[0], 1.0);
                res[i] = radx_log_output(re, add);
            }
            goto out;
        }
        /* pass 2: rows; per row the A, B and output slabs, two line spectra, cuFFT's work area */
        const int64_t nz2 = S->ax[2].L / 2 + 1;
        const size_t per_row = (size_t)(n0 * n2) * 3 * sizeof(float) + 4 * (size_t)(n0 * nz2) * sizeof(radx_fft_cpx);
        if (st == RADX_OK)
            st = lf_slabs(cu, n1, per_row, err,
                          [&](int64_t y0, int64_t ny) { return lf_pass2(cu, S, t, add, y0, ny, A, B, res, err); });
    }
out:
    radx_dev::dfree_all(&mem);
    free(A);
    free(B);
    free(zsum);
    return st;
}

/* Device allocations of one filtering (freed together; kernels/cuda/device_mem.cuh). */
struct lf_dev {
    radx_dev::dmem mem;
    void *in;
    radx_fft_cpx *buf;
    char *tabs;   /* g, d per axis (double), then map per axis (int64) */
    double *zsum; /* nz slice sums, then the centring constant */
};

static void lf_dev_free(lf_dev *d)
{
    radx_dev::dfree_all(&d->mem); /* after the work queued on them */
    memset(d, 0, sizeof *d);
}

static cudaError_t lf_dev_alloc(lf_dev *d, radx_cuda *cu, size_t in_bytes, size_t buf_bytes, size_t tab_bytes,
                                size_t zsum_bytes)
{
    cudaError_t e = radx_dev::dmem_init(&d->mem, cu);
    if (e == cudaSuccess && in_bytes) e = radx_dev::dmalloc_bytes(&d->mem, &d->in, in_bytes);
    if (e == cudaSuccess) e = radx_dev::dalloc(&d->mem, (char **)&d->buf, buf_bytes);
    if (e == cudaSuccess) e = radx_dev::dalloc(&d->mem, &d->tabs, tab_bytes);
    if (e == cudaSuccess) e = radx_dev::dalloc(&d->mem, (char **)&d->zsum, zsum_bytes);
    if (e != cudaSuccess) {
        cudaGetLastError();
        lf_dev_free(d);
    }
    return e;
}

/* The 3-D transform of the whole image on the device: d_in (the image's device copy, or NULL:
 * uploaded from in) into d_out.  RADX_ERR_NOMEM (radx_dev::oom set) when it does not fit. */
static radx_status lf_whole(radx_cuda *cu, const radx_volume *in, const void *d_in, const radx_log_setup *S,
                            double sigma_mm, float *d_out, radx_err *err)
{
    cudaStream_t s = cu->stream;
    const int64_t L3[3] = {S->ax[0].L, S->ax[1].L, S->ax[2].L};
    radx_cufft_plan *plan = NULL;
    lf_dev d;
    memset(&d, 0, sizeof d);
    const char *what = "";
    radx_status st = radx_cufft_plan_3d(cu, L3, &plan, err);
    if (st != RADX_OK) return st;
    const size_t in_bytes = d_in ? 0 : (size_t)S->nvox * radx_dtype_size(in->dtype);
    const size_t buf_bytes = (size_t)S->nbuf * sizeof(radx_fft_cpx);
    const size_t tab_bytes = (size_t)(S->ax[0].L + S->ax[1].L + S->ax[2].L) * (2 * sizeof(double) + sizeof(int64_t));
    const size_t zsum_bytes = (size_t)(S->ax[2].n + 1) * sizeof(double);
    cudaError_t e = lf_dev_alloc(&d, cu, in_bytes, buf_bytes, tab_bytes, zsum_bytes);
    if (e == cudaErrorMemoryAllocation) { /* idle cached FFT plans hold device memory */
        radx_cufft_cache_clear(cu);
        e = lf_dev_alloc(&d, cu, in_bytes, buf_bytes, tab_bytes, zsum_bytes);
    }
    if (e != cudaSuccess) {
        radx_cufft_release(plan);
        if (e == cudaErrorMemoryAllocation) radx_dev::note_oom();
        return radx_dev::cuda_status(e, "LoG", "allocating the FFT buffers", err);
    }
    lf_tabs t;
    double *d_cval = d.zsum + S->ax[2].n;
    e = lf_upload_tabs(S, d.tabs, &t, s);
    what = "upload";
    if (e == cudaSuccess && !d_in) {
        e = cudaMemcpyAsync(d.in, in->data, in_bytes, cudaMemcpyHostToDevice, s);
        d_in = d.in;
    }
    if (e == cudaSuccess) e = cudaMemsetAsync(d_cval, 0, sizeof(double), s); /* zero padding: c = 0 */
    if (e == cudaSuccess) {
        what = "LoG padding kernels";
        e = lf_launch_front(in->dtype, d_in, S, t, d.zsum, d_cval, (float *)d.buf, s);
    }
    if (e == cudaSuccess) st = radx_cufft_r2c(plan, d.buf, err);
    if (e == cudaSuccess && st == RADX_OK) {
        what = "LoG multiply kernel";
        lf_multiply<<<lf_grid(S->nbuf), LF_BLOCK, 0, s>>>(d.buf, t, S->nh, S->scale);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess && st == RADX_OK) st = radx_cufft_c2r(plan, d.buf, err);
    if (e == cudaSuccess && st == RADX_OK) {
        what = "LoG crop kernel";
        lf_crop<<<lf_grid(S->nvox), LF_BLOCK, 0, s>>>((const float *)d.buf, t, S->nh, d_cval, S->t0, d_out);
        e = cudaGetLastError();
    }
    if (e == cudaSuccess) {
        what = "LoG (stream synchronisation)";
        e = cudaStreamSynchronize(s);
    }
    if (e != cudaSuccess) {
        cudaGetLastError();
        st = radx_seterr(err, RADX_ERR_DEVICE, "LoG sigma %g mm on the GPU: %s failed: %s", sigma_mm, what,
                         cudaGetErrorString(e));
        cudaStreamSynchronize(s); /* nothing queued may still use the buffers freed below */
        cudaGetLastError();
    }
    radx_cufft_release(plan);
    lf_dev_free(&d);
    return st;
}

/* The filter with explicit options: the whole 3-D transform on the device, its result in out's
 * device copy (it stays there: the ROI values are gathered there, kernels/cuda/roi_values.cu),
 * or, when that does not fit, two passes in slabs with the result in out's host copy. */
static radx_status log_filter_opts(radx_cuda *cu, const radx_volbuf *inb, double sigma_mm, const radx_log_opts *o,
                                   radx_volbuf *outb, radx_err *err)
{
    radx_log_setup S;
    const int was_oom = radx_dev::oom();
    /* the set-up reads the image's host copy (a wrap of the case's image: no transfer) */
    const radx_volume in = {inb->g, inb->dtype, (void *)radx_cuda_host_read(cu, inb->buf), 0};
    if (!in.data) return radx_seterr(err, RADX_ERR_DEVICE, "LoG: the image could not be brought to the host");
    radx_status st = radx_log_setup_init(&in, sigma_mm, o, &S, err);
    if (st != RADX_OK) return st;
    const void *d_in = radx_cuda_dev_read(cu, inb->buf); /* every sigma filters the same copy */
    float *d_out = d_in ? (float *)radx_cuda_dev_write(cu, outb->buf, 1) : NULL;
    st = d_out ? lf_whole(cu, &in, d_in, &S, sigma_mm, d_out, err) : RADX_ERR_NOMEM;
    if (st == RADX_ERR_NOMEM) { /* the 3-D transform does not fit: two passes in slabs */
        lf_retry(err);
        radx_cufft_cache_clear(cu); /* idle plans' work areas would eat the slabs' room */
        float *res = (float *)radx_cuda_host_write(cu, outb->buf, 1);
        radx_mirror_drop_device(&cu->bufs, (radx_mirror *)outb->buf->impl); /* room for the slabs */
        st = res ? lf_two_pass(cu, &in, &S, sigma_mm, res, err)
                 : radx_seterr(err, RADX_ERR_NOMEM, "LoG sigma %g mm: out of memory for the output", sigma_mm);
        if (st == RADX_OK) {
            if (!was_oom) radx_dev::clear_oom(); /* done in slabs: not a shortage the backend must act on */
            radx_cuda_note_tiled(cu);
        } else if (st == RADX_ERR_NOMEM) {
            radx_dev::note_oom();
        }
    }
    if (st == RADX_OK) {
        outb->g = inb->g;
        outb->dtype = RADX_DT_F32;
    }
    radx_log_setup_free(&S);
    return st;
}

radx_status radx_cuda_log_filter(radx_cuda *cu, const radx_volbuf *in, double sigma_mm, const radx_log_spec *spec,
                                 radx_volbuf *out, radx_err *err)
{
    radx_log_opts o;
    const radx_volume h = {in->g, in->dtype, (void *)radx_cuda_host_read(cu, in->buf), 0};
    if (!h.data) return radx_seterr(err, RADX_ERR_DEVICE, "LoG: the image could not be brought to the host");
    radx_status st = radx_log_prepare_spec(&h, sigma_mm, spec, &o, err);
    return st != RADX_OK ? st : log_filter_opts(cu, in, sigma_mm, &o, out, err);
}
