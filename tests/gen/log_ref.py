# SPDX-License-Identifier: BSD-3-Clause
"""Reference LoG responses for tests/test_log.c, computed by PyRadiomics 3.0.1 / SimpleITK.

Run:  python3 tests/gen/log_ref.py > data/log/pyradiomics_log_ref.txt

For each case the image goes through radiomics.imageoperations.getLoGImage (SimpleITK's
LaplacianRecursiveGaussianImageFilter, NormalizeAcrossScale on, sigma in mm, float32 output),
for sigma 1.5, 3 and 5 mm.  Cases:
  brain1       whole image 256x256x25 (PyRadiomics' default: no resampling, no preCrop);
  brain1_pad10 brain1 cropped as PyRadiomics crops it for padDistance 10 (cropToTumorMask on
               checkMask's bounding box, i.e. the grid a resampled case gets);
  breast1      whole image 45x120x21;
  brain1_2d    slice z=12 of brain1 as a 2-D image (PyRadiomics then runs the 2-D filter).
Stored per case and sigma: min / max / mean of the whole response and of the ROI (label 1);
and, at a fixed set of sampled voxels (up to 600 inside the ROI, 200 within 2 voxels of a face,
400 anywhere; numpy seed 0), the float32 response printed with 9 significant digits (exact).

File format (whitespace separated, '#' comments):
  case NAME IMAGE LABEL NDIM X0 Y0 Z0 NX NY NZ     crop origin and size (x fastest, ITK order)
  stat SIGMA MIN MAX MEAN ROIMIN ROIMAX ROIMEAN   one line per sigma
  samples N
  X Y Z INROI V_SIGMA1 V_SIGMA2 V_SIGMA3          N lines, indices in the cropped image
"""
import logging
import sys

import numpy as np
import SimpleITK as sitk

import radiomics
from radiomics import imageoperations

radiomics.setVerbosity(logging.ERROR)
SIGMAS = [1.5, 3.0, 5.0]
DATA = 'data/pyradiomics'


def log_images(image, mask):
    out = {}
    for img, name, _ in imageoperations.getLoGImage(image, mask, sigma=SIGMAS):
        out[name] = sitk.GetArrayFromImage(img)
    return [out['log-sigma-%s-mm-3D' % str(s).replace('.', '-')] for s in SIGMAS]


def samples(shape, roi, rng):
    nz = [np.ravel_multi_index(np.nonzero(roi), shape)][0]
    picks = []
    if nz.size > 600:
        nz = rng.choice(nz, 600, replace=False)
    picks.append(nz)
    idx = np.indices(shape).reshape(len(shape), -1)
    near = np.zeros(idx.shape[1], bool)
    for d, n in enumerate(shape):
        if n > 1:
            near |= (idx[d] < 2) | (idx[d] >= n - 2)
    border = np.nonzero(near)[0]
    picks.append(rng.choice(border, min(200, border.size), replace=False))
    picks.append(rng.choice(idx.shape[1], 400, replace=False))
    return np.unique(np.concatenate(picks))


def emit(name, image_file, label_file, image, mask, origin, rng):
    arrs = log_images(image, mask)
    roi = sitk.GetArrayFromImage(mask) == 1
    size = list(image.GetSize()) + [1] * (3 - image.GetDimension())
    org = list(origin) + [0] * (3 - len(origin))
    print('case %s %s %s %d %d %d %d %d %d %d' % (name, image_file, label_file, image.GetDimension(),
                                                  org[0], org[1], org[2], size[0], size[1], size[2]))
    for s, a in zip(SIGMAS, arrs):
        a64 = a.astype(np.float64)
        print('stat %g %.9g %.9g %.17g %.9g %.9g %.17g' % (s, a.min(), a.max(), a64.mean(), a[roi].min(),
                                                           a[roi].max(), a64[roi].mean()))
    flat = samples(roi.shape, roi, rng)
    print('samples %d' % flat.size)
    for f in flat:
        zyx = np.unravel_index(f, roi.shape)
        if len(zyx) == 2:
            zyx = (0,) + tuple(zyx)
        vals = ' '.join('%.9g' % a.reshape(-1)[f] for a in arrs)
        print('%d %d %d %d %s' % (zyx[2], zyx[1], zyx[0], int(roi.reshape(-1)[f]), vals))


def main():
    rng = np.random.default_rng(0)
    print('# LoG references for tests/test_log.c: tests/gen/log_ref.py (PyRadiomics %s, SimpleITK %s)'
          % (radiomics.__version__, sitk.Version.VersionString()))
    for case in ('brain1', 'breast1'):
        imf, laf = '%s_image.nrrd' % case, '%s_label.nrrd' % case
        image = sitk.ReadImage('%s/%s' % (DATA, imf))
        mask = sitk.ReadImage('%s/%s' % (DATA, laf))
        emit(case, imf, laf, image, mask, (0, 0, 0), rng)
        if case == 'brain1':
            bb, _ = imageoperations.checkMask(image, mask, label=1)
            ci, cm = imageoperations.cropToTumorMask(image, mask, bb, padDistance=10)
            lo = np.maximum(np.array(bb[0::2]) - 10, 0)
            emit('brain1_pad10', imf, laf, ci, cm, tuple(int(v) for v in lo), rng)
            emit('brain1_2d', imf, laf, image[:, :, 12], mask[:, :, 12], (0, 0, 12), rng)
    return 0


if __name__ == '__main__':
    sys.exit(main())
