/* SPDX-License-Identifier: BSD-3-Clause */
/* GLDM on the GPU: per ROI voxel its dependent neighbours (radx_gldm_voxel_dependence,
 * kernels/rules/gldm_rules.h, the function the CPU calls), counted into the (gray level index,
 * dependence size) matrix; the features are computed on the host by radx_gldm_from_matrix, as on
 * the CPU.
 *
 * Matrix: when radx_szm_dense(ngp, Na + 1) holds (the test radx_szm_aggregate uses), one kernel
 * computes each voxel's dependence and adds it to a dense histogram (block-private uint32 counts
 * in shared memory when ngp x (Na + 2) <= RADX_NBTEX_SMEM_CELLS, e.g. 64 levels x 28 cells for
 * distances [1]; global 64-bit atomics otherwise), compacted into the non-zero cells in cell
 * order: the entries and order of the CPU's dense branch.  Otherwise the per-voxel counts are
 * downloaded (4 B per box voxel) and the host builds the matrix with radx_gldm_matrix_from_dep,
 * the CPU's own function.  Either way the matrix is the CPU's, entry for entry.
 *
 * Device memory: gl (4 B) and roi (1 B) per box voxel, the neighbour offsets, the dense histogram
 * (8 B per cell, at most 2^22 cells) and its compaction (16 B per cell), or in the fallback 4 B
 * per voxel. */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/stages.h"
#include "features/ibsi_texture.h"
#include "rules/gldm_rules.h"
#include "cuda/neighbourhood_texture.cuh"
#include "rules/texture_rules.h"
#include "cuda/cuda_check.cuh"

using namespace radx_nbtex;

namespace
{

__device__ __forceinline__ int voxel_dep(const radx_tex_nbhd *nh, const int32_t *gl, const uint8_t *roi, int64_t c,
                                         int alpha)
{
    int64_t z, y, x;
    zyx_of(c, nh->dims, &z, &y, &x);
    return radx_gldm_voxel_dependence(nh, gl, roi, c, z, y, x, radx_tex_inner(nh, z, y, x), alpha);
}

/* The histogram cell of voxel c0 + v of the box (or slab) gl / roi, -1 outside the ROI. */
struct dep_cell {
    const int32_t *gl;
    const uint8_t *roi;
    const int32_t *lut;
    radx_tex_nbhd nh;
    int alpha;
    int64_t jmax;
    int64_t c0;
    __device__ int64_t operator()(int64_t v) const
    {
        const int64_t c = c0 + v;
        if (!roi[c]) return -1;
        return (int64_t)lut[gl[c]] * (jmax + 1) + radx_gldm_size_of(voxel_dep(&nh, gl, roi, c, alpha));
    }
};

/* dep[v] for the voxels c0 + v, v < n, of the box (or slab) gl / roi. */
__global__ void dep_kernel(const int32_t *__restrict__ gl, const uint8_t *__restrict__ roi, radx_tex_nbhd nh, int alpha,
                           int64_t c0, int64_t n, int32_t *__restrict__ dep)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        dep[v] = roi[c0 + v] ? voxel_dep(&nh, gl, roi, c0 + v, alpha) : 0;
}

} // namespace

static radx_status gldm_matrix(radx_cuda *cu, const radx_cuda_box *b, const radx_tex_nbclass *s, radx_szm_sparse *m,
                               radx_err *err)
{
    const char *cls = "gldm", *what = "";
    const int64_t n = s->nvox, jmax = radx_gldm_jmax(s);
    cudaStream_t st = cu->stream;
    const radx_texture_input *in = &b->in;
    dmem dm;
    radx_tex_nbhd dh;
    int32_t *d_lut = NULL, *h_dep = NULL;
    radx_status rs = RADX_OK;
    cudaError_t e = cudaSuccess;

    memset(m, 0, sizeof *m);
    if (n >= (int64_t)UINT32_MAX)
        return radx_seterr(err, RADX_ERR_ARG, "gldm: box of %lld voxels is too large for the GPU path", (long long)n);

    e = dmem_init(&dm, cu);
    if (e != cudaSuccess) return cuda_status(e, cls, "device query", err);
    {
        /* the whole box, or z-slabs when its boxes do not fit (nbtex_cuda.cuh) */
        const int dense = radx_szm_dense(s->ngp, jmax);
        const int64_t ncell = (int64_t)s->ngp * (jmax + 1);
        const slabs sp = plan_slabs(cu, b, &s->nh, dense ? 0 : sizeof(int32_t),
                                    dense ? (size_t)ncell * 3 * sizeof(unsigned long long) : 0);
        if (sp.t == 0) {
            rs = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of GPU memory for even one slice of the box");
            note_oom();
            goto done;
        }
        const int tiled = sp.t < sp.nz;
        dslabs ds;
        RADX_CUDA_TRY_GOTO(upload_nbhd(&dm, &s->nh, &dh));
        RADX_CUDA_TRY_GOTO(box_or_slabs(&dm, b, n, sp, &ds));
        if (dense) {
            unsigned long long *hist = NULL;
            int host_nomem = 0;
            dep_cell f;
            RADX_CUDA_TRY_GOTO(upload(&dm, s->lut, ((size_t)in->ng + 1) * sizeof(int32_t), (void **)&d_lut));
            RADX_CUDA_TRY_GOTO(dalloc(&dm, &hist, (size_t)ncell));
            RADX_CUDA_TRY_GOTO(cudaMemsetAsync(hist, 0, (size_t)ncell * sizeof *hist, st));
            f.lut = d_lut;
            f.alpha = s->alpha;
            f.jmax = jmax;
            for (int64_t k = 0; k < slab_count(sp); k++) { /* counts of every slab into the one histogram */
                const radx_slab sb = slab_k(sp, k);
                RADX_CUDA_TRY_GOTO(load_slab(st, b, sp, sb, &ds));
                f.gl = ds.b.gl;
                f.roi = ds.b.roi;
                f.nh = slab_nbhd(dh, sb);
                f.c0 = (sb.z0 - sb.lo) * sp.nxy;
                RADX_CUDA_TRY_GOTO(launch_hist(st, f, (sb.z1 - sb.z0) * sp.nxy, ncell, hist));
            }
            RADX_CUDA_TRY_GOTO(hist_to_sparse(&dm, hist, s->ngp, jmax, s->n_roi, m, &host_nomem));
            if (host_nomem)
                rs = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld matrix cells)", (long long)ncell);
        } else {
            int32_t *d_dep = NULL;
            h_dep = (int32_t *)malloc((size_t)n * sizeof *h_dep);
            if (!h_dep) {
                rs = radx_seterr(err, RADX_ERR_NOMEM, "gldm: out of memory (%lld voxels)", (long long)n);
                goto done;
            }
            RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_dep, (size_t)(tiled ? sp.t * sp.nxy : n)));
            for (int64_t k = 0; k < slab_count(sp); k++) { /* each slab's centre voxels into their place */
                const radx_slab sb = slab_k(sp, k);
                const int64_t nc = (sb.z1 - sb.z0) * sp.nxy;
                RADX_CUDA_TRY_GOTO(load_slab(st, b, sp, sb, &ds));
                dep_kernel<<<grid_for(nc), RADX_NBTEX_BLOCK, 0, st>>>(ds.b.gl, ds.b.roi, slab_nbhd(dh, sb), s->alpha,
                                                                      (sb.z0 - sb.lo) * sp.nxy, nc, d_dep);
                RADX_CUDA_TRY_GOTO(cudaGetLastError());
                RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h_dep + sb.z0 * sp.nxy, d_dep, (size_t)nc * sizeof *h_dep,
                                                   cudaMemcpyDeviceToHost, st));
            }
            RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st));
            rs = radx_gldm_matrix_from_dep(in, s, h_dep, m, err);
        }
        if (tiled && rs == RADX_OK) radx_cuda_note_tiled(cu);
    }

done:
    if (e != cudaSuccess) rs = cuda_status(e, cls, what, err);
    if (rs != RADX_OK) radx_szm_sparse_free(m);
    dfree_all(&dm);
    free(h_dep);
    return rs;
}

radx_status radx_cuda_ngldm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, int slices, double *out,
                            radx_err *err)
{
    radx_params q = *p;
    q.force2d = slices; /* 2.5D: in-plane neighbours across force2Ddimension, the slices merged */
    radx_tex_nbclass s;
    radx_szm_sparse m;
    double scratch[64];
    radx_status st = radx_gldm_setup(&b->in, &q, scratch, &s, err);
    if (st != RADX_OK) return st;
    st = gldm_matrix(cu, b, &s, &m, err);
    if (st == RADX_OK) st = radx_ngldm_from_gldm(&m, s.ivals, s.ngp, out, err);
    radx_szm_sparse_free(&m);
    radx_tex_nbclass_free(&s);
    return st;
}

radx_status radx_cuda_gldm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err)
{
    radx_tex_nbclass s;
    radx_szm_sparse m;
    radx_status st = radx_gldm_setup(&b->in, p, out, &s, err);
    if (st != RADX_OK) return st;
    st = gldm_matrix(cu, b, &s, &m, err);
    if (st == RADX_OK) st = radx_gldm_from_matrix(&s, &m, out, err);
    radx_szm_sparse_free(&m);
    radx_tex_nbclass_free(&s);
    return st;
}
