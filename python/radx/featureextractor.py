# SPDX-License-Identifier: BSD-3-Clause
"""PyRadiomics' RadiomicsFeatureExtractor, on radx's engine: the same constructor, attributes
(settings, enabledImagetypes, enabledFeatures), methods and execute(), returning the same keys in
the same order.  A script written for PyRadiomics runs with its import line changed to

    from radx import RadiomicsFeatureExtractor
"""
import ast
import collections
import copy
import functools
import json
import math
import os
import pathlib
import threading

import numpy

from . import _capi

FEATURE_CLASSES = ['firstorder', 'glcm', 'gldm', 'glrlm', 'glszm', 'ngtdm', 'shape', 'shape2D']
# radx's IBSI-1 classes PyRadiomics lacks (data/ibsi1/README.md): enabled by name only
IBSI_CLASSES = ['gldzm', 'ih', 'ivh', 'li', 'morph', 'ngldm', 'stat']
# PyRadiomics' getImageTypes(): imageoperations' get*Image functions, in dir() order
IMAGE_TYPES = ['Exponential', 'Gradient', 'LBP2D', 'LBP3D', 'LoG', 'Logarithm', 'Original', 'Square', 'SquareRoot',
               'Wavelet']
# radx's IBSI-2 filters PyRadiomics lacks: enabled by name only
IBSI_IMAGE_TYPES = ['Gabor', 'Laws', 'Mean', 'Simoncelli', 'WaveletIBSI']
# the settings a parameter file states under voxelSetting (PyRadiomics keeps them in settings)
VOXEL_SETTINGS = ('kernelRadius', 'maskedKernel', 'initValue', 'voxelBatch')

# diagnostics whose PyRadiomics value is not a string
_TUPLE_KEYS = ('_Spacing', '_Size', '_BoundingBox', '_CenterOfMassIndex', '_CenterOfMass')
_FLOAT_KEYS = ('_Mean', '_Minimum', '_Maximum')
_INT_KEYS = ('_VoxelNum', '_VolumeNum')
_DICT_KEYS = ('diagnostics_Configuration_Settings', 'diagnostics_Configuration_EnabledImageTypes')


def _default_settings():
    return {'minimumROIDimensions': 2, 'minimumROISize': None, 'normalize': False, 'normalizeScale': 1,
            'removeOutliers': None, 'resampledPixelSpacing': None, 'interpolator': 'sitkBSpline', 'preCrop': False,
            'padDistance': 5, 'distances': [1], 'force2D': False, 'force2Ddimension': 0, 'resegmentRange': None,
            'label': 1, 'additionalInfo': True}


@functools.lru_cache(maxsize=256)
def _literal(text):
    return _python_literal(text)


def _fresh(v):
    """A copy of a parsed literal's dicts and lists (the cached one stays unchanged)."""
    if isinstance(v, dict):
        return {k: _fresh(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_fresh(x) for x in v]
    return v


def _diagnostic_value(name, text):
    """A diagnostics row as the type PyRadiomics gives it (radx's text is its str())."""
    try:
        if name in _DICT_KEYS:
            return _fresh(_literal(text))  # the same settings every case: parsed once
        if name.endswith(_TUPLE_KEYS):
            return _literal(text)
        if name.endswith(_FLOAT_KEYS):
            return numpy.float64(float(text))
        if name.endswith(_INT_KEYS):
            return int(text)
    except (ValueError, SyntaxError):
        pass
    return text


class _Engine(threading.local):
    """Per thread: a context and the plans of the last few parameter documents used."""

    KEEP = 4

    def __init__(self):
        self.ctx, self.threads = None, None
        self.plans = collections.OrderedDict()

    def plan_for(self, text, disable, backend, threads):
        if _FORKED:  # libgomp's threads do not survive fork(): one thread in a forked child
            threads = 1
        if self.ctx is None or self.threads != threads:
            self.ctx, self.threads = _capi.Context(threads), threads
            self.plans.clear()
        key = (text, disable, backend)
        if key not in self.plans:
            self.plans[key] = _capi.Plan(self.ctx, text=text, disable=disable, backend=backend)
            while len(self.plans) > self.KEEP:
                self.plans.popitem(last=False)
        self.plans.move_to_end(key)
        return self.plans[key]


_FORKED = False


def _after_fork_in_child():
    global _ENGINE, _FORKED
    _FORKED = True
    _ENGINE = _Engine()


class RadiomicsFeatureExtractor:
    """PyRadiomics' extractor (radiomics.featureextractor.RadiomicsFeatureExtractor) on radx.

    RadiomicsFeatureExtractor(params=None, **settings): params is a parameter file (YAML or JSON
    path) or a dict with the sections setting / imageType / featureClass / voxelSetting; keyword
    arguments override settings.  radx's own options: the keyword-only arguments ``device``
    ('auto', 'cpu' or 'cuda') and ``threads`` (0: all cores) of the engine.
    """

    def __init__(self, *args, device='auto', threads=0, **kwargs):
        if device not in _capi.BACKENDS:
            raise ValueError("radx: device must be 'auto', 'cpu' or 'cuda', not %r" % (device,))
        self.device, self.threads = device, threads
        self.settings = {}
        self.enabledImagetypes = {}
        self.enabledFeatures = {}
        self.featureClassNames = list(FEATURE_CLASSES)
        if len(args) == 1 and isinstance(args[0], dict):
            self._applyParams(paramsDict=args[0])
        elif len(args) == 1 and isinstance(args[0], (str, pathlib.PurePath)):
            if not os.path.isfile(args[0]):
                raise IOError('Parameter file %s does not exist.' % args[0])
            self._applyParams(paramsFile=str(args[0]))
        else:
            self.settings = _default_settings()
            self.enabledImagetypes = {'Original': {}}
            self.enabledFeatures = {c: [] for c in self.featureClassNames if c != 'shape2D'}
        if kwargs:
            self.settings.update(kwargs)

    # ---- parameters ------------------------------------------------------------------------

    def _applyParams(self, paramsFile=None, paramsDict=None):
        """Validates a parameter file or dict with radx's PyRadiomics-compatible rules and takes its
        settings, image types and feature classes."""
        ctx = _capi.Context()
        params = _capi._P()
        ctx.check(_capi.lib.radx_params_create(ctx.handle, _capi.ctypes.byref(params)))
        try:
            if paramsFile is not None:
                ctx.check(_capi.lib.radx_params_load(ctx.handle, params, os.fsencode(paramsFile)))
            else:
                ctx.check(_capi.lib.radx_params_load_string(ctx.handle, params, _document_text(paramsDict).encode(),
                                                            b'<dict>'))
            described = {w: _describe(params, w) for w in ('settings', 'imageTypes', 'featureClasses')}
        finally:
            _capi.lib.radx_params_destroy(params)
        self.settings = described['settings']
        self.enabledImagetypes = described['imageTypes']
        self.enabledFeatures = described['featureClasses']

    def loadParams(self, paramsFile):
        self._applyParams(paramsFile=paramsFile)

    def loadJSONParams(self, JSON_configuration):
        self._applyParams(paramsDict=json.loads(JSON_configuration))

    def addProvenance(self, provenance_on=True):
        self.settings['additionalInfo'] = provenance_on

    def enableAllImageTypes(self):
        self.enabledImagetypes = {t: {} for t in IMAGE_TYPES}

    def disableAllImageTypes(self):
        self.enabledImagetypes = {}

    def enableImageTypeByName(self, imageType, enabled=True, customArgs=None):
        if imageType not in IMAGE_TYPES and imageType not in IBSI_IMAGE_TYPES:
            raise ValueError('Image type %s is not recognized' % imageType)
        if enabled:
            self.enabledImagetypes[imageType] = customArgs if customArgs is not None else {}
        else:
            self.enabledImagetypes.pop(imageType, None)

    def enableImageTypes(self, **enabledImagetypes):
        for imageType, customSettings in enabledImagetypes.items():
            self.enableImageTypeByName(imageType, True, customSettings)

    def enableAllFeatures(self):
        for c in self.featureClassNames:
            self.enabledFeatures[c] = []

    def disableAllFeatures(self):
        self.enabledFeatures = {}

    def enableFeatureClassByName(self, featureClass, enabled=True):
        if featureClass not in self.featureClassNames and featureClass not in IBSI_CLASSES:
            raise ValueError('Feature class %s is not recognized' % featureClass)
        if enabled:
            self.enabledFeatures[featureClass] = []
        else:
            self.enabledFeatures.pop(featureClass, None)

    def enableFeaturesByName(self, **enabledFeatures):
        for featureClass, featureNames in enabledFeatures.items():
            if featureClass not in self.featureClassNames and featureClass not in IBSI_CLASSES:
                raise ValueError('Feature class %s is not recognized' % featureClass)
            self.enabledFeatures[featureClass] = featureNames

    # ---- extraction ------------------------------------------------------------------------

    def _plan(self, label=None, diagnostics_only=False):
        """The engine's plan for the current state (a parameter document, made again only when
        the state changed: its repr, order included, is the key)."""
        snap = repr((self.settings, self.enabledImagetypes, self.enabledFeatures, label))
        if getattr(self, '_document', (None,))[0] != snap:
            settings = dict(self.settings)
            if label is not None:  # execute(label=...): PyRadiomics sets it in the settings
                settings['label'] = label
            imtypes = dict(self.enabledImagetypes)
            log = imtypes.get('LoG')
            if log is not None and not (log or {}).get('sigma', settings.get('sigma')):
                del imtypes['LoG']  # PyRadiomics computes nothing for a LoG without sigma
            doc = {'setting': {k: v for k, v in settings.items() if k not in VOXEL_SETTINGS},
                   'voxelSetting': {k: v for k, v in settings.items() if k in VOXEL_SETTINGS},
                   'imageType': imtypes, 'featureClass': self.enabledFeatures}
            disable = tuple(w for w, d in (('imageTypes', imtypes), ('featureClasses', self.enabledFeatures)) if not d)
            self._document = (snap, _document_text(doc), disable)
        disable = ('imageTypes', 'featureClasses') if diagnostics_only else self._document[2]
        return _ENGINE.plan_for(self._document[1], disable, self.device, self.threads)

    def execute(self, imageFilepath, maskFilepath, label=None, label_channel=None, voxelBased=False, names='radx'):
        """PyRadiomics' execute: image and mask are file paths, SimpleITK images, or radx.Image
        (a numpy array with its geometry).  Returns an OrderedDict: diagnostics (as PyRadiomics
        types them), then features (numpy.float64), or with voxelBased=True the feature maps as
        SimpleITK images.  names='ibsi' (radx's): the features keyed by IBSI-1 tag
        ('Fcm.joint.max|3D, averaged'), only those with one, no diagnostics."""
        if label_channel not in (None, 0):
            raise ValueError('radx: label_channel %r: vector masks are not supported yet' % (label_channel,))
        if names not in ('radx', 'ibsi') or (names == 'ibsi' and voxelBased):
            raise ValueError("radx: names must be 'radx' or 'ibsi' (the latter not with voxelBased), not %r" % (names,))
        plan = self._plan(label)
        image = _as_input(plan.ctx, imageFilepath, 'image')
        mask = _as_input(plan.ctx, maskFilepath, 'mask')
        if voxelBased:
            out = self._voxel_diagnostics(label, image, mask)
            out.update(_execute_maps(plan, image, mask, 0))
            return out
        if names == 'ibsi':
            return _ibsi_result(plan, image, mask)
        out = _result(plan, image, mask)
        if 'diagnostics_Configuration_EnabledImageTypes' in out:  # as enabled (a LoG without sigma too)
            out['diagnostics_Configuration_EnabledImageTypes'] = _fresh(self.enabledImagetypes)
        return out

    def _voxel_diagnostics(self, label, image, mask):
        """PyRadiomics' diagnostics of a voxel-based run: the segment run's (computed here with no
        image type or class, then named as enabled), its settings with 'voxelBased': True."""
        if not self.settings.get('additionalInfo', True):
            return collections.OrderedDict()
        out = _result(self._plan(label, diagnostics_only=True), image, mask)
        out['diagnostics_Configuration_EnabledImageTypes'] = _fresh(self.enabledImagetypes)
        settings = out.get('diagnostics_Configuration_Settings')
        if isinstance(settings, dict):
            settings['voxelBased'] = True
        return out

    # ---- pickling: the settings, not the engine --------------------------------------------

    def __getstate__(self):
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k != '_document'}


def _ibsi_result(plan, image, mask):
    """One run keyed by IBSI-1 tag: the first entry of each key, as `radx extract --names ibsi`."""
    keys, values, _ = _capi.execute(plan, image, mask, 0, ibsi=True)
    out = collections.OrderedDict()
    for k, v in zip(keys, list(values)):
        if k is not None and k not in out:
            out[k] = v
    return out


def _result(plan, image, mask):
    """One segment-based run as PyRadiomics' OrderedDict."""
    names, values, texts = _capi.execute(plan, image, mask, 0)
    out = collections.OrderedDict(zip(names, list(values)))  # numpy.float64 scalars
    for i, text in texts.items():
        out[names[i]] = _diagnostic_value(names[i], text)
    return out


_ENGINE = _Engine()
if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class Image:
    """An image held in memory for radx: a numpy array of shape (z, y, x) (or (y, x)) with its
    spacing, origin (x, y, z order, as SimpleITK) and direction (row-major 3 x 3)."""

    def __init__(self, array, spacing=(1.0, 1.0, 1.0), origin=(0.0, 0.0, 0.0), direction=None, name='<array>'):
        self.array = numpy.asarray(array)
        self.spacing, self.origin, self.direction, self.name = spacing, origin, direction, name


def _document_text(doc):
    """A parameter dict as the JSON document radx reads (tuples as lists)."""
    def plain(o):  # numpy scalars and arrays, pathlib paths
        if hasattr(o, 'tolist'):
            return o.tolist()
        if isinstance(o, pathlib.PurePath):
            return os.fspath(o)
        raise TypeError('%r (%s) is not a setting value' % (o, type(o).__name__))

    try:
        return json.dumps(doc, allow_nan=True, default=plain)
    except TypeError as e:
        raise ValueError('radx: parameters: %s' % e) from None


def _describe(params, what):
    n = _capi.lib.radx_params_describe(params, what.encode(), None, 0)
    buf = _capi.ctypes.create_string_buffer(n + 1)
    _capi.lib.radx_params_describe(params, what.encode(), buf, n + 1)
    return _python_literal(buf.value.decode())


def _python_literal(text):
    """A Python literal as the engine prints it: ast.literal_eval's, plus inf and nan."""
    tree = ast.parse(text, mode='eval')
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Expression, ast.Constant, ast.Dict, ast.List, ast.Tuple, ast.UnaryOp, ast.USub,
                                 ast.UAdd, ast.Load)) and not (isinstance(node, ast.Name) and node.id in ('inf', 'nan')):
            raise ValueError('radx: not a literal: %s' % text[:80])
    return eval(compile(tree, '<radx>', 'eval'), {'__builtins__': {}}, {'inf': math.inf, 'nan': math.nan})


def _as_input(ctx, x, what):
    if isinstance(x, (str, pathlib.PurePath)):
        if not os.path.isfile(x):
            raise _capi.RadxFileNotFoundError('radx: %s file %s does not exist' % (what, x), _capi.ERR_IO)
        return os.fspath(x)
    if isinstance(x, Image):
        return _capi.Image(ctx, x.array, x.spacing, x.origin, x.direction, x.name)
    if type(x).__module__.startswith('SimpleITK'):
        import SimpleITK as sitk
        if x.GetNumberOfComponentsPerPixel() != 1:
            raise ValueError('radx: %s: vector images are not supported yet' % what)
        return _capi.Image(ctx, sitk.GetArrayViewFromImage(x), x.GetSpacing(), x.GetOrigin(), x.GetDirection(),
                           '<SimpleITK %s>' % what)
    raise ValueError('Error reading %s Filepath or SimpleITK object' % what)


def _execute_maps(plan, image, mask, label):
    import SimpleITK as sitk
    out = collections.OrderedDict()

    def on_map(name, g, data):
        shape = (g.size[2], g.size[1], g.size[0]) if g.ndim == 3 else (g.size[1], g.size[0])
        im = sitk.GetImageFromArray(data.reshape(shape))
        nd = g.ndim
        im.SetSpacing(tuple(g.spacing[:nd]))
        im.SetOrigin(tuple(g.origin[:nd]))
        d = list(g.direction)
        im.SetDirection(tuple(d) if nd == 3 else (d[0], d[1], d[3], d[4]))
        out[name] = im

    _capi.execute_map(plan, image, mask, label, on_map)
    return out
