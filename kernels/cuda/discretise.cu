/* SPDX-License-Identifier: BSD-3-Clause */
/* Discretisation on the GPU: every ROI value's level by the CPU's rule (radx_bin_index,
 * kernels/rules/bin_index.h, which host/features/discretise.c calls), and the largest level.  The
 * values are read from their buffer's device copy and the levels are written to theirs, for first
 * order and the level box, and come down too (narrow: 1 byte each for up to 255 bins), since the
 * texture classes' set-up reads them on the host.  Values that do not fit on the device at once
 * are binned in chunks from the host copies (tiles: 12 bytes per value on the device), the
 * largest level being the largest of the chunks'. */
#include <cuda_runtime.h>
#include <stdint.h>

#include "rules/bin_index.h"
#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"
#include "rules/narrow_rules.h"

static __global__ void bin_kernel(const double *__restrict__ x, int64_t n, const double *__restrict__ edges, int nedges,
                                  int32_t *__restrict__ gl, int *__restrict__ ng)
{
    int local_max = 0;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)blockDim.x * gridDim.x) {
        int b = radx_bin_index(edges, nedges, x[i]);
        gl[i] = b;
        local_max = b > local_max ? b : local_max;
    }
    atomicMax(ng, local_max);
}

/* y[i] = gl[i] in w bytes (radx_uint_put, kernels/rules/narrow_rules.h) */
static __global__ void narrow_levels_kernel(const int32_t *__restrict__ gl, int64_t n, int w, void *__restrict__ y)
{
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)blockDim.x * gridDim.x)
        radx_uint_put(y, w, i, (uint32_t)gl[i]);
}

/* The values in chunks that fit, from the host copies (each chunk goes up and down). */
static radx_status discretise_chunks(radx_cuda *cu, radx_buf *xb, int64_t n, const double *edges, int nedges,
                                     radx_buf *glb, int *ng, radx_err *err)
{
    cudaStream_t s = cu->stream;
    radx_dev::dmem mem;
    void *d_e = NULL;
    double *d_x = NULL;
    int32_t *d_gl = NULL;
    int *d_ng = NULL;
    const char *what = "cudaGetDevice";
    const double *x = (const double *)radx_cuda_host_read(cu, xb);
    int32_t *gl = (int32_t *)radx_cuda_host_write(cu, glb, 1);
    if (!x || !gl)
        return radx_seterr(err, RADX_ERR_DEVICE, "discretisation (CUDA): the ROI values could not be brought down");
    const size_t fixed = sizeof(double) * (size_t)nedges + sizeof(int) + ((size_t)4 << 10);
    const size_t avail = radx_dev::available(cu);
    int64_t c = avail > fixed ? (int64_t)((avail - fixed) / (sizeof(double) + sizeof(int32_t))) : 0;
    if (c > n) c = n;
    if (c < 1) {
        radx_dev::note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "discretisation (CUDA): no device memory left for the values");
    }
    cudaError_t e = radx_dev::dmem_init(&mem, cu);
    if (e != cudaSuccess) goto done;
    what = "staging the values";
    RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, edges, sizeof(double) * (size_t)nedges, &d_e));
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_x, (size_t)c));
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_gl, (size_t)c));
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_ng, 1));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_ng, 0, sizeof(int), s));
    for (int64_t i0 = 0; i0 < n; i0 += c) {
        const int64_t k = n - i0 < c ? n - i0 : c;
        what = "staging the values";
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(d_x, x + i0, sizeof(double) * (size_t)k, cudaMemcpyHostToDevice, s));
        what = "the bin kernel";
        bin_kernel<<<radx_dev::grid_for(k), RADX_DEV_BLOCK, 0, s>>>(d_x, k, (const double *)d_e, nedges, d_gl, d_ng);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        what = "downloading the levels";
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(gl + i0, d_gl, sizeof(int32_t) * (size_t)k, cudaMemcpyDeviceToHost, s));
        /* the buffers serve the next chunk: stream order keeps the copies apart */
    }
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(ng, d_ng, sizeof(int), cudaMemcpyDeviceToHost, s));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(s));
    if (c < n) radx_cuda_note_tiled(cu);
done:
    radx_dev::dfree_all(&mem);
    return e == cudaSuccess ? RADX_OK : radx_dev::cuda_status(e, "discretisation (CUDA)", what, err);
}

/* The whole array at once: the levels into both copies of glb.  cudaErrorMemoryAllocation when
 * the device has no room for it. */
static cudaError_t discretise_whole(radx_cuda *cu, radx_buf *xb, int64_t n, const double *edges, int nedges,
                                    radx_buf *glb, int *ng, const char **what_out)
{
    cudaStream_t s = cu->stream;
    radx_dev::dmem mem;
    void *d_e = NULL;
    int *d_ng = NULL;
    void *d_n = NULL, *h_n = NULL;
    /* levels are at most nedges: they come down in 1 byte each for up to 255 bins */
    int w = radx_level_width(nedges);
    const char *what = "cudaGetDevice";
    const int was_oom = radx_dev::oom();
    const double *d_x = (const double *)radx_cuda_dev_read(cu, xb);
    int32_t *d_gl = d_x ? (int32_t *)radx_cuda_dev_write(cu, glb, 1) : NULL;
    int32_t *gl = (int32_t *)radx_cuda_host_copy(cu, glb);
    cudaError_t e = radx_dev::dmem_init(&mem, cu);
    if (e == cudaSuccess && (!d_x || !d_gl)) e = cudaErrorMemoryAllocation;
    if (e == cudaSuccess && !gl) e = cudaErrorMemoryAllocation; /* no host memory: reported as such below */
    if (e != cudaSuccess) goto done;
    what = "staging the edges";
    RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, edges, sizeof(double) * (size_t)nedges, &d_e));
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_ng, 1));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_ng, 0, sizeof(int), s));
    what = "the bin kernel";
    bin_kernel<<<radx_dev::grid_for(n), RADX_DEV_BLOCK, 0, s>>>(d_x, n, (const double *)d_e, nedges, d_gl, d_ng);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    what = "downloading the levels";
    if (w < 4) {
        h_n = radx_dev::pinned(2, (size_t)n * (size_t)w);
        if (!h_n || radx_dev::dmalloc_bytes(&mem, &d_n, (size_t)n * (size_t)w) != cudaSuccess) {
            cudaGetLastError();                  /* no room for the narrow copy: the int32 levels come down */
            if (!was_oom) radx_dev::clear_oom(); /* not a shortage the backend must act on */
            w = 4;
        }
    }
    if (w < 4) {
        narrow_levels_kernel<<<radx_dev::grid_for(n), RADX_DEV_BLOCK, 0, s>>>(d_gl, n, w, d_n);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h_n, d_n, (size_t)n * (size_t)w, cudaMemcpyDeviceToHost, s));
    } else {
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(gl, d_gl, sizeof(int32_t) * (size_t)n, cudaMemcpyDeviceToHost, s));
    }
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(ng, d_ng, sizeof(int), cudaMemcpyDeviceToHost, s));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(s));
    if (w < 4) {
        for (int64_t i = 0; i < n; i++) gl[i] = (int32_t)radx_uint_get(h_n, w, i);
        radx_cuda_note_narrow_saved(cu, (unsigned long long)n * (unsigned long long)(4 - w));
    }
    radx_cuda_both_written(glb);
done:
    radx_dev::dfree_all(&mem);
    *what_out = what;
    return e;
}

radx_status radx_cuda_discretise(radx_cuda *cu, radx_buf *x, int64_t n, const double *edges, int nedges, radx_buf *gl,
                                 int *ng, radx_err *err)
{
    const char *what = "";
    const int was_oom = radx_dev::oom();
    cudaError_t e = discretise_whole(cu, x, n, edges, nedges, gl, ng, &what);
    if (e == cudaErrorMemoryAllocation) { /* too many values at once: in chunks */
        cudaGetLastError();
        const radx_status st = discretise_chunks(cu, x, n, edges, nedges, gl, ng, err);
        if (st == RADX_OK && !was_oom) radx_dev::clear_oom(); /* recovered: not a shortage to act on */
        return st;
    }
    return e == cudaSuccess ? RADX_OK : radx_dev::cuda_status(e, "discretisation (CUDA)", what, err);
}
