/* SPDX-License-Identifier: BSD-3-Clause */
/* First order on the GPU: the ROI values are sorted on the device (CUB radix sort; doubles
 * sort by value, as qsort does) and the discretised levels counted in a block-private
 * shared-memory histogram (radx_nbtex::launch_hist, global atomics when the levels do not fit);
 * the sorted values and the counts come back to the host and radx_firstorder_from_sorted
 * (host/features/firstorder.c, the CPU backend's own code) computes the 18 features: the percentiles,
 * median and range from the sorted values, the moments as compensated sums over them, entropy
 * and uniformity from the counts.  Both backends therefore give the same bits (the only
 * possible difference: which of -0.0 and +0.0 is reported as a minimum or maximum of exactly
 * zero, since qsort leaves equal keys in any order).  The sorted values come down in the fewest
 * bytes that give them back exactly (kernels/rules/narrow_rules.h: a flags pass over them first): a
 * CT's as int16 (2 B a value), a filtered image's as float (4 B), others as double. */
#include <cub/device/device_radix_sort.cuh>
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>

#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "rules/narrow_rules.h"
#include "cuda/neighbourhood_texture.cuh"

using namespace radx_nbtex;

namespace
{
/* cell of voxel v: its level (1..ng), as host/features/firstorder.c counts hist[gl[i]] */
struct level_cell {
    const int32_t *gl;
    int ng;
    __device__ __forceinline__ int64_t operator()(int64_t v) const
    {
        const int32_t g = gl[v];
        return (g >= 0 && g <= ng) ? (int64_t)g : -1;
    }
};
/* OR of radx_value_flags over x[0..n) into *flags (kernels/rules/narrow_rules.h) */
__global__ void value_flags_kernel(const double *__restrict__ x, int64_t n, unsigned *__restrict__ flags)
{
    unsigned f = 0;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)blockDim.x * gridDim.x)
        f |= radx_value_flags(x[i]);
    for (int o = 16; o > 0; o >>= 1) f |= __shfl_xor_sync(0xffffffffu, f, o); /* whole warps (block: 256) */
    if ((threadIdx.x & 31) == 0 && f) atomicOr(flags, f);
}

/* y[i] = x[i] in w bytes (radx_value_put) */
__global__ void narrow_values_kernel(const double *__restrict__ x, int64_t n, int w, void *__restrict__ y)
{
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)blockDim.x * gridDim.x)
        radx_value_put(y, w, i, x[i]);
}
#define RADX_FO_MAX_CHUNKS 64 /* more chunks than this: first order runs on the CPU instead */

/* CUB's scratch bytes for sorting m doubles. */
cudaError_t sort_temp_bytes(int64_t m, cudaStream_t st, size_t *bytes)
{
    *bytes = 0;
    return cub::DeviceRadixSort::SortKeys(NULL, *bytes, (const double *)NULL, (double *)NULL, (int)m, 0,
                                          (int)(8 * sizeof(double)), st);
}

/* A ROI whose values, levels, sorted copy and sort scratch do not fit on the device: chunks of c
 * values are sorted on the device one after another (their levels counted into the one
 * histogram d_h) and come back as sorted runs, which the host merges
 * (radx_firstorder_merge_runs) into *sorted (malloc'ed).  Tiles of the first-order stage. */
cudaError_t sort_in_chunks(dmem *mem, radx_buf *xb, radx_buf *glb, int64_t n, int64_t c, int ng,
                           unsigned long long *d_h, double **sorted, int *host_nomem)
{
    const int64_t k = (n + c - 1) / c;
    double *d_x = NULL, *d_s = NULL;
    int32_t *d_gl = NULL;
    void *tmp = NULL;
    size_t tb = 0;
    *sorted = NULL;
    *host_nomem = 0;
    /* the chunks go up from the host copies */
    const double *x = (const double *)radx_cuda_host_read(mem->cu, xb);
    const int32_t *gl = (const int32_t *)radx_cuda_host_read(mem->cu, glb);
    if (!x || !gl) return cudaErrorUnknown;
    double *runs = (double *)pinned(0, sizeof *runs * (size_t)n); /* the runs come straight back here */
    int64_t *bounds = (int64_t *)malloc(sizeof *bounds * (size_t)(k + 1));
    if (!runs || !bounds) {
        free(bounds);
        *host_nomem = 1;
        return cudaSuccess;
    }
    cudaError_t e = sort_temp_bytes(c, mem->st, &tb);
    if (e == cudaSuccess) e = dalloc(mem, &d_x, (size_t)c);
    if (e == cudaSuccess) e = dalloc(mem, &d_gl, (size_t)c);
    if (e == cudaSuccess) e = dalloc(mem, &d_s, (size_t)c);
    if (e == cudaSuccess) e = dmalloc_bytes(mem, &tmp, tb > 0 ? tb : 1);
    level_cell f;
    f.gl = d_gl;
    f.ng = ng;
    for (int64_t r = 0; r < k && e == cudaSuccess; r++) { /* all in stream order on mem->st */
        const int64_t off = r * c, m = n - off < c ? n - off : c;
        bounds[r] = off;
        e = cudaMemcpyAsync(d_x, x + off, sizeof *d_x * (size_t)m, cudaMemcpyHostToDevice, mem->st);
        if (e == cudaSuccess)
            e = cudaMemcpyAsync(d_gl, gl + off, sizeof *d_gl * (size_t)m, cudaMemcpyHostToDevice, mem->st);
        if (e == cudaSuccess)
            e = cub::DeviceRadixSort::SortKeys(tmp, tb, (const double *)d_x, d_s, (int)m, 0, (int)(8 * sizeof(double)),
                                               mem->st);
        if (e == cudaSuccess) e = launch_hist(mem->st, f, m, (int64_t)ng + 1, d_h);
        if (e == cudaSuccess)
            e = cudaMemcpyAsync(runs + off, d_s, sizeof *d_s * (size_t)m, cudaMemcpyDeviceToHost, mem->st);
    }
    bounds[k] = n;
    if (e == cudaSuccess) e = cudaStreamSynchronize(mem->st);
    if (e == cudaSuccess) {
        *sorted = (double *)malloc(sizeof **sorted * (size_t)n);
        if (!*sorted || radx_firstorder_merge_runs(runs, bounds, (int)k, *sorted) != 0) {
            free(*sorted);
            *sorted = NULL;
            *host_nomem = 1;
        }
    }
    free(bounds);
    return e;
}
} // namespace

radx_status radx_cuda_firstorder(radx_cuda *cu, radx_buf *xb, radx_buf *glb, int64_t n, int ng, double voxel_volume,
                                 const radx_params *p, double *out, radx_err *err)
{
    if (n <= 0) return radx_seterr(err, RADX_ERR_ROI, "first order: empty ROI");
    if (n > (int64_t)INT32_MAX)
        return radx_seterr(err, RADX_ERR_ARG, "first order (CUDA): %lld voxels is more than one sort takes",
                           (long long)n);
    dmem mem;
    cudaError_t e = dmem_init(&mem, cu);
    const char *what = "cudaGetDevice";
    const void *d_x = NULL, *d_gl = NULL;
    void *tmp = NULL;
    double *d_s = NULL, *s = NULL;
    unsigned long long *d_h = NULL, *h = NULL;
    unsigned *d_flags = NULL, flags = ~0u;
    void *d_n = NULL, *h_n = NULL;
    int w = 8;
    int64_t *hist = NULL;
    size_t bytes = 0;
    int host_nomem = 0;
    double *merged = NULL; /* chunked: the merged runs */
    int64_t c = n;         /* values sorted at once */
    radx_status st = RADX_OK;
    level_cell f;

    if (e != cudaSuccess) goto done;
    h = (unsigned long long *)malloc(sizeof *h * ((size_t)ng + 1));
    hist = (int64_t *)malloc(sizeof *hist * ((size_t)ng + 1));
    if (!h || !hist) {
        host_nomem = 1;
        goto done;
    }
    {
        /* device memory: values and levels (unless on the device already), the sorted copy and
         * CUB's scratch; when the whole ROI does not fit, chunks as large as fit (tiles) */
        const size_t avail = available(cu), fixed = sizeof *d_h * ((size_t)ng + 1) + sizeof(unsigned);
        const int held = radx_cuda_on_device(xb) && radx_cuda_on_device(glb);
        what = "sizing the sort";
        RADX_CUDA_TRY_GOTO(sort_temp_bytes(n, mem.st, &bytes)); /* the whole sort's scratch, used below */
        /* (the narrow copy of the sorted values is left out: without room for it they come down
         * as doubles, which costs less than chunks) */
        if ((size_t)n * (held ? 8 : 20) + bytes + fixed > avail) {
            size_t need = 0, tb = 0;
            c = n;
            do {
                c = (c + 1) / 2;
                RADX_CUDA_TRY_GOTO(sort_temp_bytes(c, mem.st, &tb));
                need = (size_t)c * 20 + tb + fixed;
            } while (need > avail && c > 4096);
            /* the host merges the runs by scanning their heads: a bounded number of them */
            if (need > avail || (n + c - 1) / c > RADX_FO_MAX_CHUNKS) {
                note_oom(); /* the backend runs first order on the CPU */
                e = cudaErrorMemoryAllocation;
                what = "even a chunk of the ROI values";
                goto done;
            }
        }
    }
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_h, (size_t)ng + 1));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_h, 0, sizeof *d_h * ((size_t)ng + 1), mem.st));
    if (c < n) {
        what = "sorting the ROI values in chunks";
        RADX_CUDA_TRY_GOTO(sort_in_chunks(&mem, xb, glb, n, c, ng, d_h, &merged, &host_nomem));
        if (host_nomem) goto done;
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h, d_h, sizeof *h * ((size_t)ng + 1), cudaMemcpyDeviceToHost, mem.st));
        RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(mem.st));
        s = merged;
        radx_cuda_note_tiled(cu);
        goto done;
    }
    s = (double *)pinned(0, sizeof *s * (size_t)n); /* the sorted values come straight back here */
    if (!s) {
        host_nomem = 1;
        goto done;
    }
    what = "staging the ROI values";
    d_x = radx_cuda_dev_read(cu, xb); /* there already when roi_values and discretisation ran on the device */
    d_gl = radx_cuda_dev_read(cu, glb);
    if (!d_x || !d_gl) {
        note_oom();
        RADX_CUDA_TRY_GOTO(cudaErrorMemoryAllocation);
    }
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_s, (size_t)n));

    what = "sorting the ROI values";
    RADX_CUDA_TRY_GOTO(dmalloc_bytes(&mem, &tmp, bytes > 0 ? bytes : 1));
    RADX_CUDA_TRY_GOTO(cub::DeviceRadixSort::SortKeys(tmp, bytes, (const double *)d_x, d_s, (int)n, 0,
                                                      (int)(8 * sizeof(double)), mem.st));

    what = "counting the levels";
    f.gl = (const int32_t *)d_gl;
    f.ng = ng;
    RADX_CUDA_TRY_GOTO(launch_hist(mem.st, f, n, (int64_t)ng + 1, d_h));

    /* the sorted values come down in the fewest bytes that give them back exactly: a CT's as
     * int16, a filtered image's as float (kernels/rules/narrow_rules.h) */
    what = "sizing the values";
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_flags, 1));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_flags, 0, sizeof *d_flags, mem.st));
    value_flags_kernel<<<grid_for(n), RADX_DEV_BLOCK, 0, mem.st>>>(d_s, n, d_flags);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(&flags, d_flags, sizeof flags, cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(mem.st));
    w = radx_value_width(flags);
    if (w < 8) {
        const int was_oom = oom();
        h_n = pinned(1, (size_t)n * (size_t)w);
        if (!h_n || dmalloc_bytes(&mem, &d_n, (size_t)n * (size_t)w) != cudaSuccess) {
            cudaGetLastError();        /* no room for the narrow copy: the doubles come down */
            if (!was_oom) clear_oom(); /* not a shortage the backend must act on */
            w = 8;
        }
    }
    what = "downloading";
    if (w < 8) {
        narrow_values_kernel<<<grid_for(n), RADX_DEV_BLOCK, 0, mem.st>>>(d_s, n, w, d_n);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h_n, d_n, (size_t)n * (size_t)w, cudaMemcpyDeviceToHost, mem.st));
    } else {
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(s, d_s, sizeof *s * (size_t)n, cudaMemcpyDeviceToHost, mem.st));
    }
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h, d_h, sizeof *h * ((size_t)ng + 1), cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(mem.st));
    if (w < 8) {
        for (int64_t i = 0; i < n; i++) s[i] = radx_value_get(h_n, w, i);
        radx_cuda_note_narrow_saved(cu, (unsigned long long)n * (unsigned long long)(8 - w));
    }

done:
    dfree_all(&mem);
    if (e != cudaSuccess) {
        st = cuda_status(e, "first order (CUDA)", what, err);
    } else if (host_nomem) {
        st = radx_seterr(err, RADX_ERR_NOMEM, "first order (CUDA): out of host memory for %lld voxels", (long long)n);
    } else {
        for (int g = 0; g <= ng; g++) hist[g] = (int64_t)h[g];
        st = radx_firstorder_from_sorted(s, n, hist, ng, voxel_volume, p, out, err);
    }
    free(h);
    free(hist);
    free(merged);
    return st;
}
