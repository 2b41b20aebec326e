# SPDX-License-Identifier: BSD-3-Clause
"""radx: PyRadiomics' features (same names, settings and parameter files, the same numbers) from
a C engine with a multithreaded CPU path and CUDA kernels.

    from radx import RadiomicsFeatureExtractor      # instead of radiomics.featureextractor
    extractor = RadiomicsFeatureExtractor('params.yaml')
    features = extractor.execute('image.nrrd', 'mask.nrrd')
"""
from ._capi import VERSION as __version__
from ._capi import RadxError, RadxFileNotFoundError, RadxValueError
from .batch import delta, extract_batch
from .featureextractor import Image, RadiomicsFeatureExtractor

__all__ = ['RadiomicsFeatureExtractor', 'Image', 'extract_batch', 'delta', 'RadxError', 'RadxValueError',
           'RadxFileNotFoundError', '__version__']
