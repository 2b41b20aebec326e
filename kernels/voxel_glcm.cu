/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel maps, GLCM, on the GPU: one thread runs radx_vglcm_voxel (kernels/voxel_glcm.h, the CPU
 * map loop's own rule: kernel levels with the phantom, the box's angles, integer counts, the
 * weighted or per-angle steps, the per-matrix features and MCC of kernels/glcm_features.h) for
 * one ROI voxel after another.
 *
 * Each thread's workspace (radx_vglcm_ws_size: about 40 n^2 bytes for n matrix levels, plus the
 * angle buffers) lives in one device slab; as many threads run as the slab the memory budget
 * allows holds (kernels/device_mem.cuh), up to the ROI size, and each walks the voxels with a
 * stride.  Kernels of more than RADX_VFO_MAX voxels are declined (RADX_ERR_UNSUPPORTED): the CPU
 * loop takes them.  Built with --fmad=false; the device's log2, exp and sqrt may round the last
 * bit differently from the host's, so maps agree with the CPU's to rounding, not bit for bit. */
#include <cuda_runtime.h>
#include <stdint.h>

#include "backend.h"
#include "cuda_check.cuh"
#include "cuda_ops.h"
#include "device_mem.cuh"
#include "voxel_glcm.h"

#define RADX_VGLCM_BLOCK 64

namespace {

__global__ void __launch_bounds__(RADX_VGLCM_BLOCK)
    vglcm_kernel(radx_vglcm_in in, const int64_t *__restrict__ aidx, int64_t nroi, char *slab, size_t wsbytes,
                 int64_t kvox, int64_t nthreads, double *__restrict__ out, int *__restrict__ bad)
{
    const int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= nthreads) return;
    radx_vglcm_ws w;
    radx_vglcm_ws_carve(slab + (size_t)t * wsbytes, kvox, in.ng, &w); /* the slab arrives zeroed */
    for (int64_t v = t; v < nroi; v += nthreads)
        if (radx_vglcm_voxel(&in, aidx[v], &w, out + (size_t)v * GLCM_F_COUNT) != 0) atomicExch(bad, 1);
}

} // namespace

extern "C" radx_status radx_cuda_voxel_glcm(void *stream, const radx_vglcm_in *in, const int64_t *aidx, int64_t nroi,
                                            double *out, radx_err *err)
{
    const int64_t kvox = radx_vm_kernel_max(in->dim, in->r, in->f2d_xyz);
    if (kvox > RADX_VFO_MAX)
        return radx_seterr(err, RADX_ERR_UNSUPPORTED, "GLCM voxel map on the GPU: kernels of %lld voxels (more than "
                                                      "%d) run on the CPU", (long long)kvox, RADX_VFO_MAX);
    if (nroi <= 0) return RADX_OK;
    const int64_t na = in->dim[0] * in->dim[1] * in->dim[2];
    const size_t wsbytes = (radx_vglcm_ws_size(kvox, in->ng) + 63) & ~(size_t)63;
    /* threads: enough to fill the device, as many as half the memory left holds, at most nroi */
    int64_t nthr = 2048 * (int64_t)radx_dev::sm_count();
    const int64_t fit = (int64_t)(radx_dev::available() / 2 / wsbytes);
    if (nthr > fit) nthr = fit;
    if (nthr > nroi) nthr = nroi;
    if (nthr < 1) return radx_seterr(err, RADX_ERR_NOMEM, "GLCM voxel map (CUDA): no room for one workspace");
    radx_dev::dmem mem;
    cudaError_t e = radx_dev::dmem_init(&mem, (cudaStream_t)stream);
    const char *what = "cudaGetDevice";
    void *d_mk = NULL, *d_gl = NULL, *d_present = NULL, *d_dist = NULL, *d_aidx = NULL;
    char *d_slab = NULL;
    double *d_out = NULL;
    int *d_bad = NULL, bad = 0;
    radx_vglcm_in d = *in; /* the same description, with device pointers */
    if (e != cudaSuccess) goto done;
    what = "staging the image";
    RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, in->mk, (size_t)na, &d_mk));
    RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, in->gl, sizeof(int32_t) * (size_t)na, &d_gl));
    RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, in->present, (size_t)in->ng + 1, &d_present));
    RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, in->distances, sizeof(int) * (size_t)in->ndist, &d_dist));
    RADX_CUDA_TRY_GOTO(radx_dev::upload(&mem, aidx, sizeof(int64_t) * (size_t)nroi, &d_aidx));
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_out, (size_t)nroi * GLCM_F_COUNT));
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_bad, 1));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_bad, 0, sizeof(int), mem.st));
    what = "the GLCM voxel workspaces";
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_slab, (size_t)nthr * wsbytes));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_slab, 0, (size_t)nthr * wsbytes, mem.st));
    d.mk = (const uint8_t *)d_mk;
    d.gl = (const int32_t *)d_gl;
    d.present = (const uint8_t *)d_present;
    d.distances = (const int *)d_dist;
    what = "the GLCM voxel kernel";
    vglcm_kernel<<<(unsigned)((nthr + RADX_VGLCM_BLOCK - 1) / RADX_VGLCM_BLOCK), RADX_VGLCM_BLOCK, 0, mem.st>>>(
        d, (const int64_t *)d_aidx, nroi, d_slab, wsbytes, kvox, nthr, d_out, d_bad);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    what = "downloading the features";
    RADX_CUDA_TRY_GOTO(
        cudaMemcpyAsync(out, d_out, sizeof(double) * (size_t)nroi * GLCM_F_COUNT, cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(&bad, d_bad, sizeof bad, cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(mem.st));
done:
    radx_dev::dfree_all(&mem);
    if (e != cudaSuccess) return radx_dev::cuda_status(e, "GLCM voxel map (CUDA)", what, err);
    if (bad) return radx_seterr(err, RADX_ERR_PARAM, "glcm: distances: more than %d angles", RADX_MAX_ANGLES);
    return RADX_OK;
}
