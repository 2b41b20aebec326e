/* SPDX-License-Identifier: BSD-3-Clause */
/* GLDM, CPU vs CUDA (kernels/cuda/gldm.cu): identical matrices (per-voxel dependence counts from the
 * same rule, kernels/rules/gldm_rules.h) and bit-identical features on synthetic volumes and brain1,
 * including gldm_a 1 and 3 and distances up to [1..5]; see tests/gpu_nbtex_harness.h.  Exits 77
 * without a CUDA device. */
#include "gpu_nbtex_harness.h"

static int gldm_matrices(void *stream, const radx_texture_input *in, const radx_params *p, char *why, size_t nwhy)
{
    double out[32];
    radx_err err = {0};
    radx_tex_nbclass s;
    radx_szm_sparse a, b;
    int rc;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if (radx_gldm_setup(in, p, out, &s, &err) != RADX_OK) {
        snprintf(why, nwhy, "setup: %s", err.msg);
        return -1;
    }
    if (radx_gldm_matrix(in, &s, &a, &err) != RADX_OK) {
        snprintf(why, nwhy, "CPU: %s", err.msg);
        rc = -1;
    } else if (radx_cuda_gldm_matrix(stream, in, &s, &b, &err) != RADX_OK) {
        snprintf(why, nwhy, "CUDA: %s", err.msg);
        rc = -1;
    } else {
        rc = gn_szm_same(&a, &b, why, nwhy);
    }
    radx_szm_sparse_free(&a);
    radx_szm_sparse_free(&b);
    radx_tex_nbclass_free(&s);
    return rc;
}

int main(void)
{
    const gn_class k = {"gldm", radx_gldm_nfeatures, radx_gldm_compute, radx_cuda_gldm, gldm_matrices};
    return gn_main(&k);
}
