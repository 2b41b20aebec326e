/* SPDX-License-Identifier: BSD-3-Clause */
/* Voxel maps, texture classes, on the GPU: one thread runs a class's per-voxel rule, the CPU map
 * loop's own, for one ROI voxel after another:
 *   - GLCM: radx_vglcm_voxel (kernels/rules/voxel_glcm.h): kernel levels with the phantom, the box's
 *     angles, integer counts, the weighted or per-angle steps, the per-matrix features and MCC of
 *     kernels/rules/glcm_features.h;
 *   - GLDM: radx_vgldm_voxel (kernels/rules/voxel_gldm.h): dependence counts over the box's
 *     neighbourhood, the dense (level, size) histogram, kernels/rules/size_matrix_features.h;
 *   - NGTDM: radx_vngtdm_voxel (kernels/rules/voxel_ngtdm.h): gray tone differences over the box's
 *     neighbourhood summed in C order, kernels/rules/ngtdm_features.h;
 *   - GLSZM: radx_vglszm_voxel (kernels/rules/voxel_glszm.h): zones by flood fill inside the kernel box
 *     (a per-thread stack), kernels/rules/size_matrix_features.h;
 *   - GLRLM: radx_vglrlm_voxel (kernels/rules/voxel_glrlm.h): runs of every line of the box per angle,
 *     the weighted or per-angle steps, kernels/rules/glrlm_features.h.
 * Each thread's workspace (the rule's ws_size) lives in one device slab; as many threads run as
 * the slab the memory budget allows holds (kernels/cuda/device_mem.cuh), up to the ROI size, and each
 * walks the voxels with a stride.  Kernels of more than RADX_VFO_MAX voxels, and the classes
 * without a rule here, are declined (RADX_ERR_UNSUPPORTED): the CPU loop takes them.  Built with
 * --fmad=false; the device's log2, exp and sqrt may round the last bit differently from the
 * host's, so maps agree with the CPU's to rounding, not bit for bit. */
#include <cuda_runtime.h>
#include <stdint.h>

#include "backend/backend.h"
#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "cuda/device_mem.cuh"
#include "rules/voxel_glcm.h"
#include "rules/voxel_gldm.h"
#include "rules/voxel_ngtdm.h"
#include "rules/voxel_glszm.h"
#include "rules/voxel_glrlm.h"

#define RADX_VTEX_BLOCK 64

namespace
{

struct glcm_rule {
    typedef radx_vglcm_in In;
    typedef radx_vglcm_ws Ws;
    static const int nout = GLCM_F_COUNT;
    static const char *name() { return "GLCM voxel map (CUDA)"; }
    static size_t ws_size(const In &in, int64_t kvox) { return radx_vglcm_ws_size(kvox, in.ng); }
    __device__ static void carve(void *m, const In &in, int64_t kvox, Ws *w) { radx_vglcm_ws_carve(m, kvox, in.ng, w); }
    __device__ static int voxel(const In &in, int64_t ai, Ws *w, double *out)
    {
        return radx_vglcm_voxel(&in, ai, w, out);
    }
    /* in's arrays are on the device already but its distances (a host array) */
    static cudaError_t upload(radx_dev::dmem *m, const In &h, In *d)
    {
        void *dist = NULL;
        cudaError_t e = radx_dev::upload(m, h.distances, sizeof(int) * (size_t)h.ndist, &dist);
        *d = h;
        d->distances = (const int *)dist;
        return e;
    }
};

struct gldm_rule {
    typedef radx_vgldm_in In;
    typedef radx_vgldm_ws Ws;
    static const int nout = RADX_GLDM_NOUT;
    static const char *name() { return "GLDM voxel map (CUDA)"; }
    static size_t ws_size(const In &in, int64_t kvox) { return radx_vgldm_ws_size(kvox, in.ng, in.dmax); }
    __device__ static void carve(void *m, const In &in, int64_t kvox, Ws *w)
    {
        radx_vgldm_ws_carve(m, kvox, in.ng, in.dmax, w);
    }
    __device__ static int voxel(const In &in, int64_t ai, Ws *w, double *out)
    {
        return radx_vgldm_voxel(&in, ai, w, out);
    }
    static cudaError_t upload(radx_dev::dmem *m, const In &h, In *d)
    {
        void *dist = NULL;
        cudaError_t e = radx_dev::upload(m, h.distances, sizeof(int) * (size_t)h.ndist, &dist);
        *d = h;
        d->distances = (const int *)dist;
        return e;
    }
};

struct ngtdm_rule : gldm_rule { /* the same description and uploads */
    typedef radx_vngtdm_ws Ws;
    static const int nout = RADX_NGTDM_NOUT;
    static const char *name() { return "NGTDM voxel map (CUDA)"; }
    static size_t ws_size(const In &in, int64_t kvox) { return radx_vngtdm_ws_size(kvox, in.ng, in.dmax); }
    __device__ static void carve(void *m, const In &in, int64_t kvox, Ws *w)
    {
        radx_vngtdm_ws_carve(m, kvox, in.ng, in.dmax, w);
    }
    __device__ static int voxel(const In &in, int64_t ai, Ws *w, double *out)
    {
        return radx_vngtdm_voxel(&in, ai, w, out);
    }
};

struct glszm_rule : gldm_rule { /* the same description and uploads */
    typedef radx_vglszm_ws Ws;
    static const int nout = RADX_GLSZM_NOUT;
    static const char *name() { return "GLSZM voxel map (CUDA)"; }
    static size_t ws_size(const In &in, int64_t kvox) { return radx_vglszm_ws_size(kvox, in.ng); }
    __device__ static void carve(void *m, const In &in, int64_t kvox, Ws *w)
    {
        radx_vglszm_ws_carve(m, kvox, in.ng, w);
    }
    __device__ static int voxel(const In &in, int64_t ai, Ws *w, double *out)
    {
        return radx_vglszm_voxel(&in, ai, w, out);
    }
};

struct glrlm_rule : gldm_rule { /* the same description and uploads */
    typedef radx_vglrlm_ws Ws;
    static const int nout = GLRLM_F_COUNT;
    static const char *name() { return "GLRLM voxel map (CUDA)"; }
    static size_t ws_size(const In &in, int64_t kvox)
    {
        return radx_vglrlm_ws_size(kvox, in.ng, 2 * (int64_t)in.r + 1);
    }
    __device__ static void carve(void *m, const In &in, int64_t kvox, Ws *w)
    {
        radx_vglrlm_ws_carve(m, kvox, in.ng, 2 * (int64_t)in.r + 1, w);
    }
    __device__ static int voxel(const In &in, int64_t ai, Ws *w, double *out)
    {
        return radx_vglrlm_voxel(&in, ai, w, out);
    }
};

template <class R>
__global__ void __launch_bounds__(RADX_VTEX_BLOCK)
    vtex_kernel(typename R::In in, const int64_t *__restrict__ aidx, int64_t nroi, char *slab, size_t wsbytes,
                int64_t kvox, int64_t nthreads, double *__restrict__ out, int *__restrict__ bad)
{
    const int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= nthreads) return;
    typename R::Ws w;
    R::carve(slab + (size_t)t * wsbytes, in, kvox, &w); /* the slab arrives zeroed */
    for (int64_t v = t; v < nroi; v += nthreads)
        if (R::voxel(in, aidx[v], &w, out + (size_t)v * R::nout) != 0) atomicExch(bad, 1);
}

/* The rule R over the ROI voxels aidx[0..nroi) (device) into d_out (nroi x R::nout, device). */
template <class R>
radx_status run_rule(radx_cuda *cu, const typename R::In &in, const int64_t *d_aidx, int64_t nroi, int nf,
                     double *d_out, radx_err *err)
{
    if (R::nout != nf) /* the op's layout: the class's table, voxel after voxel */
        return radx_seterr(err, RADX_ERR_INTERNAL, "%s: the rule gives %d values, the class has %d", R::name(), R::nout,
                           nf);
    const int64_t kvox = radx_vm_kernel_max(in.dim, in.r, in.f2d_xyz);
    if (kvox > RADX_VFO_MAX) { /* the CPU's segment path (declined) */
        err->status = RADX_OK;
        err->msg[0] = '\0';
        return RADX_ERR_UNSUPPORTED;
    }
    if (nroi <= 0) return RADX_OK;
    const size_t wsbytes = (R::ws_size(in, kvox) + 63) & ~(size_t)63;
    /* threads: enough to fill the device, as many as half the memory left holds, at most nroi */
    int64_t nthr = 2048 * (int64_t)radx_dev::sm_count();
    const int64_t fit = (int64_t)(radx_dev::available(cu) / 2 / wsbytes);
    if (nthr > fit) nthr = fit;
    if (nthr > nroi) nthr = nroi;
    if (nthr < 1) {
        radx_dev::note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "%s: no room for one workspace", R::name());
    }
    radx_dev::dmem mem;
    cudaError_t e = radx_dev::dmem_init(&mem, cu);
    const char *what = "cudaGetDevice";
    char *d_slab = NULL;
    int *d_bad = NULL, bad = 0;
    typename R::In d = in;
    if (e != cudaSuccess) goto done;
    what = "staging the distances";
    RADX_CUDA_TRY_GOTO(R::upload(&mem, in, &d));
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_bad, 1));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_bad, 0, sizeof(int), mem.st));
    what = "the per-voxel workspaces";
    RADX_CUDA_TRY_GOTO(radx_dev::dalloc(&mem, &d_slab, (size_t)nthr * wsbytes));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_slab, 0, (size_t)nthr * wsbytes, mem.st));
    what = "the per-voxel kernel";
    vtex_kernel<R><<<(unsigned)((nthr + RADX_VTEX_BLOCK - 1) / RADX_VTEX_BLOCK), RADX_VTEX_BLOCK, 0, mem.st>>>(
        d, d_aidx, nroi, d_slab, wsbytes, kvox, nthr, d_out, d_bad);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(&bad, d_bad, sizeof bad, cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(mem.st));
done:
    radx_dev::dfree_all(&mem);
    if (e != cudaSuccess) return radx_dev::cuda_status(e, R::name(), what, err);
    if (bad) return radx_seterr(err, RADX_ERR_PARAM, "%s: distances: more neighbour offsets than supported", R::name());
    return RADX_OK;
}

} // namespace

radx_status radx_cuda_voxel_texture(radx_cuda *cu, radx_class cls, const radx_vglcm_in *g, const radx_vgldm_in *d,
                                    const int64_t *d_aidx, int64_t nroi, double *d_out, radx_err *err)
{
    const radx_feature_info *tab;
    int nf = 0;
    radx_class_table(cls, &tab, &nf);
    switch (cls) {
    case RADX_CLASS_GLCM: return run_rule<glcm_rule>(cu, *g, d_aidx, nroi, nf, d_out, err);
    case RADX_CLASS_GLDM: return run_rule<gldm_rule>(cu, *d, d_aidx, nroi, nf, d_out, err);
    case RADX_CLASS_GLRLM: return run_rule<glrlm_rule>(cu, *d, d_aidx, nroi, nf, d_out, err);
    case RADX_CLASS_GLSZM: return run_rule<glszm_rule>(cu, *d, d_aidx, nroi, nf, d_out, err);
    case RADX_CLASS_NGTDM: return run_rule<ngtdm_rule>(cu, *d, d_aidx, nroi, nf, d_out, err);
    default:
        err->status = RADX_OK;
        err->msg[0] = '\0';
        return RADX_ERR_UNSUPPORTED;
    }
}
