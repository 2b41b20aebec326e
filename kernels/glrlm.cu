/* SPDX-License-Identifier: BSD-3-Clause */
/* GLRLM on the GPU: the run-length matrices are counted by kernels/angular_count.cuh with the
 * run rules of kernels/glrlm_rules.h, downloaded, and the features computed on the host by
 * radx_glrlm_from_counts (host/glrlm.c), the CPU backend's own code.  The matrices are integer
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
 * one read per box voxel and angle.  The host zeroes the matrices of the angles left unflagged. */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "angular_count.cuh"
#include "cuda_ops.h"
#include "glcm_glrlm.h"
#include "glrlm_cuda.h"
#include "glrlm_rules.h"

/* Per-voxel GLRLM operation of radx_angular_count_kernel. */
struct radx_glrlm_op {
    static constexpr bool tiles = false; /* a run may span the whole box: no z-slabs */
    long long L; /* columns: run lengths 1..L */
    int *multi;  /* per angle: the multiElement flag */
    __host__ __device__ __forceinline__ void voxel(const int32_t *__restrict__ li, const long long dims[3], long long z,
                                          long long y, long long x, int level, const int *angle, int a,
                                          uint32_t *m) const
    {
        const long long prev = radx_glrlm_along(dims, z, y, x, angle, -1);
        if (!radx_glrlm_is_run_start(level, prev < 0 ? -1 : li[prev])) return;
        long long len = 1, s = 1, idx;
        int next;
        for (;; s++, len++) { /* to the first voxel after the run */
            idx = radx_glrlm_along(dims, z, y, x, angle, s);
            next = idx < 0 ? -1 : li[idx];
            if (next != level) break;
        }
        radx_ang_add1(m + radx_glrlm_cell(level, len, L));

        volatile int *flag = multi + a;
        if (*flag) return;
        if (radx_glrlm_run_multi(len, next)) {
            *flag = 1;
            return;
        }
        while (idx >= 0) { /* non-ROI voxels after a lone voxel: is there another ROI voxel on the line? */
            idx = radx_glrlm_along(dims, z, y, x, angle, ++s);
            if (idx >= 0 && li[idx] >= 0) {
                *flag = 1;
                return;
            }
        }
    }
};

static void glrlm_set_flags(radx_glrlm_op *op, int *flags) { op->multi = flags; }

extern "C" radx_status radx_glrlm_cuda_counts(void *stream, const radx_angular_prep *g, int mode, uint32_t *cnt,
                                              radx_err *err)
{
    radx_glrlm_op op;
    op.L = g->L;
    op.multi = NULL;
    if (g->na <= 0) return RADX_OK;
    int *multi = (int *)malloc((size_t)g->na * sizeof *multi);
    if (!multi) return radx_seterr(err, RADX_ERR_NOMEM, "glrlm (CUDA): out of memory");
    radx_status st = radx_ang_count<radx_glrlm_op>("glrlm", stream, g, op, glrlm_set_flags, multi, mode, cnt, err);
    if (st == RADX_OK) {
        /* the multiElement rule: the ROI is "2-D" for an unflagged angle, PyRadiomics zeroes it */
        for (int a = 0; a < g->na; a++)
            if (!multi[a]) memset(cnt + (size_t)a * g->ncell, 0, g->ncell * sizeof *cnt);
    }
    free(multi);
    return st;
}

extern "C" radx_status radx_cuda_glrlm(void *stream, const radx_texture_input *in, const radx_params *p, double *out,
                                       radx_err *err)
{
    radx_angular_prep g;
    uint32_t *cnt = NULL;
    radx_status st = radx_glrlm_prepare(in, p, out, &g, err);
    if (st != RADX_OK) return st;
    g.src_gl = in->gl; /* the device may hold them (angular_count.cuh) */
    g.src_roi = in->roi;
    if (g.na > 0) {
        cnt = (uint32_t *)malloc((size_t)g.na * g.ncell * sizeof *cnt);
        if (!cnt)
            st = radx_seterr(err, RADX_ERR_NOMEM, "glrlm (CUDA): out of memory for %d matrices of %d x %lld", g.na,
                             g.n, g.L);
        else
            st = radx_glrlm_cuda_counts(stream, &g, RADX_ANG_AUTO, cnt, err);
    }
    if (st == RADX_OK) {
        radx_angular_counts src;
        src.cnt = cnt;
        src.ncell = g.ncell;
        st = radx_glrlm_from_counts(&g, p, in->spacing_zyx, radx_angular_counts_get, &src, out, err);
    }
    free(cnt);
    radx_angular_prep_free(&g);
    return st;
}
