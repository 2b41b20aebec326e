#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Small synthetic image/mask pairs for the image-type references (test_pyradiomics_current):
odd and even sizes, float32, int16 and float64 voxels, 3-D and 2-D, one far smaller than the
longest wavelet filters.  Smooth patterns plus seeded noise; the ROI a box with a corner voxel
left out.

    python3 tests/gen/synthetic_cases.py data/pyradiomics/synthetic
"""
import os
import sys

import numpy
import SimpleITK as sitk

CASES = [  # name, numpy shape (z y x or y x), dtype, spacing (x y z), ROI slices
    ('odd_f32', (17, 20, 23), numpy.float32, (0.8, 0.9, 1.3), numpy.s_[2:-3, 3:-2, 4:-4]),
    ('even_i16', (16, 21, 24), numpy.int16, (1.0, 1.0, 2.0), numpy.s_[2:-3, 3:-2, 4:-4]),
    ('flat_f32', (29, 26), numpy.float32, (0.7, 0.75), numpy.s_[3:-2, 2:-4]),
    ('tiny_f64', (5, 12, 9), numpy.float64, (1.0, 1.1, 1.2), numpy.s_[1:4, 2:10, 2:7]),
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = numpy.random.default_rng(7)
    for name, shape, dtype, spacing, roi in CASES:
        idx = numpy.meshgrid(*[numpy.arange(s, dtype=float) for s in shape], indexing='ij')
        x, y = idx[-1], idx[-2]
        a = rng.normal(0, 1, shape) * 40 + 200 + 80 * numpy.sin(x / 3.0) + 60 * numpy.cos(y / 4.0)
        if len(shape) == 3:
            a += 30 * idx[0]
        im = sitk.GetImageFromArray(a.astype(dtype))
        im.SetSpacing(spacing)
        m = numpy.zeros(shape, numpy.uint8)
        m[roi] = 1
        m[tuple(s.start for s in roi)] = 0
        mk = sitk.GetImageFromArray(m)
        mk.CopyInformation(im)
        sitk.WriteImage(im, os.path.join(out, name + '_image.nrrd'), True)
        sitk.WriteImage(mk, os.path.join(out, name + '_label.nrrd'), True)


if __name__ == '__main__':
    main()
