# SPDX-License-Identifier: BSD-3-Clause
"""Writes a synthetic chest-CT-sized case for whole-process timings: a 512 x 512 x 300 int16
image (0.78 x 0.78 x 1.25 mm) of noisy lung-like background (-800 HU) with a spherical lesion
(40 HU, radius 50 voxels in-plane and 50 slices, 523 289 voxels), and its mask (uint8).
The noise is seeded, so every run writes the same files.  Needs numpy and SimpleITK (the
PyRadiomics virtual environment has both).

    python3 bench/synthetic_ct.py OUT_DIR      # writes OUT_DIR/ct.nii.gz and OUT_DIR/mask.nii.gz
"""
import os
import sys

import numpy as np
import SimpleITK as sitk


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    z, y, x = np.mgrid[0:300, 0:512, 0:512].astype(np.float32)
    lesion = ((x - 256) / 50) ** 2 + ((y - 256) / 50) ** 2 + ((z - 150) / 50) ** 2 <= 1
    img = (-800 + rng.normal(0, 40, lesion.shape)).astype(np.float32)
    img[lesion] = 40 + rng.normal(0, 30, int(lesion.sum()))
    image = sitk.GetImageFromArray(np.clip(img, -1024, 3000).astype(np.int16))
    image.SetSpacing((0.78, 0.78, 1.25))
    mask = sitk.GetImageFromArray(lesion.astype(np.uint8))
    mask.CopyInformation(image)
    sitk.WriteImage(image, os.path.join(out, 'ct.nii.gz'))
    sitk.WriteImage(mask, os.path.join(out, 'mask.nii.gz'))
    print('%s: ct.nii.gz and mask.nii.gz, %d ROI voxels' % (out, lesion.sum()))


if __name__ == '__main__':
    main()
