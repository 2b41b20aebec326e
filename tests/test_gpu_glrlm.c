/* SPDX-License-Identifier: BSD-3-Clause */
/* GLRLM, CPU vs CUDA: identical run-length matrices (every angle, cell for cell, with shared-memory
 * and global-memory accumulation, multiElement zeroing included) and bit-identical features, on
 * synthetic volumes and brain1; the cases are listed in tests/gpu_angular_harness.h.  Skipped (77)
 * without a CUDA device. */
#include "gpu_angular_harness.h"
#include "cuda/glrlm_cuda.h"

int main(void)
{
    ga_class k = {"glrlm", radx_glrlm_prepare, radx_glrlm_count_angle, radx_glrlm_cuda_counts,
                  radx_glrlm_compute, radx_cuda_glrlm, radx_glrlm_features, 0};
    k.nfeat = radx_glrlm_nfeatures; /* not a constant expression */
    return ga_main(&k);
}
