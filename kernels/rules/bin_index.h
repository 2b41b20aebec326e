/* SPDX-License-Identifier: BSD-3-Clause */
/* Gray-level discretisation, shared by the CPU and CUDA paths.
 *
 * PyRadiomics (imageoperations.getBinEdges / binImage) builds an explicit, increasing array of
 * bin edges and then calls numpy.digitize, i.e. searchsorted(edges, x, side='right'): the bin of
 * x is the number of edges <= x.  radx builds the same edges on the host, bit for bit
 * (radx_bin_edges in host/features/discretise.c reproduces numpy.arange / numpy.histogram's linspace,
 * including float32 rounding of histogram edges for float32 images), and every backend applies
 * this one rule per voxel, so CPU and GPU bins are identical by construction. */
#ifndef RADX_BIN_INDEX_H
#define RADX_BIN_INDEX_H

#include "rules/host_device.h"

/* numpy.digitize(x, edges) for increasing edges: count of edges <= x, in [0, nedges].
 * Binary search; NaN compares false everywhere and lands in bin 0 (callers reject NaN first). */
RADX_HD int radx_bin_index(const double *RADX_RESTRICT edges, int nedges, double x)
{
    int lo = 0, hi = nedges; /* invariant: edges[<lo] <= x, edges[>=hi] > x */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (edges[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

#endif
