# SPDX-License-Identifier: BSD-3-Clause
"""Reference values for tests/test_glszm.c, tests/test_gldm.c and tests/test_ngtdm.c.

Builds small synthetic volumes, runs PyRadiomics 3.0.1's RadiomicsGLSZM / RadiomicsGLDM /
RadiomicsNGTDM directly on SimpleITK images of them (binWidth = 1; every ROI contains gray level 1,
so PyRadiomics' binning leaves the levels unchanged, which is asserted), with all features
enabled plus the deprecated ones by name, and rewrites tests/szm_dm_ngtdm_volumes.h (the volumes
the three tests share) and the GENERATED block of each C test.

PyRadiomics gets the ROI bounding box padded by 2 voxels on every side, with random gray values
outside the ROI (they must not matter); radx gets the cropped bounding box, 0 outside the ROI.

Run:  python3 tests/gen/szm_dm_ngtdm_ref.py            (prints the header and the blocks)
      python3 tests/gen/szm_dm_ngtdm_ref.py --update   (rewrites them)
"""
import logging
import sys

import numpy as np
import SimpleITK as sitk

import radiomics
from radiomics import gldm, glszm, imageoperations, ngtdm

sys.dont_write_bytecode = True  # no tests/gen/__pycache__ from importing gen_block
from gen_block import replace_block, write_file  # noqa: E402

radiomics.setVerbosity(logging.ERROR)
PAD = 2


def make_cases():
    rng = np.random.RandomState(20240601)
    cases = []

    # 1. random gray levels with gaps in the level set, irregular ROI with holes
    shp = (6, 7, 8)
    levels = np.array([1, 2, 3, 5, 8, 9, 12])
    gl = levels[rng.randint(0, len(levels), size=shp)]
    zz, yy, xx = np.meshgrid(*[np.linspace(-1, 1, n) for n in shp], indexing='ij')
    roi = (zz ** 2 + yy ** 2 + xx ** 2) < 1.3
    roi &= rng.rand(*shp) > 0.2
    roi[2:4, 3, 3:5] = False  # interior hole
    cases.append(('random_gaps', gl, roi))

    # 2. blocky levels (larger zones, many dependent neighbours), spherical shell ROI
    shp = (8, 9, 10)
    levels = np.array([1, 2, 4, 7, 11])
    blocks = levels[rng.randint(0, len(levels), size=(4, 5, 5))]
    gl = np.kron(blocks, np.ones((2, 2, 2), dtype=int))[:shp[0], :shp[1], :shp[2]]
    zz, yy, xx = np.meshgrid(*[np.linspace(-1, 1, n) for n in shp], indexing='ij')
    r2 = zz ** 2 + yy ** 2 + xx ** 2
    roi = (r2 < 1.1) & (r2 > 0.15)
    roi &= rng.rand(*shp) > 0.05
    cases.append(('blocks_shell', gl, roi))

    # 3. ROI in a single z slice
    shp = (1, 9, 11)
    levels = np.array([1, 3, 4, 6])
    gl = levels[rng.randint(0, len(levels), size=shp)]
    roi = rng.rand(*shp) > 0.25
    cases.append(('one_slice', gl, roi))

    # 4. ROI in a single y row-plane (flat along numpy axis 1)
    shp = (5, 1, 7)
    levels = np.array([1, 2, 5])
    gl = levels[rng.randint(0, len(levels), size=shp)]
    roi = rng.rand(*shp) > 0.2
    cases.append(('one_y_plane', gl, roi))

    # 5. single gray level, irregular ROI
    shp = (4, 5, 6)
    gl = np.ones(shp, dtype=int)
    roi = rng.rand(*shp) > 0.3
    cases.append(('single_level', gl, roi))

    # 6. one voxel
    cases.append(('one_voxel', np.ones((1, 1, 1), dtype=int), np.ones((1, 1, 1), dtype=bool)))

    out = []
    for name, gl, roi in cases:
        gl = np.asarray(gl, dtype=np.int64)
        roi = np.asarray(roi, dtype=bool)
        # crop to the ROI bounding box and make sure gray level 1 is present
        idx = np.where(roi)
        sl = tuple(slice(i.min(), i.max() + 1) for i in idx)
        gl, roi = gl[sl].copy(), roi[sl].copy()
        if not np.any(gl[roi] == 1):
            first = tuple(i[0] for i in np.where(roi))
            gl[first] = 1
        gl[~roi] = 0
        out.append((name, gl, roi, 0))

    # Formula cases, too big to embed: the C test rebuilds them with the same integer formula.
    # 7. half of a 100^3 box is one zone of 500000 voxels (sparse GLSZM aggregation path)
    # 8. 5000 gray levels with holes; distances up to 5 (1330 offsets, sparse GLDM path)
    for fid, name, shp in ((1, 'half_one_zone', (100, 100, 100)), (2, 'many_levels', (30, 30, 30))):
        gl = formula_gl(fid, shp)
        roi = gl > 0
        assert np.any(gl[roi] == 1)
        assert all(np.any(roi, axis=tuple(a for a in range(3) if a != ax)).all() for ax in range(3))
        out.append((name, gl, roi, fid))
    return out


def formula_gl(fid, shp):
    """Same integer formulas as th_formula_gl() in tests/texture_harness.h (numpy order z, y, x)."""
    z, y, x = np.meshgrid(*[np.arange(n, dtype=np.int64) for n in shp], indexing='ij')
    if fid == 1:
        return np.where(x < 50, 1, 2 + (x * x * 3 + y * 5 + z * z * 7 + x * y) % 12)
    if fid == 2:
        gl = 1 + (x * x * 31 + y * y * 17 + z * 53 + x * y * z * 7) % 5000
        gl[(x + 2 * y + 3 * z) % 7 == 3] = 0
        return gl
    raise ValueError(fid)


def padded_images(gl, roi, rng):
    shp = tuple(n + 2 * PAD for n in gl.shape)
    img = rng.randint(1, max(2, int(gl.max()) + 3), size=shp).astype(np.int32)
    msk = np.zeros(shp, dtype=np.uint8)
    inner = tuple(slice(PAD, PAD + n) for n in gl.shape)
    img[inner][roi] = gl[roi]
    msk[inner][roi] = 1
    # PyRadiomics' binning must leave the levels unchanged
    binned, _ = imageoperations.binImage(img.astype(np.float64), msk.astype(bool), binWidth=1)
    assert np.array_equal(binned[inner][roi], gl[roi]), 'binning changed the gray levels'
    im = sitk.GetImageFromArray(img)
    mk = sitk.GetImageFromArray(msk)
    im.SetSpacing((0.7, 0.8, 1.5))
    mk.SetSpacing((0.7, 0.8, 1.5))
    return im, mk


CLASSES = {
    'glszm': (glszm.RadiomicsGLSZM, []),
    'gldm': (gldm.RadiomicsGLDM, ['DependencePercentage', 'GrayLevelNonUniformityNormalized']),
    'ngtdm': (ngtdm.RadiomicsNGTDM, []),
}


def settings_for(cls, fid=0):
    # (label, force2D, force2Ddimension, distances, gldm_a)
    s = [('default', 0, 0, [1], 0)]
    if fid == 1:
        return s
    if fid == 2:
        return s + ([('distances_1_to_5', 0, 0, [1, 2, 3, 4, 5], 0)] if cls != 'glszm' else [])
    if cls in ('gldm', 'ngtdm'):
        s += [('distances_1_2', 0, 0, [1, 2], 0), ('distances_3', 0, 0, [3], 0)]
    if cls == 'gldm':
        s += [('gldm_a_1', 0, 0, [1], 1), ('gldm_a_2', 0, 0, [1], 2),
              ('gldm_a_1_distances_1_2', 0, 0, [1, 2], 1)]
    s += [('force2D_dim0', 1, 0, [1], 0), ('force2D_dim1', 1, 1, [1], 0), ('force2D_dim2', 1, 2, [1], 0)]
    if cls in ('gldm', 'ngtdm'):
        s += [('force2D_dim0_distances_1_2', 1, 0, [1, 2], 0)]
    return s


def cnum(v):
    v = float(v)
    if np.isnan(v):
        return 'NAN'
    if np.isinf(v):
        return 'INFINITY' if v > 0 else '-INFINITY'
    return repr(v)


def volumes_header(cases):
    lines = ['/* SPDX-License-Identifier: BSD-3-Clause */',
             '/* GENERATED by python3 tests/gen/szm_dm_ngtdm_ref.py --update -- do not edit.',
             ' * The synthetic volumes of tests/test_glszm.c, tests/test_gldm.c and tests/test_ngtdm.c: ROI',
             ' * bounding boxes in numpy order (z, y, x), gray levels 0 outside the ROI; the formula cases are',
             ' * rebuilt by th_formula_gl() (tests/texture_harness.h). */',
             '/* clang-format off */',
             '#ifndef RADX_SZM_DM_NGTDM_VOLUMES_H',
             '#define RADX_SZM_DM_NGTDM_VOLUMES_H',
             '',
             '#include "texture_harness.h" /* tcase */',
             '']
    for ci, (name, gl, roi, fid) in enumerate(cases):
        if fid:
            continue
        flat = ', '.join(str(int(v)) for v in gl.ravel())
        lines.append('static const int32_t case%d_gl[] = {%s};' % (ci, flat))
    lines.append('static const tcase cases[] = {')
    for ci, (name, gl, roi, fid) in enumerate(cases):
        lines.append('    {"%s", {%d, %d, %d}, %s, %d},' % ((name,) + gl.shape + ('NULL' if fid else 'case%d_gl' % ci, fid)))
    lines.append('};')
    lines.append('')
    lines.append('#endif')
    return '\n'.join(lines) + '\n'


def block_for(cls, cases):
    klass, deprecated = CLASSES[cls]
    rng = np.random.RandomState(7)
    lines = []
    lines.append('/* BEGIN GENERATED by tests/gen/szm_dm_ngtdm_ref.py (PyRadiomics %s) -- do not edit */'
                 % radiomics.__version__)
    lines.append('/* volumes: cases[] of tests/szm_dm_ngtdm_volumes.h */')
    names = None
    refs = []
    for ci, (name, gl, roi, fid) in enumerate(cases):
        im, mk = padded_images(gl, roi, rng)
        for label, f2d, f2dd, dist, a in settings_for(cls, fid):
            kw = dict(binWidth=1, force2D=bool(f2d), force2Ddimension=f2dd, distances=dist, gldm_a=a)
            c = klass(im, mk, **kw)
            c.enableAllFeatures()
            for d in deprecated:
                c.enableFeatureByName(d, True)
            vals = c.execute()
            for d in deprecated:
                assert d not in vals, 'deprecated feature %s returned a value' % d
                vals[d] = float('nan')
            fnames = sorted(vals.keys())
            if names is None:
                names = fnames
            assert names == fnames
            refs.append((ci, label, f2d, f2dd, dist, a, [vals[n] for n in names]))
    lines.append('static const char *const ref_names[] = {%s};' % ', '.join('"%s"' % n for n in names))
    lines.append('static const tref refs[] = {')
    for ci, label, f2d, f2dd, dist, a, v in refs:
        lines.append('    {%d, "%s", %d, %d, %d, {%s}, %d,' % (ci, label, f2d, f2dd, len(dist),
                                                          ', '.join(str(d) for d in dist), a))
        lines.append('     {%s}},' % ', '.join(cnum(x) for x in v))
    lines.append('};')
    lines.append('/* END GENERATED */')
    return '\n'.join(lines)


def main():
    cases = make_cases()
    update = '--update' in sys.argv
    header = volumes_header(cases)
    if update:
        write_file('szm_dm_ngtdm_volumes.h', header)
    else:
        sys.stdout.write(header)
    for cls in ('glszm', 'gldm', 'ngtdm'):
        block = block_for(cls, cases)
        if update:
            replace_block('test_%s.c' % cls, '/* BEGIN GENERATED', '/* END GENERATED */', block)
        else:
            print(block)

if __name__ == '__main__':
    main()
