#!/usr/bin/env python
# SPDX-License-Identifier: BSD-3-Clause
"""A PyRadiomics script as its users write them (after PyRadiomics' examples/helloRadiomics.py),
for test_example_script: it runs with PyRadiomics, and with radx once its import line is changed.

    python pyradiomics_example.py IMAGE MASK PARAMS.yaml
"""
import sys

import SimpleITK as sitk

from radiomics.featureextractor import RadiomicsFeatureExtractor

imageName, maskName, paramsFile = sys.argv[1:4]

extractor = RadiomicsFeatureExtractor(paramsFile)
extractor.settings['binWidth'] = 20
extractor.enableImageTypeByName('LoG', customArgs={'sigma': [2.0, 3.0]})
extractor.enableFeaturesByName(glcm=['Contrast', 'Correlation', 'Idmn'])

image = sitk.ReadImage(imageName)
mask = sitk.ReadImage(maskName)
result = extractor.execute(image, mask, label=1)

print('Calculated features')
for featureName, featureValue in result.items():
    if not featureName.startswith('diagnostics_'):
        print('\t%s: %s' % (featureName, featureValue))
