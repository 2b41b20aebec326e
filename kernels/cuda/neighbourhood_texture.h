/* SPDX-License-Identifier: BSD-3-Clause */
/* The matrix step of the neighbourhood texture classes (GLSZM, GLDM, NGTDM) on the GPU, with C
 * linkage so the C tests can compare it with the CPU's (kernels/cuda/stages.h has the whole-class
 * entry points radx_cuda_glszm / _gldm / _ngtdm, which are setup + these + the features, see
 * host/features/texture_common.h).  Implemented in kernels/cuda/glszm.cu, gldm.cu, ngtdm.cu and
 * kernels/cuda/neighbourhood_texture.cu; present only in builds with CUDA (RADX_HAVE_CUDA).
 *
 * Each takes the plan's stream (cudaStream_t as void *), the input, and what the class's setup
 * (radx_<class>_setup) returned, and returns when the matrix is on the host:
 *   - glszm, gldm: *m (free with radx_szm_sparse_free) has exactly the entries, in the same order,
 *     that radx_glszm_matrix / radx_gldm_matrix give;
 *   - ngtdm: *m (free with radx_ngtdm_mat_free) has the same n_i, and s_i bit for bit (the
 *     per-voxel differences come from the GPU and are summed on the host in C order).
 * Errors: RADX_ERR_NOMEM (host or device memory), RADX_ERR_DEVICE (any other CUDA failure),
 * RADX_ERR_ARG (a box of 2^32 - 1 voxels or more). */
#ifndef RADX_NBTEX_CUDA_H
#define RADX_NBTEX_CUDA_H

#include "core/radx_internal.h"
#include "features/size_matrix.h"
#include "features/texture_common.h"

#ifdef __cplusplus
extern "C" {
#endif

radx_status radx_cuda_glszm_matrix(void *stream, const radx_texture_input *in, const radx_tex_nbclass *s,
                                   radx_szm_sparse *m, radx_err *err);
radx_status radx_cuda_gldm_matrix(void *stream, const radx_texture_input *in, const radx_tex_nbclass *s,
                                  radx_szm_sparse *m, radx_err *err);
radx_status radx_cuda_ngtdm_matrix(void *stream, const radx_texture_input *in, const radx_tex_nbclass *s,
                                   radx_ngtdm_mat *m, radx_err *err);

/* For the tests (which are C and cannot name cudaStream_t): a new non-blocking stream, or NULL
 * when none can be created; and its destruction (NULL-safe). */
void *radx_cuda_nbtex_test_stream(void);
void radx_cuda_nbtex_test_stream_destroy(void *stream);

#ifdef __cplusplus
}
#endif
#endif
