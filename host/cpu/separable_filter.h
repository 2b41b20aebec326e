/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-2's Laws filters on the CPU (host/cpu/separable_filter.c; the per-voxel pass in
 * kernels/rules/separable_rules.h). */
#ifndef RADX_CPU_SEPARABLE_FILTER_H
#define RADX_CPU_SEPARABLE_FILTER_H

#include "core/error.h"
#include "core/volume.h"
#include "params/params.h" /* radx_sep_spec */

#ifdef __cplusplus
extern "C" {
#endif

/* The spec of a Laws kernel name ("E5L5S5": along x, y, z; "L5S5": x, y, 2-D) with the other
 * settings; RADX_ERR_PARAM naming the setting when the name is not 2 or 3 of L3 E3 S3 L5 E5 S5 W5
 * R5 or does not match the dimension asked (2-D: force2D). */
radx_status radx_laws_spec_make(const char *kernel, int two_d, int rotation_invariant, int pooling, int delta,
                                int boundary, radx_sep_spec *s, radx_err *err);

/* The spec of IBSI-2's undecimated separable wavelet (PyWavelets' decomposition filters of wavelet,
 * a zero appended to an even length; levels 1 .. level-1 low-pass along every axis and the bands
 * ("LHL": x, y, z; 2 letters with force2D) at the last, each level's filters dilated a trous by
 * 2^(level-1)).  RADX_ERR_PARAM naming the setting for an unknown wavelet, bad bands or a filter
 * beyond RADX_SEP_MAX_TAPS. */
radx_status radx_wavelet_ibsi_spec_make(const char *wavelet, int level, const char *bands, int two_d,
                                        int rotation_invariant, int pooling, int boundary, radx_sep_spec *s,
                                        radx_err *err);

/* The right-angle rotations of d axes (d = 2: the 4 in the x-y plane; 3: the 24 of the cube) as
 * signed permutations: axis a goes to perm[r][a], its kernel reversed when sign[r][a] < 0.
 * Returns their number. */
int radx_right_angle_rotations(int d, int perm[24][3], int sign[24][3]);

/* The rotations the spec's chain runs under: every right-angle rotation with rotation invariance,
 * else the identity alone.  Returns their number. */
int radx_separable_rotations(const radx_sep_spec *s, int perm[24][3], int sign[24][3]);

/* The Laws response (rotations pooled, the energy map when s->delta >= 0) of in into out (float32,
 * in's voxel count).  Errors: RADX_ERR_ARG, RADX_ERR_NOMEM. */
radx_status radx_separable_filter_into(const radx_volume *in, const radx_sep_spec *s, float *out, radx_err *err);

#ifdef __cplusplus
}
#endif
#endif
