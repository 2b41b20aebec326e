#!/usr/bin/env python
# SPDX-License-Identifier: BSD-3-Clause
"""Reference values for tests/test_params.c, computed by PyRadiomics 3.0.1 itself.

    python3 tests/gen/params_ref.py > /tmp/params_ref.inc

prints the C tables pasted between the GENERATED markers of tests/test_params.c:
  - for each parameter file (and the no-file defaults, and -s overrides parsed by PyRadiomics'
    own CLI parser): str(extractor.settings) (diagnostics_Configuration_Settings),
    str(extractor.enabledImagetypes), the enabled features, and the values the radx_params
    fields must hold (derived from the settings dict with PyRadiomics' .get() defaults);
  - for each invalid file text: whether PyRadiomics itself rejects it (radx is stricter in a
    few documented cases).
Run from the project root; paths under ../shared are relative to that directory.
"""
import logging
import math
import os
import sys
import tempfile

import radiomics
from radiomics import featureextractor
from radiomics.scripts import PyRadiomicsCommandLine

radiomics.setVerbosity(logging.CRITICAL)


def _ruamel_safe_load(stream):
  # PyRadiomics' CLI calls yaml.safe_load, which the installed ruamel.yaml (0.19) removed; give
  # it the equivalent so that its own _parseOverrides runs unchanged.
  from ruamel.yaml import YAML
  return YAML(typ='safe', pure=True).load(stream)


radiomics.scripts.yaml.safe_load = _ruamel_safe_load
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), 'shared')

# (id, path relative to its base, base: 'src' = project, 'shared' = ../shared, None = no file, overrides)
CASES = [
    ('defaults', None, None, []),
    ('Params', 'data/pyradiomics/params/Params.yaml', 'shared', []),
    ('MR_2D_extraction', 'data/pyradiomics/params/MR_2D_extraction.yaml', 'shared', []),
    ('exampleCT', 'data/pyradiomics/params/exampleCT.yaml', 'shared', []),
    ('exampleMR_3mm', 'data/pyradiomics/params/exampleMR_3mm.yaml', 'shared', []),
    ('exampleMR_5mm', 'data/pyradiomics/params/exampleMR_5mm.yaml', 'shared', []),
    ('exampleMR_NoResampling', 'data/pyradiomics/params/exampleMR_NoResampling.yaml', 'shared', []),
    ('exampleVoxel', 'data/pyradiomics/params/exampleVoxel.yaml', 'shared', []),
    ('example_allShape', 'data/pyradiomics/params/example_allShape.yaml', 'shared', []),
    ('lung_ct_egfr_delta', 'params/lung_ct_egfr_delta.yaml', 'shared', []),
    ('all_settings', 'tests/params/all_settings.yaml', 'src', []),
    ('custom_imtypes', 'tests/params/custom_imtypes.yaml', 'src', []),
    ('nulls', 'tests/params/nulls.yaml', 'src', []),
    ('params_json', 'tests/params/params.json', 'src', []),
    # -s overrides, parsed by PyRadiomics' CLI (_parseOverrides), applied after the file
    ('s_defaults', None, None, ['binWidth:10', 'distances:1,2,3', 'resampledPixelSpacing:2,2,0',
                                'normalize:true', 'label:3', 'binCount:16', 'resegmentRange:-3,3',
                                'resegmentMode:sigma', 'voxelArrayShift:1000', 'gldm_a:1',
                                'symmetricalGLCM:false', 'minimumROISize:10', 'geometryTolerance:1e-5',
                                'force2Ddimension:1', 'padDistance:0', 'sigma:1,2']),
    ('s_Params', 'data/pyradiomics/params/Params.yaml', 'shared', ['binWidth:5', 'label:2', 'removeOutliers:3',
                                                                   'additionalInfo:0', 'correctMask:1',
                                                                   'normalizeScale:100', 'binWidth:7']),
    ('s_custom', 'tests/params/custom_imtypes.yaml', 'src', ['sigma:2.0', 'resegmentRange:5',
                                                             'lbp2DSamples:4', 'wavelet:sym4']),
]

INTERP = ['sitkNearestNeighbor', 'sitkLinear', 'sitkBSpline', 'sitkGaussian', 'sitkLabelGaussian',
          'sitkHammingWindowedSinc', 'sitkCosineWindowedSinc', 'sitkWelchWindowedSinc',
          'sitkLanczosWindowedSinc', 'sitkBlackmanWindowedSinc']
WNORM = {None: 0, 'manhattan': 1, 'euclidean': 2, 'infinity': 3, 'no_weighting': 4}
RESEG = {'absolute': 0, 'relative': 1, 'sigma': 2}


def g17(x):
  return '%.17g' % float(x)


def fields(s, imtypes):
  """The radx_params field values, in the format test_params.c prints them."""
  def b(key, default):
    return 1 if s.get(key, default) else 0

  def opt(key, fmt):
    v = s.get(key)
    return '0' if v is None else '1:' + fmt(v)

  interp = s.get('interpolator', 'sitkBSpline')
  if interp is None:
    interp = ''
  elif isinstance(interp, int):
    interp = INTERP[interp - 1]
  rr = s.get('resegmentRange')
  rs = s.get('resampledPixelSpacing')
  log = imtypes.get('LoG', {}) if 'LoG' in imtypes else {}
  sig = log.get('sigma', s.get('sigma')) if 'sigma' in log else s.get('sigma')
  sig = sig or []
  out = [
      'label=%d' % s.get('label', 1),
      'label_channel=%d' % s.get('label_channel', 0),
      'additional_info=%d' % b('additionalInfo', True),
      'geometry_tolerance=' + opt('geometryTolerance', g17),
      'correct_mask=%d' % b('correctMask', False),
      'minimum_roi_dimensions=%d' % s.get('minimumROIDimensions', 2),
      'minimum_roi_size=' + opt('minimumROISize', lambda v: '%d' % v),
      'pre_crop=%d' % b('preCrop', False),
      'pad_distance=%d' % s.get('padDistance', 5),
      'normalize=%d' % b('normalize', False),
      'normalize_scale=' + g17(s.get('normalizeScale', 1)),
      'remove_outliers=' + opt('removeOutliers', g17),
      'reseg_range=' + ('0' if rr is None else '%d:%s' % (len(rr), ','.join(g17(x) for x in rr))),
      'reseg_mode=%d' % RESEG[s.get('resegmentMode', 'absolute')],
      'reseg_shape=%d' % b('resegmentShape', False),
      'resampled_spacing=' + ('0' if rs is None else '1:' + ','.join(g17(x) for x in rs)),
      'interpolator=' + interp,
      'bin_count=' + opt('binCount', lambda v: '%d' % v),
      'bin_width=' + g17(s.get('binWidth', 25)),
      'voxel_array_shift=' + g17(s.get('voxelArrayShift', 0)),
      'distances=' + ','.join('%d' % d for d in s.get('distances', [1])),
      'symmetrical_glcm=%d' % b('symmetricalGLCM', True),
      'weighting_norm=%d' % WNORM[s.get('weightingNorm')],
      'gldm_a=' + g17(s.get('gldm_a', 0)),
      'force2d=%d' % b('force2D', False),
      'force2d_dimension=%d' % s.get('force2Ddimension', 0),
      'ibsi_kurtosis_excess=0',
      'kernel_radius=%d' % s.get('kernelRadius', 1),
      'masked_kernel=%d' % b('maskedKernel', True),
      'init_value=' + g17(s.get('initValue', 0)),
      'voxel_batch=%d' % s.get('voxelBatch', -1),
      'log_sigma=' + ','.join(g17(x) for x in sig),
  ]
  return ';'.join(out)


def features(ef):
  return ';'.join('%s=%s' % (c, '*' if not v else ','.join(v)) for c, v in ef.items())


def cstr(s):
  return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def run_case(cid, rel, base, overrides):
  path = None
  if base == 'shared':
    path = os.path.join(SHARED, rel)
  elif base == 'src':
    path = os.path.join(ROOT, rel)
  kwargs = {}
  if overrides:
    argv = ['img', 'mask'] + (['--param', path] if path else [])
    for o in overrides:
      argv += ['--setting', o]
    kwargs = PyRadiomicsCommandLine(argv)._parseOverrides()
    logging.getLogger('radiomics').setLevel(logging.CRITICAL)  # the CLI object re-enables logging
  ext = featureextractor.RadiomicsFeatureExtractor(path, **kwargs) if path else \
      featureextractor.RadiomicsFeatureExtractor(**kwargs)
  return ext


# Invalid parameter files: (id, text, file suffix).  test_params.c holds what radx must answer.
BAD = [
    ('binWidth_neg', 'setting:\n  binWidth: -1\n'),
    ('binWidth_zero', 'setting:\n  binWidth: 0\n'),
    ('binWidth_str', 'setting:\n  binWidth: wide\n'),
    ('binWidth_bool', 'setting:\n  binWidth: true\n'),
    ('binWidth_none', 'setting:\n  binWidth:\n'),
    ('binCount_zero', 'setting:\n  binCount: 0\n'),
    ('binCount_float', 'setting:\n  binCount: 2.5\n'),
    ('distances_zero', 'setting:\n  distances: [0, 1]\n'),
    ('distances_scalar', 'setting:\n  distances: 1\n'),
    ('distances_empty', 'setting:\n  distances: []\n'),
    ('interp_unknown', 'setting:\n  interpolator: sitkCubic\n'),
    ('interp_int11', 'setting:\n  interpolator: 11\n'),
    ('interp_float', 'setting:\n  interpolator: 2.0\n'),
    ('wnorm_unknown', 'setting:\n  weightingNorm: Manhattan\n'),
    ('wnorm_int', 'setting:\n  weightingNorm: 1\n'),
    ('minroidim_4', 'setting:\n  minimumROIDimensions: 4\n'),
    ('minroidim_0', 'setting:\n  minimumROIDimensions: 0\n'),
    ('force2Ddim_3', 'setting:\n  force2Ddimension: 3\n'),
    ('force2Ddim_neg', 'setting:\n  force2Ddimension: -1\n'),
    ('reseg_empty', 'setting:\n  resegmentRange: []\n'),
    ('reseg_three', 'setting:\n  resegmentRange: [1, 2, 3]\n'),
    ('reseg_mode', 'setting:\n  resegmentMode: percentile\n'),
    ('paddist_neg', 'setting:\n  padDistance: -1\n'),
    ('label_zero', 'setting:\n  label: 0\n'),
    ('label_float', 'setting:\n  label: 1.0\n'),
    ('label_bool', 'setting:\n  label: true\n'),
    ('labelch_neg', 'setting:\n  label_channel: -1\n'),
    ('normalize_str', "setting:\n  normalize: 'true'\n"),
    ('normalize_yes', 'setting:\n  normalize: yes\n'),
    ('normscale_zero', 'setting:\n  normalizeScale: 0\n'),
    ('removeout_neg', 'setting:\n  removeOutliers: -2\n'),
    ('geomtol_zero', 'setting:\n  geometryTolerance: 0\n'),
    ('minroisize_zero', 'setting:\n  minimumROISize: 0\n'),
    ('spacing_neg', 'setting:\n  resampledPixelSpacing: [1, -1, 1]\n'),
    ('spacing_two', 'setting:\n  resampledPixelSpacing: [1, 1]\n'),
    ('voxshift_float', 'setting:\n  voxelArrayShift: 1.5\n'),
    ('gldma_float', 'setting:\n  gldm_a: 0.5\n'),
    ('gldma_neg', 'setting:\n  gldm_a: -1\n'),
    ('sigma_zero', 'setting:\n  sigma: [1, 0]\n'),
    ('wavelet_unknown', 'setting:\n  wavelet: foo\n'),
    ('lbp2d_method', 'setting:\n  lbp2DMethod: fast\n'),
    ('unknown_key', 'setting:\n  binwidth: 25\n'),
    ('dtype_key', 'setting:\n  dtype: float32\n'),
    ('ngtdm_key', "setting:\n  'Ngtdm settings': 1\n"),
    ('voxel_in_setting', 'setting:\n  kernelRadius: 2\n'),
    ('ibsi_in_voxel', 'voxelSetting:\n  ibsiKurtosisExcess: true\n'),
    ('ibsi_in_imtype', 'imageType:\n  Original: {ibsiKurtosisExcess: true}\n'),
    ('kernel_zero', 'voxelSetting:\n  kernelRadius: 0\n'),
    ('batch_zero', 'voxelSetting:\n  voxelBatch: 0\n'),
    ('masked_int', 'voxelSetting:\n  maskedKernel: 1\n'),
    ('unknown_section', 'settings:\n  binWidth: 25\n'),
    ('setting_none', 'setting:\n'),
    ('setting_list', 'setting: [1, 2]\n'),
    ('imtype_unknown', 'imageType:\n  log: {}\n'),
    ('imtype_none', 'imageType:\n  LoG:\n'),
    ('imtype_bad_custom', 'imageType:\n  LoG: {sigma: 1}\n'),
    ('imtype_unknown_custom', 'imageType:\n  Original: {kernelRadius: 1}\n'),
    ('class_unknown', 'featureClass:\n  Glcm:\n'),
    ('class_feature', 'featureClass:\n  glcm: [Contrast, Foo]\n'),
    ('class_feature_other', 'featureClass:\n  glrlm: [Contrast]\n'),
    ('class_scalar', 'featureClass:\n  glcm: Contrast\n'),
    ('class_none', 'featureClass:\n'),
    ('top_list', '- setting\n- imageType\n'),
    ('top_scalar', 'hello\n'),
    ('garbage', 'setting: {binWidth: [1, 2\nlabel: ]]\n'),
    ('tab_indent', 'setting:\n\tbinWidth: 25\n'),
    ('dup_key', 'setting:\n  binWidth: 5\n  binWidth: 6\n'),
    ('comments_only', '# nothing here\n'),
    ('empty', ''),
    ('two_docs', 'setting: {}\n---\nsetting: {}\n'),
]


def pyrad_rejects(text):
  fd, path = tempfile.mkstemp(suffix='.yaml')
  with os.fdopen(fd, 'w') as f:
    f.write(text)
  try:
    featureextractor.RadiomicsFeatureExtractor(path)
    return 0
  except Exception:
    return 1
  finally:
    os.unlink(path)


def main():
  print('/* generated by: python3 tests/gen/params_ref.py (PyRadiomics %s) */' % radiomics.__version__)
  print('static const ref_case REF[] = {')
  for cid, rel, base, overrides in CASES:
    ext = run_case(cid, rel, base, overrides)
    print('    {%s, %s, %s, %s,' % (cstr(cid), cstr(rel) if rel else 'NULL', cstr(base) if base else 'NULL',
                                  cstr('|'.join(overrides))))
    print('     %s,' % cstr(str(ext.settings)))
    print('     %s,' % cstr(str(ext.enabledImagetypes)))
    print('     %s,' % cstr(features(ext.enabledFeatures)))
    print('     %s},' % cstr(fields(ext.settings, ext.enabledImagetypes)))
  print('};')
  print('/* invalid files: id, text, 1 if PyRadiomics 3.0.1 rejects it too */')
  print('static const bad_text BAD_PY[] = {')
  for cid, text in BAD:
    print('    {%s, %s, %d},' % (cstr(cid), cstr(text).replace('\n', '\\n').replace('\t', '\\t'), pyrad_rejects(text)))
  print('};')
  print('/* paramSchema.yaml (in the same folder as the examples) is a schema, not a parameter file: '
        'PyRadiomics rejects it: %d */' % pyrad_rejects(open(os.path.join(SHARED, 'data/pyradiomics/params/paramSchema.yaml')).read()))


if __name__ == '__main__':
  main()
