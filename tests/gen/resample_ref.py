# SPDX-License-Identifier: BSD-3-Clause
"""Reference values for tests/test_resample.c: PyRadiomics 3.0.1 imageoperations.resampleImage
(SimpleITK 2.5.7 ResampleImageFilter underneath) on brain1 / breast1 (data/pyradiomics) and on a
small synthetic pair with oblique, mismatched image / mask geometry.

Run from the project root:
    python3 tests/gen/resample_ref.py > /tmp/resample_cases.h
and paste the printed table into tests/test_resample.c.

Per case it prints the output grid (size, spacing, origin as C hex floats; whose direction it
has: 0 the mask's, 1 the image's, the equal-spacing shortcut), sitk.Hash (SHA1) of
the resampled image and mask, the exact sum of the image voxels (math.fsum) and 24 sampled voxels
(flat index, value) so that a mismatch can be quantified without storing volumes.
"""
import math
import sys

import numpy as np
import SimpleITK as sitk
from radiomics import imageoperations
import logging

logging.getLogger('radiomics').setLevel(logging.CRITICAL)

DATA = 'data/pyradiomics/'

# sources: name -> (image file, mask file) or 'syn'
SOURCES = {
    'brain1': (DATA + 'brain1_image.nrrd', DATA + 'brain1_label.nrrd'),
    'brain1_2d': (DATA + 'brain1_image.nrrd', DATA + 'brain1_label_2D.nrrd'),
    'breast1': (DATA + 'breast1_image.nrrd', DATA + 'breast1_label.nrrd'),
    'syn': None,
}


def rot(axis, deg):
    a = np.array(axis, float)
    a /= np.linalg.norm(a)
    t = np.deg2rad(deg)
    K = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(t) * K + (1 - np.cos(t)) * K @ K


SYN_R1 = rot((1, 2, 3), 20)
SYN_R2 = SYN_R1 @ rot((0, 0, 1), 1)


def synthetic(mask_origin=(-10.0, 4.5, 7.5)):
    """Same formulas as syn_image()/syn_mask() in tests/test_resample.c."""
    nx, ny, nz = 23, 19, 11
    k, j, i = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing='ij')
    a = (((i * 37 + j * 101 + k * 53) % 200) - 60 + (i * j) % 17).astype(np.int16)
    im = sitk.GetImageFromArray(a)
    im.SetSpacing((0.9, 1.1, 2.5))
    im.SetOrigin((-10.3, 4.2, 7.7))
    im.SetDirection(SYN_R1.flatten().tolist())
    mx, my, mz = 25, 21, 10
    k, j, i = np.meshgrid(np.arange(mz), np.arange(my), np.arange(mx), indexing='ij')
    m = ((((i - 12) / 6.0) ** 2 + ((j - 10) / 5.0) ** 2 + ((k - 5) / 3.0) ** 2) <= 1).astype(np.uint8)
    m[(m == 1) & (i > 14)] = 2
    mk = sitk.GetImageFromArray(m)
    mk.SetSpacing((0.85, 1.05, 2.6))
    mk.SetOrigin(mask_origin)
    mk.SetDirection(SYN_R2.flatten().tolist())
    return im, mk


def load(src, xform):
    if src == 'syn':
        im, mk = synthetic()
    else:
        im = sitk.ReadImage(SOURCES[src][0])
        mk = sitk.ReadImage(SOURCES[src][1])
    mk = imageoperations.getMask(mk, label=1)
    if xform != 'none':
        a = sitk.GetArrayFromImage(im).astype(np.float64)
        if xform == 'f64':
            d = (a - 37.0) / 123.0
        elif xform == 'f32':
            d = ((a - 37.0) / 123.0).astype(np.float32)
        elif xform == 'u8':
            d = np.clip(sitk.GetArrayFromImage(im), 0, 255).astype(np.uint8)
        n = sitk.GetImageFromArray(d)
        n.CopyInformation(im)
        im = n
    return im, mk


# (source, transform of the image values, resampledPixelSpacing, interpolator, padDistance)
CASES = [
    ('brain1', 'none', [2, 2, 2], 'sitkBSpline', 5),
    ('brain1', 'none', [0.702, 0.702, 0], 'sitkBSpline', 5),
    ('brain1', 'none', [1, 1, 0], 'sitkLinear', 5),
    ('brain1', 'none', [0.5, 0.5, 3], 'sitkNearestNeighbor', 10),
    ('brain1', 'none', [2, 2, 2], 'sitkLinear', 10),
    ('brain1', 'f64', [0.702, 0.702, 0], 'sitkBSpline', 5),
    ('brain1', 'f64', [2, 2, 2], 'sitkLinear', 5),
    ('brain1', 'f32', [1, 1, 0], 'sitkBSpline', 5),
    ('brain1', 'u8', [0.5, 0.5, 3], 'sitkBSpline', 5),
    ('brain1', 'none', [0.78125, 0.78125, 6.5], 'sitkBSpline', 5),      # equal-spacing shortcut
    ('brain1_2d', 'none', [2, 2, 2], 'sitkBSpline', 5),                 # one-slice ROI: z kept
    ('breast1', 'none', [2, 2, 2], 'sitkBSpline', 5),
    ('breast1', 'none', [0.702, 0.702, 0], 'sitkLinear', 10),
    ('breast1', 'none', [1, 1, 0], 'sitkNearestNeighbor', 5),
    ('breast1', 'none', [0.5, 0.5, 3], 'sitkBSpline', 10),
    ('breast1', 'none', [1.328124, 1.328124, 4.2], 'sitkNearestNeighbor', 5),  # ratio 2: ties
    ('breast1', 'none', [0.664062, 0.664062, 2.1], 'sitkLinear', 10),  # equal-spacing shortcut
    ('breast1', 'f64', [0.5, 0.5, 3], 'sitkBSpline', 5),
    ('breast1', 'none', [1, 1, 1.5], 'sitkHammingWindowedSinc', 5),
    ('breast1', 'none', [1, 1, 1.5], 'sitkCosineWindowedSinc', 5),
    ('breast1', 'f64', [1, 1, 1.5], 'sitkWelchWindowedSinc', 5),
    ('breast1', 'none', [1, 1, 1.5], 'sitkLanczosWindowedSinc', 5),
    ('breast1', 'none', [1, 1, 1.5], 'sitkBlackmanWindowedSinc', 5),
    ('syn', 'none', [1, 1, 1], 'sitkNearestNeighbor', 5),
    ('syn', 'none', [0.5, 0.5, 0], 'sitkBSpline', 5),
    ('syn', 'none', [1.7, 2.2, 5.2], 'sitkLinear', 5),
    ('syn', 'f64', [1, 1, 1], 'sitkBSpline', 5),
    ('syn', 'none', [0.9, 1.1, 2.5], 'sitkLinear', 5),                  # shortcut, oblique, mismatched
]


def chex(x):
    return float(x).hex() if x != 0 else '0.0'


def main():
    out = sys.stdout
    out.write('/* generated by: python3 tests/gen/resample_ref.py '
              '(PyRadiomics 3.0.1, SimpleITK %s) */\n' % sitk.Version.VersionString())
    out.write('static const double syn_r1[9] = {%s};\n' % ', '.join(repr(float(v)) for v in SYN_R1.flatten()))
    out.write('static const double syn_r2[9] = {%s};\n' % ', '.join(repr(float(v)) for v in SYN_R2.flatten()))
    out.write('static const rs_case cases[] = {\n')
    for src, xf, sp, interp, pad in CASES:
        im, mk = load(src, xf)
        ri, rm = imageoperations.resampleImage(im, mk, resampledPixelSpacing=sp, interpolator=interp,
                                               padDistance=pad, label=1)
        a = sitk.GetArrayFromImage(ri).ravel()
        n = a.size
        idx = sorted(set(int(v) for v in np.linspace(0, n - 1, 24).round()))
        out.write('    {"%s", "%s", {%s}, "%s", %d,\n' % (src, xf, ', '.join(repr(float(v)) for v in sp), interp, pad))
        out.write('     {%d, %d, %d}, {%s}, {%s},\n' % (tuple(ri.GetSize()) + (
            ', '.join(chex(v) for v in ri.GetSpacing()), ', '.join(chex(v) for v in ri.GetOrigin()))))
        assert ri.GetDirection() == rm.GetDirection()
        out.write('     %d, ' % (0 if ri.GetDirection() == mk.GetDirection() else 1))
        out.write('"%s", "%s", %s, %d,\n' % (sitk.Hash(ri), sitk.Hash(rm),
                                                 chex(math.fsum(a.astype(np.float64).tolist())),
                                                 int((sitk.GetArrayFromImage(rm) == 1).sum())))
        out.write('     %d, {%s},\n' % (len(idx), ', '.join(str(i) for i in idx)))
        out.write('     {%s}},\n' % ', '.join(chex(a[i]) for i in idx))
    out.write('};\n')

    # _correctMask's resampling: the synthetic mask onto the oblique image grid (nearest neighbour)
    im, mk = synthetic()
    mk = imageoperations.getMask(mk, label=1)
    cm = imageoperations._correctMask(im, mk, label=1)
    out.write('static const char *const syn_correct_mask_sha1 = "%s"; /* %d voxels of label 1, %d of 2 */\n'
              % (sitk.Hash(cm), int((sitk.GetArrayFromImage(cm) == 1).sum()),
                 int((sitk.GetArrayFromImage(cm) == 2).sum())))

    # error cases PyRadiomics rejects (checked here so the C test's expectations are grounded)
    im, mk = synthetic(mask_origin=(60.0, 4.5, 7.5))
    mk = imageoperations.getMask(mk, label=1)
    try:
        imageoperations.resampleImage(im, mk, resampledPixelSpacing=[1, 1, 1], interpolator='sitkLinear',
                                      padDistance=5, label=1)
        out.write('/* ROI outside the image: accepted (unexpected) */\n')
    except ValueError as e:
        out.write('/* ROI outside the image: ValueError: %s */\n' % str(e).splitlines()[0])


if __name__ == '__main__':
    main()
