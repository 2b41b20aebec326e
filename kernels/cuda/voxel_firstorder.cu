/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel maps, first order, on the GPU: one thread per ROI voxel runs radx_vfo_voxel
 * (kernels/rules/voxel_rules.h), the rule the CPU map loop runs: gather the kernel's voxels, sort the
 * values, count the levels, and the 18 features by radx_fo_features (kernels/rules/firstorder_rules.h).  The values are sorted before every sum, so the gathering order does not
 * matter; the features equal the CPU map's up to the last bit of the device's log2 and pow
 * (entropy, skewness), far below the float32 the maps are stored in.
 *
 * Each thread keeps its kernel in local memory: RADX_VFO_MAX values, i.e. kernelRadius <= 3
 * ((2r+1)^3 = 343); larger kernels are declined (RADX_ERR_UNSUPPORTED) and host/pipeline/voxelmap.c runs
 * its CPU loop.  Built with --fmad=false (kernels/CMakeLists.txt): no multiply-add is contracted,
 * as on the host. */
#include <cuda_runtime.h>
#include <stdint.h>

#include "backend/backend.h"
#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"
#include "rules/firstorder_rules.h"
#include "rules/voxel_rules.h"

namespace
{

__global__ void __launch_bounds__(128) vfo_kernel(radx_vfo_input in, double *__restrict__ out)
{
    double s[RADX_VFO_MAX];
    int32_t g[RADX_VFO_MAX];
    int64_t cnt[RADX_VFO_MAX];
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < in.nroi; v += (int64_t)blockDim.x * gridDim.x)
        radx_vfo_voxel(in.dim, in.mk, in.val, in.gl, in.aidx[v], in.r, in.f2d_xyz, in.shift, in.excess, in.voxel_volume,
                       s, g, cnt, out + (size_t)v * RADX_FO_N);
}

} // namespace

radx_status radx_cuda_voxel_firstorder(radx_cuda *cu, const radx_vfo_input *in, double *d_out, radx_err *err)
{
    const int64_t kmax = radx_vm_kernel_max(in->dim, in->r, in->f2d_xyz);
    if (kmax > RADX_VFO_MAX) { /* the CPU's loop (declined) */
        err->status = RADX_OK;
        err->msg[0] = '\0';
        return RADX_ERR_UNSUPPORTED;
    }
    if (in->nroi <= 0) return RADX_OK;
    if (RADX_FO_N != radx_firstorder_nfeatures) /* the op's layout: the class's table, voxel after voxel */
        return radx_seterr(err, RADX_ERR_INTERNAL,
                           "first-order voxel map (CUDA): the rule gives %d values, the class has %d", RADX_FO_N,
                           radx_firstorder_nfeatures);
    int64_t blocks = (in->nroi + 127) / 128;
    const int64_t cap = 64 * (int64_t)radx_dev::sm_count();
    if (blocks > cap) blocks = cap;
    vfo_kernel<<<(unsigned)blocks, 128, 0, cu->stream>>>(*in, d_out);
    cudaError_t e = cudaGetLastError();
    if (e == cudaSuccess) e = cudaStreamSynchronize(cu->stream);
    return e == cudaSuccess ? RADX_OK : radx_dev::cuda_status(e, "first-order voxel map (CUDA)", "the kernel", err);
}
