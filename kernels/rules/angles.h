/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbour offsets ("angles") of the texture classes, generated exactly as PyRadiomics 3.0.1
 * does, so the set and order of directions match its matrices.  Shared by the CPU and CUDA paths.
 *
 * Offsets are in numpy order (dz, dy, dx).  For each distance d in `distances`, the angles are
 * every offset whose infinity norm is d, excluding offsets that cannot fit in the box
 * (|offset| >= size along that axis) and, under force2D, offsets that move along the excluded
 * dimension.  `bidirectional` keeps both a and -a; otherwise only the first of each mirrored
 * pair in generation order is kept (PyRadiomics' order runs offsets from +max to -max, with the
 * last axis fastest, so the mono-directional set is the half generated first). */
#ifndef RADX_ANGLES_H
#define RADX_ANGLES_H

#include "rules/host_device.h"

#define RADX_MAX_ANGLES 1024

/* Fills angles[3*Na] and returns Na (>= 0), or -1 for an invalid distance (< 1) or too many
 * angles for the buffer.  size_zyx: box size; force2d_dim: -1 for 3-D, else the numpy axis
 * excluded. */
RADX_HD int radx_angles_build(const long long size_zyx[3], const int *distances, int ndist, int bidirectional,
                              int force2d_dim, int *angles, int max_angles)
{
    int maxd = 0, i;
    for (i = 0; i < ndist; i++) {
        if (distances[i] < 1) return -1;
        if (distances[i] > maxd) maxd = distances[i];
    }
    /* Count as PyRadiomics' get_angle_count: per distance (2d+1)^n - (2d-1)^n with the extent
     * limited by the box size, halved when mono-directional. */
    long long total = 0;
    for (i = 0; i < ndist; i++) {
        long long a = 1, b = 1;
        int d = distances[i], k;
        for (k = 0; k < 3; k++) {
            if (k == force2d_dim) continue;
            if (d < size_zyx[k]) {
                a *= 2 * d + 1;
                b *= 2 * d - 1;
            } else {
                a *= 2 * (size_zyx[k] - 1) + 1;
                b *= 2 * (size_zyx[k] - 1) + 1;
            }
        }
        total += a - b;
    }
    if (!bidirectional) total /= 2;
    if (total > max_angles) return -1;

    const int n_off = 2 * maxd + 1;
    const int stride[3] = {n_off * n_off, n_off, 1};
    int na = 0;
    long long gen = 0;
    while (na < total) {
        int adist = 0, valid = 1, k;
        for (k = 0; k < 3; k++) {
            int off = maxd - (int)((gen / stride[k]) % n_off);
            if ((k == force2d_dim && off != 0) || off >= size_zyx[k] || off <= -size_zyx[k]) {
                valid = 0;
                break;
            }
            angles[3 * na + k] = off;
            if (off > adist)
                adist = off;
            else if (-off > adist)
                adist = -off;
        }
        gen++;
        if (!valid || adist < 1) continue;
        for (i = 0; i < ndist; i++) {
            if (adist == distances[i]) {
                na++;
                break;
            }
        }
        if (gen > (long long)n_off * n_off * n_off) break; /* cannot happen; guards the loop */
    }
    return na;
}

#endif
