#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""PyRadiomics' own LBP images (radiomics.imageoperations.getLBP2DImage and getLBP3DImage) for
test_lbp: on a 10 x 9 x 8 (x y z) volume of float64, float32, int16 and uint8 voxels (and a
10 x 9 2-D one), for every LBP2D method with several radii, sample counts and force2Ddimension
values, and LBP3D with several levels, icosphere radii and subdivisions, the images' names in
the order PyRadiomics yields them and the FNV-1a 64-bit hash of their voxels (little endian, x
fastest): LBP2D's whole images in their pixel type, LBP3D's ROI voxels as float64 (PyRadiomics
leaves the others uninitialised).  Equal hashes mean bit-identical images.

The volume is ((7 i + 13 j + 29 k) mod 31) - 15 + (i mod 3) / 4 for floats, ((7 i + 13 j + 29 k)
mod 31) * 5 - 40 for int16 and * 8 for uint8, with a flat 5 x 5 x 5 block (7, 35, 56) at
(2..6, 2..6, 2..6) for ties; the ROI is (1..8, 1..7, 0..6) less its corner (1, 1, 0), so that
samples leave the image.  Both languages compute them exactly.

scipy 1.17 has no sph_harm (removed after its deprecation in 1.15); PyRadiomics 3.0.1 imports it
for LBP3D, so it is put back as scipy 1.15 and 1.16 defined it: sph_harm(m, n, theta, phi) =
sph_harm_y(n, m, phi, theta).

    python3 tests/gen/lbp_ref.py > data/lbp/pyradiomics_lbp.txt
"""
import importlib.metadata
import logging
import warnings

import numpy
import radiomics
import scipy
import scipy.special
import SimpleITK as sitk

if not hasattr(scipy.special, 'sph_harm'):
    scipy.special.sph_harm = lambda m, n, theta, phi: scipy.special.sph_harm_y(n, m, phi, theta)
from radiomics import imageoperations  # noqa: E402

from fnv import FNV_OFFSET, fnv1a  # tests/gen/fnv.py

SHAPE = (8, 9, 10)  # z y x
DTYPES = ('float64', 'float32', 'int16', 'uint8')
LBP2D = [  # method, samples, radius, force2Ddimension
    ('uniform', 8, 1.0, 0), ('uniform', 16, 2.0, 0), ('uniform', 12, 1.7, 1), ('uniform', 5, 3.3, 2),
    ('default', 8, 1.0, 0), ('default', 16, 2.0, 1), ('default', 35, 1.5, 2), ('ror', 8, 1.0, 0),
    ('ror', 32, 2.5, 2), ('ror', 7, 1.3, 1), ('var', 8, 1.0, 0), ('var', 6, 2.2, 1), ('var', 16, 3.0, 2),
]
LBP3D = [  # levels, icosphere subdivision, radius
    (2, 1, 1.0), (3, 2, 1.5), (2, 0, 2.5), (4, 1, 0.7), (2, 3, 1.2),
]


def volume(dtype, shape=SHAPE):
    idx = numpy.meshgrid(*[numpy.arange(s) for s in shape], indexing='ij')
    k, j, i = idx if len(shape) == 3 else [numpy.zeros(shape, int)] + idx
    code = (7 * i + 13 * j + 29 * k) % 31
    flat = (i >= 2) & (i <= 6) & (j >= 2) & (j <= 6) & (k >= 2) & (k <= 6)
    if dtype in ('float64', 'float32'):
        v = numpy.where(flat, 7.0, code - 15 + (i % 3) / 4.0)
    elif dtype == 'int16':
        v = numpy.where(flat, 35, code * 5 - 40)
    else:
        v = numpy.where(flat, 56, code * 8)
    return v.astype(dtype)


def roi_mask():
    k, j, i = numpy.meshgrid(*[numpy.arange(s) for s in SHAPE], indexing='ij')
    m = (i >= 1) & (i <= 8) & (j >= 1) & (j <= 7) & (k <= 6) & ~((i == 1) & (j == 1) & (k == 0))
    return m.astype(numpy.uint8)


def line(kind, dtype, config, images, select=None):
    names, h = [], FNV_OFFSET
    for img, name, _ in images:
        a = sitk.GetArrayFromImage(img)
        if select is not None:
            a = a[select]
        names.append(name)
        h = fnv1a(h, a.astype('<' + a.dtype.str[1:]).tobytes())
    return '%s %s %s %d %s %016x' % (kind, dtype, config, len(names), ','.join(names), h)


def main():
    logging.disable(logging.CRITICAL)
    warnings.simplefilter('ignore')
    print('# PyRadiomics %s, scikit-image %s, scipy %s, trimesh %s, SimpleITK %s, numpy %s' %
          (radiomics.__version__, importlib.metadata.version('scikit-image'), scipy.__version__,
           importlib.metadata.version('trimesh'), sitk.Version().VersionString(), numpy.__version__))
    print('# lbp2d dtype ndim method samples radius force2Ddimension n names hash')
    print('# lbp3d dtype - levels subdivision radius - n names hash')
    mask = sitk.GetImageFromArray(roi_mask())
    for dtype in DTYPES:
        for ndim, shape in ((3, SHAPE), (2, SHAPE[1:])):
            im = sitk.GetImageFromArray(volume(dtype, shape))
            for method, P, R, d in LBP2D:
                kw = dict(lbp2DMethod=method, lbp2DSamples=P, lbp2DRadius=R, force2D=True, force2Ddimension=d)
                config = '%d %s %d %r %d' % (ndim, method, P, R, d)
                print(line('lbp2d', dtype, config, imageoperations.getLBP2DImage(im, None, **kw)))
        im = sitk.GetImageFromArray(volume(dtype))
        mask.CopyInformation(im)
        for levels, sub, R in LBP3D:
            kw = dict(lbp3DLevels=levels, lbp3DIcosphereSubdivision=sub, lbp3DIcosphereRadius=R, label=1)
            config = '- %d %d %r -' % (levels, sub, R)
            images = imageoperations.getLBP3DImage(im, mask, **kw)
            print(line('lbp3d', dtype, config, images, roi_mask() == 1))


if __name__ == '__main__':
    main()
