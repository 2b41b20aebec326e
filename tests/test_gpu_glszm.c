/* SPDX-License-Identifier: BSD-3-Clause */
/* GLSZM, CPU vs CUDA (kernels/cuda/glszm.cu): identical matrices (zones by flood fill on the CPU, by
 * union-find on the GPU) and bit-identical features on synthetic volumes and brain1; see
 * tests/gpu_nbtex_harness.h.  Exits 77 without a CUDA device. */
#include "gpu_nbtex_harness.h"

static int glszm_matrices(void *stream, const radx_texture_input *in, const radx_params *p, char *why, size_t nwhy)
{
    double out[32];
    radx_err err = {0};
    radx_tex_nbclass s;
    radx_szm_sparse a, b;
    int rc;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if (radx_glszm_setup(in, p, out, &s, &err) != RADX_OK) {
        snprintf(why, nwhy, "setup: %s", err.msg);
        return -1;
    }
    if (radx_glszm_matrix(in, &s, &a, &err) != RADX_OK) {
        snprintf(why, nwhy, "CPU: %s", err.msg);
        rc = -1;
    } else if (radx_cuda_glszm_matrix(stream, in, &s, &b, &err) != RADX_OK) {
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
    const gn_class k = {"glszm", radx_glszm_nfeatures, radx_glszm_compute, radx_cuda_glszm, glszm_matrices};
    return gn_main(&k);
}
