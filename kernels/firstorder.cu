/* SPDX-License-Identifier: BSD-3-Clause */
/* First order on the GPU: the ROI values are sorted on the device (CUB radix sort; doubles
 * sort by value, as qsort does) and the discretised levels counted in a block-private
 * shared-memory histogram (radx_nbtex::launch_hist, global atomics when the levels do not fit);
 * the sorted values and the counts come back to the host and radx_firstorder_from_sorted
 * (host/firstorder.c, the CPU backend's own code) computes the 18 features: the percentiles,
 * median and range from the sorted values, the moments as compensated sums over them, entropy
 * and uniformity from the counts.  Both backends therefore give the same bits (the only
 * possible difference: which of -0.0 and +0.0 is reported as a minimum or maximum of exactly
 * zero, since qsort leaves equal keys in any order). */
#include <cub/device/device_radix_sort.cuh>
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>

#include "cuda_check.cuh"
#include "cuda_ops.h"
#include "nbtex_cuda.cuh"

using namespace radx_nbtex;

namespace {
/* cell of voxel v: its level (1..ng), as host/firstorder.c counts hist[gl[i]] */
struct level_cell {
    const int32_t *gl;
    int ng;
    __device__ __forceinline__ int64_t operator()(int64_t v) const
    {
        const int32_t g = gl[v];
        return (g >= 0 && g <= ng) ? (int64_t)g : -1;
    }
};
} // namespace

extern "C" radx_status radx_cuda_firstorder(void *stream, const double *x, const int32_t *gl, int64_t n, int ng,
                                            double voxel_volume, const radx_params *p, double *out, radx_err *err)
{
    if (n <= 0) return radx_seterr(err, RADX_ERR_ROI, "first order: empty ROI");
    if (n > (int64_t)INT32_MAX)
        return radx_seterr(err, RADX_ERR_ARG, "first order (CUDA): %lld voxels is more than one sort takes",
                           (long long)n);
    dmem mem;
    cudaError_t e = dmem_init(&mem, (cudaStream_t)stream);
    const char *what = "cudaGetDevice";
    const void *d_x = NULL, *d_gl = NULL;
    void *tmp = NULL;
    double *d_s = NULL, *s = NULL;
    unsigned long long *d_h = NULL, *h = NULL;
    int64_t *hist = NULL;
    size_t bytes = 0;
    int host_nomem = 0;
    radx_status st = RADX_OK;
    level_cell f;

    if (e != cudaSuccess) goto done;
    s = (double *)pinned(0, sizeof *s * (size_t)n); /* the sorted values come straight back here */
    h = (unsigned long long *)malloc(sizeof *h * ((size_t)ng + 1));
    hist = (int64_t *)malloc(sizeof *hist * ((size_t)ng + 1));
    if (!s || !h || !hist) {
        host_nomem = 1;
        goto done;
    }
    what = "staging the ROI values";
    RADX_CUDA_TRY_GOTO(upload_ro(&mem, x, sizeof(double) * (size_t)n, &d_x)); /* device-resident when held */
    RADX_CUDA_TRY_GOTO(upload_ro(&mem, gl, sizeof(int32_t) * (size_t)n, &d_gl));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_s, (size_t)n));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_h, (size_t)ng + 1));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_h, 0, sizeof *d_h * ((size_t)ng + 1), mem.st));

    what = "sorting the ROI values";
    RADX_CUDA_TRY_GOTO(cub::DeviceRadixSort::SortKeys(NULL, bytes, (const double *)d_x, d_s, (int)n, 0,
                                                      (int)(8 * sizeof(double)), mem.st));
    RADX_CUDA_TRY_GOTO(dmalloc_bytes(&mem, &tmp, bytes > 0 ? bytes : 1));
    RADX_CUDA_TRY_GOTO(cub::DeviceRadixSort::SortKeys(tmp, bytes, (const double *)d_x, d_s, (int)n, 0,
                                                      (int)(8 * sizeof(double)), mem.st));

    what = "counting the levels";
    f.gl = (const int32_t *)d_gl;
    f.ng = ng;
    RADX_CUDA_TRY_GOTO(launch_hist(mem.st, f, n, (int64_t)ng + 1, d_h));

    what = "downloading";
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(s, d_s, sizeof *s * (size_t)n, cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h, d_h, sizeof *h * ((size_t)ng + 1), cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(mem.st));

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
    return st;
}
