# SPDX-License-Identifier: BSD-3-Clause
"""The Python package (python/radx) against the CLI and PyRadiomics' stored output.

- Every shipped case with every example parameter file: the Python API's features equal the
  CLI's (`radx extract -f json`) bit for bit, with the same keys in the same order.
- The same against PyRadiomics 3.0.1's output stored in data/pyradiomics/reference (1e-6
  relative for the original image, 1e-4 for filtered ones), key by key in PyRadiomics' order.
- Inputs as paths, SimpleITK images and numpy arrays give the same features; voxelBased=True
  gives PyRadiomics' maps (data/pyradiomics/voxel_ref); threads; pickling; every error class.

Environment: RADX_SOURCE_DIR (the project) and RADX_CLI (the radx program), which CTest sets
(tests/python/run_pytest.py); the package is the one Python imports (PYTHONPATH=python with
RADX_LIBRARY for the build tree's library, or an installed one)."""
import concurrent.futures
import gzip
import json
import math
import os
import pickle
import subprocess

import re

import numpy
import pytest

import radx

SRC = os.environ.get('RADX_SOURCE_DIR', os.path.join(os.path.dirname(__file__), '..', '..'))
CLI = os.environ.get('RADX_CLI', 'radx')
DATA = os.path.join(SRC, 'data', 'pyradiomics')
CASES = ['brain1', 'breast1']
_FEATURE_RE = re.compile(r'^[^_]+_(firstorder|glcm|gldm|glrlm|glszm|ngtdm|shape|shape2D)_.+$')
EXAMPLES = ['exampleCT', 'exampleMR_3mm', 'exampleMR_5mm', 'exampleMR_NoResampling', 'MR_2D_extraction', 'Params',
            'example_allShape', 'exampleVoxel']


def case_files(case, example=None):
    mask = '_label_2D' if example == 'MR_2D_extraction' else '_label'
    return os.path.join(DATA, case + '_image.nrrd'), os.path.join(DATA, case + mask + '.nrrd')


def params_path(example):
    return os.path.join(DATA, 'params', example + '.yaml')


def same(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def cli_json(img, msk, params):
    out = subprocess.run([CLI, 'extract', img, msk, '-p', params, '-f', 'json', '--device', 'cpu'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return json.loads(out.stdout, object_pairs_hook=list)


@pytest.mark.parametrize('case', CASES)
@pytest.mark.parametrize('example', EXAMPLES)
def test_python_equals_cli(case, example):
    img, msk = case_files(case, example)
    py = radx.RadiomicsFeatureExtractor(params_path(example), device='cpu').execute(img, msk)
    cli = cli_json(img, msk, params_path(example))
    assert [k for k, _ in cli] == list(py), 'keys or their order differ'
    differ = [k for k, v in cli if not isinstance(v, str) and not same(float(py[k]), float(v))]
    assert not differ, 'not bit-identical: %s' % differ[:5]
    for k, v in py.items():
        assert isinstance(v, str if k.startswith('diagnostics_Versions') else object)
        if not k.startswith('diagnostics_'):
            assert type(v) is numpy.float64, k


@pytest.mark.parametrize('case', CASES)
@pytest.mark.parametrize('example', EXAMPLES)
def test_python_equals_pyradiomics(case, example):
    ref_path = os.path.join(DATA, 'reference', '%s_ex_%s.json' % (case, example))
    ref = json.load(open(ref_path))['features']
    img, msk = case_files(case, example)
    py = radx.RadiomicsFeatureExtractor(params_path(example)).execute(img, msk)
    ref_keys = [k for k in ref if not k.startswith('diagnostics_Versions')]
    py_keys = [k for k in py if not k.startswith('diagnostics_Versions')]
    assert py_keys == ref_keys
    worst = 0.0
    for k in ref_keys:
        if k.startswith('diagnostics_'):
            assert str(py[k]) == ref[k], k
            continue
        r, v = ref[k], float(py[k])
        if r is None:
            assert math.isnan(v), k
            continue
        e = abs(v - r) / abs(r) if r else abs(v)
        assert e <= (1e-6 if k.startswith('original_') else 1e-4), (k, v, r)
        worst = max(worst, e)
    print('%s %s: %d values, largest relative error %.2e' % (case, example, len(ref_keys), worst))


def test_inputs_paths_sitk_arrays():
    img, msk = case_files('breast1')
    ex = radx.RadiomicsFeatureExtractor(os.path.join(SRC, 'data', 'lung_ct_egfr_delta.yaml'))
    ref = ex.execute(img, msk)
    sitk = pytest.importorskip('SimpleITK')
    im, mk = sitk.ReadImage(img), sitk.ReadImage(msk)
    from_sitk = ex.execute(im, mk)
    arrays = ex.execute(radx.Image(sitk.GetArrayFromImage(im), im.GetSpacing(), im.GetOrigin(), im.GetDirection()),
                        radx.Image(sitk.GetArrayFromImage(mk), mk.GetSpacing(), mk.GetOrigin(), mk.GetDirection()))
    for other in (from_sitk, arrays):
        assert [k for k in other if not k.endswith('_Hash')] == [k for k in ref if not k.endswith('_Hash')]
        assert all(same(float(ref[k]), float(other[k])) for k in ref if not k.startswith('diagnostics_'))


def test_voxel_based_maps():
    sitk = pytest.importorskip('SimpleITK')
    ref_dir = os.path.join(DATA, 'voxel_ref')
    manifest = open(os.path.join(ref_dir, 'manifest.txt')).read().split('\n')
    at = manifest.index(next(line for line in manifest if line.startswith('config r1_masked ')))
    nroi, nfeat = map(int, manifest[at].split()[2:4])
    names = [line.split()[1] for line in manifest[at + 1:at + 1 + nfeat]]
    ref = numpy.frombuffer(gzip.open(os.path.join(ref_dir, 'r1_masked.f64.gz')).read(), '<f8').reshape(nfeat, nroi)
    img, msk = case_files('breast1')
    ex = radx.RadiomicsFeatureExtractor(os.path.join(ref_dir, 'r1_masked.yaml'))
    result = ex.execute(img, msk, voxelBased=True)
    maps = {k: v for k, v in result.items() if not k.startswith('diagnostics_')}
    assert list(maps) == names
    diag = {k: v for k, v in result.items() if k.startswith('diagnostics_')}
    segment = {k: v for k, v in ex.execute(img, msk).items() if k.startswith('diagnostics_')}
    assert list(diag) == list(segment) and diag['diagnostics_Configuration_Settings']['voxelBased'] is True
    try:
        import radiomics
        from radiomics import featureextractor
        radiomics.setVerbosity(40)
        theirs = featureextractor.RadiomicsFeatureExtractor(os.path.join(ref_dir, 'r1_masked.yaml')).execute(
            img, msk, voxelBased=True)
        assert [str(diag[k]) for k in diag if 'Versions' not in k] == \
            [str(v) for k, v in theirs.items() if k.startswith('diagnostics_') and 'Versions' not in k]
    except ImportError:
        pass
    roi = numpy.where(sitk.GetArrayFromImage(sitk.ReadImage(msk)) == 1)
    worst = 0.0
    for i, name in enumerate(names):
        got = sitk.GetArrayFromImage(maps[name])[roi].astype(numpy.float64)
        ok = ~numpy.isnan(ref[i])
        assert numpy.array_equal(numpy.isnan(got), ~ok), name
        den = numpy.where(ref[i][ok] != 0, numpy.abs(ref[i][ok]), 1.0)
        worst = max(worst, float(numpy.max(numpy.abs(got[ok] - ref[i][ok]) / den)) if ok.any() else 0.0)
    assert worst <= 1e-6
    print('voxel maps: %d features x %d voxels, largest relative error %.2e (float32 maps)' % (nfeat, nroi, worst))


def test_threads_and_pickle():
    ex = radx.RadiomicsFeatureExtractor(binWidth=10)
    jobs = [case_files(c) for c in CASES * 4]
    seq = [ex.execute(*j) for j in jobs]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        par = list(pool.map(lambda j: ex.execute(*j), jobs))
    for a, b in zip(seq, par):
        assert all(same(float(a[k]), float(b[k])) for k in a if not k.startswith('diagnostics_'))
    ex2 = pickle.loads(pickle.dumps(ex))
    assert ex2.settings == ex.settings and ex2.enabledFeatures == ex.enabledFeatures
    again = ex2.execute(*jobs[0])
    assert all(same(float(seq[0][k]), float(again[k])) for k in again if not k.startswith('diagnostics_'))


def test_pyradiomics_methods():
    ex = radx.RadiomicsFeatureExtractor()
    ex.disableAllFeatures()
    ex.enableFeaturesByName(glcm=['Contrast', 'Idmn'], firstorder=[])
    ex.disableAllImageTypes()
    ex.enableImageTypeByName('Wavelet', customArgs={'wavelet': 'haar'})
    ex.enableImageTypes(LoG={'sigma': [2.0]})
    ex.addProvenance(False)
    r = ex.execute(*case_files('brain1'))
    assert not any(k.startswith('diagnostics_') for k in r)
    assert {k.split('_')[1] for k in r} == {'glcm', 'firstorder'}
    assert {k.split('_')[0] for k in r} == {'wavelet-LLH', 'wavelet-LHL', 'wavelet-LHH', 'wavelet-HLL', 'wavelet-HLH',
                                            'wavelet-HHL', 'wavelet-HHH', 'wavelet-LLL', 'log-sigma-2-0-mm-3D'}
    ex2 = radx.RadiomicsFeatureExtractor()
    ex2.enableImageTypeByName('LoG')  # no sigma: PyRadiomics computes nothing for it, and says it is enabled
    r2 = ex2.execute(*case_files('breast1'))
    assert not any(k.startswith('log-') for k in r2)
    assert r2['diagnostics_Configuration_EnabledImageTypes'] == {'Original': {}, 'LoG': {}}
    ex.loadJSONParams('{"setting": {"binWidth": 5}, "imageType": {"Original": {}}}')
    assert ex.settings['binWidth'] == 5 and ex.enabledImagetypes == {'Original': {}}


def test_errors():
    img, msk = case_files('breast1')
    with pytest.raises(FileNotFoundError):
        radx.RadiomicsFeatureExtractor().execute(img + '.missing', msk)
    with pytest.raises(IOError):
        radx.RadiomicsFeatureExtractor('/nonexistent/params.yaml')
    with pytest.raises(ValueError, match='binWidth'):
        radx.RadiomicsFeatureExtractor({'setting': {'binWidth': -1}})
    with pytest.raises(ValueError, match='notASetting'):
        radx.RadiomicsFeatureExtractor(notASetting=1).execute(img, msk)
    with pytest.raises(ValueError, match='label'):
        radx.RadiomicsFeatureExtractor().execute(img, msk, label=7)
    with pytest.raises(RuntimeError, match='sitkGaussian') as e:
        radx.RadiomicsFeatureExtractor(resampledPixelSpacing=[1, 1, 1], interpolator='sitkGaussian').execute(img, msk)
    assert isinstance(e.value, radx.RadxError) and not isinstance(e.value, ValueError)
    with pytest.raises(ValueError):
        radx.RadiomicsFeatureExtractor().execute(42, msk)


def run_example(import_line, python_path):
    """tests/python/pyradiomics_example.py with its import line replaced; its features."""
    src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'pyradiomics_example.py')).read()
    old = 'from radiomics.featureextractor import RadiomicsFeatureExtractor'
    assert src.count(old) == 1
    img, msk = case_files('brain1')
    code = src.replace(old, import_line)
    env = dict(os.environ, PYTHONPATH=python_path) if python_path else dict(os.environ)
    out = subprocess.run([os.environ.get('RADX_TEST_PYTHON', 'python3'), '-c', code, img, msk,
                          params_path('exampleMR_5mm')], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         check=True, universal_newlines=True).stdout
    return dict(line.strip().split(': ', 1) for line in out.splitlines() if line.startswith('\t'))


def test_example_script():
    pytest.importorskip('SimpleITK')
    os.environ.setdefault('RADX_TEST_PYTHON', __import__('sys').executable)
    mine = run_example('from radx import RadiomicsFeatureExtractor', os.environ.get('PYTHONPATH'))
    assert len(mine) > 100 and any(k.startswith('log-sigma-3-0-mm-3D_glcm_') for k in mine)
    try:
        import radiomics  # noqa: F401
    except ImportError:
        pytest.skip('PyRadiomics is not importable: the radx run only')
    theirs = run_example('from radiomics.featureextractor import RadiomicsFeatureExtractor', None)
    assert list(mine) == list(theirs)
    for k, v in theirs.items():
        r, x = float(v), float(mine[k])
        e = abs(x - r) / abs(r) if r else abs(x)
        assert e <= (1e-6 if k.startswith('original_') else 1e-4), (k, x, r)


def cohort(tmp_path):
    """A cohort CSV (relative paths, a Label column, an ID) with one case that fails."""
    rel = os.path.relpath(DATA, str(tmp_path))
    path = tmp_path / 'cohort.csv'
    rows = ['ID,Image,Mask,Label']
    for i, c in enumerate(CASES * 2):
        rows.append('%d,%s/%s_image.nrrd,%s/%s_label.nrrd,1' % (i, rel, c, rel, c))
    rows.append('9,%s/missing_image.nrrd,%s/brain1_label.nrrd,1' % (rel, rel))
    path.write_text('\n'.join(rows) + '\n')
    return path


def read_csv_rows(path):
    import csv
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def test_extract_batch_equals_cli(tmp_path):
    pandas = pytest.importorskip('pandas')
    path = cohort(tmp_path)
    params = params_path('exampleMR_5mm')
    with pytest.warns(UserWarning, match='row 5'):
        df = radx.extract_batch(str(path), params, jobs=2, device='cpu')
    assert isinstance(df, pandas.DataFrame) and len(df) == 4 and df.attrs['errors'][0][0] == 5
    out = tmp_path / 'out.csv'
    run = subprocess.run([CLI, 'batch', str(path), '-o', str(out), '-p', params, '--device', 'cpu', '-j', '2'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.returncode == 1  # one case failed
    cli = read_csv_rows(out)
    assert list(cli[0]) == list(df.columns)
    for r, (_, p) in zip(cli, df.iterrows()):
        for k, v in r.items():
            if _FEATURE_RE.match(k):
                assert same(float(v), float(p[k])), k
    with pytest.raises(FileNotFoundError):
        radx.extract_batch(str(path), params, on_error='raise')


def test_delta_equals_cli(tmp_path):
    pytest.importorskip('pandas')
    path = cohort(tmp_path)
    a, b = tmp_path / 'a.csv', tmp_path / 'b.csv'
    for out, bw in ((a, '25'), (b, '20')):
        subprocess.run([CLI, 'batch', str(path), '-o', str(out), '-s', 'binWidth:' + bw, '--device', 'cpu'],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for relative in (False, True):
        d = tmp_path / ('d%d.csv' % relative)
        subprocess.run([CLI, 'delta', '--baseline', str(a), '--followup', str(b), '--id', 'ID', '-o', str(d)] +
                       (['--relative'] if relative else []), check=True, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
        mine = radx.delta(str(a), str(b), 'ID', relative=relative)
        cli = read_csv_rows(d)
        assert list(cli[0]) == list(mine.columns) and len(cli) == len(mine) == 4
        for r, (_, p) in zip(cli, mine.iterrows()):
            assert all(same(float(v), float(p[k])) for k, v in r.items() if k != 'ID' and v != '')
    with pytest.raises(ValueError, match='no column'):
        radx.delta(str(a), str(b), 'NoSuchID')


def test_dask_cohort():
    """The package README's Dask example, on a local cluster of two worker processes (the
    extractor travels pickled)."""
    pytest.importorskip('dask.bag')
    distributed = pytest.importorskip('distributed')
    ex = radx.RadiomicsFeatureExtractor(binWidth=25)
    cases = [case_files(c) for c in CASES]
    with distributed.Client(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None) as client:
        futures = client.map(lambda case: ex.execute(*case), cases)
        results = client.gather(futures)
    for case, r in zip(cases, results):
        direct = ex.execute(*case)
        assert all(same(float(direct[k]), float(r[k])) for k in direct if not k.startswith('diagnostics_'))


def test_versions_agree():
    out = subprocess.run([CLI, '--version'], stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    assert out.split() == ['radx', radx.__version__]
    r = radx.RadiomicsFeatureExtractor().execute(*case_files('breast1'))
    assert r['diagnostics_Versions_radx'] == radx.__version__


def test_voxel_settings_with_overrides():
    """Voxel settings (kept in settings, as PyRadiomics keeps them) go back under voxelSetting."""
    img, msk = case_files('breast1')
    ex = radx.RadiomicsFeatureExtractor(params_path('exampleVoxel'), binWidth=10)
    assert ex.settings['kernelRadius'] == 2 and ex.settings['binWidth'] == 10
    r = ex.execute(img, msk)
    assert 'original_glcm_JointEntropy' in r
    ex2 = radx.RadiomicsFeatureExtractor(kernelRadius=1)
    assert 'original_glcm_Contrast' in ex2.execute(img, msk)


def test_disable_all_as_pyradiomics():
    """disableAllFeatures / disableAllImageTypes mean none (a parameter file's empty section means all)."""
    img, msk = case_files('breast1')
    ex = radx.RadiomicsFeatureExtractor()
    ex.disableAllFeatures()
    r = ex.execute(img, msk)
    assert not [k for k in r if not k.startswith('diagnostics_')]
    ex = radx.RadiomicsFeatureExtractor()
    ex.disableAllImageTypes()
    r = ex.execute(img, msk)
    feats = [k for k in r if not k.startswith('diagnostics_')]
    assert feats and all(k.startswith('original_shape_') for k in feats)  # PyRadiomics: shape only
    assert r['diagnostics_Configuration_EnabledImageTypes'] == {}


def test_parameter_file_read_once(tmp_path):
    """The extractor holds the file's settings: a later edit, or another working folder, changes nothing."""
    import shutil
    src = tmp_path / 'p.yaml'
    shutil.copy(params_path('Params'), str(src))
    img, msk = (os.path.abspath(p) for p in case_files('breast1'))
    cwd = os.getcwd()
    os.chdir(str(tmp_path))
    try:
        ex = radx.RadiomicsFeatureExtractor('p.yaml')
        before = ex.execute(img, msk)
        src.write_text('imageType:\n  Original: {}\nfeatureClass:\n  firstorder:\n')
        os.chdir(cwd)
        after = ex.execute(img, msk)
    finally:
        os.chdir(cwd)
    assert list(before) == list(after)


def _fork_child(q, img, msk):
    q.put(float(radx.RadiomicsFeatureExtractor().execute(img, msk)['original_firstorder_Mean']))


def test_fork_after_threads():
    """A fork child of a process that extracted with threads extracts (with one thread)."""
    import multiprocessing
    img, msk = case_files('brain1')
    mean = float(radx.RadiomicsFeatureExtractor(threads=2).execute(img, msk)['original_firstorder_Mean'])
    ctx = multiprocessing.get_context('fork')
    q = ctx.Queue()
    p = ctx.Process(target=_fork_child, args=(q, img, msk))
    p.start()
    p.join(120)
    assert p.exitcode == 0, 'the fork child hung or failed'
    assert q.get(timeout=5) == mean


def test_delta_ids_are_text(tmp_path):
    pytest.importorskip('pandas')
    f = 'original_firstorder_Mean'
    (tmp_path / 'a.csv').write_text('ID,%s\n007,1.0\n8,2.0\n' % f)
    (tmp_path / 'b.csv').write_text('ID,%s\n7,5.0\n8,3.5\n' % f)
    with pytest.warns(UserWarning, match='one table only'):
        d = radx.delta(str(tmp_path / 'a.csv'), str(tmp_path / 'b.csv'), 'ID')
    assert list(d['ID']) == ['8'] and list(d[f]) == [1.5]


def test_ibsi_names_and_classes():
    """names='ibsi' gives the IBSI-keyed features of `radx extract --names ibsi`, bit for bit; the
    IBSI classes are enabled by name only; the digital phantom's values meet the manual's."""
    phantom = os.path.join(SRC, 'data', 'ibsi1', 'digital_phantom')
    img, msk = os.path.join(phantom, 'image.nii.gz'), os.path.join(phantom, 'mask.nii.gz')
    params = os.path.join(SRC, 'data', 'ibsi1', 'digital_phantom.yaml')
    got = radx.RadiomicsFeatureExtractor(params).execute(img, msk, names='ibsi')
    out = subprocess.run([CLI, 'extract', img, msk, '-p', params, '--names', 'ibsi', '-f', 'json', '--device', 'cpu'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    want = json.loads(out.stdout)
    assert list(got) == list(want) and len(got) == 482
    assert all(float(repr(got[k])) == want[k] for k in want)
    assert abs(got['Fcm.joint.max|2D, averaged'] - 0.519) <= 0.0005  # the manual's value, 3 digits
    assert abs(got['Fdzm.sde|3D'] - 1.0) <= 0.0005 and abs(got['Fmorph.vol'] - 556) <= 0.5
    ex = radx.RadiomicsFeatureExtractor()
    ex.enableAllFeatures()
    assert 'gldzm' not in ex.enabledFeatures
    ex.disableAllFeatures()
    ex.enableFeatureClassByName('ngldm')
    res = ex.execute(img, msk, label=1)
    assert 'original_ngldm_DependenceCountEnergy' in res
    with pytest.raises(ValueError):
        ex.execute(img, msk, names='tags')
