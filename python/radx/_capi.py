# SPDX-License-Identifier: BSD-3-Clause
"""The C library (include/radx.h) through ctypes: one binding serves every CPython 3 (no ABI
coupling), and every call into the engine releases the GIL (ctypes.CDLL does).

The library is looked for in this order: the file RADX_LIBRARY names; libradx.so beside this
module (the installed package); the system's (ctypes.util.find_library)."""
import ctypes
import ctypes.util
import glob
import os

_RADX_OK = 0
# radx_status codes (include/radx.h)
ERR_ARG, ERR_IO, ERR_FORMAT, ERR_GEOMETRY, ERR_LABEL, ERR_ROI, ERR_VALUE, ERR_PARAM, ERR_UNSUPPORTED, ERR_NOMEM, \
    ERR_DEVICE, ERR_INTERNAL = range(1, 13)
BACKENDS = {'auto': 0, 'cpu': 1, 'cuda': 2}
# radx_dtype, by numpy dtype name
DTYPES = {'uint8': 0, 'int8': 1, 'uint16': 2, 'int16': 3, 'uint32': 4, 'int32': 5, 'uint64': 6, 'int64': 7,
          'float32': 8, 'float64': 9}


class RadxError(RuntimeError):
    """An error the engine reported: its one-line message, and its status code (include/radx.h)."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class RadxValueError(RadxError, ValueError):
    """Invalid settings or input values (unknown setting, bad value, NaN in the ROI, ...)."""


class RadxFileNotFoundError(RadxError, FileNotFoundError, ValueError):
    """A file that is missing or cannot be read (also a ValueError, which PyRadiomics raises for a
    missing image or mask)."""


def error(status, message):
    """The Python exception for a radx_status and its message."""
    if status == ERR_IO:
        return RadxFileNotFoundError(message, status)
    if status in (ERR_ARG, ERR_PARAM, ERR_VALUE, ERR_LABEL, ERR_ROI, ERR_GEOMETRY, ERR_FORMAT):
        return RadxValueError(message, status)
    return RadxError(message, status)


class Grid(ctypes.Structure):
    _fields_ = [('size', ctypes.c_longlong * 3), ('spacing', ctypes.c_double * 3), ('origin', ctypes.c_double * 3),
                ('direction', ctypes.c_double * 9), ('ndim', ctypes.c_int)]


class Map(ctypes.Structure):
    _fields_ = [('name', ctypes.c_char_p), ('image_type', ctypes.c_char_p), ('feature_class', ctypes.c_char_p),
                ('feature', ctypes.c_char_p), ('index', ctypes.c_size_t), ('count', ctypes.c_size_t),
                ('n_roi', ctypes.c_longlong), ('grid', ctypes.POINTER(Grid)), ('data', ctypes.POINTER(ctypes.c_float))]


MAP_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(Map))

_P = ctypes.c_void_p
_S = ctypes.c_char_p
_PROTOTYPES = {
    'radx_version': (_S, []),
    'radx_status_string': (_S, [ctypes.c_int]),
    'radx_ctx_create': (ctypes.c_int, [ctypes.POINTER(_P)]),
    'radx_ctx_destroy': (None, [_P]),
    'radx_ctx_last_error': (_S, [_P]),
    'radx_ctx_warning_count': (ctypes.c_int, [_P]),
    'radx_ctx_warning': (_S, [_P, ctypes.c_int]),
    'radx_ctx_set_threads': (ctypes.c_int, [_P, ctypes.c_int]),
    'radx_params_create': (ctypes.c_int, [_P, ctypes.POINTER(_P)]),
    'radx_params_load': (ctypes.c_int, [_P, _P, _S]),
    'radx_params_load_string': (ctypes.c_int, [_P, _P, _S, _S]),
    'radx_params_describe': (ctypes.c_size_t, [_P, _S, _P, ctypes.c_size_t]),
    'radx_params_disable': (ctypes.c_int, [_P, _P, _S]),
    'radx_params_destroy': (None, [_P]),
    'radx_backend_available': (ctypes.c_int, [ctypes.c_int]),
    'radx_plan_create': (ctypes.c_int, [_P, _P, ctypes.c_int, ctypes.POINTER(_P)]),
    'radx_plan_backend': (ctypes.c_int, [_P]),
    'radx_plan_execute': (ctypes.c_int, [_P, _S, _S, ctypes.c_int, ctypes.POINTER(_P)]),
    'radx_plan_execute_image': (ctypes.c_int, [_P, _P, _P, ctypes.c_int, ctypes.POINTER(_P)]),
    'radx_plan_execute_map': (ctypes.c_int, [_P, _S, _S, ctypes.c_int, MAP_CALLBACK, _P]),
    'radx_plan_execute_image_map': (ctypes.c_int, [_P, _P, _P, ctypes.c_int, MAP_CALLBACK, _P]),
    'radx_plan_destroy': (None, [_P]),
    'radx_image_wrap': (ctypes.c_int, [_P, _P, ctypes.c_int, ctypes.POINTER(Grid), _S, ctypes.POINTER(_P)]),
    'radx_image_destroy': (None, [_P]),
    'radx_result_count': (ctypes.c_size_t, [_P]),
    'radx_result_name': (_S, [_P, ctypes.c_size_t]),
    'radx_result_is_number': (ctypes.c_int, [_P, ctypes.c_size_t]),
    'radx_result_value': (ctypes.c_double, [_P, ctypes.c_size_t]),
    'radx_result_text': (_S, [_P, ctypes.c_size_t]),
    'radx_result_ibsi_name': (_S, [_P, ctypes.c_size_t]),
    'radx_result_names': (ctypes.c_size_t, [_P, _P, ctypes.c_size_t]),
    'radx_result_values': (None, [_P, _P, _P, ctypes.c_size_t]),
    'radx_result_destroy': (None, [_P]),
}


def _candidates():
    env = os.environ.get('RADX_LIBRARY')
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    yield from sorted(glob.glob(os.path.join(here, 'libradx.so*')), key=len)
    yield from sorted(glob.glob(os.path.join(here, 'libradx*.dylib')), key=len)
    found = ctypes.util.find_library('radx')
    if found:
        yield found


def _find_cufft():
    """cuFFT for the CUDA backend, which opens it at run time: RADX_CUFFT_LIBRARY when set, else
    the one NVIDIA's pip package (nvidia-cufft-cu*) installs, when there is one."""
    if os.environ.get('RADX_CUFFT_LIBRARY'):
        return
    import site
    dirs = site.getsitepackages() + [site.getusersitepackages()]
    for d in dirs:
        found = sorted(glob.glob(os.path.join(os.path.abspath(d), 'nvidia', 'cufft', 'lib', 'libcufft.so.*')))
        if found:
            os.environ['RADX_CUFFT_LIBRARY'] = found[0]
            return


def _load():
    tried = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append('%s (%s)' % (path, e))
            continue
        for name, (res, args) in _PROTOTYPES.items():
            f = getattr(lib, name)
            f.restype, f.argtypes = res, args
        return lib
    raise ImportError('radx: the C library libradx was not found (tried: %s); install the package with pip, or set '
                      'RADX_LIBRARY to libradx.so' % (', '.join(tried) or 'RADX_LIBRARY, the package folder, the system'))


_find_cufft()
lib = _load()
VERSION = lib.radx_version().decode()


class Context:
    """A radx_ctx: the error state of the calls made with it (one per thread)."""

    def __init__(self, threads=0):
        h = _P()
        if lib.radx_ctx_create(ctypes.byref(h)) != _RADX_OK:
            raise MemoryError('radx: cannot create a context')
        self.handle = h
        if threads:
            self.check(lib.radx_ctx_set_threads(h, int(threads)))

    def check(self, status):
        if status != _RADX_OK:
            raise error(status, lib.radx_ctx_last_error(self.handle).decode(errors='replace'))

    def warnings(self):
        return [lib.radx_ctx_warning(self.handle, i).decode(errors='replace')
                for i in range(lib.radx_ctx_warning_count(self.handle))]

    def __del__(self):
        if getattr(self, 'handle', None):
            lib.radx_ctx_destroy(self.handle)
            self.handle = None


class Plan:
    """A radx_plan made from a parameter document (JSON text), less the sections disable names."""

    def __init__(self, ctx, text, name='<dict>', disable=(), backend='auto'):
        self.ctx = ctx
        params = _P()
        ctx.check(lib.radx_params_create(ctx.handle, ctypes.byref(params)))
        self.handle = None
        try:
            ctx.check(lib.radx_params_load_string(ctx.handle, params, text.encode(), name.encode()))
            for what in disable:
                ctx.check(lib.radx_params_disable(ctx.handle, params, what.encode()))
            h = _P()
            ctx.check(lib.radx_plan_create(ctx.handle, params, BACKENDS[backend], ctypes.byref(h)))
            self.handle = h
        finally:
            lib.radx_params_destroy(params)

    def __del__(self):
        if getattr(self, 'handle', None):
            lib.radx_plan_destroy(self.handle)
            self.handle = None


class Image:
    """A radx_image wrapping a C-contiguous numpy array of shape (z, y, x) or (y, x), without a copy
    (the array is kept alive as long as the image)."""

    def __init__(self, ctx, array, spacing, origin, direction, name):
        import numpy
        a = numpy.ascontiguousarray(array)
        if a.dtype.byteorder == '>' or (a.dtype.byteorder == '=' and not numpy.little_endian):
            a = a.astype(a.dtype.newbyteorder('<'))
        if a.dtype == numpy.bool_:
            a = a.view(numpy.uint8)
        if a.dtype.name not in DTYPES:
            raise TypeError('radx: %s: pixel type %s is not supported (%s)' % (name, a.dtype, ', '.join(DTYPES)))
        if a.ndim not in (2, 3):
            raise ValueError('radx: %s: a %d-D array; radx reads 2-D and 3-D images' % (name, a.ndim))
        g = Grid()
        shape = a.shape[::-1] + (1,) * (3 - a.ndim)
        nd = a.ndim
        for i in range(3):
            g.size[i] = shape[i]
            g.spacing[i] = float(spacing[i]) if i < len(spacing) else 1.0
            g.origin[i] = float(origin[i]) if i < len(origin) else 0.0
        d = list(direction) if direction is not None else []
        if len(d) == 4:  # a 2-D image's 2 x 2 direction
            d = [d[0], d[1], 0.0, d[2], d[3], 0.0, 0.0, 0.0, 1.0]
        if len(d) != 9:
            d = [1.0, 0, 0, 0, 1.0, 0, 0, 0, 1.0]
        for i in range(9):
            g.direction[i] = float(d[i])
        g.ndim = nd
        self.array = a
        self.ctx = ctx
        h = _P()
        ctx.check(lib.radx_image_wrap(ctx.handle, a.ctypes.data, DTYPES[a.dtype.name], ctypes.byref(g),
                                      name.encode(errors='replace'), ctypes.byref(h)))
        self.handle = h

    def __del__(self):
        if getattr(self, 'handle', None):
            lib.radx_image_destroy(self.handle)
            self.handle = None


def result_entries(handle, ibsi=False):
    """The entries of a radx_result, which is destroyed: names (list), values (float64 array, NaN
    for text entries) and the text entries {index: text}, fetched in a few calls whatever their
    number.  ibsi: the names are the entries' IBSI keys instead (None where an entry has none)."""
    import numpy
    try:
        n = lib.radx_result_count(handle)
        if ibsi:
            keys = [lib.radx_result_ibsi_name(handle, i) for i in range(n)]
            values = numpy.array([lib.radx_result_value(handle, i) for i in range(n)], numpy.float64)
            return [k.decode() if k is not None else None for k in keys], values, {}
        length = lib.radx_result_names(handle, None, 0)
        buf = ctypes.create_string_buffer(length + 1)
        lib.radx_result_names(handle, buf, length + 1)
        names = buf.value.decode().split('\n') if n else []
        c_values, c_flags = (ctypes.c_double * n)(), (ctypes.c_ubyte * n)()
        lib.radx_result_values(handle, c_values, c_flags, n)
        values = numpy.frombuffer(c_values, numpy.float64)
        flags = numpy.frombuffer(c_flags, numpy.uint8)
        texts = {int(i): lib.radx_result_text(handle, int(i)).decode(errors='replace')
                 for i in numpy.flatnonzero(flags == 0)}
        return names, values, texts
    finally:
        lib.radx_result_destroy(handle)


def execute(plan, image, mask, label, ibsi=False):
    """Runs one case: image and mask are paths (str) or Image objects."""
    r = _P()
    if isinstance(image, Image):
        plan.ctx.check(lib.radx_plan_execute_image(plan.handle, image.handle, mask.handle, label, ctypes.byref(r)))
    else:
        plan.ctx.check(lib.radx_plan_execute(plan.handle, os.fsencode(image), os.fsencode(mask), label,
                                             ctypes.byref(r)))
    return result_entries(r, ibsi)


def execute_map(plan, image, mask, label, on_map):
    """Runs a voxel-based extraction; on_map(name, grid, float32 array (a copy)) for every map."""
    import numpy
    failure = []

    def cb(_user, m):
        try:
            mp = m.contents
            g = mp.grid.contents
            n = g.size[0] * g.size[1] * g.size[2]
            data = numpy.ctypeslib.as_array(mp.data, shape=(n,)).copy()
            on_map(mp.name.decode(), g, data)
            return _RADX_OK
        except BaseException as e:  # stop the run; raised again below
            failure.append(e)
            return ERR_INTERNAL

    c_cb = MAP_CALLBACK(cb)
    if isinstance(image, Image):
        st = lib.radx_plan_execute_image_map(plan.handle, image.handle, mask.handle, label, c_cb, None)
    else:
        st = lib.radx_plan_execute_map(plan.handle, os.fsencode(image), os.fsencode(mask), label, c_cb, None)
    if failure:
        raise failure[0]
    plan.ctx.check(st)
