/* SPDX-License-Identifier: BSD-3-Clause */
/* NGTDM on the GPU: per ROI voxel its neighbour count and the sum of their levels
 * (radx_ngtdm_voxel_sums, kernels/rules/ngtdm_rules.h, the function the CPU calls), written compacted
 * in C order of the ROI voxels (positions from a scan of the ROI flags) as one 2- or 4-byte code
 * (radx_ngtdm_code, kernels/rules/narrow_rules.h: 2 bytes for the flagship's 50 levels and 26
 * neighbours), downloaded, and summed into n_i, s_i on the host by radx_ngtdm_accumulate_codes:
 * each difference is radx_ngtdm_absdiff of the same two integers (one IEEE division and
 * subtraction), the CPU's function, summed in the CPU's (and PyRadiomics') order.  s_i is a
 * floating-point sum whose rounding depends on the order of its terms; an on-device reduction
 * would reorder them, and PyRadiomics' own sums are sequential in C order, so the sequential host
 * sum (about 1-2 ns per ROI voxel) is what keeps CPU, CUDA and PyRadiomics identical.  When a
 * code would not fit in 32 bits (huge level counts), the differences themselves come down (8 B
 * per ROI voxel, radx_ngtdm_voxel_absdiff).  The features are computed on the host by
 * radx_ngtdm_from_matrix, as on the CPU.
 *
 * Device memory: gl (4 B), roi (1 B), scan positions (4 B) per box voxel, the codes (or
 * differences) per ROI voxel and the neighbour offsets. */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/stages.h"
#include "cuda/neighbourhood_texture.cuh"
#include "rules/narrow_rules.h"
#include "rules/ngtdm_rules.h"
#include "rules/texture_rules.h"
#include "cuda/cuda_check.cuh"

using namespace radx_nbtex;

namespace
{

/* The voxels c0 + v, v < n, of the box (or slab) gl / roi; pos: inclusive scan of their ROI
 * flags; the k-th ROI voxel among them (C order) writes diff[k]. */
__global__ void absdiff_kernel(const int32_t *__restrict__ gl, const uint8_t *__restrict__ roi, radx_tex_nbhd nh,
                               const uint32_t *__restrict__ pos, int64_t c0, int64_t n, double *__restrict__ diff)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        const int64_t c = c0 + v;
        if (!roi[c]) continue;
        int64_t z, y, x;
        zyx_of(c, nh.dims, &z, &y, &x);
        diff[pos[v] - 1] = radx_ngtdm_voxel_absdiff(&nh, gl, roi, c, z, y, x, radx_tex_inner(&nh, z, y, x));
    }
}

/* The same voxels' neighbour counts and sums as w-byte codes (kernels/rules/narrow_rules.h): the
 * host computes each difference from them with the CPU's radx_ngtdm_absdiff. */
__global__ void code_kernel(const int32_t *__restrict__ gl, const uint8_t *__restrict__ roi, radx_tex_nbhd nh,
                            const uint32_t *__restrict__ pos, int64_t c0, int64_t n, int w, void *__restrict__ codes)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        const int64_t c = c0 + v;
        if (!roi[c]) continue;
        int64_t z, y, x, count, sum;
        zyx_of(c, nh.dims, &z, &y, &x);
        radx_ngtdm_voxel_sums(&nh, gl, roi, c, z, y, x, radx_tex_inner(&nh, z, y, x), &count, &sum);
        radx_uint_put(codes, w, pos[v] - 1, radx_ngtdm_code(nh.na, count, sum));
    }
}

} // namespace

static radx_status ngtdm_matrix(radx_cuda *cu, const radx_cuda_box *b, const radx_tex_nbclass *s, radx_ngtdm_mat *m,
                                radx_err *err)
{
    const char *cls = "ngtdm", *what = "";
    const int64_t n = s->nvox;
    cudaStream_t st = cu->stream;
    const radx_texture_input *in = &b->in;
    dmem dm;
    radx_tex_nbhd dh;
    uint32_t *pos = NULL, total = 0;
    char *d_diff = NULL, *h_diff = NULL;
    /* per ROI voxel: its neighbour count and sum in a 2- or 4-byte code, or (codes too wide) its
     * difference in 8 bytes */
    const int cw = radx_ngtdm_code_width(s->nh.na, in->ng);
    const size_t vb = cw ? (size_t)cw : sizeof(double);
    radx_status rs = RADX_OK;
    cudaError_t e = cudaSuccess;

    memset(m, 0, sizeof *m);
    if (n >= (int64_t)UINT32_MAX)
        return radx_seterr(err, RADX_ERR_ARG, "ngtdm: box of %lld voxels is too large for the GPU path", (long long)n);
    /* the differences come straight back into the thread's page-locked slot 3 (device_mem.cuh) */
    h_diff = (char *)pinned(3, (size_t)s->n_roi * vb);
    if (!h_diff || radx_ngtdm_mat_alloc(m, in->ng) < 0) {
        return radx_seterr(err, RADX_ERR_NOMEM, "ngtdm: out of memory (%lld voxels)", (long long)n);
    }

    e = dmem_init(&dm, cu);
    if (e != cudaSuccess) {
        radx_ngtdm_mat_free(m);
        return cuda_status(e, cls, "device query", err);
    }
    {
        /* the whole box, or z-slabs when it does not fit (nbtex_cuda.cuh): per voxel the level
         * and ROI, the scan position (4 B) and at most one difference (8 B) */
        const slabs sp = plan_slabs(cu, b, &s->nh, sizeof(uint32_t) + vb, 0);
        if (sp.t == 0) {
            rs = radx_seterr(err, RADX_ERR_NOMEM, "ngtdm: out of GPU memory for even one slice of the box");
            note_oom();
            goto done;
        }
        const int tiled = sp.t < sp.nz;
        const int64_t most = tiled ? sp.t * sp.nxy : n;
        int64_t done_roi = 0; /* ROI voxels whose differences came back, in C order */
        dslabs ds;
        RADX_CUDA_TRY_GOTO(upload_nbhd(&dm, &s->nh, &dh));
        RADX_CUDA_TRY_GOTO(box_or_slabs(&dm, b, n, sp, &ds));
        void *scan_tmp = NULL;
        size_t scan_bytes = 0;
        RADX_CUDA_TRY_GOTO(dalloc(&dm, &pos, (size_t)most));
        RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_diff, (size_t)(tiled ? most : s->n_roi) * vb));
        RADX_CUDA_TRY_GOTO(scan_temp(&dm, most, &scan_tmp, &scan_bytes)); /* once for every slab */
        for (int64_t k = 0; k < slab_count(sp); k++) {
            const radx_slab sb = slab_k(sp, k);
            const int64_t c0 = (sb.z0 - sb.lo) * sp.nxy, nc = (sb.z1 - sb.z0) * sp.nxy;
            RADX_CUDA_TRY_GOTO(load_slab(st, b, sp, sb, &ds));
            const int32_t *g_ = ds.b.gl;
            const uint8_t *r_ = ds.b.roi;
            RADX_CUDA_TRY_GOTO(roi_flags(st, r_ + c0, nc, pos));
            RADX_CUDA_TRY_GOTO(scan_flags_with(&dm, scan_tmp, scan_bytes, pos, nc, &total));
            if (done_roi + (int64_t)total > s->n_roi) break; /* reported below */
            if (cw)
                code_kernel<<<grid_for(nc), RADX_NBTEX_BLOCK, 0, st>>>(g_, r_, slab_nbhd(dh, sb), pos, c0, nc, cw,
                                                                       d_diff);
            else
                absdiff_kernel<<<grid_for(nc), RADX_NBTEX_BLOCK, 0, st>>>(g_, r_, slab_nbhd(dh, sb), pos, c0, nc,
                                                                          (double *)d_diff);
            RADX_CUDA_TRY_GOTO(cudaGetLastError());
            if (total > 0)
                RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h_diff + (size_t)done_roi * vb, d_diff, (size_t)total * vb,
                                                   cudaMemcpyDeviceToHost, st));
            RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st)); /* before the next slab reuses pos and d_diff */
            done_roi += (int64_t)total;
        }
        if (done_roi != s->n_roi) {
            rs = radx_seterr(err, RADX_ERR_INTERNAL, "ngtdm: %lld ROI voxels on the GPU, %lld expected",
                             (long long)done_roi, (long long)s->n_roi);
            goto done;
        }
        if (tiled) radx_cuda_note_tiled(cu);
    }
    /* sum in C order, as the CPU path and PyRadiomics do */
    if (cw) {
        radx_ngtdm_accumulate_codes(in, h_diff, cw, s->nh.na, m);
        radx_cuda_note_narrow_saved(cu, (unsigned long long)s->n_roi * (unsigned long long)(sizeof(double) - cw));
    } else
        radx_ngtdm_accumulate(in, (const double *)h_diff, 1, m);

done:
    if (e != cudaSuccess) rs = cuda_status(e, cls, what, err);
    if (rs != RADX_OK) radx_ngtdm_mat_free(m);
    dfree_all(&dm);
    return rs;
}

radx_status radx_cuda_ngtdm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err)
{
    radx_tex_nbclass s;
    radx_ngtdm_mat m;
    radx_status st = radx_ngtdm_setup(&b->in, p, out, &s, err);
    if (st != RADX_OK) return st;
    st = ngtdm_matrix(cu, b, &s, &m, err);
    if (st == RADX_OK) st = radx_ngtdm_from_matrix(&s, &m, out, err);
    radx_ngtdm_mat_free(&m);
    radx_tex_nbclass_free(&s);
    return st;
}
