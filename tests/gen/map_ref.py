# SPDX-License-Identifier: BSD-3-Clause
"""PyRadiomics 3.0.1 voxel-based references for tests/test_map.c (radx map).

Runs RadiomicsFeatureExtractor(params).execute(image, mask, voxelBased=True) on breast1 for each
configuration below and stores, for every ROI voxel (label 1, numpy.where order on the full
image grid) and every feature the parameter file names, the value PyRadiomics computed, as
little-endian float64 (gzip), feature after feature:

    data/pyradiomics/voxel_ref/<config>.yaml      the parameter file (radx reads the same file)
    data/pyradiomics/voxel_ref/<config>.f64.gz    nfeat x nroi float64
    data/pyradiomics/voxel_ref/manifest.txt       versions, command, and per config the feature names

PyRadiomics returns maps cropped to the ROI box padded by kernelRadius; the voxel values are
picked from them by physical position (the crop's origin), so they refer to the full grid.

Usage:
    python3 tests/gen/map_ref.py                 # (re)write the references
    python3 tests/gen/map_ref.py --check RADX    # compare `RADX map` with PyRadiomics,
                                                               # every feature of every class (NRRD maps)
"""
import gzip
import logging
import os
import shutil
import subprocess
import sys
import tempfile

import numpy
import SimpleITK as sitk

import radiomics
from radiomics import featureextractor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
DATA = os.path.join(ROOT, 'data', 'pyradiomics')
OUT = os.path.join(DATA, 'voxel_ref')
IMAGE = os.path.join(DATA, 'breast1_image.nrrd')
MASK = os.path.join(DATA, 'breast1_label.nrrd')

# a few features of every class, including the ones whose voxel-based semantics differ from the
# segment computation on the kernel (GLCM JointAverage, MCC, Idmn, Idn)
FEATURES = {
  'firstorder': ['Mean', 'Entropy', '90Percentile', 'Kurtosis', 'RobustMeanAbsoluteDeviation', 'TotalEnergy'],
  'glcm': ['JointAverage', 'MCC', 'Idmn', 'Idn', 'Contrast', 'Correlation', 'Imc2', 'ClusterShade',
           'SumEntropy', 'InverseVariance', 'Autocorrelation'],
  'glrlm': ['RunLengthNonUniformity', 'LongRunEmphasis', 'GrayLevelVariance', 'RunEntropy', 'LowGrayLevelRunEmphasis'],
  'glszm': ['ZonePercentage', 'SmallAreaEmphasis', 'GrayLevelNonUniformity', 'ZoneEntropy', 'LargeAreaHighGrayLevelEmphasis'],
  'gldm': ['DependenceEntropy', 'LargeDependenceEmphasis', 'GrayLevelVariance', 'SmallDependenceLowGrayLevelEmphasis'],
  'ngtdm': ['Busyness', 'Coarseness', 'Complexity', 'Contrast', 'Strength'],
}
CLASSES = ['firstorder', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm']

# name -> (imageType block, setting block, voxelSetting block[, features when not FEATURES])
CONFIGS = [
  ('r1_masked', 'Original: {}', {}, {'kernelRadius': 1, 'maskedKernel': True}),
  ('r1_unmasked', 'Original: {}', {}, {'kernelRadius': 1, 'maskedKernel': False, 'initValue': -1}),
  ('r2_masked', 'Original: {}', {}, {'kernelRadius': 2, 'maskedKernel': True, 'initValue': -1}),
  ('r2_unmasked', 'Original: {}', {}, {'kernelRadius': 2, 'maskedKernel': False}),
  # batches of 20 voxels: PyRadiomics' empty-angle deletion and MCC failure are per batch
  ('voxel_batch', 'Original: {}', {}, {'kernelRadius': 1, 'maskedKernel': True, 'voxelBatch': 20, 'initValue': -2}),
  # distance weighting, two distances, asymmetric GLCM, binWidth 10
  ('glcm_options', 'Original: {}',
   {'weightingNorm': 'manhattan', 'distances': [1, 2], 'symmetricalGLCM': False, 'binWidth': 10},
   {'kernelRadius': 2, 'maskedKernel': True, 'voxelBatch': 40, 'initValue': -2}),
  ('bincount_force2d', 'Original: {}', {'binCount': 16, 'force2D': True, 'force2Ddimension': 0},
   {'kernelRadius': 1, 'maskedKernel': False}),
  # LoG (float32 image): radx's LoG matches SimpleITK's to ~1e-7 of the response range, so the
  # features of this configuration are compared at 1e-4 as in `extract`
  ('log_sigma1', 'LoG: {sigma: [1.0]}', {}, {'kernelRadius': 1, 'maskedKernel': True}),
  # Wavelet (8 sub-bands of the float64 transform), fewer features per sub-band
  ('wavelet', 'Wavelet: {wavelet: db3}', {'binCount': 24}, {'kernelRadius': 1, 'maskedKernel': True},
   {'firstorder': ['Mean', 'Entropy'], 'glcm': ['Idmn', 'Contrast'], 'glszm': ['ZoneEntropy'], 'glrlm': [], 'gldm': [],
    'ngtdm': []}),
]


def yaml_value(v):
  if isinstance(v, bool):
    return 'true' if v else 'false'
  if isinstance(v, list):
    return '[' + ', '.join(yaml_value(x) for x in v) + ']'
  return str(v)


def params_text(imtype, setting, voxel, classes):
  lines = ['# radx map / PyRadiomics voxel-based reference (tests/gen/map_ref.py)', 'imageType:', '  ' + imtype]
  if setting:
    lines.append('setting:')
    lines += ['  %s: %s' % (k, yaml_value(v)) for k, v in setting.items()]
  lines.append('voxelSetting:')
  lines += ['  %s: %s' % (k, yaml_value(v)) for k, v in voxel.items()]
  lines.append('featureClass:')
  for c in CLASSES:
    if classes[c] is None:
      lines.append('  %s:' % c)
    elif classes[c]:
      lines.append('  %s: [%s]' % (c, ', '.join(classes[c])))
  return '\n'.join(lines) + '\n'


def roi_indices():
  lab = sitk.GetArrayFromImage(sitk.ReadImage(MASK)) == 1
  return lab, numpy.array(numpy.where(lab))  # (3, nroi), z y x


def pick(img, zyx):
  """Values of a (cropped) PyRadiomics map at full-grid voxels zyx, by physical position."""
  a = sitk.GetArrayFromImage(img)
  ref = sitk.ReadImage(IMAGE)
  off = ref.TransformPhysicalPointToIndex(img.GetOrigin())  # x y z
  return a[zyx[0] - off[2], zyx[1] - off[1], zyx[2] - off[0]].astype(numpy.float64)


def run_pyradiomics(params_path):
  ex = featureextractor.RadiomicsFeatureExtractor(params_path)
  return ex.execute(IMAGE, MASK, voxelBased=True)


def write_refs():
  radiomics.setVerbosity(logging.CRITICAL)
  os.makedirs(OUT, exist_ok=True)
  lab, zyx = roi_indices()
  manifest = [
    '# PyRadiomics %s voxel-based references for tests/test_map.c' % radiomics.__version__,
    '# made by: python3 tests/gen/map_ref.py   (SimpleITK %s, numpy %s)'
    % (sitk.Version.VersionString(), numpy.__version__),
    '# image %s, mask %s (label 1), %d ROI voxels in numpy.where order on the full grid'
    % (os.path.basename(IMAGE), os.path.basename(MASK), zyx.shape[1]),
    '# <config>.f64.gz: little-endian float64, nfeat x nroi (feature after feature)',
    '# lines: config NAME NROI NFEAT, then NFEAT lines "feature NAME"',
  ]
  for name, imtype, setting, voxel, *features in CONFIGS:
    ppath = os.path.join(OUT, name + '.yaml')
    with open(ppath, 'w') as f:
      f.write(params_text(imtype, setting, voxel, features[0] if features else FEATURES))
    res = run_pyradiomics(ppath)
    names = [k for k, v in res.items() if isinstance(v, sitk.Image)]
    vals = numpy.stack([pick(res[k], zyx) for k in names])
    with gzip.open(os.path.join(OUT, name + '.f64.gz'), 'wb', 9) as f:
      f.write(vals.astype('<f8').tobytes())
    manifest.append('config %s %d %d' % (name, zyx.shape[1], len(names)))
    manifest += ['feature %s' % k for k in names]
    print('%s: %d features x %d voxels' % (name, len(names), zyx.shape[1]))
  with open(os.path.join(OUT, 'manifest.txt'), 'w') as f:
    f.write('\n'.join(manifest) + '\n')


def check(radx):
  """Every feature of every class: `radx map` (NRRD, float32) against PyRadiomics (float64)."""
  radiomics.setVerbosity(logging.CRITICAL)
  lab, zyx = roi_indices()
  allf = {c: None for c in CLASSES}
  worst_all = 0.0
  tmp = tempfile.mkdtemp()
  try:
    for name, imtype, setting, voxel, *_features in CONFIGS:
      ppath = os.path.join(tmp, name + '.yaml')
      with open(ppath, 'w') as f:
        f.write(params_text(imtype, setting, voxel, allf))
      res = run_pyradiomics(ppath)
      od = os.path.join(tmp, name)
      subprocess.run([radx, 'map', IMAGE, MASK, '-p', ppath, '-o', od, '-q', '-f', 'nrrd'], check=True)
      init = voxel.get('initValue', 0)
      worst = {}
      for k, v in res.items():
        if not isinstance(v, sitk.Image):
          continue
        ref = pick(v, zyx)
        m = sitk.GetArrayFromImage(sitk.ReadImage(os.path.join(od, k + '.nrrd')))
        got = m[tuple(zyx)].astype(numpy.float64)
        bad_nan = int((numpy.isnan(ref) != numpy.isnan(got)).sum())
        ok = ~numpy.isnan(ref) & ~numpy.isnan(got)
        den = numpy.abs(ref[ok])
        err = numpy.where(den > 0, numpy.abs(got[ok] - ref[ok]) / numpy.where(den > 0, den, 1), numpy.abs(got[ok]))
        e = float(err.max()) if err.size else 0.0
        outside = bool(numpy.all(m[~lab] == numpy.float32(init)))
        cls = k.split('_')[-2]
        if bad_nan or not outside or e > 1e-6:
          print('  %s: %s max rel %.3g, NaN mismatches %d, outside ROI = initValue: %s' % (name, k, e, bad_nan, outside))
        worst[cls] = max(worst.get(cls, 0.0), e if not bad_nan else numpy.inf)
      print('%-16s' % name, ' '.join('%s %.2g' % (c, worst[c]) for c in CLASSES if c in worst))
      if not name.startswith('log'):
        worst_all = max([worst_all] + list(worst.values()))
  finally:
    shutil.rmtree(tmp)
  print('largest relative error (original image; float32 maps): %.3g' % worst_all)


if __name__ == '__main__':
  if len(sys.argv) == 3 and sys.argv[1] == '--check':
    check(sys.argv[2])
  elif len(sys.argv) == 1:
    write_refs()
  else:
    sys.exit(__doc__)
