# SPDX-License-Identifier: BSD-3-Clause
"""radx against PyRadiomics run now, in this process: the shipped cases (brain1, breast1) with
PyRadiomics' defaults, the flagship settings (data/lung_ct_egfr_delta.yaml: B-spline resampling,
LoG) and two example settings files of its own repository, unmodified (Original, LoG and Wavelet),
each through `radx extract -f json`.  Every feature PyRadiomics reports must be present in radx's
output and agree to 1e-9 relative (the stored references agree to about 1e-13; the margin covers
another PyRadiomics / SimpleITK / numpy build); printed per run: the largest relative difference
and where.

    python3 tests/test_pyradiomics_live.py RADX_CLI SOURCE_DIR

The interpreter is the one CTest runs it with: RADX_PYTHON from the environment when set at
configure time, else the Python 3 CMake finds.  Exits 77 (skipped) when PyRadiomics is not
importable there, saying so."""
import json
import logging
import math
import os
import subprocess
import sys
import tempfile

TOL = 1e-9


def main():
    radx, src = sys.argv[1], sys.argv[2]
    try:
        import radiomics
        from radiomics import featureextractor
    except ImportError as e:
        print('test_pyradiomics_live: PyRadiomics is not importable by %s (%s): skipped' % (sys.executable, e))
        return 77
    radiomics.setVerbosity(logging.ERROR)
    data = os.path.join(src, 'data')
    cases = [('brain1', 'pyradiomics/brain1_image.nrrd', 'pyradiomics/brain1_label.nrrd'),
             ('breast1', 'pyradiomics/breast1_image.nrrd', 'pyradiomics/breast1_label.nrrd')]
    tmp = tempfile.mkdtemp()
    params = [None, os.path.join(data, 'lung_ct_egfr_delta.yaml')]
    for name in ('exampleCT.yaml', 'exampleMR_3mm.yaml'):
        params.append(os.path.join(data, 'pyradiomics', 'params', name))
    failures = 0
    for case, image, mask in cases:
        image, mask = os.path.join(data, image), os.path.join(data, mask)
        for p in params:
            ex = featureextractor.RadiomicsFeatureExtractor(p) if p else featureextractor.RadiomicsFeatureExtractor()
            py = {k: float(v) for k, v in ex.execute(image, mask).items() if not k.startswith('diagnostics_')}
            cmd = [radx, 'extract', image, mask, '-f', 'json', '--device', 'cpu'] + (['-p', p] if p else [])
            run = subprocess.run(cmd, capture_output=True, text=True)
            label = '%s %s' % (case, os.path.basename(p) if p else 'defaults')
            if run.returncode != 0:
                print('FAIL %s: radx exited %d: %s' % (label, run.returncode, run.stderr.strip()))
                failures += 1
                continue
            rx = json.loads(run.stdout)
            worst, where, missing = 0.0, '-', []
            for k, a in py.items():
                if k not in rx:
                    missing.append(k)
                    continue
                b = rx[k]
                if math.isnan(a) and b is None:
                    continue
                e = math.inf if b is None else (abs(a - b) if a == 0 else abs(1 - b / a))
                if e > worst:
                    worst, where = e, k
            ok = not missing and worst <= TOL
            failures += not ok
            print('%s %s: %d features, largest relative difference %.3g (%s)%s' %
                  ('ok  ' if ok else 'FAIL', label, len(py), worst, where,
                   '; missing in radx: ' + ', '.join(missing[:5]) if missing else ''))
    failures += check_label_setting(radx, data, tmp, featureextractor)
    failures += check_log_left_out(radx, data, tmp, featureextractor)
    print('test_pyradiomics_live: %d failure(s)' % failures)
    return 1 if failures else 0


def check_label_setting(radx, data, tmp, featureextractor):
    """A mask whose ROI is label 2, extracted with label 2 (radx: --label 2): the features agree and
    diagnostics_Configuration_Settings is the same text as str() of PyRadiomics' (which writes the label it
    used)."""
    import SimpleITK as sitk
    image = os.path.join(data, 'pyradiomics', 'brain1_image.nrrd')
    m = sitk.ReadImage(os.path.join(data, 'pyradiomics', 'brain1_label.nrrd'))
    mask = os.path.join(tmp, 'brain1_label2.nrrd')
    sitk.WriteImage(m * 2, mask)
    ex = featureextractor.RadiomicsFeatureExtractor()
    ex.disableAllFeatures()
    ex.enableFeatureClassByName('firstorder')
    py = ex.execute(image, mask, label=2)
    params = os.path.join(tmp, 'firstorder.yaml')
    with open(params, 'w') as f:
        f.write('featureClass:\n  firstorder:\n')
    run = subprocess.run([radx, 'extract', image, mask, '-f', 'json', '--device', 'cpu', '--label', '2', '-p', params],
                         capture_output=True, text=True)
    rx = json.loads(run.stdout) if run.returncode == 0 else {}
    key = 'diagnostics_Configuration_Settings'
    ok = run.returncode == 0 and rx.get(key) == str(py[key]) and \
        rx.get('original_firstorder_Mean') == float(py['original_firstorder_Mean'])
    print('%s brain1 --label 2: %s same as PyRadiomics%s' % ('ok  ' if ok else 'FAIL', key,
                                                              '' if ok else ': %r / %r' % (rx.get(key), py[key])))
    return 0 if ok else 1


def check_log_left_out(radx, data, tmp, featureextractor):
    """LoG sigma 1 and 500 mm on brain1: PyRadiomics warns and leaves sigma 500 out; radx must give
    the same feature names (and values), exit 0, and a warning."""
    params = os.path.join(tmp, 'log_left_out.yaml')
    with open(params, 'w') as f:
        f.write('imageType:\n  Original: {}\n  LoG:\n    sigma: [1.0, 500.0]\nfeatureClass:\n  firstorder:\n')
    image = os.path.join(data, 'pyradiomics', 'brain1_image.nrrd')
    mask = os.path.join(data, 'pyradiomics', 'brain1_label.nrrd')
    py = {k: float(v) for k, v in featureextractor.RadiomicsFeatureExtractor(params).execute(image, mask).items()
          if not k.startswith('diagnostics_')}
    run = subprocess.run([radx, 'extract', image, mask, '-f', 'json', '--device', 'cpu', '-p', params],
                         capture_output=True, text=True)
    rx = {k: v for k, v in json.loads(run.stdout).items() if not k.startswith('diagnostics_')} if not run.returncode else {}
    worst = max((abs(1 - rx[k] / a) if a else abs(rx[k]) for k, a in py.items() if k in rx), default=math.inf)
    ok = run.returncode == 0 and set(py) == set(rx) and worst <= TOL and 'warning' in run.stderr
    print('%s brain1 LoG sigma [1, 500]: %d features (PyRadiomics %d), largest relative difference %.3g%s' %
          ('ok  ' if ok else 'FAIL', len(rx), len(py), worst, '' if ok else '; stderr: ' + run.stderr.strip()))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
