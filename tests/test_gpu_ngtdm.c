/* SPDX-License-Identifier: BSD-3-Clause */
/* NGTDM, CPU vs CUDA (kernels/cuda/ngtdm.cu): the same n_i and bit-identical s_i (per-voxel differences
 * from the same rule, kernels/rules/ngtdm_rules.h, summed in C order on the host) and bit-identical
 * features on synthetic volumes and brain1; see tests/gpu_nbtex_harness.h.  Exits 77 without
 * a CUDA device. */
#include "gpu_nbtex_harness.h"

static int ngtdm_matrices(void *stream, const radx_texture_input *in, const radx_params *p, char *why, size_t nwhy)
{
    double out[32];
    radx_err err = {0};
    radx_tex_nbclass s;
    radx_ngtdm_mat a, b;
    int rc = 1, g;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if (radx_ngtdm_setup(in, p, out, &s, &err) != RADX_OK) {
        snprintf(why, nwhy, "setup: %s", err.msg);
        return -1;
    }
    if (radx_ngtdm_matrix(in, &s, &a, &err) != RADX_OK) {
        snprintf(why, nwhy, "CPU: %s", err.msg);
        rc = -1;
    } else if (radx_cuda_ngtdm_matrix(stream, in, &s, &b, &err) != RADX_OK) {
        snprintf(why, nwhy, "CUDA: %s", err.msg);
        rc = -1;
    } else if (a.ng != b.ng) {
        snprintf(why, nwhy, "ng %d vs %d", a.ng, b.ng);
        rc = 0;
    } else {
        for (g = 0; g <= a.ng && rc == 1; g++)
            if (a.ni[g] != b.ni[g] || !gn_same(a.si[g], b.si[g])) {
                snprintf(why, nwhy, "gray level %d: CPU n %lld s %.17g, CUDA n %lld s %.17g", g, (long long)a.ni[g],
                         a.si[g], (long long)b.ni[g], b.si[g]);
                rc = 0;
            }
    }
    radx_ngtdm_mat_free(&a);
    radx_ngtdm_mat_free(&b);
    radx_tex_nbclass_free(&s);
    return rc;
}

int main(void)
{
    const gn_class k = {"ngtdm", radx_ngtdm_nfeatures, radx_ngtdm_compute, radx_cuda_ngtdm, ngtdm_matrices};
    return gn_main(&k);
}
