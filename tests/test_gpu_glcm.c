/* SPDX-License-Identifier: BSD-3-Clause */
/* GLCM, CPU vs CUDA: identical co-occurrence matrices (every angle, cell for cell, with shared-memory
 * and global-memory accumulation) and bit-identical features, on synthetic volumes and brain1; the
 * cases are listed in tests/gpu_angular_harness.h.  Skipped (77) without a CUDA device. */
#include "gpu_angular_harness.h"

int main(void)
{
    ga_class k = {"glcm", radx_glcm_prepare, radx_glcm_count_angle, radx_glcm_cuda_counts,
                  radx_glcm_compute, radx_cuda_glcm, radx_glcm_features, 0};
    k.nfeat = radx_glcm_nfeatures; /* not a constant expression */
    return ga_main(&k);
}
