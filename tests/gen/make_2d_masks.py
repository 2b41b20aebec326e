#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Rebuilds the single-slice masks PyRadiomics' shape2D baselines were made with: slice 16 of
brain1_label and slice 9 of breast1_label as (x, y, 1) images at that slice's position.  The
SimpleITK hash of each (as uint32) equals the baseline's diagnostics_Mask-original_Hash, which
proves they are the same voxels.   python tests/gen/make_2d_masks.py (in the venv with SimpleITK)"""
import SimpleITK as sitk

for case, z, want in (('brain1', 16, 'c686d815c4383f3ca71a1afb07d6f871172a7dac'),
                      ('breast1', 9, '378ace5e4d190eaeb0d69fdc80b2b7eaeb61ffd6')):
    m = sitk.ReadImage('data/pyradiomics/%s_label.nrrd' % case)
    sl = m[:, :, z:z + 1]
    h = sitk.Hash(sitk.Cast(sl, sitk.sitkUInt32))
    assert h == want, (case, h)
    sitk.WriteImage(sl, 'data/pyradiomics/%s_label_2D.nrrd' % case, useCompression=True)
    print(case, 'slice', z, 'hash', h)
