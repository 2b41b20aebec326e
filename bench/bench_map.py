# SPDX-License-Identifier: BSD-3-Clause
"""Voxel-based feature maps: `radx map` against PyRadiomics 3.0.1's voxel-based extraction, side by side.

    python3 bench/bench_map.py [--radx build/radx] [--cases breast1,brain1] [--repeat N]

Parameter file: first order + GLCM (all their features), kernelRadius 1, maskedKernel true (the
defaults otherwise); the shipped PyRadiomics example cases.  Per case it prints:

  - PyRadiomics: RadiomicsFeatureExtractor(params).execute(image, mask, voxelBased=True) inside this
    Python process (image reading included; Python start-up, imports and writing maps excluded);
  - radx, end to end: the `radx map` process (start-up, reading, computing and writing every map
    as .nii.gz), with all cores and with -j 1;
  - radx, compute: the same run without writing (what radx map reports as "read, prepare and
    compute": reading, preprocessing and the per-voxel features);
  - wall-clock seconds (best of --repeat runs) and CPU seconds of the best run, and the ratios
    PyRadiomics / radx.

On a loaded machine prefer the CPU-time ratio: wall-clock times then depend on what else runs.
"""
import argparse
import logging
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import radiomics
from radiomics import featureextractor

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
DATA = os.path.join(ROOT, 'data', 'pyradiomics')
PARAMS = """# bench/bench_map.py: first order + GLCM voxel maps
imageType:
  Original: {}
featureClass:
  firstorder:
  glcm:
voxelSetting:
  kernelRadius: 1
  maskedKernel: true
"""


def child_cpu():
  r = resource.getrusage(resource.RUSAGE_CHILDREN)
  return r.ru_utime + r.ru_stime


def time_pyradiomics(params, image, mask, repeat):
  best = None
  for _ in range(repeat):
    ex = featureextractor.RadiomicsFeatureExtractor(params)
    c0, t0 = time.process_time(), time.perf_counter()
    res = ex.execute(image, mask, voxelBased=True)
    t, c = time.perf_counter() - t0, time.process_time() - c0
    nmaps = sum(1 for v in res.values() if not isinstance(v, (str, int, float)) and hasattr(v, 'GetSize'))
    if best is None or t < best[0]:
      best = (t, c, nmaps)
  return best


def time_radx(radx, params, image, mask, repeat, extra):
  best = None
  for _ in range(repeat):
    out = tempfile.mkdtemp(prefix='radx_bench_map_')
    try:
      c0, t0 = child_cpu(), time.perf_counter()
      r = subprocess.run([radx, 'map', image, mask, '-p', params, '-o', out, '-f', 'nii.gz'] + extra,
                         capture_output=True, text=True)
      t, c = time.perf_counter() - t0, child_cpu() - c0
      if r.returncode != 0:
        sys.exit('radx map failed: ' + r.stderr.strip())
      m = re.search(r'(\d+) maps in .* \(([\d.]+) s: read, prepare and compute ([\d.]+) s, write ([\d.]+) s', r.stderr)
      if not m:
        sys.exit('cannot parse radx map summary: ' + r.stderr.strip().splitlines()[-1])
      nmaps, compute, write = int(m.group(1)), float(m.group(3)), float(m.group(4))
      if best is None or t < best[0]:
        best = (t, c, nmaps, compute, write)
    finally:
      shutil.rmtree(out, ignore_errors=True)
  return best


def main():
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  ap.add_argument('--radx', default=os.path.join(ROOT, 'build', 'radx'))
  ap.add_argument('--cases', default='breast1')
  ap.add_argument('--repeat', type=int, default=3)
  a = ap.parse_args()
  radiomics.setVerbosity(logging.CRITICAL)
  tmp = tempfile.mkdtemp(prefix='radx_bench_map_')
  params = os.path.join(tmp, 'fo_glcm_r1.yaml')
  with open(params, 'w') as f:
    f.write(PARAMS)
  print('machine: %d CPUs, load average %.1f; PyRadiomics %s; %s' % (
    os.cpu_count(), os.getloadavg()[0], radiomics.__version__,
    subprocess.run([a.radx, '--version'], capture_output=True, text=True).stdout.strip()))
  print('parameters: first order + GLCM, kernelRadius 1, maskedKernel true')
  try:
    for case in a.cases.split(','):
      image = os.path.join(DATA, case + '_image.nrrd')
      mask = os.path.join(DATA, case + '_label.nrrd')
      rep_py = a.repeat if case == 'breast1' else 1
      py = time_pyradiomics(params, image, mask, rep_py)
      rx = time_radx(a.radx, params, image, mask, a.repeat, [])
      rx1 = time_radx(a.radx, params, image, mask, a.repeat, ['-j', '1'])
      print('\n%s: %d maps' % (case, rx[2]))
      print('  %-44s %9s %9s %10s %10s' % ('', 'wall s', 'CPU s', 'x (wall)', 'x (CPU)'))
      print('  %-44s %9.3f %9.3f' % ('PyRadiomics execute(voxelBased=True)', py[0], py[1]))
      for label, r in (('radx map, all cores, end to end', rx), ('radx map -j 1, end to end', rx1)):
        print('  %-44s %9.3f %9.3f %10.1f %10.1f' % (label, r[0], r[1], py[0] / r[0], py[1] / r[1]))
      for label, r in (('radx map, all cores, without writing', rx), ('radx map -j 1, without writing', rx1)):
        print('  %-44s %9.3f %9s %10.1f' % (label, r[3], '', py[0] / r[3]))
      print('  (radx writing %d .nii.gz maps: %.3f s)' % (rx[2], rx[4]))
  finally:
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
  main()
