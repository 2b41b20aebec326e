# SPDX-License-Identifier: BSD-3-Clause
"""Reference values for tests/test_glcm.c and tests/test_glrlm.c, computed by PyRadiomics 3.0.1 itself.

Run:  python3 tests/gen/glcm_glrlm_ref.py --update
rewrites tests/glcm_glrlm_volumes.h (the volumes both tests share) and the GENERATED block of each
test.  Without --update, it prints one of them instead:
      python3 tests/gen/glcm_glrlm_ref.py glcm      (the block of tests/test_glcm.c)
      python3 tests/gen/glcm_glrlm_ref.py glrlm     (the block of tests/test_glrlm.c)
      python3 tests/gen/glcm_glrlm_ref.py volumes   (tests/glcm_glrlm_volumes.h)

Small synthetic volumes (fixed seeds) are built as numpy arrays in numpy order (z, y, x).  PyRadiomics
gets them as SimpleITK images with an extra margin of 2 non-ROI voxels on every side (as the extractor's
padded crop would give it; the image has random values there) and binWidth=1.  The minimum ROI gray
level is 1, so PyRadiomics' binning leaves the levels unchanged (asserted below).  radx gets the ROI
bounding box (no margin), which is what the C tests embed.
"""
import logging
import sys
import textwrap

import numpy as np
import SimpleITK as sitk
import radiomics
from radiomics import glcm, glrlm

sys.dont_write_bytecode = True  # no tests/gen/__pycache__ from importing gen_block
from gen_block import replace_block, write_file  # noqa: E402

radiomics.setVerbosity(logging.CRITICAL)
logging.getLogger('radiomics').setLevel(logging.CRITICAL)
np.seterr(all='ignore')

SPACING_XYZ = (0.8, 1.1, 2.5)  # anisotropic; radx gets (2.5, 1.1, 0.8) in numpy order
MARGIN = 2


def volumes():
    vols = []
    # 1. random levels with gaps in the level set, irregular ROI with holes
    rng = np.random.RandomState(1234)
    shape = (7, 9, 11)
    levels = np.array([1, 2, 3, 5, 6, 9, 10, 11, 14, 17, 18, 20])
    gl = levels[rng.randint(0, len(levels), size=shape)]
    roi = rng.rand(*shape) < 0.8
    roi[2:4, 3:6, 4:7] = False          # a hole
    roi[0, :, :4] = False                # irregular outline
    roi[-1, 5:, :] = False
    roi[:, 0, 0] = False
    gl[roi] = np.where(gl[roi] == 1, 1, gl[roi])
    vols.append(('random', gl, roi))
    # 2. a one-slice ROI (z thickness 1), levels with gaps
    rng = np.random.RandomState(99)
    shape = (1, 9, 10)
    levels = np.array([1, 3, 4, 7])
    gl = levels[rng.randint(0, len(levels), size=shape)]
    roi = rng.rand(*shape) < 0.85
    vols.append(('slice', gl, roi))
    # 3. a one-voxel-thick line along x
    rng = np.random.RandomState(7)
    shape = (1, 1, 13)
    levels = np.array([1, 2, 4])
    gl = levels[rng.randint(0, len(levels), size=shape)]
    gl[0, 0, 3:6] = 2                    # a run of length 3
    roi = np.ones(shape, dtype=bool)
    vols.append(('line', gl, roi))
    # 4. a single gray level, irregular ROI
    rng = np.random.RandomState(5)
    shape = (5, 6, 5)
    gl = np.ones(shape, dtype=int)
    roi = rng.rand(*shape) < 0.7
    vols.append(('flat', gl, roi))
    # 5. isolated voxels: no two ROI voxels are 26-neighbours (every distance-1 GLCM angle empty)
    shape = (3, 5, 5)
    gl = np.zeros(shape, dtype=int)
    roi = np.zeros(shape, dtype=bool)
    for (z, y, x, g) in [(0, 0, 0, 1), (0, 0, 2, 2), (0, 2, 0, 2), (2, 2, 2, 1), (2, 4, 4, 1), (0, 4, 2, 2),
                         (2, 0, 4, 2)]:
        roi[z, y, x] = True
        gl[z, y, x] = g
    vols.append(('sparse', gl, roi))
    # 6. a line with gaps, one gray level: no distance-1 pair at all (MCC = 1, the rest NaN)
    shape = (1, 1, 5)
    gl = np.ones(shape, dtype=int)
    roi = np.array([[[1, 0, 1, 0, 1]]], dtype=bool)
    vols.append(('gapline', gl, roi))
    out = []
    for name, gl, roi in vols:
        gl = np.where(roi, gl, 0).astype(np.int32)
        assert gl[roi].min() == 1
        zz, yy, xx = np.nonzero(roi)
        sl = (slice(zz.min(), zz.max() + 1), slice(yy.min(), yy.max() + 1), slice(xx.min(), xx.max() + 1))
        out.append((name, gl[sl].copy(), roi[sl].copy()))
    return out


SETTINGS = [
    ('default', {}),
    ('dist12', {'distances': [1, 2]}),
    ('asym', {'symmetricalGLCM': False}),
    ('manhattan', {'weightingNorm': 'manhattan'}),
    ('euclidean', {'weightingNorm': 'euclidean'}),
    ('infinity', {'weightingNorm': 'infinity'}),
    ('noweight', {'weightingNorm': 'no_weighting'}),
    ('f2d0', {'force2D': True, 'force2Ddimension': 0}),
    ('f2d1', {'force2D': True, 'force2Ddimension': 1}),
    ('f2d2', {'force2D': True, 'force2Ddimension': 2}),
]


def to_images(gl, roi):
    rng = np.random.RandomState(42)
    padded_shape = tuple(s + 2 * MARGIN for s in gl.shape)
    img = rng.randint(0, 50, size=padded_shape).astype(np.float64)
    msk = np.zeros(padded_shape, dtype=np.uint8)
    inner = tuple(slice(MARGIN, MARGIN + s) for s in gl.shape)
    img[inner] = np.where(roi, gl, img[inner])
    msk[inner] = roi.astype(np.uint8)
    im = sitk.GetImageFromArray(img)
    ma = sitk.GetImageFromArray(msk)
    for o in (im, ma):
        o.SetSpacing(SPACING_XYZ)
        o.SetOrigin((3.0, -2.0, 10.0))
    return im, ma


def compute(cls, names, gl, roi, settings):
    im, ma = to_images(gl, roi)
    kw = dict(binWidth=1, label=1)
    kw.update(settings)
    fc = cls(im, ma, **kw)
    # binning must leave the levels unchanged
    assert np.array_equal(fc.imageArray[fc.maskArray], np.pad(gl, MARGIN)[np.pad(roi, MARGIN)])
    fc.enableAllFeatures()
    for n in names:
        fc.enableFeatureByName(n, True)
    try:
        vals = fc.execute()
    except Exception as e:  # PyRadiomics refuses the setting for this volume
        return None, '%s: %s' % (type(e).__name__, e)
    res = []
    for n in names:
        if n in vals:
            res.append(float(vals[n]))
        else:
            res.append(None)  # deprecated feature raising DeprecationWarning: PyRadiomics stores no value
    return res, None


def wrap(items, indent):
    return textwrap.fill(', '.join(items), width=110, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False)


def cnum(v):
    if v is None or np.isnan(v):
        return 'NAN'
    return repr(float(v))


def volumes_header(vols):
    out = ['/* SPDX-License-Identifier: BSD-3-Clause */',
           '/* GENERATED by: python3 tests/gen/glcm_glrlm_ref.py --update -- do not edit.',
           ' * The synthetic volumes of tests/test_glcm.c and tests/test_glrlm.c: ROI bounding boxes in numpy',
           ' * order (z, y, x), gray levels 0 outside the ROI. */',
           '/* clang-format off */',
           '#ifndef RADX_GLCM_GLRLM_VOLUMES_H',
           '#define RADX_GLCM_GLRLM_VOLUMES_H',
           '',
           '#include "texture_harness.h" /* ref_volume */',
           '']
    for vi, (name, gl, roi) in enumerate(vols):
        out.append('/* %s: numpy shape (z, y, x) = %s */' % (name, gl.shape))
        out.append('static const int32_t vol%d_gl[] = {\n%s\n};' % (vi, wrap([str(int(v)) for v in gl.ravel()], '    ')))
        out.append('static const uint8_t vol%d_roi[] = {\n%s\n};' % (vi, wrap([str(int(v)) for v in roi.ravel()], '    ')))
    out.append('static const ref_volume ref_volumes[] = {')
    for vi, (name, gl, roi) in enumerate(vols):
        out.append('    {"%s", {%d, %d, %d}, vol%d_gl, vol%d_roi, %d, %d},' % (
            name, gl.shape[0], gl.shape[1], gl.shape[2], vi, vi, int(gl[roi].max()), int(roi.sum())))
    out.append('};')
    out.append('')
    out.append('#endif')
    return '\n'.join(out) + '\n'


def ref_block(which, vols):
    cls = {'glcm': glcm.RadiomicsGLCM, 'glrlm': glrlm.RadiomicsGLRLM}[which]
    names = sorted(cls.getFeatureNames().keys())
    out = ['/* ---- GENERATED by: python3 tests/gen/glcm_glrlm_ref.py %s ---- */' % which,
           '/* PyRadiomics %s; feature order: %s */' % (radiomics.__version__, ', '.join(names)),
           '/* volumes: ref_volumes[] of tests/glcm_glrlm_volumes.h */',
           '#define REF_NFEAT %d' % len(names),
           'static const ref_case ref_cases[] = {']
    for vi, (name, gl, roi) in enumerate(vols):
        for sname, s in SETTINGS:
            vals, errmsg = compute(cls, names, gl, roi, s)
            if vals is None:
                out.append('    /* %s/%s: PyRadiomics raised %s */' % (name, sname, errmsg.replace('*/', '')))
                continue
            out.append('    {%d, "%s", {\n%s}},' % (vi, sname, wrap([cnum(v) for v in vals], '        ')))
    out.append('};')
    out.append('/* ---- END GENERATED ---- */')
    return '\n'.join(out)


def main():
    vols = volumes()
    if '--update' not in sys.argv:
        which = sys.argv[1] if len(sys.argv) > 1 else 'glcm'
        sys.stdout.write(volumes_header(vols) if which == 'volumes' else ref_block(which, vols) + '\n')
        return
    write_file('glcm_glrlm_volumes.h', volumes_header(vols))
    for which in ('glcm', 'glrlm'):
        replace_block('test_%s.c' % which, '/* ---- GENERATED by:', '/* ---- END GENERATED ---- */', ref_block(which, vols))

if __name__ == '__main__':
    main()
