#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Side by side: PyRadiomics and radx on the same cases and parameter files, in one run.

For every case and parameter file, runs PyRadiomics (bench/pyradiomics_ref.py, a whole Python
process) and `radx extract -f json` (a whole process, with 1 thread and with all cores),
alternating, `--repeat` times each, and prints the median wall times, the ratio, and the largest
relative difference between their features (every feature PyRadiomics reports).

    venv/bin/python bench/compare_pyradiomics.py --radx build/radx

runs PyRadiomics' defaults, the flagship (data/lung_ct_egfr_delta.yaml) and PyRadiomics' own
exampleCT.yaml (Original + LoG 1-5 mm + Wavelet, resampled to 1 mm) on both shipped cases;
--params and --case choose others.

Needs PyRadiomics importable by the interpreter that runs this script (a venv; see
bench/pyradiomics_ref.py).  Prints the machine (CPU model, cores) first.
"""
import argparse, json, math, os, platform, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_PARAMS = ['default', os.path.join(ROOT, 'data', 'lung_ct_egfr_delta.yaml'),
                  os.path.join(ROOT, 'data', 'pyradiomics', 'params', 'exampleCT.yaml')]
DEFAULT_CASES = [os.path.join(ROOT, 'data', 'pyradiomics', c + '_image.nrrd') + ':' +
                 os.path.join(ROOT, 'data', 'pyradiomics', c + '_label.nrrd') for c in ('brain1', 'breast1')]


def cpu_model():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'


def timed(cmd, env=None):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit('failed (%d): %s\n%s' % (r.returncode, ' '.join(cmd), r.stderr.decode()[-2000:]))
    return dt, r.stdout


def max_rel_diff(py, rx):
    worst, name, missing = 0.0, '-', 0
    for k, v in py.items():
        if k.startswith('diagnostics_'):
            continue
        if k not in rx:
            missing += 1
            continue
        a, b = v, rx[k]
        if a is None and b is None:
            continue
        if a is None or b is None:
            e = math.inf
        elif a == 0:
            e = 0.0 if abs(b) < 1e-12 else math.inf
        else:
            e = abs(1 - b / a)
        if e > worst:
            worst, name = e, k
    return worst, name, missing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--radx', required=True)
    ap.add_argument('--params', nargs='+', default=DEFAULT_PARAMS, help="parameter files; 'default' = no file")
    ap.add_argument('--case', action='append', help='IMAGE:MASK (default: brain1 and breast1)')
    ap.add_argument('--repeat', type=int, default=3)
    a = ap.parse_args()
    a.case = a.case or DEFAULT_CASES
    ncpu = os.cpu_count() or 1
    print('machine: %s, %d cores, %s; Python %s' % (cpu_model(), ncpu, platform.platform(), platform.python_version()))
    tmp = tempfile.mkdtemp(prefix='radx_cmp_')
    empty = os.path.join(tmp, 'default.yaml')
    with open(empty, 'w') as f:
        f.write('imageType:\n  Original: {}\n')
    totals = {'py': 0.0, 'r1': 0.0, 'rn': 0.0}
    print('%-10s %-24s %9s %9s %9s %8s %8s  %s' % ('case', 'params', 'PyRad s', 'radx-1 s', 'radx-%d s' % ncpu,
                                                   'x (1t)', 'x (%dt)' % ncpu, 'max rel diff (feature)'))
    for params in a.params:
        pfile = empty if params == 'default' else params
        for case in a.case:
            img, msk = case.split(':')
            pyout = os.path.join(tmp, 'py.json')
            t_py, t_r1, t_rn = [], [], []
            rxjson = None
            for _ in range(a.repeat):
                dt, _o = timed([sys.executable, os.path.join(HERE, 'pyradiomics_ref.py'), img, msk, pfile, pyout])
                t_py.append(dt)
                dt, out = timed([a.radx, 'extract', img, msk, '-p', pfile, '-f', 'json', '--device', 'cpu', '-j', '1'])
                t_r1.append(dt)
                rxjson = out
                dt, _o = timed([a.radx, 'extract', img, msk, '-p', pfile, '-f', 'json', '--device', 'cpu',
                                '-j', str(ncpu)])
                t_rn.append(dt)
            py = json.load(open(pyout))['features']
            rx = json.loads(rxjson)
            worst, name, missing = max_rel_diff(py, rx)
            mp, m1, mn = statistics.median(t_py), statistics.median(t_r1), statistics.median(t_rn)
            totals['py'] += mp
            totals['r1'] += m1
            totals['rn'] += mn
            print('%-10s %-24s %9.3f %9.3f %9.3f %8.1f %8.1f  %.2e (%s)%s' % (
                os.path.basename(img).split('_')[0], os.path.basename(params)[:24], mp, m1, mn, mp / m1, mp / mn,
                worst, name, ', %d missing in radx' % missing if missing else ''))
    print('%-10s %-24s %9.3f %9.3f %9.3f %8.1f %8.1f' % ('total', '', totals['py'], totals['r1'], totals['rn'],
                                                         totals['py'] / totals['r1'], totals['py'] / totals['rn']))


if __name__ == '__main__':
    main()
