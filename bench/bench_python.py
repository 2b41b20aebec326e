#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The Python package's costs, side by side in one run:

1. per call, what the Python layer adds to the engine: RadiomicsFeatureExtractor.execute (plan
   lookup, input checks, the result as an OrderedDict of typed values) against the bare C call
   through ctypes (radx_plan_execute, result destroyed unread), on the same case and settings,
   alternating, median of --repeat calls each; goal: under 1 ms per case;
2. a cohort from Python: radx.extract_batch (--jobs cases at once) against PyRadiomics'
   batch processing from Python (its examples/batchprocessing.py: one extractor, execute per row),
   on the shipped cases repeated --copies times, with the same parameter file.

    venv/bin/python bench/bench_python.py [--params FILE] [--repeat 50] [--copies 4] [--jobs 2]

Needs the package importable (pip install ., or PYTHONPATH=python and RADX_LIBRARY) and, for
part 2, PyRadiomics in the same interpreter.  Prints the machine first."""
import argparse
import ctypes
import logging
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from compare_pyradiomics import cpu_model  # noqa: E402

import radx  # noqa: E402
from radx import _capi  # noqa: E402


def case(name):
    d = os.path.join(ROOT, 'data', 'pyradiomics')
    return os.path.join(d, name + '_image.nrrd'), os.path.join(d, name + '_label.nrrd')


def per_call(params, repeat):
    img, msk = case('breast1')
    ex = radx.RadiomicsFeatureExtractor(*([params] if params else []), device='cpu', threads=1)
    ex.execute(img, msk)  # the plan is made once, as in a cohort
    plan = ex._plan()
    t_py, t_c = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ex.execute(img, msk)
        t_py.append(time.perf_counter() - t0)
        r = ctypes.c_void_p()
        t0 = time.perf_counter()
        plan.ctx.check(_capi.lib.radx_plan_execute(plan.handle, img.encode(), msk.encode(), 0, ctypes.byref(r)))
        t_c.append(time.perf_counter() - t0)
        _capi.lib.radx_result_destroy(r)
    mp, mc = statistics.median(t_py), statistics.median(t_c)
    print('per call (breast1, %s, 1 thread, median of %d): execute() %.3f ms, C call %.3f ms, Python layer %.3f ms'
          % (os.path.basename(params) if params else 'defaults', repeat, 1e3 * mp, 1e3 * mc, 1e3 * (mp - mc)))


def cohort(params, copies, jobs):
    try:
        import radiomics
        from radiomics import featureextractor
    except ImportError:
        print('cohort: PyRadiomics is not importable here: skipped')
        return
    radiomics.setVerbosity(logging.ERROR)
    cases = [case(c) for c in ('brain1', 'breast1')] * copies
    rows = [{'Image': i, 'Mask': m} for i, m in cases]
    t0 = time.perf_counter()
    df = radx.extract_batch(rows, params, jobs=jobs, device='cpu')
    t_radx = time.perf_counter() - t0
    t0 = time.perf_counter()
    ex = featureextractor.RadiomicsFeatureExtractor(*([params] if params else []))
    for i, m in cases:
        ex.execute(i, m)
    t_py = time.perf_counter() - t0
    print('cohort of %d cases (%s): PyRadiomics batch processing %.2f s, radx.extract_batch (jobs=%d) %.2f s: '
          '%.1fx' % (len(cases), os.path.basename(params) if params else 'defaults', t_py, jobs, t_radx,
                     t_py / t_radx))
    assert len(df) == len(cases)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--params', default=None)
    ap.add_argument('--repeat', type=int, default=50)
    ap.add_argument('--copies', type=int, default=4)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    print('machine: %s, %d cores, %s; Python %s; radx %s' % (cpu_model(), os.cpu_count() or 1, platform.platform(),
                                                            platform.python_version(), radx.__version__))
    per_call(a.params, a.repeat)
    cohort(a.params, a.copies, a.jobs)


if __name__ == '__main__':
    main()
