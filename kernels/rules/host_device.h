/* SPDX-License-Identifier: BSD-3-Clause */
/* Portability macros for arithmetic shared by the C (CPU) and CUDA backends. */
#ifndef RADX_HD_H
#define RADX_HD_H

#if defined(__CUDACC__)
#define RADX_HD       __host__ __device__ __forceinline__
#define RADX_RESTRICT __restrict__
#else
#define RADX_HD static inline
#if defined(__cplusplus)
#define RADX_RESTRICT __restrict__
#else
#define RADX_RESTRICT restrict
#endif
#endif

#endif
