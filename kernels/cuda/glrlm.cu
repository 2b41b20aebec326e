/* SPDX-License-Identifier: BSD-3-Clause */
/* GLRLM on the GPU: the run-length matrices are counted by kernels/cuda/angular_count.cuh with the
 * run rules of kernels/rules/glrlm_rules.h, downloaded, and the features computed on the host by
 * radx_glrlm_from_counts (host/features/glrlm.c), the CPU backend's own code.  The matrices are integer
 * counts equal to radx_glrlm_count_angle's, so the features are bit-identical.
 *
 * One thread per ROI voxel and angle: the voxel starts a run when its predecessor on the line is
 * outside the box or the ROI or has another level (radx_glrlm_is_run_start); the thread then
 * walks the run to its end and adds one count at (level index, length - 1).  Every run has one
 * first voxel, so each is counted once.  PyRadiomics' multiElement rule (an angle along which no
 * line holds two ROI voxels is zeroed) is decided on the way: a run longer than 1 or followed
 * directly by another ROI voxel sets the angle's flag (radx_glrlm_run_multi); otherwise, while
 * the flag is still clear, the thread walks on through the non-ROI voxels after its run to the
 * next ROI voxel of the line, if any.  Those gaps are disjoint, so the extra walking is at most
 * one read per box voxel and angle.  The host zeroes the matrices of the angles left unflagged.
 *
 * Tiles: a box whose level index does not fit is counted in z-slabs (kernels/rules/tile_rules.h, halo =
 * the largest dz); a run that goes on past a slab's centres hands its length on to the next slab
 * through a carry plane (radx_glrlm_slab_voxel, kernels/rules/glrlm_rules.h, which is the whole
 * per-voxel operation and is checked slab by slab on the CPU by tests/test_tiles.c).  There the
 * walk past a lone voxel ends with the slab, so the host decides the angles left unflagged on the
 * whole box (radx_glrlm_count_angle). */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/angular_count.cuh"
#include "cuda/stages.h"
#include "features/angular_classes.h"
#include "rules/glrlm_rules.h"

/* Per-voxel GLRLM operation of radx_angular_count_kernel: radx_glrlm_slab_voxel (glrlm_rules.h),
 * over the whole box or a z-slab of it; a run that goes on into the next slab is handed on
 * through the carry planes the engine gives each slab (at_slab). */
struct radx_glrlm_op {
    static constexpr bool tiles = true;
    static constexpr bool carry = true;
    long long L;        /* columns: run lengths 1..L */
    int *multi;         /* per angle: the multiElement flag */
    long long c0, c1;   /* the slab's centre slices (slab-local); the whole box: 0, nz */
    const int32_t *cin; /* carry planes of the batch's angles (plane ints each): from the slab below */
    int32_t *cout;      /* ... to the slab above */
    long long plane;    /* halo * nxy: one angle's carry plane */
    int abase;          /* the batch's first angle */
    void at_slab(long long lc0, long long lc1, const int32_t *in, int32_t *out, long long pl, int ab)
    {
        c0 = lc0;
        c1 = lc1;
        cin = in;
        cout = out;
        plane = pl;
        abase = ab;
    }
    __host__ __device__ __forceinline__ void voxel(const int32_t *__restrict__ li, const long long dims[3], long long z,
                                                   long long y, long long x, int level, const int *angle, int a,
                                                   uint32_t *m) const
    {
        const long long k = (long long)(a - abase) * plane;
        radx_glrlm_slab_voxel(li, dims, c0, c1, z, y, x, level, angle, L, cin ? cin + k : NULL, cout ? cout + k : NULL,
                              m, multi + a);
    }
};

static void glrlm_set_flags(radx_glrlm_op *op, int *flags) { op->multi = flags; }

/* The na matrices of g into cnt (the counts radx_glrlm_count_angle gives). */
static radx_status glrlm_counts(radx_cuda *cu, const radx_angular_prep *g, uint32_t *cnt, radx_err *err)
{
    radx_glrlm_op op;
    memset(&op, 0, sizeof op);
    op.L = g->L;
    op.c1 = g->dims[0];
    if (g->na <= 0) return RADX_OK;
    for (int a = 0; a < g->na; a++)
        if (g->angles[3 * a] < 0) /* never: PyRadiomics' GLRLM angles are mono-directional */
            return radx_seterr(err, RADX_ERR_ARG, "glrlm (CUDA): angle %d has dz < 0", a);
    int *multi = (int *)malloc((size_t)g->na * sizeof *multi);
    if (!multi) return radx_seterr(err, RADX_ERR_NOMEM, "glrlm (CUDA): out of memory");
    int tiled = 0;
    radx_status st =
        radx_ang_count<radx_glrlm_op>("glrlm", cu, g, op, glrlm_set_flags, multi, cu->angular_mode, cnt, &tiled, err);
    if (st == RADX_OK) {
        /* the multiElement rule: the ROI is "2-D" for an unflagged angle, PyRadiomics zeroes it.  In
         * slabs a lone voxel's walk ends with the slab, so the host decides a clear flag itself. */
        for (int a = 0; a < g->na; a++)
            if (!multi[a]) {
                if (tiled)
                    radx_glrlm_count_angle(g, a, cnt + (size_t)a * g->ncell);
                else
                    memset(cnt + (size_t)a * g->ncell, 0, g->ncell * sizeof *cnt);
            }
    }
    free(multi);
    return st;
}

radx_status radx_cuda_glrlm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err)
{
    radx_angular_prep g;
    uint32_t *cnt = NULL;
    radx_status st = radx_glrlm_prepare(&b->in, p, out, &g, err);
    if (st != RADX_OK) return st;
    g.d_gl = b->d_gl; /* the device makes the level index from them (angular_count.cuh) */
    g.d_roi = b->d_roi;
    if (g.na > 0) {
        cnt = (uint32_t *)malloc((size_t)g.na * g.ncell * sizeof *cnt);
        if (!cnt)
            st = radx_seterr(err, RADX_ERR_NOMEM, "glrlm (CUDA): out of memory for %d matrices of %d x %lld", g.na, g.n,
                             g.L);
        else
            st = glrlm_counts(cu, &g, cnt, err);
    }
    if (st == RADX_OK) {
        radx_angular_counts src;
        src.cnt = cnt;
        src.ncell = g.ncell;
        st = radx_glrlm_from_counts(&g, p, b->in.spacing_zyx, radx_angular_counts_get, &src, out, err);
    }
    free(cnt);
    radx_angular_prep_free(&g);
    return st;
}
