#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""PyRadiomics' own Wavelet images (radiomics.imageoperations.getWaveletImage: PyWavelets' swtn
as PyRadiomics pads and applies it) for test_wavelet: for every discrete wavelet PyWavelets
knows, on a 7 x 6 x 5 (x y z) volume of float64 and of float32 voxels, with two settings (one
level on all three axes; start_level 1, level 2 and force2D about z), the images' names in the
order PyRadiomics yields them and the FNV-1a 64-bit hash of their voxels' bytes (little endian,
x fastest), one line per wavelet, pixel type and setting.  Equal hashes mean bit-identical
images.  The volume is v(i, j, k) = ((7 i + 13 j + 29 k) mod 31) - 15 + (i mod 3) / 4, which
both languages compute exactly.

    python3 tests/gen/wavelet_ref.py > data/wavelet/pyradiomics_wavelet.txt
"""
import importlib.metadata

import numpy
import pywt
import radiomics
import SimpleITK as sitk
from radiomics import imageoperations

from fnv import FNV_OFFSET, fnv1a  # tests/gen/fnv.py

SHAPE = (5, 6, 7)  # z y x
SETTINGS = {
    'one_level': {},
    'levels_force2d': {'start_level': 1, 'level': 2, 'force2D': True, 'force2Ddimension': 0},
}


def volume(dtype):
    k, j, i = numpy.meshgrid(*[numpy.arange(s) for s in SHAPE], indexing='ij')
    v = ((7 * i + 13 * j + 29 * k) % 31) - 15 + (i % 3) / 4.0
    return v.astype(dtype)


def main():
    print('# PyRadiomics %s, PyWavelets %s, SimpleITK %s, numpy %s: wavelet dtype setting n names hash' %
          (radiomics.__version__, importlib.metadata.version('PyWavelets'), sitk.Version().VersionString(),
           numpy.__version__))
    for name in pywt.wavelist(kind='discrete'):
        for dtype in ('float64', 'float32'):
            im = sitk.GetImageFromArray(volume(dtype))
            for sname, kw in SETTINGS.items():
                names, h = [], FNV_OFFSET
                for img, iname, _ in imageoperations.getWaveletImage(im, None, wavelet=name, **kw):
                    a = sitk.GetArrayFromImage(img)
                    assert a.dtype == numpy.dtype(dtype)
                    names.append(iname)
                    h = fnv1a(h, a.astype('<' + a.dtype.str[1:]).tobytes())
                print('%s %s %s %d %s %016x' % (name, dtype, sname, len(names), ','.join(names), h))


if __name__ == '__main__':
    main()
