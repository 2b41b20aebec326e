# SPDX-License-Identifier: BSD-3-Clause
"""Reference values for tests/test_shape.c, computed by PyRadiomics 3.0.1 itself.

Run:  python3 tests/gen/shape_ref.py --big > /tmp/shape_ref.inc
and paste the printed C block into the cases[] table of tests/test_shape.c.  --big adds three
large masks (sphere r=60, anisotropic sphere r=40, union of balls in a 72^3 box) on which
PyRadiomics' all-pairs diameter search takes ~15 s in total.

Every case is a numpy (z, y, x) uint8 mask and a numpy-order spacing.  The mask is cropped to
its bounding box (what featureextractor.computeShape hands the shape classes: cropToTumorMask
with padDistance 0), turned into SimpleITK images (spacing reversed to ITK order), and run
through radiomics.shape.RadiomicsShape (all features, deprecated ones enabled by name) and,
where the ROI is one slice thick along force2Ddimension, radiomics.shape2D.RadiomicsShape2D
with force2D=True.  The C test rebuilds the same masks: analytic ones (sphere, cube,
ellipsoid) from the same integer formulas, the irregular ones from the hex bitmaps printed
here.
"""
import logging
import sys
import time

import numpy as np
import SimpleITK as sitk

import radiomics
from radiomics import shape, shape2D

radiomics.setVerbosity(logging.ERROR)

SHAPE_NAMES = ['Compactness1', 'Compactness2', 'Elongation', 'Flatness', 'LeastAxisLength',
               'MajorAxisLength', 'Maximum2DDiameterColumn', 'Maximum2DDiameterRow',
               'Maximum2DDiameterSlice', 'Maximum3DDiameter', 'MeshVolume', 'MinorAxisLength',
               'SphericalDisproportion', 'Sphericity', 'SurfaceArea', 'SurfaceVolumeRatio',
               'VoxelVolume']
SHAPE2D_NAMES = ['Elongation', 'MajorAxisLength', 'MaximumDiameter', 'MeshSurface',
                 'MinorAxisLength', 'Perimeter', 'PerimeterSurfaceRatio', 'PixelSurface',
                 'SphericalDisproportion', 'Sphericity']


def ball(r):
    n = 2 * r + 1
    z, y, x = np.mgrid[0:n, 0:n, 0:n]
    return (((z - r) ** 2 + (y - r) ** 2 + (x - r) ** 2) <= r * r).astype(np.uint8)


def ellipsoid(a, b, c):
    # integer form of (z/a)^2 + (y/b)^2 + (x/c)^2 <= 1, identical in C
    z, y, x = np.mgrid[-a:a + 1, -b:b + 1, -c:c + 1]
    lhs = z * z * (b * b * c * c) + y * y * (a * a * c * c) + x * x * (a * a * b * b)
    return (lhs <= a * a * b * b * c * c).astype(np.uint8)


def lcg_balls(seed, nballs, box):
    """Union of balls with centres / radii from a 32-bit LCG (replicated in the C test)."""
    state = [seed & 0xffffffff]

    def nxt():
        state[0] = (1664525 * state[0] + 1013904223) & 0xffffffff
        return state[0] >> 8

    m = np.zeros((box, box, box), np.uint8)
    z, y, x = np.mgrid[0:box, 0:box, 0:box]
    for _ in range(nballs):
        cz, cy, cx = nxt() % box, nxt() % box, nxt() % box
        r = 2 + nxt() % (box // 6)
        m[((z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2) <= r * r] = 1
    return m


def blob():
    """Two components, holes, irregular boundary: fixed random numbers, printed as hex."""
    rs = np.random.RandomState(20240531)
    m = np.zeros((14, 17, 23), np.uint8)
    z, y, x = np.mgrid[0:14, 0:17, 0:23]
    big = ((z - 6) ** 2 / 25.0 + (y - 8) ** 2 / 49.0 + (x - 8) ** 2 / 42.0) <= 1.0
    small = ((z - 9) ** 2 + (y - 5) ** 2 + (x - 19) ** 2) <= 6
    m[big | small] = 1
    m[rs.rand(*m.shape) < 0.18] = 0              # holes (interior and surface)
    m[(rs.rand(*m.shape) < 0.05) & ~small & (x < 16)] = 1   # spurs / floating voxels
    m[6, 8, 5:9] = 0                              # a tunnel
    return m


def random_slice():
    rs = np.random.RandomState(7)
    m = (rs.rand(1, 19, 26) < 0.55).astype(np.uint8)
    m[0, 0:3, 0:4] = 0
    return m


def crop(m):
    nz = np.nonzero(m)
    lo = [int(v.min()) for v in nz]
    hi = [int(v.max()) + 1 for v in nz]
    return np.ascontiguousarray(m[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]])


def to_sitk(m, sp_zyx):
    im = sitk.GetImageFromArray(m)
    im.SetSpacing([float(s) for s in sp_zyx[::-1]])
    return im


def shape3d(m, sp):
    mk = to_sitk(m, sp)
    img = to_sitk(m.astype(np.float64), sp)
    c = shape.RadiomicsShape(img, mk, label=1)
    for n in SHAPE_NAMES:
        c.enableFeatureByName(n)
    r = c.execute()
    return [float(r[n]) for n in SHAPE_NAMES]


def shape2d(m, sp, dim):
    mk = to_sitk(m, sp)
    img = to_sitk(m.astype(np.float64), sp)
    c = shape2D.RadiomicsShape2D(img, mk, label=1, force2D=True, force2Ddimension=dim)
    for n in SHAPE2D_NAMES:
        c.enableFeatureByName(n)
    r = c.execute()
    return [float(r[n]) for n in SHAPE2D_NAMES]


def hexbits(m):
    return np.packbits(m.ravel(), bitorder='little').tobytes().hex()


def cnum(v):
    if np.isnan(v):
        return 'NAN'
    return repr(float(v))


CASES = []  # (name, kind, params, mask, spacing)
CASES.append(('sphere_r5', 'ball', (5,), ball(5), (1.0, 1.0, 1.0)))
CASES.append(('sphere_r6_aniso', 'ball', (6,), ball(6), (1.25, 0.9, 1.1)))
CASES.append(('cube4', 'cube', (4, 4, 4), np.ones((4, 4, 4), np.uint8), (1.0, 1.0, 1.0)))
CASES.append(('box_3x5x7', 'cube', (3, 5, 7), np.ones((3, 5, 7), np.uint8), (0.5, 1.5, 2.5)))
CASES.append(('ellipsoid_3_5_8', 'ellipsoid', (3, 5, 8), ellipsoid(3, 5, 8), (2.0, 0.7, 0.9)))
CASES.append(('ct_aniso_0.78x0.78x6.5', 'ellipsoid', (4, 22, 17), ellipsoid(4, 22, 17),
              (6.5, 0.78, 0.78)))
CASES.append(('blob_holes_2comp', 'bits', None, crop(blob()), (1.2, 0.8, 0.95)))
CASES.append(('one_slice_z', 'bits', None, crop(random_slice()), (2.5, 0.6, 0.7)))
CASES.append(('one_slice_y', 'bits', None, crop(random_slice().transpose(1, 0, 2).copy()),
              (2.5, 0.6, 0.7)))
CASES.append(('one_slice_x', 'bits', None, crop(random_slice().transpose(1, 2, 0).copy()),
              (2.5, 0.6, 0.7)))
CASES.append(('lcg_balls_small', 'balls', (99, 5, 24), lcg_balls(99, 5, 24), (1.5, 0.7, 0.9)))
CASES.append(('single_voxel', 'cube', (1, 1, 1), np.ones((1, 1, 1), np.uint8), (3.0, 0.5, 0.75)))
BIG = [('sphere_r60', 'ball', (60,), (1.0, 1.0, 1.0)),
       ('sphere_r40_aniso', 'ball', (40,), (2.0, 0.78, 0.78)),
       ('lcg_balls_big', 'balls', (12345, 14, 72), (1.5, 0.7, 0.9))]


def main():
    big = '--big' in sys.argv
    out = []
    out.append('/* generated by: python3 tests/gen/shape_ref.py%s */' % (' --big' if big else ''))
    out.append('/* PyRadiomics %s, SimpleITK %s, numpy %s */' % (radiomics.__version__, sitk.Version_VersionString(), np.__version__))
    for name, kind, par, m, sp in CASES:
        m = crop(m)
        ref3 = shape3d(m, sp)
        ref2 = {}
        for d in range(3):
            if m.shape[d] == 1:
                ref2[d] = shape2d(m, sp, d)
        out.append('{ "%s", %s, %s, {%d, %d, %d}, {%s, %s, %s}, %s,' % (
            name, '"%s"' % kind, '{%s}' % ', '.join(str(v) for v in (par or (0,))),
            m.shape[0], m.shape[1], m.shape[2], repr(sp[0]), repr(sp[1]), repr(sp[2]),
            '"%s"' % hexbits(m) if kind == 'bits' else 'NULL'))
        out.append('  {%s},' % ', '.join(cnum(v) for v in ref3))
        for d in range(3):
            if d in ref2:
                out.append('  1, {%s},' % ', '.join(cnum(v) for v in ref2[d]))
            else:
                out.append('  0, {0},')
        out.append('},')
    if big:
        for name, kind, par, sp in BIG:
            m = crop(ball(par[0]) if kind == 'ball' else lcg_balls(*par))
            t = time.time()
            ref3 = shape3d(m, sp)
            dt = time.time() - t
            out.append('/* %s: PyRadiomics took %.1f s */' % (name, dt))
            out.append('{ "%s", "%s", {%s}, {%d, %d, %d}, {%s, %s, %s}, NULL,' % (
                name, kind, ', '.join(str(v) for v in par), m.shape[0], m.shape[1], m.shape[2], repr(sp[0]), repr(sp[1]), repr(sp[2])))
            out.append('  {%s},' % ', '.join(cnum(v) for v in ref3))
            out.append('  0, {0}, 0, {0}, 0, {0},')
            out.append('},')
    print('\n'.join(out))


if __name__ == '__main__':
    main()
