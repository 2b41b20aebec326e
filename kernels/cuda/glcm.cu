/* SPDX-License-Identifier: BSD-3-Clause */
/* GLCM on the GPU: the co-occurrence matrices are counted by kernels/cuda/angular_count.cuh with the
 * pair rule of kernels/rules/glcm_rules.h (one thread per ROI voxel c; neighbour c + angle inside the
 * box and the ROI; cell li[c] * n + li[c + angle]), downloaded, and the features computed on the
 * host by radx_glcm_from_counts (host/features/glcm.c), the CPU backend's own code.  The matrices are
 * integer counts equal to radx_glcm_count_angle's, so the features are bit-identical.
 *
 * Matrix rows and columns are the n gray levels present in the ROI (the level index of
 * radx_glcm_prepare), as PyRadiomics deletes the absent ones: n x n counts per angle, not
 * 1..Ng, so the device matrices are as small as the host's.  With Ng = 50 a matrix is 10 KiB:
 * four angles share a block's 48 KiB of shared memory. */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdlib.h>

#include "cuda/angular_count.cuh"
#include "cuda/stages.h"
#include "features/angular_classes.h"
#include "rules/glcm_rules.h"

/* Per-voxel GLCM operation of radx_angular_count_kernel. */
struct radx_glcm_op {
    static constexpr bool tiles = true;  /* a pair looks at most max|dz| slices away: z-slabs add up */
    static constexpr bool carry = false; /* nothing goes from one slab to the next */
    int n;                               /* gray levels present: the matrix is n x n */
    __host__ __device__ __forceinline__ void voxel(const int32_t *__restrict__ li, const long long dims[3], long long z,
                                                   long long y, long long x, int level, const int *angle, int a,
                                                   uint32_t *m) const
    {
        const long long cell = radx_glcm_pair(li, dims, z, y, x, level, angle, n);
        if (cell >= 0) radx_ang_add1(m + cell);
    }
};

radx_status radx_cuda_glcm(radx_cuda *cu, const radx_cuda_box *b, const radx_params *p, double *out, radx_err *err)
{
    radx_angular_prep g;
    uint32_t *cnt = NULL;
    radx_status st = radx_glcm_prepare(&b->in, p, out, &g, err);
    if (st != RADX_OK) return st;
    g.d_gl = b->d_gl; /* the device makes the level index from them (angular_count.cuh) */
    g.d_roi = b->d_roi;
    if (g.na > 0) {
        cnt = (uint32_t *)malloc((size_t)g.na * g.ncell * sizeof *cnt);
        radx_glcm_op op;
        op.n = g.n;
        if (!cnt)
            st = radx_seterr(err, RADX_ERR_NOMEM, "glcm (CUDA): out of memory for %d matrices of %d x %d", g.na, g.n,
                             g.n);
        else
            st = radx_ang_count<radx_glcm_op>("glcm", cu, &g, op, NULL, NULL, cu->angular_mode, cnt, NULL, err);
    }
    if (st == RADX_OK) {
        radx_angular_counts src;
        src.cnt = cnt;
        src.ncell = g.ncell;
        st = radx_glcm_from_counts(&g, p, b->in.spacing_zyx, radx_angular_counts_get, &src, out, err);
    }
    free(cnt);
    radx_angular_prep_free(&g);
    return st;
}
