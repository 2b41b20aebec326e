/* SPDX-License-Identifier: BSD-3-Clause */
/* GLSZM on the GPU: the zones (connected components of equal gray level over the GLSZM angles,
 * kernels/rules/glszm_rules.h) by union-find, then the (gray level, zone size) matrix; the features
 * are computed on the host by radx_glszm_from_matrix, as on the CPU.
 *
 * Zones: Playne & Hawick's union-find ("A new algorithm for parallel connected-component
 * labelling on GPUs", IEEE TPDS 2018), label = flat index:
 *   1. init:    lab[v] = v;
 *   2. merge:   every ROI voxel v unites with each neighbour of the backward half of the angles
 *               (radx_glszm_backward: one offset of each mirrored pair) that joins its zone
 *               (radx_glszm_joins).  union(a, b) finds both roots and hooks the larger under the
 *               smaller with atomicMin, retrying from the value atomicMin returned when the
 *               larger was no longer a root.  Labels only decrease and lab[v] <= v, so finds end
 *               and the root of a zone is its smallest flat index: its first voxel in C order,
 *               which is the seed of the CPU flood fill.  Finds split paths (atomicMin to the
 *               grandparent), which keeps the trees shallow whatever order the blocks run in;
 *   3. resolve: lab[v] = find(v), and the zone sizes by atomic counting per root (warp-aggregated
 *               with __match_any_sync: neighbouring voxels of a warp mostly share a root);
 *   4. stats:   number of zones and the largest zone (warp reductions, one atomic per warp).
 * One merge pass is complete (no iteration to a fixed point): every joined pair is united once.
 *
 * Matrix: when radx_szm_dense(ngp, largest zone) holds (the test radx_szm_aggregate uses), a
 * dense histogram of the roots' (gray level index, size) cells (block-private in shared memory
 * when it has at most RADX_NBTEX_SMEM_CELLS cells, else global atomics), compacted into the
 * non-zero cells in cell order: the entries and order of the CPU's dense branch.  Otherwise the
 * roots are listed in ascending order (scan of root flags), downloaded as items (gray level
 * index, size) and aggregated on the host by radx_szm_aggregate: the CPU's zone list in the
 * CPU's order.  Either way the matrix is the CPU's, entry for entry.
 *
 * Device memory: gl (4 B), roi (1 B), labels (4 B), sizes (4 B) per box voxel, plus the dense
 * histogram (8 B per cell, at most 2^22 cells) and its compaction (4 + 4 + 8 B per cell), or in
 * the fallback 4 B per voxel of flags and 12 B per zone.
 *
 * Tiles: a box that does not fit is labelled in z-slabs and the zones crossing the slab
 * boundaries are stitched on the host (glszm_slabs, radx_glszm_stitch). */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/stages.h"
#include "rules/glszm_rules.h"
#include "cuda/neighbourhood_texture.cuh"
#include "rules/texture_rules.h"
#include "cuda/cuda_check.cuh"

using namespace radx_nbtex;

namespace
{

/* ---- union-find on flat indices ------------------------------------------------------------ */

/* Labels are read volatile (from L2, never a stale L1 line); a stale value would still be an
 * ancestor, but fresh values shorten the walks. */
__device__ __forceinline__ uint32_t uf_parent(const uint32_t *lab, uint32_t x)
{
    return *(volatile const uint32_t *)(lab + x);
}

/* Root of x, with path splitting: each node on the way is re-pointed at its grandparent with
 * atomicMin, so labels only decrease and stay in the set (what the union's retry relies on).
 * Without it an unlucky order (e.g. voxels merged in descending order) builds chains as long as
 * a zone, and the finds become quadratic; with it, trees stay a few levels deep. */
__device__ __forceinline__ uint32_t uf_find(uint32_t *lab, uint32_t x)
{
    uint32_t p = uf_parent(lab, x);
    while (p != x) {
        const uint32_t g = uf_parent(lab, p);
        if (g != p) atomicMin(lab + x, g);
        x = p;
        p = g;
    }
    return x;
}

__device__ void uf_union(uint32_t *lab, uint32_t a, uint32_t b)
{
    for (;;) {
        a = uf_find(lab, a);
        b = uf_find(lab, b);
        if (a == b) return;
        if (a < b) {
            const uint32_t t = a;
            a = b;
            b = t;
        }
        /* hook root a under b < a; when a is no longer a root, atomicMin may have re-hooked it
         * under b, cutting it from its old parent: continue by uniting that parent with b */
        const uint32_t old = atomicMin(lab + a, b);
        if (old == a) return;
        a = old;
    }
}

__global__ void init_kernel(uint32_t *__restrict__ lab, int64_t n)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        lab[v] = (uint32_t)v;
}

/* nh: the backward half of the GLSZM angles (device offsets). */
__global__ void merge_kernel(const int32_t *__restrict__ gl, const uint8_t *__restrict__ roi, radx_tex_nbhd nh,
                             uint32_t *lab, int64_t n)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        if (!roi[v]) continue;
        int64_t z, y, x;
        zyx_of(v, nh.dims, &z, &y, &x);
        const int32_t g = gl[v];
        const int inner = radx_tex_inner(&nh, z, y, x);
        for (int a = 0; a < nh.na; a++) {
            const int64_t nb = inner ? v + nh.flat[a] : radx_tex_neighbor(z, y, x, nh.off + 3 * a, nh.dims);
            if (nb < 0) continue;
            if (radx_glszm_joins(g, roi[nb] != 0, gl[nb])) uf_union(lab, (uint32_t)v, (uint32_t)nb);
        }
    }
}

/* Warp-uniform loop (blockDim a multiple of 32): lab[v] = root, size[root] += 1. */
__global__ void resolve_kernel(const uint8_t *__restrict__ roi, uint32_t *lab, uint32_t *__restrict__ size, int64_t n)
{
    const int lane = threadIdx.x & 31;
    const int64_t stride = (int64_t)blockDim.x * gridDim.x;
    for (int64_t base = (int64_t)blockIdx.x * blockDim.x + (threadIdx.x - lane); base < n; base += stride) {
        const int64_t v = base + lane;
        const bool act = v < n && roi[v];
        const unsigned mask = __ballot_sync(0xffffffffu, act);
        if (!act) continue;
        const uint32_t r = uf_find(lab, (uint32_t)v);
        lab[v] = r;
        const unsigned peers = __match_any_sync(mask, r);
        if (lane == __ffs(peers) - 1) atomicAdd(size + r, (uint32_t)__popc(peers));
    }
}

/* stats[0] += zones, stats[1] = max(stats[1], largest zone). */
__global__ void stats_kernel(const uint8_t *__restrict__ roi, const uint32_t *__restrict__ lab,
                             const uint32_t *__restrict__ size, int64_t n, unsigned long long *stats)
{
    unsigned long long cnt = 0, mx = 0;
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        if (!roi[v] || lab[v] != (uint32_t)v) continue;
        cnt++;
        if (size[v] > mx) mx = size[v];
    }
    for (int o = 16; o > 0; o >>= 1) {
        const unsigned long long c2 = __shfl_down_sync(0xffffffffu, cnt, o);
        const unsigned long long m2 = __shfl_down_sync(0xffffffffu, mx, o);
        cnt += c2;
        mx = m2 > mx ? m2 : mx;
    }
    if ((threadIdx.x & 31) == 0 && cnt) {
        atomicAdd(stats, cnt);
        atomicMax(stats + 1, mx);
    }
}

/* The histogram cell of a zone root, -1 for every other voxel. */
struct zone_cell {
    const int32_t *gl;
    const uint8_t *roi;
    const int32_t *lut;
    const uint32_t *lab;
    const uint32_t *size;
    int64_t jmax;
    __device__ int64_t operator()(int64_t v) const
    {
        if (!roi[v] || lab[v] != (uint32_t)v) return -1;
        return (int64_t)lut[gl[v]] * (jmax + 1) + (int64_t)size[v];
    }
};

__global__ void root_flags_kernel(const uint8_t *__restrict__ roi, const uint32_t *__restrict__ lab, int64_t n,
                                  uint32_t *__restrict__ flags)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x)
        flags[v] = roi[v] && lab[v] == (uint32_t)v;
}

/* pos: inclusive scan of the root flags; the k-th root (C order) goes to slot k. */
__global__ void zone_items_kernel(const int32_t *__restrict__ gl, const uint8_t *__restrict__ roi,
                                  const int32_t *__restrict__ lut, const uint32_t *__restrict__ lab,
                                  const uint32_t *__restrict__ size, const uint32_t *__restrict__ pos, int64_t n,
                                  int32_t *__restrict__ gi, int64_t *__restrict__ j)
{
    for (int64_t v = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (int64_t)blockDim.x * gridDim.x) {
        if (!roi[v] || lab[v] != (uint32_t)v) continue;
        const uint32_t k = pos[v] - 1;
        gi[k] = lut[gl[v]];
        j[k] = (int64_t)size[v];
    }
}

/* The zone ordinal of every voxel of one slice (its first voxel: off) after resolve_kernel and the
 * scan of the root flags (pos), -1 outside the ROI: what radx_glszm_stitch joins on. */
__global__ void plane_ord_kernel(const uint8_t *__restrict__ roi, const uint32_t *__restrict__ lab,
                                 const uint32_t *__restrict__ pos, int64_t off, int64_t nxy, int64_t *__restrict__ ord)
{
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < nxy; i += (int64_t)blockDim.x * gridDim.x) {
        const int64_t v = off + i;
        ord[i] = roi[v] ? (int64_t)pos[lab[v]] - 1 : -1;
    }
}

/* The backward half of nh's offsets (radx_glszm_backward), in a host neighbourhood h. */
int half_nbhd(const radx_tex_nbhd *nh, radx_tex_nbhd *h)
{
    int a, k = 0, ax;
    *h = *nh;
    h->off = (int *)malloc((size_t)3 * (size_t)(nh->na > 0 ? nh->na : 1) * sizeof(int));
    h->flat = (int64_t *)malloc((size_t)(nh->na > 0 ? nh->na : 1) * sizeof(int64_t));
    if (!h->off || !h->flat) {
        free(h->off);
        free(h->flat);
        h->off = NULL;
        h->flat = NULL;
        return -1;
    }
    for (ax = 0; ax < 3; ax++) h->margin[ax] = 0;
    for (a = 0; a < nh->na; a++) {
        const int *o = nh->off + 3 * a;
        if (!radx_glszm_backward(o)) continue;
        for (ax = 0; ax < 3; ax++) {
            const int64_t mm = o[ax] < 0 ? -o[ax] : o[ax];
            h->off[3 * k + ax] = o[ax];
            if (mm > h->margin[ax]) h->margin[ax] = mm;
        }
        h->flat[k] = nh->flat[a];
        k++;
    }
    h->na = k;
    return 0;
}

} // namespace

/* Device bytes of the whole-box path, at most: gl and roi (unless their device copies are there),
 * labels and sizes, the larger of the dense histogram with its compaction (24 bytes a
 * cell) and the root flags with a zone list as long as the ROI, CUB's scan scratch (under a
 * byte a voxel) and the lookup table. */
static size_t whole_bytes(const radx_cuda_box *b, const radx_tex_nbclass *s)
{
    const radx_texture_input *in = &b->in;
    const size_t n = (size_t)s->nvox;
    const int held = b->d_gl && b->d_roi;
    size_t cells = (size_t)s->ngp * ((size_t)s->n_roi + 1);
    if (cells > (size_t)RADX_SZM_DENSE_MAX_CELLS) cells = (size_t)RADX_SZM_DENSE_MAX_CELLS;
    const size_t dense = cells * 24, list = n * 4 + (size_t)s->n_roi * 12;
    return n * ((held ? 0 : 5) + 4 + 4 + 1) + (dense > list ? dense : list) + ((size_t)in->ng + 1) * sizeof(int32_t) +
           ((size_t)64 << 10);
}

/* Device bytes per box voxel of a slab: gl, roi, labels, sizes, root flags, a zone item (level
 * index, size) per voxel at most, and a byte for CUB's scan scratch (which needs far less). */
#define GLSZM_SLAB_PER_VOXEL (4 + 1 + 4 + 4 + 4 + 4 + 8 + 1)

/* GLSZM in z-slabs, for a box the device cannot hold: each slab of centre slices is labelled
 * alone (the same kernels on the slab as a box of its own), its zones (level index, size) in the C
 * order of their first voxel and the zone ordinals of its first and last slice come down, and
 * the host stitches the zones that cross the slab boundaries (radx_glszm_stitch, host/features/glszm.c,
 * tested on the CPU by test_tiles).  The zones come out in the CPU's order, so the matrix is the
 * CPU's entry for entry. */
static radx_status glszm_slabs(radx_cuda *cu, const radx_cuda_box *b, const radx_tex_nbclass *s, radx_szm_sparse *m,
                               radx_err *err)
{
    cudaStream_t st = cu->stream;
    const radx_texture_input *in = &b->in;
    const char *cls = "glszm", *what = "";
    const int64_t nz = s->dims[0], nxy = s->dims[1] * s->dims[2];
    radx_status rs = RADX_OK;
    cudaError_t e = cudaSuccess;
    radx_tex_nbhd hh, dh;
    dmem dm;
    int32_t *d_gl = NULL, *d_lut = NULL, *d_gi = NULL;
    uint8_t *d_roi = NULL;
    uint32_t *lab = NULL, *size = NULL, *pos = NULL;
    int64_t *d_j = NULL, *d_ord = NULL;
    void *tmp = NULL;
    size_t tmpb = 0;
    radx_szm_slab *sl = NULL;
    int nsl = 0;

    memset(m, 0, sizeof *m);
    memset(&hh, 0, sizeof hh);
    const size_t avail = available(cu);
    const size_t fixed = ((size_t)in->ng + 1) * sizeof(int32_t) + 2 * (size_t)nxy * sizeof(int64_t) +
                         ((size_t)64 << 10); /* CUB's scan scratch, the neighbourhood */
    int64_t t = avail > fixed ? (int64_t)((avail - fixed) / ((size_t)nxy * GLSZM_SLAB_PER_VOXEL)) : 0;
    if (t > nz) t = nz;
    while (t > 1 && t * nxy >= (int64_t)UINT32_MAX) t--; /* slab labels are 32-bit */
    if (t < 1 || nxy >= (int64_t)UINT32_MAX) {
        note_oom();
        return radx_seterr(err, RADX_ERR_NOMEM, "glszm (CUDA): not even one slice of %lld voxels fits in %.0f MiB",
                           (long long)nxy, (double)avail / 1048576.0);
    }
    nsl = (int)radx_slab_count(nz, t);
    sl = (radx_szm_slab *)calloc((size_t)nsl, sizeof *sl);
    if (!sl || half_nbhd(&s->nh, &hh) < 0) {
        free(sl);
        return radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory");
    }
    const size_t cap = (size_t)(t * nxy);
    e = dmem_init(&dm, cu);
    if (e != cudaSuccess) {
        free(sl);
        free(hh.off);
        free(hh.flat);
        return cuda_status(e, cls, "device query", err);
    }
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_gl, cap));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_roi, cap));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &lab, cap));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &size, cap));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &pos, cap));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_gi, cap));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_j, cap));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_ord, 2 * (size_t)nxy));
    RADX_CUDA_TRY_GOTO(scan_temp(&dm, (int64_t)cap, &tmp, &tmpb));
    RADX_CUDA_TRY_GOTO(upload(&dm, s->lut, ((size_t)in->ng + 1) * sizeof(int32_t), (void **)&d_lut));
    RADX_CUDA_TRY_GOTO(upload_nbhd(&dm, &hh, &dh));
    for (int k = 0; k < nsl; k++) {
        radx_szm_slab *o = &sl[k];
        o->z0 = (int64_t)k * t;
        o->z1 = o->z0 + t < nz ? o->z0 + t : nz;
        const int64_t nk = (o->z1 - o->z0) * nxy, off = o->z0 * nxy;
        radx_tex_nbhd dk = dh;
        dk.dims[0] = o->z1 - o->z0;
        uint32_t total = 0;
        RADX_CUDA_TRY_GOTO(
            cudaMemcpyAsync(d_gl, in->gl + off, (size_t)nk * sizeof(int32_t), cudaMemcpyHostToDevice, st));
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(d_roi, in->roi + off, (size_t)nk, cudaMemcpyHostToDevice, st));
        RADX_CUDA_TRY_GOTO(cudaMemsetAsync(size, 0, (size_t)nk * sizeof(uint32_t), st));
        init_kernel<<<grid_for(nk), RADX_NBTEX_BLOCK, 0, st>>>(lab, nk);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        merge_kernel<<<grid_for(nk), RADX_NBTEX_BLOCK, 0, st>>>(d_gl, d_roi, dk, lab, nk);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        resolve_kernel<<<grid_for(nk), RADX_NBTEX_BLOCK, 0, st>>>(d_roi, lab, size, nk);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        root_flags_kernel<<<grid_for(nk), RADX_NBTEX_BLOCK, 0, st>>>(d_roi, lab, nk, pos);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        RADX_CUDA_TRY_GOTO(scan_flags_with(&dm, tmp, tmpb, pos, nk, &total));
        o->nzones = (int64_t)total;
        o->gi = (int32_t *)malloc(sizeof *o->gi * (size_t)(total ? total : 1));
        o->j = (int64_t *)malloc(sizeof *o->j * (size_t)(total ? total : 1));
        o->bottom = (int64_t *)malloc(sizeof *o->bottom * (size_t)nxy);
        o->top = (int64_t *)malloc(sizeof *o->top * (size_t)nxy);
        if (!o->gi || !o->j || !o->bottom || !o->top) {
            rs = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld zones of a slab)", (long long)total);
            goto done;
        }
        zone_items_kernel<<<grid_for(nk), RADX_NBTEX_BLOCK, 0, st>>>(d_gl, d_roi, d_lut, lab, size, pos, nk, d_gi, d_j);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        plane_ord_kernel<<<grid_for(nxy), RADX_NBTEX_BLOCK, 0, st>>>(d_roi, lab, pos, 0, nxy, d_ord);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        plane_ord_kernel<<<grid_for(nxy), RADX_NBTEX_BLOCK, 0, st>>>(d_roi, lab, pos, nk - nxy, nxy, d_ord + nxy);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        if (total > 0) {
            RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(o->gi, d_gi, sizeof *o->gi * total, cudaMemcpyDeviceToHost, st));
            RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(o->j, d_j, sizeof *o->j * total, cudaMemcpyDeviceToHost, st));
        }
        RADX_CUDA_TRY_GOTO(
            cudaMemcpyAsync(o->bottom, d_ord, sizeof *o->bottom * (size_t)nxy, cudaMemcpyDeviceToHost, st));
        RADX_CUDA_TRY_GOTO(
            cudaMemcpyAsync(o->top, d_ord + nxy, sizeof *o->top * (size_t)nxy, cudaMemcpyDeviceToHost, st));
        RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st)); /* the buffers serve the next slab */
    }
    rs = radx_glszm_stitch(in, s, sl, nsl, m, err);
    if (rs == RADX_OK && nsl > 1) radx_cuda_note_tiled(cu);

done:
    if (e != cudaSuccess) {
        cudaStreamSynchronize(st);
        rs = cuda_status(e, cls, what, err);
    }
    if (rs != RADX_OK) radx_szm_sparse_free(m);
    dfree_all(&dm);
    for (int k = 0; k < nsl; k++) {
        free(sl[k].gi);
        free(sl[k].j);
        free(sl[k].bottom);
        free(sl[k].top);
    }
    free(sl);
    free(hh.off);
    free(hh.flat);
    return rs;
}

static radx_status glszm_whole(radx_cuda *cu, const radx_cuda_box *b, const radx_tex_nbclass *s, radx_szm_sparse *m,
                               radx_err *err);

static radx_status glszm_matrix(radx_cuda *cu, const radx_cuda_box *b, const radx_tex_nbclass *s, radx_szm_sparse *m,
                                radx_err *err)
{
    const int was_oom = oom();
    if (s->nvox < (int64_t)UINT32_MAX && whole_bytes(b, s) <= available(cu)) {
        const radx_status rs = glszm_whole(cu, b, s, m, err);
        if (rs != RADX_ERR_NOMEM) return rs;
        if (err) { /* the slabs may still do it */
            err->status = RADX_OK;
            err->msg[0] = '\0';
        }
    }
    const radx_status rs = glszm_slabs(cu, b, s, m, err);
    if (rs == RADX_OK && !was_oom) clear_oom(); /* done in slabs: not a shortage the backend must act on */
    return rs;
}

static radx_status glszm_whole(radx_cuda *cu, const radx_cuda_box *bx, const radx_tex_nbclass *s, radx_szm_sparse *m,
                               radx_err *err)
{
    const radx_texture_input *in = &bx->in;
    const char *cls = "glszm", *what = "";
    const int64_t n = s->nvox;
    cudaStream_t st = cu->stream;
    dmem dm;
    dbox b;
    radx_tex_nbhd hh, dh;
    int32_t *d_lut = NULL, *h_gi = NULL;
    int64_t *h_j = NULL;
    uint32_t *lab = NULL, *size = NULL;
    unsigned long long *d_stats = NULL, stats[2] = {0, 0};
    radx_status rs = RADX_OK;
    cudaError_t e = cudaSuccess;
    int64_t nzones = 0, jmax = 0;

    memset(m, 0, sizeof *m);
    memset(&hh, 0, sizeof hh);
    if (n >= (int64_t)UINT32_MAX)
        return radx_seterr(err, RADX_ERR_ARG, "glszm: box of %lld voxels is too large for the GPU path", (long long)n);
    if (half_nbhd(&s->nh, &hh) < 0) return radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory");

    e = dmem_init(&dm, cu);
    if (e != cudaSuccess) {
        free(hh.off);
        free(hh.flat);
        return cuda_status(e, cls, "device query", err);
    }
    RADX_CUDA_TRY_GOTO(upload_box(&dm, bx, n, &b));
    RADX_CUDA_TRY_GOTO(upload(&dm, s->lut, ((size_t)in->ng + 1) * sizeof(int32_t), (void **)&d_lut));
    RADX_CUDA_TRY_GOTO(upload_nbhd(&dm, &hh, &dh));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &lab, (size_t)n));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &size, (size_t)n));
    RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_stats, 2));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(size, 0, (size_t)n * sizeof(uint32_t), st));
    RADX_CUDA_TRY_GOTO(cudaMemsetAsync(d_stats, 0, 2 * sizeof(unsigned long long), st));

    init_kernel<<<grid_for(n), RADX_NBTEX_BLOCK, 0, st>>>(lab, n);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    merge_kernel<<<grid_for(n), RADX_NBTEX_BLOCK, 0, st>>>(b.gl, b.roi, dh, lab, n);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    resolve_kernel<<<grid_for(n), RADX_NBTEX_BLOCK, 0, st>>>(b.roi, lab, size, n);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    stats_kernel<<<grid_for(n), RADX_NBTEX_BLOCK, 0, st>>>(b.roi, lab, size, n, d_stats);
    RADX_CUDA_TRY_GOTO(cudaGetLastError());
    RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(stats, d_stats, sizeof stats, cudaMemcpyDeviceToHost, st));
    RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st));
    nzones = (int64_t)stats[0];
    jmax = (int64_t)stats[1];
    if (nzones < 1 || jmax < 1 || jmax > s->n_roi) {
        rs = radx_seterr(err, RADX_ERR_INTERNAL, "glszm: GPU zones inconsistent (%lld zones, largest %lld)",
                         (long long)nzones, (long long)jmax);
        goto done;
    }

    if (radx_szm_dense(s->ngp, jmax)) {
        const int64_t ncell = (int64_t)s->ngp * (jmax + 1);
        unsigned long long *hist = NULL;
        int host_nomem = 0;
        zone_cell f;
        RADX_CUDA_TRY_GOTO(dalloc(&dm, &hist, (size_t)ncell));
        RADX_CUDA_TRY_GOTO(cudaMemsetAsync(hist, 0, (size_t)ncell * sizeof *hist, st));
        f.gl = b.gl;
        f.roi = b.roi;
        f.lut = d_lut;
        f.lab = lab;
        f.size = size;
        f.jmax = jmax;
        RADX_CUDA_TRY_GOTO(launch_hist(st, f, n, ncell, hist));
        RADX_CUDA_TRY_GOTO(hist_to_sparse(&dm, hist, s->ngp, jmax, nzones, m, &host_nomem));
        if (host_nomem)
            rs = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld matrix cells)", (long long)ncell);
    } else {
        uint32_t *pos = NULL, total = 0;
        int32_t *d_gi = NULL;
        int64_t *d_j = NULL;
        RADX_CUDA_TRY_GOTO(dalloc(&dm, &pos, (size_t)n));
        root_flags_kernel<<<grid_for(n), RADX_NBTEX_BLOCK, 0, st>>>(b.roi, lab, n, pos);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        RADX_CUDA_TRY_GOTO(scan_flags(&dm, pos, n, &total));
        if ((int64_t)total != nzones) {
            rs = radx_seterr(err, RADX_ERR_INTERNAL, "glszm: GPU zone count %lld vs %lld roots", (long long)nzones,
                             (long long)total);
            goto done;
        }
        RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_gi, (size_t)nzones));
        RADX_CUDA_TRY_GOTO(dalloc(&dm, &d_j, (size_t)nzones));
        zone_items_kernel<<<grid_for(n), RADX_NBTEX_BLOCK, 0, st>>>(b.gl, b.roi, d_lut, lab, size, pos, n, d_gi, d_j);
        RADX_CUDA_TRY_GOTO(cudaGetLastError());
        h_gi = (int32_t *)malloc((size_t)nzones * sizeof *h_gi);
        h_j = (int64_t *)malloc((size_t)nzones * sizeof *h_j);
        if (!h_gi || !h_j) {
            rs = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld zones)", (long long)nzones);
            goto done;
        }
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h_gi, d_gi, (size_t)nzones * sizeof *h_gi, cudaMemcpyDeviceToHost, st));
        RADX_CUDA_TRY_GOTO(cudaMemcpyAsync(h_j, d_j, (size_t)nzones * sizeof *h_j, cudaMemcpyDeviceToHost, st));
        RADX_CUDA_TRY_GOTO(cudaStreamSynchronize(st));
        if (radx_szm_aggregate(nzones, h_gi, h_j, s->ngp, jmax, m) < 0)
            rs = radx_seterr(err, RADX_ERR_NOMEM, "glszm: out of memory (%lld zones)", (long long)nzones);
    }

done:
    if (e != cudaSuccess) rs = cuda_status(e, cls, what, err);
    if (rs != RADX_OK) radx_szm_sparse_free(m);
    dfree_all(&dm);
    free(hh.off);
    free(hh.flat);
    free(h_gi);
    free(h_j);
    return rs;
}

radx_status radx_cuda_glszm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err)
{
    radx_tex_nbclass s;
    radx_szm_sparse m;
    radx_status st = radx_glszm_setup(&b->in, p, out, &s, err);
    if (st != RADX_OK) return st;
    st = glszm_matrix(cu, b, &s, &m, err);
    if (st == RADX_OK) st = radx_glszm_from_matrix(&s, &m, out, err);
    radx_szm_sparse_free(&m);
    radx_tex_nbclass_free(&s);
    return st;
}
