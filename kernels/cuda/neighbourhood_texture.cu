/* SPDX-License-Identifier: BSD-3-Clause */
/* Device plumbing shared by the GPU matrix builders of GLSZM, GLDM and NGTDM (see
 * kernels/cuda/neighbourhood_texture.cuh). */
#include <cub/device/device_scan.cuh>
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/neighbourhood_texture.cuh"

namespace radx_nbtex
{

cudaError_t upload_box(dmem *m, const radx_cuda_box *in, int64_t nvox, dbox *b)
{
    const void *gl = NULL, *roi = NULL; /* the buffers' device copies when the backend has them */
    cudaError_t e = upload_unless(m, in->d_gl, in->in.gl, (size_t)nvox * sizeof(int32_t), &gl);
    if (e == cudaSuccess) e = upload_unless(m, in->d_roi, in->in.roi, (size_t)nvox, &roi);
    b->gl = (const int32_t *)gl;
    b->roi = (const uint8_t *)roi;
    return e;
}

slabs plan_slabs(const radx_cuda *cu, const radx_cuda_box *in, const radx_tex_nbhd *nh, size_t per_voxel, size_t fixed)
{
    slabs p;
    p.nz = nh->dims[0];
    p.nxy = nh->dims[1] * nh->dims[2];
    p.h = (int)nh->margin[0];
    const size_t avail = available(cu);
    /* copies already on the device take no more room */
    const int held = in->d_gl && in->d_roi;
    const size_t slice = (size_t)p.nxy * (5 + per_voxel);
    if ((size_t)p.nxy * (held ? per_voxel : 5 + per_voxel) * (size_t)p.nz + fixed <= avail)
        p.t = p.nz;
    else
        p.t = avail > fixed ? radx_slab_fit(p.nz, p.h, slice, avail - fixed) : 0;
    return p;
}

cudaError_t box_or_slabs(dmem *m, const radx_cuda_box *in, int64_t nvox, const slabs &p, dslabs *d)
{
    memset(d, 0, sizeof *d);
    if (p.t >= p.nz) return upload_box(m, in, nvox, &d->b);
    const size_t held = (size_t)(radx_slab_held(p.nz, p.t, p.h) * p.nxy);
    cudaError_t e = dalloc(m, &d->gl, held);
    if (e == cudaSuccess) e = dalloc(m, &d->roi, held);
    d->b.gl = d->gl;
    d->b.roi = d->roi;
    return e;
}

cudaError_t load_slab(cudaStream_t st, const radx_cuda_box *in, const slabs &p, const radx_slab &sb, dslabs *d)
{
    if (!d->gl) return cudaSuccess; /* the whole box is there already */
    const size_t nv = (size_t)(sb.hi - sb.lo) * (size_t)p.nxy, off = (size_t)sb.lo * (size_t)p.nxy;
    cudaError_t e = cudaMemcpyAsync(d->gl, in->in.gl + off, nv * sizeof(int32_t), cudaMemcpyHostToDevice, st);
    if (e == cudaSuccess) e = cudaMemcpyAsync(d->roi, in->in.roi + off, nv, cudaMemcpyHostToDevice, st);
    return e;
}

cudaError_t upload_nbhd(dmem *m, const radx_tex_nbhd *h, radx_tex_nbhd *d)
{
    void *off = NULL, *flat = NULL;
    cudaError_t e;
    *d = *h;
    e = upload(m, h->off, (size_t)3 * (size_t)h->na * sizeof(int), &off);
    if (e == cudaSuccess) e = upload(m, h->flat, (size_t)h->na * sizeof(int64_t), &flat);
    d->off = (int *)off;
    d->flat = (int64_t *)flat;
    return e;
}

static __global__ void roi_flags_kernel(const uint8_t *__restrict__ roi, int64_t n, uint32_t *__restrict__ flags)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        flags[v] = roi[v] != 0;
}

cudaError_t roi_flags(cudaStream_t st, const uint8_t *roi, int64_t nvox, uint32_t *flags)
{
    roi_flags_kernel<<<grid_for(nvox), RADX_NBTEX_BLOCK, 0, st>>>(roi, nvox, flags);
    return cudaGetLastError();
}

cudaError_t scan_temp(dmem *m, int64_t n, void **tmp, size_t *bytes)
{
    *tmp = NULL;
    *bytes = 0;
    cudaError_t e = cub::DeviceScan::InclusiveSum(NULL, *bytes, (uint32_t *)NULL, (uint32_t *)NULL, n, m->st);
    if (e == cudaSuccess) e = dmalloc_bytes(m, tmp, *bytes > 0 ? *bytes : 1);
    return e;
}

cudaError_t scan_flags_with(dmem *m, void *tmp, size_t bytes, uint32_t *flags, int64_t n, uint32_t *total)
{
    size_t need = 0;
    cudaError_t e = cub::DeviceScan::InclusiveSum(NULL, need, flags, n, m->st);
    if (e == cudaSuccess && need > bytes) e = cudaErrorInvalidValue; /* tmp was sized for fewer items */
    if (e == cudaSuccess) e = cub::DeviceScan::InclusiveSum(tmp, bytes, flags, n, m->st);
    if (e == cudaSuccess) e = cudaMemcpyAsync(total, flags + (n - 1), sizeof *total, cudaMemcpyDeviceToHost, m->st);
    if (e == cudaSuccess) e = cudaStreamSynchronize(m->st);
    return e;
}

cudaError_t scan_flags(dmem *m, uint32_t *flags, int64_t n, uint32_t *total)
{
    void *tmp = NULL;
    size_t bytes = 0;
    cudaError_t e = scan_temp(m, n, &tmp, &bytes);
    return e == cudaSuccess ? scan_flags_with(m, tmp, bytes, flags, n, total) : e;
}

static __global__ void nonzero_flags_kernel(const unsigned long long *__restrict__ h, int64_t n,
                                            uint32_t *__restrict__ flags)
{
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)blockDim.x * gridDim.x)
        flags[i] = h[i] != 0;
}

/* pos: inclusive scan of the non-zero flags; the k-th non-zero cell goes to slot k. */
static __global__ void gather_cells_kernel(const unsigned long long *__restrict__ h, const uint32_t *__restrict__ pos,
                                           int64_t n, uint32_t *__restrict__ cell, unsigned long long *__restrict__ cnt)
{
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)blockDim.x * gridDim.x) {
        const unsigned long long c = h[i];
        if (!c) continue;
        cell[pos[i] - 1] = (uint32_t)i;
        cnt[pos[i] - 1] = c;
    }
}

cudaError_t hist_to_sparse(dmem *m, const unsigned long long *h, int64_t ngp, int64_t jmax, int64_t nz,
                           radx_szm_sparse *out, int *host_nomem)
{
    const int64_t ncell = ngp * (jmax + 1);
    uint32_t *pos = NULL, *d_cell = NULL, total = 0, *cell = NULL;
    unsigned long long *d_cnt = NULL, *cnt = NULL;
    cudaError_t e;
    int64_t k;
    *host_nomem = 0;
    memset(out, 0, sizeof *out);
    e = dalloc(m, &pos, (size_t)ncell);
    if (e != cudaSuccess) return e;
    nonzero_flags_kernel<<<grid_for(ncell), RADX_NBTEX_BLOCK, 0, m->st>>>(h, ncell, pos);
    e = cudaGetLastError();
    if (e == cudaSuccess) e = scan_flags(m, pos, ncell, &total);
    if (e == cudaSuccess) e = dalloc(m, &d_cell, total);
    if (e == cudaSuccess) e = dalloc(m, &d_cnt, total);
    if (e != cudaSuccess) return e;
    gather_cells_kernel<<<grid_for(ncell), RADX_NBTEX_BLOCK, 0, m->st>>>(h, pos, ncell, d_cell, d_cnt);
    e = cudaGetLastError();
    if (e != cudaSuccess) return e;
    cell = (uint32_t *)malloc((size_t)(total > 0 ? total : 1) * sizeof *cell);
    cnt = (unsigned long long *)malloc((size_t)(total > 0 ? total : 1) * sizeof *cnt);
    if (!cell || !cnt || radx_szm_sparse_alloc(out, total) < 0) {
        free(cell);
        free(cnt);
        *host_nomem = 1;
        return cudaSuccess;
    }
    e = cudaMemcpyAsync(cell, d_cell, (size_t)total * sizeof *cell, cudaMemcpyDeviceToHost, m->st);
    if (e == cudaSuccess) e = cudaMemcpyAsync(cnt, d_cnt, (size_t)total * sizeof *cnt, cudaMemcpyDeviceToHost, m->st);
    if (e == cudaSuccess) e = cudaStreamSynchronize(m->st);
    if (e == cudaSuccess) {
        for (k = 0; k < (int64_t)total; k++) {
            out->gi[k] = (int32_t)(cell[k] / (uint64_t)(jmax + 1));
            out->j[k] = (int64_t)(cell[k] % (uint64_t)(jmax + 1));
            out->c[k] = (int64_t)cnt[k];
        }
        out->n = total;
        out->jmax = jmax;
        out->nz = nz;
    } else {
        radx_szm_sparse_free(out);
    }
    free(cell);
    free(cnt);
    return e;
}

} // namespace radx_nbtex
