/* SPDX-License-Identifier: BSD-3-Clause */
/* Shape (3-D) on the GPU: the marching-cubes mesh of PyRadiomics' cshape.c, built with the
 * per-cube rules of kernels/rules/marching_cubes.h that host/features/shape.c uses.
 *
 *   1. the ROI box is uploaded and padded by one zero voxel on every side (as cshape.c pads);
 *      the ROI voxels are counted (warp ballots);
 *   2. one thread per cube: its folded index gives its triangle and crossing-edge vertex
 *      counts; two exclusive scans (CUB) turn them into each cube's output offsets, so the
 *      triangles land in the order of the CPU loop (cube z, y, x; triangle t of the table);
 *   3. one thread per cube writes its triangles' signed tetrahedron volumes and areas
 *      (radx_mc_triangle, evaluated with the non-contracting _rn intrinsics) and its vertices;
 *   4. the four diameters (3-D, and within one slice, row or column) by an all-pairs search over
 *      the vertices, shared-memory tiles, each pair's squared distance by the CPU's
 *      radx_mc_dist2 (the maximum of a set does not depend on the order it is searched in, and
 *      the CPU's hull-pruned search is exact, so both give the same values); meshes of more
 *      than RADX_SHAPE_GPU_DIAM_MAX vertices go to the host's convex-hull search instead, which
 *      grows with the hull rather than with the square of the vertex count;
 *   5. the per-triangle terms come back to the host, and radx_shape_from_mesh (host/features/shape.c, the
 *      CPU backend's own code) sums them in cshape.c's order and computes the PCA axes.
 *
 * So the features are bit-identical to the CPU backend's.  The terms are kept per triangle
 * rather than reduced on the device because a device reduction would change the summation
 * order (and with it the last bits PyRadiomics gets); the transfer is 16 bytes per triangle. */
#include <cub/device/device_scan.cuh>
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_check.cuh"
#include "cuda/stages.h"
#include "rules/marching_cubes.h"
#include "cuda/neighbourhood_texture.cuh"

using namespace radx_nbtex;

/* m: the padded box (P0 x P1 x P2, zeros around); np: ROI voxels. */
static __global__ void pad_kernel(const uint8_t *__restrict__ roi, int64_t d0, int64_t d1, int64_t d2,
                                  uint8_t *__restrict__ m, unsigned long long *__restrict__ np)
{
    const int64_t P1 = d1 + 2, P2 = d2 + 2, n = (d0 + 2) * P1 * P2;
    const int64_t stride = (int64_t)blockDim.x * gridDim.x;
    /* every lane of a warp runs the same number of iterations, so the ballot is warp-wide */
    const int64_t iters = (n + stride - 1) / stride;
    int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    for (int64_t it = 0; it < iters; it++, v += stride) {
        int inside = 0;
        if (v < n) {
            const int64_t t = v / P2, x = v - t * P2, z = t / P1, y = t - z * P1;
            if (z >= 1 && z <= d0 && y >= 1 && y <= d1 && x >= 1 && x <= d2)
                inside = roi[((z - 1) * d1 + (y - 1)) * d2 + (x - 1)] != 0;
            m[v] = (uint8_t)inside;
        }
        const unsigned b = __ballot_sync(0xffffffffu, inside);
        if ((threadIdx.x & 31) == 0 && b) atomicAdd(np, (unsigned long long)__popc(b));
    }
}

/* Cube c = (iz, iy, ix) of the (P0-1) x (P1-1) x (P2-1) cubes. */
static __device__ __forceinline__ int cube_at(const uint8_t *m, int64_t P1, int64_t P2, int64_t c, int64_t *iz,
                                              int64_t *iy, int64_t *ix, int *sign)
{
    const int64_t cy = P1 - 1, cx = P2 - 1;
    const int64_t t = c / cx;
    *ix = c - t * cx;
    *iz = t / cy;
    *iy = t - *iz * cy;
    return radx_mc_fold(radx_mc_cube_index(m + (*iz * P1 + *iy) * P2 + *ix, P1 * P2, P2), sign);
}

static __global__ void count_kernel(const uint8_t *__restrict__ m, int64_t P1, int64_t P2, int64_t ncube,
                                    unsigned long long *__restrict__ nt, unsigned long long *__restrict__ nv)
{
    for (int64_t c = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; c < ncube; c += (int64_t)blockDim.x * gridDim.x) {
        int64_t iz, iy, ix;
        int sign;
        const int idx = cube_at(m, P1, P2, c, &iz, &iy, &ix, &sign);
        nt[c] = (unsigned long long)radx_mc_ntri(idx);
        nv[c] = (unsigned long long)(((idx >> 6) & 1) + ((idx >> 4) & 1) + ((idx >> 3) & 1));
    }
}

/* ot, ov: exclusive scans of count_kernel's counts (one element past the last cube). */
/* z0: the whole mesh's cube layer of m's first (0, or a slab's c0: radx_mc_slab_mask) */
static __global__ void emit_kernel(const uint8_t *__restrict__ m, int64_t P1, int64_t P2, int64_t ncube, int64_t z0,
                                   double sz, double sy, double sx, const unsigned long long *__restrict__ ot,
                                   const unsigned long long *__restrict__ ov, double *__restrict__ vol6,
                                   double *__restrict__ area, int32_t *__restrict__ vtx)
{
    const double sp[3] = {sz, sy, sx};
    for (int64_t c = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; c < ncube; c += (int64_t)blockDim.x * gridDim.x) {
        const unsigned long long t0 = ot[c], nt = ot[c + 1] - t0;
        if (nt == 0 && ov[c + 1] == ov[c]) continue;
        int64_t iz, iy, ix;
        int sign;
        const int idx = cube_at(m, P1, P2, c, &iz, &iy, &ix, &sign);
        iz += z0;
        radx_mc_cube_vertices(idx, iz, iy, ix, vtx + 3 * ov[c]);
        for (int t = 0; t < (int)nt; t++) radx_mc_triangle(iz, iy, ix, idx, t, sign, sp, vol6 + t0 + t, area + t0 + t);
    }
}

/* Vertices of more than this many go to the host's hull search (all pairs: n^2 / 2 distances,
 * about 2 ms at 2^18 on a current data-centre GPU). */
#define RADX_SHAPE_GPU_DIAM_MAX (1 << 18)
#define RADX_DIAM_TILE          256

/* best[0..3]: the largest squared distance between two vertices with the same z (Slice), the
 * same y (Column), the same x (Row), and overall, as the bit patterns of non-negative doubles
 * (ordered as the doubles are), over the pairs i < j.  Block b's threads own vertices
 * b * TILE + t and visit the tiles from their own onward. */
static __global__ void diam_kernel(const int32_t *__restrict__ vtx, int64_t n, double sz, double sy, double sx,
                                   unsigned long long *__restrict__ best)
{
    __shared__ double tp[3 * RADX_DIAM_TILE];
    __shared__ int32_t tv[3 * RADX_DIAM_TILE];
    __shared__ double red[4][RADX_DIAM_TILE / 32];
    const double sp[3] = {sz, sy, sx};
    const int64_t i = (int64_t)blockIdx.x * RADX_DIAM_TILE + threadIdx.x;
    double pa[3] = {0, 0, 0}, b[4] = {0, 0, 0, 0};
    int32_t va[3] = {0, 0, 0};
    if (i < n) {
        radx_mc_vertex_point(vtx, i, sp, pa);
        va[0] = vtx[3 * i];
        va[1] = vtx[3 * i + 1];
        va[2] = vtx[3 * i + 2];
    }
    for (int64_t t0 = (int64_t)blockIdx.x * RADX_DIAM_TILE; t0 < n; t0 += RADX_DIAM_TILE) {
        const int64_t j = t0 + threadIdx.x;
        __syncthreads();
        if (j < n) {
            radx_mc_vertex_point(vtx, j, sp, tp + 3 * threadIdx.x);
            tv[3 * threadIdx.x] = vtx[3 * j];
            tv[3 * threadIdx.x + 1] = vtx[3 * j + 1];
            tv[3 * threadIdx.x + 2] = vtx[3 * j + 2];
        }
        __syncthreads();
        if (i >= n) continue;
        const int kn = n - t0 < RADX_DIAM_TILE ? (int)(n - t0) : RADX_DIAM_TILE;
        for (int k = 0; k < kn; k++) {
            if (t0 + k <= i) continue;
            const double d = radx_mc_dist2(pa, tp + 3 * k);
            b[3] = fmax(b[3], d);
            if (va[0] == tv[3 * k]) b[0] = fmax(b[0], d);
            if (va[1] == tv[3 * k + 1]) b[1] = fmax(b[1], d);
            if (va[2] == tv[3 * k + 2]) b[2] = fmax(b[2], d);
        }
    }
    /* block maximum: warps, then the first warp */
    for (int q = 0; q < 4; q++)
        for (int o = 16; o > 0; o >>= 1) b[q] = fmax(b[q], __shfl_down_sync(0xffffffffu, b[q], o));
    if ((threadIdx.x & 31) == 0)
        for (int q = 0; q < 4; q++) red[q][threadIdx.x >> 5] = b[q];
    __syncthreads();
    if (threadIdx.x == 0)
        for (int q = 0; q < 4; q++) {
            double m = 0;
            for (int w = 0; w < RADX_DIAM_TILE / 32; w++) m = fmax(m, red[q][w]);
            atomicMax(best + q, (unsigned long long)__double_as_longlong(m));
        }
}

/* In place exclusive scan of n + 1 counts (the last one zero on entry): a[n] is the total. */
static cudaError_t scan_counts(dmem *mem, unsigned long long *a, int64_t n1)
{
    void *tmp = NULL;
    size_t bytes = 0;
    cudaError_t e = cub::DeviceScan::ExclusiveSum(NULL, bytes, a, a, n1, mem->st);
    if (e == cudaSuccess) e = dmalloc_bytes(mem, &tmp, bytes > 0 ? bytes : 1);
    if (e == cudaSuccess) e = cub::DeviceScan::ExclusiveSum(tmp, bytes, a, a, n1, mem->st);
    return e;
}

/* A slab's sub-mask: ns slices of P1 x P2 from the ROI slices [r0, r1) held in roi
 * (radx_mc_slab_mask). */
static __global__ void slab_pad_kernel(const uint8_t *__restrict__ roi, int64_t r0, int64_t r1, int64_t d1, int64_t d2,
                                       int64_t c0, int64_t ns, uint8_t *__restrict__ m)
{
    const int64_t P1 = d1 + 2, P2 = d2 + 2, n = ns * P1 * P2;
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        const int64_t x = v % P2, t = v / P2, y = t % P1, sl = t / P1;
        m[v] = radx_mc_slab_mask(roi, r0, r1, d1, d2, c0, sl, y, x);
    }
}

/* Grows a host array to hold at least n elements of size es (doubling). */
static int grow(void **p, size_t *cap, size_t n, size_t es)
{
    if (n <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < n) c *= 2;
    void *q = realloc(*p, c * es);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* Shape in z-slabs of cube layers, for an ROI box the device cannot hold at once: each slab's
 * sub-mask (radx_mc_slab_mask, from only the ROI slices it reads) is counted, scanned and emitted
 * by the whole-box kernels with its cube layers offset, and its triangles and vertices are
 * appended on the host, which so receives the whole mesh in cube order; a slab whose mesh does
 * not fit the buffers is halved.  The diameters then come from the host's hull search.  Same
 * features as the CPU, bit for bit. */
static radx_status shape_slabs(radx_cuda *cu, const radx_shape_input *in, double *out, radx_err *err)
{
    cudaStream_t st = cu->stream;
    const int64_t d0 = in->dims_zyx[0], d1 = in->dims_zyx[1], d2 = in->dims_zyx[2];
    const int64_t P1 = d1 + 2, P2 = d2 + 2, ncl = d0 + 1, layer = (P1 - 1) * (P2 - 1);
    const size_t avail = available(cu);
    const size_t per_layer = (size_t)(P1 * P2) + 2 * sizeof(unsigned long long) * (size_t)layer + (size_t)(d1 * d2);
    /* beyond the per-layer buffers: the sub-mask's extra slice, the ROI's extra slice (a middle
     * slab reads t + 1), CUB's scratch */
    const size_t fixed = (size_t)(P1 * P2) + (size_t)(d1 * d2) + ((size_t)64 << 10) + 16;
    int64_t t = avail / 2 > fixed ? (int64_t)((avail / 2 - fixed) / per_layer) : 0;
    if (t > ncl) t = ncl;
    const char *what = "planning";
    dmem mem;
    uint8_t *d_roi = NULL, *d_m = NULL;
    unsigned long long *d_t = NULL, *d_v = NULL, tot[2] = {0, 0};
    double *d_vol = NULL, *d_area = NULL, *vol6 = NULL, *area = NULL;
    int32_t *d_vtx = NULL, *vtx = NULL;
    void *tmp = NULL;
    size_t tmpb = 0, cap_tri = 0, cap_vtx = 0, hcap_tri = 0, hcap_area = 0, hcap_vtx = 0;
    int64_t ntri = 0, nvtx = 0, np = 0, slabs = 0;
    int host_nomem = 0;
    radx_status rs = RADX_OK;
    cudaError_t e = cudaSuccess;
    if (t < 1) {
        note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "shape (CUDA): not even one slice of %lld x %lld voxels fits",
                           (long long)d1, (long long)d2);
    }
    for (int64_t v = 0; v < d0 * d1 * d2; v++) np += in->roi[v] != 0;
    if (np == 0) return radx_seterr(err, RADX_ERR_ROI, "shape: ROI is empty");
    e = dmem_init(&mem, cu);
    if (e != cudaSuccess) goto done;
    what = "allocating the slab buffers";
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_roi, (size_t)((t + 1) * d1 * d2)));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_m, (size_t)((t + 1) * P1 * P2)));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_t, (size_t)(t * layer) + 1));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_v, (size_t)(t * layer) + 1));
    RADX_CUDA_TRY_GOTO(cub::DeviceScan::ExclusiveSum(NULL, tmpb, d_t, d_t, t * layer + 1, st));
    RADX_CUDA_TRY_GOTO(dmalloc_bytes(&mem, &tmp, tmpb > 0 ? tmpb : 1));
    {
        /* what is left: half for the triangles (16 bytes), half for the vertices (12 bytes) */
        const size_t left = available(cu), keep = left / 8;
        cap_tri = left > keep ? (left - keep) / 2 / (2 * sizeof(double)) : 0;
        cap_vtx = left > keep ? (left - keep) / 2 / (3 * sizeof(int32_t)) : 0;
        if (cap_tri < 1 || cap_vtx < 1) {
            note_oom();
            e = cudaErrorMemoryAllocation;
            goto done;
        }
        RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_vol, cap_tri));
        RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_area, cap_tri));
        RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_vtx, 3 * cap_vtx));
    }
    for (int64_t c0 = 0; c0 < ncl;) {
        const int64_t c1 = c0 + t < ncl ? c0 + t : ncl, nc = (c1 - c0) * layer;
        const int64_t r0 = c0 - 1 > 0 ? c0 - 1 : 0, r1 = c1 < d0 ? c1 : d0;
        what = "counting a slab's mesh";
        if (r1 > r0)
            RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(d_roi, in->roi + (size_t)(r0 * d1 * d2), (size_t)((r1 - r0) * d1 * d2),
                                               cudaMemcpyHostToDevice, st));
        slab_pad_kernel<<<grid_for((c1 - c0 + 1) * P1 * P2), RADX_NBTEX_BLOCK, 0, st>>>(d_roi, r0, r1, d1, d2, c0,
                                                                                        c1 - c0 + 1, d_m);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_t + nc, 0, sizeof *d_t, st));
        RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_v + nc, 0, sizeof *d_v, st));
        count_kernel<<<grid_for(nc), RADX_NBTEX_BLOCK, 0, st>>>(d_m, P1, P2, nc, d_t, d_v);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        RADX_CUDA_TRY_GOTO(cub::DeviceScan::ExclusiveSum(tmp, tmpb, d_t, d_t, nc + 1, st));
        RADX_CUDA_TRY_GOTO(cub::DeviceScan::ExclusiveSum(tmp, tmpb, d_v, d_v, nc + 1, st));
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(&tot[0], d_t + nc, sizeof tot[0], cudaMemcpyDeviceToHost, st));
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(&tot[1], d_v + nc, sizeof tot[1], cudaMemcpyDeviceToHost, st));
        RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st));
        if (tot[0] > cap_tri || tot[1] > cap_vtx) { /* the slab's mesh does not fit: thinner slabs */
            if (c1 - c0 == 1) {
                note_oom();
                e = cudaErrorMemoryAllocation;
                goto done;
            }
            t = (c1 - c0) / 2;
            continue;
        }
        if (grow((void **)&vol6, &hcap_tri, (size_t)(ntri + (int64_t)tot[0]), sizeof *vol6) ||
            grow((void **)&area, &hcap_area, (size_t)(ntri + (int64_t)tot[0]), sizeof *area) ||
            grow((void **)&vtx, &hcap_vtx, 3 * (size_t)(nvtx + (int64_t)tot[1]), sizeof *vtx)) {
            host_nomem = 1;
            goto done;
        }
        what = "building a slab's mesh";
        emit_kernel<<<grid_for(nc), RADX_NBTEX_BLOCK, 0, st>>>(d_m, P1, P2, nc, c0, in->spacing_zyx[0],
                                                               in->spacing_zyx[1], in->spacing_zyx[2], d_t, d_v, d_vol,
                                                               d_area, d_vtx);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        if (tot[0] > 0) {
            RADX_CUDA_TRY_GOTO(
                cudaMemcpyAsync(vol6 + ntri, d_vol, sizeof(double) * tot[0], cudaMemcpyDeviceToHost, st));
            RADX_CUDA_TRY_GOTO(
                cudaMemcpyAsync(area + ntri, d_area, sizeof(double) * tot[0], cudaMemcpyDeviceToHost, st));
        }
        if (tot[1] > 0)
            RADX_CUDA_TRY_GOTO(
                cudaMemcpyAsync(vtx + 3 * nvtx, d_vtx, sizeof(int32_t) * 3 * tot[1], cudaMemcpyDeviceToHost, st));
        RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st)); /* pageable host memory; the buffers serve the next slab */
        ntri += (int64_t)tot[0];
        nvtx += (int64_t)tot[1];
        slabs++;
        c0 = c1;
    }

done:
    if (e != cudaSuccess) cudaStreamSynchronize(st);
    dfree_all(&mem);
    if (e != cudaSuccess)
        rs = cuda_status(e, "shape (CUDA)", what, err);
    else if (host_nomem)
        rs = radx_seterr(err, RADX_ERR_NOMEM, "shape (CUDA): out of host memory for the mesh");
    else
        rs = radx_shape_from_mesh(in, vol6, area, ntri, vtx, nvtx, NULL, np, out, err);
    if (rs == RADX_OK && slabs > 1) radx_cuda_note_tiled(cu);
    free(vol6);
    free(area);
    free(vtx);
    return rs;
}

static radx_status shape_whole(radx_cuda *cu, const radx_shape_input *in, const uint8_t *d_roi, double *out,
                               radx_err *err);

radx_status radx_cuda_shape(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err)
{
    radx_shape_input sin;
    memcpy(sin.dims_zyx, b->in.dims_zyx, sizeof sin.dims_zyx);
    memcpy(sin.spacing_zyx, b->in.spacing_zyx, sizeof sin.spacing_zyx);
    sin.roi = b->in.roi;
    sin.n_roi = b->in.n_roi;
    const radx_shape_input *in = &sin;
    radx_status st = radx_shape_check_input(in, "shape", err);
    if (st != RADX_OK) return st;
    (void)p;
    for (int k = 0; k < radx_shape_nfeatures; k++) out[k] = NAN;
    const int was_oom = oom();
    st = shape_whole(cu, in, b->d_roi, out, err);
    if (st != RADX_ERR_NOMEM) return st;
    for (int k = 0; k < radx_shape_nfeatures; k++) out[k] = NAN;
    if (err) { /* the slabs may still do it */
        err->status = RADX_OK;
        err->msg[0] = '\0';
    }
    st = shape_slabs(cu, in, out, err);
    if (st == RADX_OK && !was_oom) clear_oom(); /* done in slabs: not a shortage the backend must act on */
    return st;
}

/* The whole padded box at once. */
static radx_status shape_whole(radx_cuda *cu, const radx_shape_input *in, const uint8_t *d_roi_given, double *out,
                               radx_err *err)
{
    radx_status st = RADX_OK;
    const int64_t d0 = in->dims_zyx[0], d1 = in->dims_zyx[1], d2 = in->dims_zyx[2];
    const int64_t P0 = d0 + 2, P1 = d1 + 2, P2 = d2 + 2;
    const int64_t ncube = (P0 - 1) * (P1 - 1) * (P2 - 1);
    dmem mem;
    cudaError_t e = dmem_init(&mem, cu);
    const char *what = "cudaGetDevice";
    const void *d_roi = NULL;
    uint8_t *d_m = NULL;
    unsigned long long *d_np = NULL, *d_t = NULL, *d_v = NULL, h_np = 0, tot[2] = {0, 0};
    double *d_vol = NULL, *d_area = NULL, *vol6 = NULL, *area = NULL;
    int32_t *d_vtx = NULL, *vtx = NULL;
    unsigned long long *d_best = NULL, best[4] = {0, 0, 0, 0};
    double diam[4];
    int host_nomem = 0, diam_on_device = 0;

    if (e != cudaSuccess) goto done;
    what = "staging the ROI";
    RADX_CUDA_TRY_GOTO(upload_unless(&mem, d_roi_given, in->roi, (size_t)(d0 * d1 * d2), &d_roi));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_m, (size_t)(P0 * P1 * P2)));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_np, 1));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_np, 0, sizeof *d_np, mem.st));
    pad_kernel<<<grid_for(P0 * P1 * P2), RADX_NBTEX_BLOCK, 0, mem.st>>>((const uint8_t *)d_roi, d0, d1, d2, d_m, d_np);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());

    what = "counting the mesh";
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_t, (size_t)ncube + 1));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_v, (size_t)ncube + 1));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_t + ncube, 0, sizeof *d_t, mem.st));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_v + ncube, 0, sizeof *d_v, mem.st));
    count_kernel<<<grid_for(ncube), RADX_NBTEX_BLOCK, 0, mem.st>>>(d_m, P1, P2, ncube, d_t, d_v);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    RADX_CUDA_TRY_GOTO(scan_counts(&mem, d_t, ncube + 1));
    RADX_CUDA_TRY_GOTO(scan_counts(&mem, d_v, ncube + 1));
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(&tot[0], d_t + ncube, sizeof tot[0], cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(&tot[1], d_v + ncube, sizeof tot[1], cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(&h_np, d_np, sizeof h_np, cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(mem.st));
    if (h_np == 0) goto done;

    what = "building the mesh";
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_vol, (size_t)tot[0]));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_area, (size_t)tot[0]));
    RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_vtx, 3 * (size_t)tot[1]));
    emit_kernel<<<grid_for(ncube), RADX_NBTEX_BLOCK, 0, mem.st>>>(d_m, P1, P2, ncube, 0, in->spacing_zyx[0],
                                                                  in->spacing_zyx[1], in->spacing_zyx[2], d_t, d_v,
                                                                  d_vol, d_area, d_vtx);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    diam_on_device = tot[1] <= RADX_SHAPE_GPU_DIAM_MAX;
    if (diam_on_device && tot[1] >= 2) {
        what = "the diameter search";
        RADX_CUDA_TRY_GOTO(dalloc(&mem, &d_best, 4));
        RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_best, 0, 4 * sizeof *d_best, mem.st));
        diam_kernel<<<(unsigned)((tot[1] + RADX_DIAM_TILE - 1) / RADX_DIAM_TILE), RADX_DIAM_TILE, 0, mem.st>>>(
            d_vtx, (int64_t)tot[1], in->spacing_zyx[0], in->spacing_zyx[1], in->spacing_zyx[2], d_best);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(best, d_best, sizeof best, cudaMemcpyDeviceToHost, mem.st));
    }
    /* the mesh comes straight back into the thread's pinned host slots */
    vol6 = (double *)pinned(0, sizeof(double) * (size_t)tot[0]);
    area = (double *)pinned(1, sizeof(double) * (size_t)tot[0]);
    if (!diam_on_device) vtx = (int32_t *)pinned(2, sizeof(int32_t) * 3 * (size_t)tot[1]);
    if (!vol6 || !area || (!diam_on_device && !vtx)) {
        host_nomem = 1;
        goto done;
    }
    what = "downloading the mesh";
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(vol6, d_vol, sizeof(double) * (size_t)tot[0], cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(area, d_area, sizeof(double) * (size_t)tot[0], cudaMemcpyDeviceToHost, mem.st));
    if (!diam_on_device)
        RADX_CUDA_TRY_GOTO(
            cudaMemcpyAsync(vtx, d_vtx, sizeof(int32_t) * 3 * (size_t)tot[1], cudaMemcpyDeviceToHost, mem.st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(mem.st));
    for (int q = 0; q < 4; q++) {
        double d2;
        memcpy(&d2, &best[q], sizeof d2);
        diam[q] = sqrt(d2); /* as radx_shape_diameters takes the roots */
    }

done:
    dfree_all(&mem);
    if (e != cudaSuccess)
        st = cuda_status(e, "shape (CUDA)", what, err);
    else if (host_nomem)
        st = radx_seterr(err, RADX_ERR_NOMEM, "shape (CUDA): out of host memory for a mesh of %llu triangles", tot[0]);
    else if (h_np == 0)
        st = radx_seterr(err, RADX_ERR_ROI, "shape: ROI is empty");
    else
        st = radx_shape_from_mesh(in, vol6, area, (int64_t)tot[0], vtx, (int64_t)tot[1], diam_on_device ? diam : NULL,
                                  (int64_t)h_np, out, err);
    return st;
}
