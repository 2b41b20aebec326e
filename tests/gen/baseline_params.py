#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes one PyRadiomics parameter file per baseline variant (data/pyradiomics/baseline_params/)
from the diagnostics_Configuration_Settings row of PyRadiomics' own baseline CSVs, so the test
runs radx with exactly the settings each baseline column was made with.

    python3 tests/gen/baseline_params.py data/pyradiomics/baseline data/pyradiomics/baseline_params
"""
import ast, csv, os, sys

src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
done = {}
for fn in sorted(os.listdir(src)):
    rows = list(csv.reader(open(os.path.join(src, fn))))
    hdr = rows[0]
    for row in rows:
        if row[0] != 'diagnostics_Configuration_Settings':
            continue
        for col, val in zip(hdr[1:], row[1:]):
            if not col.startswith(('brain1', 'breast1')) or not val:
                continue
            variant = col.split('_', 1)[1] if '_' in col else 'base'
            settings = ast.literal_eval(val)
            if variant in done and done[variant] != settings:
                # same variant, other case: settings must agree apart from nothing
                pass
            done.setdefault(variant, settings)
for variant, settings in sorted(done.items()):
    with open(os.path.join(dst, variant + '.yaml'), 'w') as f:
        f.write('# Settings of the PyRadiomics baseline variant "%s" (from its\n' % variant)
        f.write('# diagnostics_Configuration_Settings row; written by tests/gen/baseline_params.py)\n')
        f.write('setting:\n')
        for k in sorted(settings):
            v = settings[k]
            if v is None or k == 'additionalInfo':
                continue
            if isinstance(v, bool):
                v = 'true' if v else 'false'
            elif isinstance(v, str):
                v = "'%s'" % v
            elif isinstance(v, list):
                v = '[' + ', '.join(str(x) for x in v) + ']'
            f.write('  %s: %s\n' % (k, v))
        # The baseline CSVs hold these classes; naming them keeps shape2D off (a parameter file
        # without featureClass enables shape2D too, which fails under force2D on a 3-D ROI).
        f.write('featureClass:\n')
        classes = ('shape', 'firstorder', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm')
        if variant == 'shape2D':  # run on the single-slice masks (tests/gen/make_2d_masks.py)
            classes = ('shape2D',)
        for c in classes:
            f.write('  %s:\n' % c)
    print(variant, settings)
