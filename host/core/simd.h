/* SPDX-License-Identifier: BSD-3-Clause */
/* Function multi-versioning for hot loops. */
#ifndef RADX_SIMD_H
#define RADX_SIMD_H

/* Hot loops over independent lanes get an AVX2 clone besides the baseline x86-64 one, chosen
 * when the program loads (GCC/Clang function multi-versioning).  AVX2 without FMA, and the
 * project builds with -ffp-contract=off: both clones round every operation the same way, so
 * results do not depend on the CPU. */
#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__)) && !defined(RADX_NO_CLONES)
#define RADX_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RADX_SIMD_CLONES
#endif

#endif
