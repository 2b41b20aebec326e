#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# radx against pictologics (PyPI, numba) on IBSI-1 configuration D (the CT phantom), side by side
# on one machine in one run: median wall seconds of (a) `radx extract -p data/ibsi1/config_D.yaml`
# as a whole process, (b) pictologics as a whole process (a fresh Python per run: import, the
# configuration D pipeline, the features as JSON on stdout; its first process is reported apart,
# as it compiles the numba kernels when numba's on-disk cache is cold) and (c) pictologics in
# process (imported once, one warm-up call, then timed calls of RadiomicsPipeline.run).
#
#     python3 -m venv /tmp/pictovenv && /tmp/pictovenv/bin/pip install pictologics
#     python3 bench/ibsi_peers.py --radx build/radx --python /tmp/pictovenv/bin/python --runs 5
#
# The driver is plain Python (standard library); the pictologics side runs in the interpreter
# given by --python, as a helper mode of this script (--worker). --cold gives pictologics a fresh,
# empty numba cache, so that its first process includes the whole compilation (minutes).
"""Times radx and pictologics on IBSI-1 configuration D (CT phantom); see the comment above.

Prints the machine first, then a markdown table (tool, mode, median seconds, ratio to the radx
whole process) and, unless --no-check, how many of each tool's values of the last run lie within
the tolerance of the IBSI-1 reference values of configuration D.
"""
import argparse, csv, datetime, json, os, platform, re, shutil, statistics, sys
import tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PHANTOM = os.path.join(ROOT, '..', 'shared', 'data', 'ibsi1', 'ct_phantom', 'nifti')
DEFAULT_IMAGE = os.path.join(PHANTOM, 'image', 'phantom.nii.gz')
DEFAULT_MASK = os.path.join(PHANTOM, 'mask', 'mask.nii.gz')
DEFAULT_PARAMS = os.path.join(ROOT, 'data', 'ibsi1', 'config_D.yaml')
REFERENCE = os.path.join(ROOT, 'data', 'ibsi1', 'reference_values', 'ibsi1_manual_reference_values.csv')

# pictologics' configuration D: the recipe of its IBSI-1 compliance page (docs/ibsi1_compliance.md:
# binarise, resample 2 mm linear with rounding, largest component of the morphological mask,
# 3-sigma outliers, FBN 32, the IVH on the rounded HU), with two settings spelled out that the
# page leaves to the defaults, which 0.9.0 changed: the mask is resampled trilinearly and cut at
# 0.5 (the default is now nearest neighbour), and the outlier filter acts on the intensity mask
# only (the default is now both masks). Without them morphology misses IBSI's values (volume
# 3.49e5 / 3.55e5 mm^3 against 3.67e5). GLCM and GLRLM: pictologics computes the 3D merged
# matrices only. Distances 1 and NGLDM coarseness 0 are its defaults.
PICTOLOGICS_CONFIG_D = [
    {'step': 'binarize_mask', 'params': {'threshold': 0.5}},
    {'step': 'resample', 'params': {'new_spacing': (2.0, 2.0, 2.0), 'interpolation': 'linear',
                                    'round_intensities': True, 'mask_interpolation': 'linear',
                                    'mask_threshold': 0.5}},
    {'step': 'keep_largest_component', 'params': {'apply_to': 'morph'}},
    {'step': 'filter_outliers', 'params': {'sigma': 3.0, 'apply_to': 'intensity'}},
    {'step': 'discretise', 'params': {'method': 'FBN', 'n_bins': 32}},
    {'step': 'extract_features', 'params': {
        'families': ['intensity', 'morphology', 'texture', 'histogram', 'ivh'],
        'include_spatial_intensity': True, 'include_local_intensity': True,
        'ivh_use_continuous': True}},
]


# ---------------------------------------------------------------------------------------------
# worker: runs in the --python interpreter, imports pictologics

def numba_cache_files(pkg_dir):
    """Number of numba cache files (index and data) where this process's numba keeps them."""
    base = os.environ.get('NUMBA_CACHE_DIR') or pkg_dir
    n = 0
    for _, _, files in os.walk(base or '.'):
        n += sum(f.endswith(('.nbi', '.nbc')) for f in files)
    return n


def worker(args):
    import importlib.util
    t_start = time.perf_counter()
    spec = importlib.util.find_spec('pictologics')
    if spec is None:
        sys.exit('pictologics is not importable by %s' % sys.executable)
    pkg_dir = list(spec.submodule_search_locations)[0]
    cache_before = numba_cache_files(pkg_dir)
    t0 = time.perf_counter()
    import warnings
    warnings.simplefilter('ignore')
    import numba
    import pictologics
    from pictologics import RadiomicsPipeline
    t_import = time.perf_counter() - t0

    def once():
        pipeline = RadiomicsPipeline()
        pipeline.add_config('ibsi1_config_d', PICTOLOGICS_CONFIG_D)
        result = pipeline.run(args.image, args.mask, config_names=['ibsi1_config_d'])
        return result['ibsi1_config_d']

    info = {'version': pictologics.__version__, 'numba': numba.__version__,
            'python': platform.python_version(), 'threads': pictologics.get_num_threads(),
            'import_s': t_import, 'cache_before': cache_before}
    if args.worker == 'once':
        t0 = time.perf_counter()
        series = once()
        info['run_s'] = time.perf_counter() - t0
        info['features'] = {k: (None if v != v else float(v)) for k, v in series.items()}
        info['cache_after'] = numba_cache_files(pkg_dir)
        info['process_s'] = time.perf_counter() - t_start
    else:  # loop: one warm-up call, then args.runs timed calls
        t0 = time.perf_counter()
        once()
        info['warmup_s'] = time.perf_counter() - t0
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            once()
            times.append(time.perf_counter() - t0)
        info['times'] = times
    json.dump(info, sys.stdout)


# ---------------------------------------------------------------------------------------------
# driver: standard library only

from compare_pyradiomics import cpu_model, timed as run  # noqa: E402 (bench/, beside this script)


def print_tolerance(text):
    """Half a unit of the last printed digit of a reference value like '0.0411' or '1.49e3'."""
    mant, _, exp = text.lower().partition('e')
    frac = len(mant.split('.', 1)[1]) if '.' in mant else 0
    return 0.5 * 10.0 ** ((int(exp) if exp else 0) - frac)


def check(rows, values, key_of):
    """(within, compared, absent) for the reference rows; key_of(row) -> key or None (skip)."""
    within = compared = absent = 0
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        if values.get(key) is None:
            absent += 1
            continue
        want = float(row['value'])
        tol = max(float(row['tolerance'] or 0), print_tolerance(row['value']))
        compared += 1
        within += abs(values[key] - want) <= tol * (1 + 1e-9)
    return within, compared, absent


def pictologics_key(row):
    """pictologics' features end in their IBSI code (IVH: _10/_90); its GLCM and GLRLM are the
    3D merged ones. Two codes of the reference table differ from pictologics': the 10th
    percentile of the intensity histogram (1PR8 there, 1PR here) and GLSZM small zone emphasis
    (5QRC there, P001 here)."""
    if row['aggregation'] == '3D, averaged':
        return None
    code = {'Fih.P10': '1PR', 'Fszm.sze': 'P001'}.get(row['tag'], row['ibsi_id'])
    m = re.search(r'(10|90)$', row['tag'])
    if row['ibsi_id'] in ('BC2M', 'GBPN') and m:
        code += '_' + m.group(1)
    return code


def by_code(features):
    out = {}
    for k, v in features.items():
        m = re.search(r'_([A-Z0-9]{3,4}(?:_\d+)?)$', k)
        if m:
            out[m.group(1)] = v
    return out


def resolve(path):
    if os.path.isabs(path) or os.path.exists(path):
        return path
    return os.path.join(ROOT, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--radx', default='build/radx', help='radx CLI (default build/radx)')
    ap.add_argument('--python', default=sys.executable,
                    help='interpreter with pictologics installed (default: this one)')
    ap.add_argument('--runs', type=int, default=5, help='timed runs of each mode (default 5)')
    ap.add_argument('--image', default=DEFAULT_IMAGE, help='CT phantom image (IBSI-1 PAT1)')
    ap.add_argument('--mask', default=DEFAULT_MASK, help='CT phantom mask')
    ap.add_argument('--params', default=DEFAULT_PARAMS, help='radx parameter file (configuration D)')
    ap.add_argument('--jobs', type=int, default=os.cpu_count(),
                    help='threads of both tools: radx -j, PICTOLOGICS_NUM_THREADS (default: all cores)')
    ap.add_argument('--cold', action='store_true',
                    help="give pictologics a fresh, empty numba cache (its first process then compiles)")
    ap.add_argument('--numba-cache', help="numba's cache folder (NUMBA_CACHE_DIR) for pictologics; "
                    "default numba's own (beside pictologics' sources)")
    ap.add_argument('--no-check', action='store_true', help='skip the comparison with IBSI values')
    ap.add_argument('--worker', choices=['once', 'loop'], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)

    radx, params = resolve(args.radx), resolve(args.params)
    image, mask = os.path.abspath(args.image), os.path.abspath(args.mask)
    for p in (radx, params, image, mask):
        if not os.path.exists(p):
            sys.exit('not found: %s' % p)

    env = dict(os.environ, PICTOLOGICS_NUM_THREADS=str(args.jobs))
    tmp_cache = None
    if args.cold:
        tmp_cache = tempfile.mkdtemp(prefix='ibsi_peers_numba_')
        env['NUMBA_CACHE_DIR'] = tmp_cache
    elif args.numba_cache:
        env['NUMBA_CACHE_DIR'] = os.path.abspath(args.numba_cache)

    radx_version = run([radx, '--version'])[1].decode().strip() or 'radx'
    radx_cmd = [radx, 'extract', image, mask, '-p', params, '--names', 'ibsi', '-f', 'json',
                '-j', str(args.jobs)]
    picto_cmd = [args.python, os.path.abspath(__file__), '--image', image, '--mask', mask]

    print('machine: %s, %d cores (nproc), %s %s; %s' % (
        cpu_model(), os.cpu_count(), platform.system(), platform.release(),
        datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')))
    print('case: %s / %s; %d timed runs per mode; %d threads each' % (
        os.path.relpath(image, ROOT), os.path.relpath(mask, ROOT), args.runs, args.jobs))
    sys.stdout.flush()

    try:
        # pictologics' first process: compiles the numba kernels if their cache is cold
        first_s, out = run(picto_cmd + ['--worker', 'once'], env)
        first = json.loads(out)
        compiled = first['cache_after'] - first['cache_before']
        print('pictologics %s (numba %s, Python %s, %d threads); numba cache: %s' % (
            first['version'], first['numba'], first['python'], first['threads'],
            env.get('NUMBA_CACHE_DIR', "numba's default, beside pictologics' sources")))
        print('first pictologics process: %.2f s (import %.2f s), %s' % (
            first_s, first['import_s'],
            'compiled: %d new numba cache files' % compiled if compiled > 0 else
            'numba cache already warm (no new cache files)'))
        sys.stdout.flush()

        run(radx_cmd)  # one untimed radx run: page cache, same footing as pictologics' first
        radx_t, picto_t, picto_import = [], [], []
        radx_out = picto = None
        for _ in range(args.runs):  # alternating, so that drift hits both alike
            dt, radx_out = run(radx_cmd)
            radx_t.append(dt)
            dt, out = run(picto_cmd + ['--worker', 'once'], env)
            picto_t.append(dt)
            picto = json.loads(out)
            picto_import.append(picto['import_s'])
        _, out = run(picto_cmd + ['--worker', 'loop', '--runs', str(args.runs)], env)
        loop = json.loads(out)
    finally:
        if tmp_cache:
            shutil.rmtree(tmp_cache, ignore_errors=True)

    base = statistics.median(radx_t)
    rows = [
        (radx_version, 'whole process (`radx extract -j %d`)' % args.jobs, base),
        ('pictologics %s' % first['version'],
         'whole process, first run (%s)' % ('numba compile' if compiled > 0 else 'numba cache warm'),
         first_s),
        ('pictologics %s' % first['version'], 'whole process (numba cache warm)',
         statistics.median(picto_t)),
        ('pictologics %s' % first['version'], 'in process (`RadiomicsPipeline.run`, after 1 warm-up)',
         statistics.median(loop['times'])),
    ]
    print()
    print('| tool | mode | median s | ratio to radx whole process |')
    print('|---|---|---:|---:|')
    for tool, mode, t in rows:
        shown = '%.3f' % t if 'first run' not in mode else '%.3f (1 run)' % t
        print('| %s | %s | %s | %.2f |' % (tool, mode, shown, t / base))
    print()
    print('pictologics whole process: import (its numba warm-up from the cache) median %.2f s; '
          'in process: warm-up call %.3f s' % (statistics.median(picto_import), loop['warmup_s']))

    if not args.no_check:
        radx_values = json.loads(radx_out)
        picto_values = by_code(picto['features'])
        with open(REFERENCE, newline='') as f:
            ref = [r for r in csv.DictReader(f) if r['data'] == 'config. D']
        rk = lambda r: r['tag'] + ('|' + r['aggregation'] if r['aggregation'] else '')
        w, c, a = check(ref, radx_values, rk)
        print('IBSI-1 config. D reference (%d values): radx %d features, %d of %d within tolerance'
              '%s' % (len(ref), len(radx_values), w, c, ', %d absent' % a if a else ''))
        w, c, a = check(ref, picto_values, pictologics_key)
        n_avg = sum(r['aggregation'] == '3D, averaged' for r in ref)
        print('  pictologics %d features, %d of %d within tolerance%s (its GLCM/GLRLM are 3D merged: '
              'the %d "3D, averaged" values are not computed)' % (
                  len(picto['features']), w, c, ', %d absent' % a if a else '', n_avg))


if __name__ == '__main__':
    main()
