/* SPDX-License-Identifier: BSD-3-Clause */
/* Built without CUDA: stand-ins for the GPU entry points of kernels/cuda/log_filter.cu,
 * resample.cu, shape.cu, discretise.cu, firstorder.cu and fft_cufft.cu that the tests
 * test_gpu_log.c, test_gpu_resample.c, test_gpu_shape.c, test_gpu_discretise.c and
 * test_gpu_firstorder.c name, so that those tests
 * (which skip before calling them) link in every build.  With CUDA (RADX_HAVE_CUDA) this file is empty. */
#include "core/radx_internal.h"

#ifndef RADX_HAVE_CUDA
#include <string.h>
#include "cuda/stages.h"
#include "cuda/fft_cufft.h"
#include "cuda/log_cuda.h"
#include "cuda/resample_cuda.h"

radx_status radx_cuda_log_filter(void *stream, const radx_volume *in, double sigma_mm, radx_log_mode mode,
                                 radx_volume *out, radx_err *err)
{
    if (out) memset(out, 0, sizeof *out);
    return radx_seterr(err, RADX_ERR_DEVICE, "LoG: this radx was built without CUDA");
}

radx_status radx_cuda_log_filter_ex(void *stream, const radx_volume *in, double sigma_mm, const radx_log_opts *o,
                                    radx_volume *out, radx_err *err)
{
    if (out) memset(out, 0, sizeof *out);
    return radx_seterr(err, RADX_ERR_DEVICE, "LoG: this radx was built without CUDA");
}

radx_status radx_cuda_resample(void *stream, const radx_volume *img, const radx_volume *mask, const radx_params *p,
                               uint32_t label, radx_volume *img_out, radx_volume *mask_out, radx_err *err)
{
    if (img_out) memset(img_out, 0, sizeof *img_out);
    if (mask_out) memset(mask_out, 0, sizeof *mask_out);
    return radx_seterr(err, RADX_ERR_DEVICE, "resample: this radx was built without CUDA");
}

radx_status radx_cuda_discretise(void *stream, const double *x, int64_t n, const double *edges, int nedges, int32_t *gl,
                                 int *ng, radx_err *err)
{
    return radx_seterr(err, RADX_ERR_DEVICE, "discretisation: this radx was built without CUDA");
}

radx_status radx_cuda_firstorder(void *stream, const double *x, const int32_t *gl, int64_t n, int ng,
                                 double voxel_volume, const radx_params *p, double *out, radx_err *err)
{
    return radx_seterr(err, RADX_ERR_DEVICE, "first order: this radx was built without CUDA");
}

radx_status radx_cuda_shape(void *stream, const radx_shape_input *in, const radx_params *p, double *out, radx_err *err)
{
    return radx_seterr(err, RADX_ERR_DEVICE, "shape: this radx was built without CUDA");
}

int radx_cuda_resample_available(void) { return 0; }

int radx_cuda_resample_exact(void *stream, radx_err *err)
{
    radx_seterr(err, RADX_ERR_DEVICE, "resample: this radx was built without CUDA");
    return -1;
}

void radx_cuda_resample_counts(long long *on_device, long long *on_cpu)
{
    if (on_device) *on_device = 0;
    if (on_cpu) *on_cpu = 0;
}

void *radx_cuda_test_stream(void) { return NULL; }

void radx_cuda_test_stream_destroy(void *stream) {}
#else
typedef int radx_preproc_cuda_standins_unused; /* keeps the translation unit non-empty */
#endif
