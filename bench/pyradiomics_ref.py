#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs PyRadiomics (a test/benchmark tool, never a radx dependency) on image/mask pairs with a
parameter file and stores every feature and diagnostic as JSON, with the PyRadiomics, SimpleITK,
numpy and Python versions and the exact command.

    python bench/pyradiomics_ref.py IMAGE MASK PARAMS.yaml OUT.json

Install PyRadiomics in a venv (it is fussy on Python 3.11):
    python3 -m venv venv && venv/bin/pip install "numpy<2" setuptools versioneer wheel
    venv/bin/pip install --no-build-isolation pyradiomics
"""
import json, logging, math, platform, sys

import numpy
import radiomics
import scipy
import scipy.special
import SimpleITK as sitk
from radiomics import featureextractor

# scipy 1.17 removed sph_harm (deprecated since 1.15), which PyRadiomics' LBP3D imports: put back
# as scipy 1.15 and 1.16 defined it
if not hasattr(scipy.special, 'sph_harm'):
    scipy.special.sph_harm = lambda m, n, theta, phi: scipy.special.sph_harm_y(n, m, phi, theta)


def main():
    image, mask, params, out = sys.argv[1:5]
    radiomics.setVerbosity(logging.ERROR)
    ex = featureextractor.RadiomicsFeatureExtractor(params)
    result = ex.execute(image, mask)
    features = {}
    for k, v in result.items():
        if k.startswith('diagnostics_'):
            features[k] = str(v)
        else:
            f = float(v)
            features[k] = None if math.isnan(f) else f
    doc = {
        'generator': 'bench/pyradiomics_ref.py',
        'command': ' '.join(['python', 'bench/pyradiomics_ref.py'] + sys.argv[1:5]),
        'versions': {'pyradiomics': radiomics.__version__, 'SimpleITK': sitk.Version().VersionString(),
                     'numpy': numpy.__version__, 'scipy': scipy.__version__, 'python': platform.python_version()},
        'image': image, 'mask': mask, 'params': params,
        'features': features,
    }
    with open(out, 'w') as f:
        json.dump(doc, f, indent=1)


if __name__ == '__main__':
    main()
