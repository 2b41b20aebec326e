/* SPDX-License-Identifier: BSD-3-Clause */
/* NGTDM on the GPU: per ROI voxel its absolute gray tone difference (radx_ngtdm_voxel_absdiff,
 * kernels/ngtdm_rules.h, the function the CPU calls; integer neighbour count and sum, then one
 * IEEE division and subtraction, so the GPU's value is the CPU's bit for bit), written compacted
 * in C order of the ROI voxels (positions from a scan of the ROI flags), downloaded (8 B per ROI
 * voxel) and summed into n_i, s_i on the host by radx_ngtdm_accumulate: the CPU's function, in
 * the CPU's (and PyRadiomics') order.  s_i is a floating-point sum whose rounding depends on the
 * order of its terms; an on-device reduction would reorder them, and PyRadiomics' own sums are
 * sequential in C order, so the sequential host sum (about 1 ns per ROI voxel) is what keeps
 * CPU, CUDA and PyRadiomics identical.  The features are computed on the host by
 * radx_ngtdm_from_matrix, as on the CPU.
 *
 * Device memory: gl (4 B), roi (1 B), scan positions (4 B) per box voxel, the differences (8 B
 * per ROI voxel) and the neighbour offsets. */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_ops.h"
#include "nbtex_cuda.cuh"
#include "ngtdm_rules.h"
#include "texture_rules.h"
#include "cuda_check.cuh"

using namespace radx_nbtex;

namespace {

/* pos: inclusive scan of the ROI flags; the k-th ROI voxel (C order) writes diff[k]. */
__global__ void absdiff_kernel(const int32_t *__restrict__ gl, const uint8_t *__restrict__ roi, radx_tex_nbhd nh,
                               const uint32_t *__restrict__ pos, int64_t n, double *__restrict__ diff)
{
    for (int64_t c = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; c < n; c += (int64_t)blockDim.x * gridDim.x) {
        if (!roi[c]) continue;
        int64_t z, y, x;
        zyx_of(c, nh.dims, &z, &y, &x);
        diff[pos[c] - 1] = radx_ngtdm_voxel_absdiff(&nh, gl, roi, c, z, y, x, radx_tex_inner(&nh, z, y, x));
    }
}

} // namespace

extern "C" radx_status radx_cuda_ngtdm_matrix(void *stream, const radx_texture_input *in, const radx_tex_nbclass *s,
                                              radx_ngtdm_mat *m, radx_err *err)
{
    const char *cls = "ngtdm", *what = "";
    const int64_t n = s->nvox;
    cudaStream_t st = (cudaStream_t)stream;
    dmem dm;
    dbox b;
    radx_tex_nbhd dh;
    uint32_t *pos = NULL, total = 0;
    double *d_diff = NULL, *h_diff = NULL;
    radx_status rs = RADX_OK;
    cudaError_t e = cudaSuccess;

    memset(m, 0, sizeof *m);
    if (n >= (int64_t)UINT32_MAX)
        return radx_seterr(err, RADX_ERR_ARG, "ngtdm: box of %lld voxels is too large for the GPU path", (long long)n);
    h_diff = (double *)malloc((size_t)s->n_roi * sizeof *h_diff);
    if (!h_diff || radx_ngtdm_mat_alloc(m, in->ng) < 0) {
        free(h_diff);
        return radx_seterr(err, RADX_ERR_NOMEM, "ngtdm: out of memory (%lld voxels)", (long long)n);
    }


    e = dmem_init(&dm, st);
    if (e != cudaSuccess) {
        free(h_diff);
        radx_ngtdm_mat_free(m);
        return cuda_status(e, cls, "device query", err);
    }
    RADX_CUDA_TRY_GOTO(upload_box(&dm, in, n, &b));
    RADX_CUDA_TRY_GOTO(upload_nbhd(&dm, &s->nh, &dh));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &pos, (size_t)n));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_diff, (size_t)s->n_roi));
    RADX_CUDA_TRY_GOTO(roi_flags(st, b.roi, n, pos));
    RADX_CUDA_TRY_GOTO(scan_flags(&dm, pos, n, &total));
    if ((int64_t)total != s->n_roi) {
        rs = radx_seterr(err, RADX_ERR_INTERNAL, "ngtdm: %lld ROI voxels on the GPU, %lld expected", (long long)total,
                         (long long)s->n_roi);
        goto done;
    }
    absdiff_kernel<<<grid_for(n), RADX_NBTEX_BLOCK, 0, st>>>(b.gl, b.roi, dh, pos, n, d_diff);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h_diff, d_diff, (size_t)s->n_roi * sizeof *h_diff, cudaMemcpyDeviceToHost, st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st));
    /* sum in C order, as the CPU path and PyRadiomics do */
    radx_ngtdm_accumulate(in, h_diff, 1, m);

done:
    if (e != cudaSuccess) rs = cuda_status(e, cls, what, err);
    if (rs != RADX_OK) radx_ngtdm_mat_free(m);
    dfree_all(&dm);
    free(h_diff);
    return rs;
}

extern "C" radx_status radx_cuda_ngtdm(void *stream, const radx_texture_input *in, const radx_params *p, double *out,
                                       radx_err *err)
{
    radx_tex_nbclass s;
    radx_ngtdm_mat m;
    radx_status st = radx_ngtdm_setup(in, p, out, &s, err);
    if (st != RADX_OK) return st;
    st = radx_cuda_ngtdm_matrix(stream, in, &s, &m, err);
    if (st == RADX_OK) st = radx_ngtdm_from_matrix(&s, &m, out, err);
    radx_ngtdm_mat_free(&m);
    radx_tex_nbclass_free(&s);
    return st;
}
