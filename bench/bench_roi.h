// SPDX-License-Identifier: BSD-3-Clause
// The feature-stage inputs the benchmarks build from an image and its mask (value 1): the ROI's
// bounding box, its ROI flags and values (C order, x fastest), the discretised levels, and the
// texture / shape descriptions of the box.  Shared by bench_families.cc and bench_stages.cc.
#ifndef RADX_BENCH_ROI_H
#define RADX_BENCH_ROI_H

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "features/discretise.h"
#include "core/error.h"
#include "core/volume.h"
#include "params/params.h"
#include "features/features.h"

struct BenchRoi {
    int64_t lo[3] = {INT64_MAX, INT64_MAX, INT64_MAX}, hi[3] = {-1, -1, -1}; // x y z, inclusive
    int64_t nx = 0, ny = 0, nz = 0;
    std::vector<uint8_t> roi;  // the box, 1 in the ROI
    std::vector<double> x;     // the ROI values in box order
    std::vector<double> edges; // bin edges of x
    std::vector<int32_t> gl, glbox;
    radx_texture_input tin{};
    radx_shape_input sin{};
};

// The box of msk == 1 on img's grid; false when the ROI is empty.
static inline bool bench_roi_box(const radx_volume &img, const radx_volume &msk, BenchRoi *r)
{
    const radx_geom &g = img.g;
    for (int64_t k = 0; k < g.size[2]; k++)
        for (int64_t j = 0; j < g.size[1]; j++)
            for (int64_t i = 0; i < g.size[0]; i++)
                if (radx_volume_get(&msk, i + g.size[0] * (j + g.size[1] * k)) == 1) {
                    const int64_t q[3] = {i, j, k};
                    for (int a = 0; a < 3; a++) {
                        if (q[a] < r->lo[a]) r->lo[a] = q[a];
                        if (q[a] > r->hi[a]) r->hi[a] = q[a];
                    }
                }
    if (r->hi[0] < 0) return false;
    r->nx = r->hi[0] - r->lo[0] + 1;
    r->ny = r->hi[1] - r->lo[1] + 1;
    r->nz = r->hi[2] - r->lo[2] + 1;
    r->roi.assign((size_t)(r->nx * r->ny * r->nz), 0);
    r->x.clear();
    for (int64_t k = 0; k < r->nz; k++)
        for (int64_t j = 0; j < r->ny; j++)
            for (int64_t i = 0; i < r->nx; i++) {
                const int64_t s = (r->lo[0] + i) + g.size[0] * ((r->lo[1] + j) + g.size[1] * (r->lo[2] + k));
                const int64_t d = i + r->nx * (j + r->ny * k);
                r->roi[(size_t)d] = radx_volume_get(&msk, s) == 1;
                if (r->roi[(size_t)d]) r->x.push_back(radx_volume_get(&img, s));
            }
    return true;
}

// Discretises x with p's binning and fills tin and sin for the box (spacing from g); false (with
// e) when the bin edges fail.
static inline bool bench_roi_levels(const radx_geom &g, const radx_params *p, BenchRoi *r, radx_err *e)
{
    double *edges = nullptr;
    int nedges = 0;
    if (radx_bin_edges(r->x.data(), (int64_t)r->x.size(), p, 0, &edges, &nedges, e)) return false;
    r->edges.assign(edges, edges + nedges);
    std::free(edges);
    r->gl.resize(r->x.size());
    const int ng = radx_discretise(r->x.data(), (int64_t)r->x.size(), r->edges.data(), nedges, r->gl.data());
    r->glbox.assign(r->roi.size(), 0);
    for (size_t i = 0, k = 0; i < r->roi.size(); i++)
        if (r->roi[i]) r->glbox[i] = r->gl[k++];
    r->tin.dims_zyx[0] = r->nz;
    r->tin.dims_zyx[1] = r->ny;
    r->tin.dims_zyx[2] = r->nx;
    r->tin.spacing_zyx[0] = g.spacing[2];
    r->tin.spacing_zyx[1] = g.spacing[1];
    r->tin.spacing_zyx[2] = g.spacing[0];
    r->tin.gl = r->glbox.data();
    r->tin.roi = r->roi.data();
    r->tin.ng = ng;
    r->tin.n_roi = (int64_t)r->x.size();
    std::memcpy(r->sin.dims_zyx, r->tin.dims_zyx, sizeof r->sin.dims_zyx);
    std::memcpy(r->sin.spacing_zyx, r->tin.spacing_zyx, sizeof r->sin.spacing_zyx);
    r->sin.roi = r->roi.data();
    r->sin.n_roi = r->tin.n_roi;
    return true;
}

#endif
