# SPDX-License-Identifier: BSD-3-Clause
"""Test files and reference geometry for tests/test_io.c (the volume reader, host/io*.c).

  python3 tests/gen/io_ref.py write     # (re)creates the tiny files under data/io/
  python3 tests/gen/io_ref.py table     # prints the C table for tests/test_io.c

`write` builds small volumes (4x3x2 voxels, fixed values) and stores them as NIfTI-1 (.nii,
.nii.gz, .hdr/.img), NIfTI-2, Analyze 7.5 and NRRD (raw/gzip/ascii, attached/detached, LPS/RAS/LAS/
scanner-xyz/no space, 2-D, 4-D with one volume), either through SimpleITK's writer or with headers
packed here byte by byte (no nibabel) to reach the qform/sform cases SimpleITK never writes.

`table` reads every one of those files, and the shared data sets when present, with SimpleITK 2.5.7
(sitk.ReadImage) and prints what it reports: size, spacing, origin, direction (LPS), pixel type,
sitk.Hash(image), sitk.Hash(Cast(image, UInt32)) (what PyRadiomics prints as Mask-original_Hash) and
the sum of all voxel values.  A 2-D image is reported as radx stores it (third axis: size 1, spacing 1,
origin 0, direction e3: what ITK's reader gives when a 2-D file is read into a 3-D image); a 4-D image
with one volume (NRRD; SimpleITK keeps it 4-D) is reported by its first three axes.
"""
import glob
import gzip
import os
import struct
import sys

import numpy as np
import SimpleITK as sitk

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'data', 'io')
SHARED = os.path.abspath(os.path.join(ROOT, '..', 'shared'))

NX, NY, NZ = 4, 3, 2

# NIfTI datatype codes / numpy dtypes
NIFTI_DT = {'u1': 2, 'i2': 4, 'i4': 8, 'f4': 16, 'f8': 64, 'i1': 256, 'u2': 512, 'u4': 768,
            'i8': 1024, 'u8': 1280}


def values(dtype, nx=NX, ny=NY, nz=NZ):
    """Deterministic voxel values in numpy order (z, y, x), with negatives for signed types."""
    n = nx * ny * nz
    k = np.arange(n, dtype=np.int64)
    dt = np.dtype(dtype)
    if dt.kind == 'f':
        v = (k * 37 % 23 - 11) * 0.375 + 0.125
    elif dt.kind == 'i':
        v = (k * 37 % 23 - 11) * (3 if dt.itemsize > 1 else 1)
    else:
        v = k * 37 % 23 + (60000 if dt.itemsize >= 2 else 0) % 65000
    return np.asarray(v, dtype=dt).reshape(nz, ny, nx)


def quat_matrix(b, c, d):
    a = np.sqrt(max(0.0, 1.0 - (b * b + c * c + d * d)))
    return np.array([[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                     [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
                     [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b]])


def nifti1_header(shape_xyz, dtype, pixdim, qform_code=0, quat=(0, 0, 0), qoffset=(0, 0, 0),
                  qfac=1.0, sform_code=0, srow=None, scl=(0.0, 0.0), xyzt_units=2, ndim=None,
                  magic=b'n+1', intent_code=0, endian='<'):
    h = bytearray(348)
    e = endian
    dims = list(shape_xyz)
    if ndim is None:
        ndim = len(dims)
    dim = [ndim] + dims + [1] * (7 - len(dims))
    dt = np.dtype(dtype)
    struct.pack_into(e + 'i', h, 0, 348)
    h[38] = ord('r')
    struct.pack_into(e + '8h', h, 40, *dim)
    struct.pack_into(e + 'hhh', h, 68, intent_code, NIFTI_DT[dt.str[1:]], dt.itemsize * 8)
    pd = [qfac] + list(pixdim) + [1.0] * (7 - len(pixdim))
    struct.pack_into(e + '8f', h, 76, *pd)
    struct.pack_into(e + 'fff', h, 108, 352.0 if magic == b'n+1' else 0.0, scl[0], scl[1])
    h[123] = xyzt_units
    struct.pack_into(e + 'hh', h, 252, qform_code, sform_code)
    struct.pack_into(e + '6f', h, 256, *(list(quat) + list(qoffset)))
    if srow is not None:
        struct.pack_into(e + '12f', h, 280, *np.asarray(srow, dtype=float).ravel())
    h[344:348] = magic + b'\0' * (4 - len(magic))
    return bytes(h)


def nifti2_header(shape_xyz, dtype, pixdim, qform_code=0, quat=(0, 0, 0), qoffset=(0, 0, 0),
                  qfac=1.0, sform_code=0, srow=None, xyzt_units=2):
    h = bytearray(540)
    dims = list(shape_xyz)
    dim = [len(dims)] + dims + [1] * (7 - len(dims))
    dt = np.dtype(dtype)
    struct.pack_into('<i', h, 0, 540)
    h[4:12] = b'n+2\0\r\n\x1a\n'
    struct.pack_into('<hh', h, 12, NIFTI_DT[dt.str[1:]], dt.itemsize * 8)
    struct.pack_into('<8q', h, 16, *dim)
    pd = [qfac] + list(pixdim) + [1.0] * (7 - len(pixdim))
    struct.pack_into('<8d', h, 104, *pd)
    struct.pack_into('<q', h, 168, 544)
    struct.pack_into('<ii', h, 344, qform_code, sform_code)
    struct.pack_into('<6d', h, 352, *(list(quat) + list(qoffset)))
    if srow is not None:
        struct.pack_into('<12d', h, 400, *np.asarray(srow, dtype=float).ravel())
    struct.pack_into('<ii', h, 496, 0, xyzt_units)
    return bytes(h)


def wr(name, data, gz=False):
    path = os.path.join(OUT, name)
    if gz:
        with open(path, 'wb') as f:
            f.write(gzip.compress(data, compresslevel=9, mtime=0))
    else:
        with open(path, 'wb') as f:
            f.write(data)


def srow_from(rot, spacing, offset):
    m = np.asarray(rot, dtype=float) * np.asarray(spacing, dtype=float)[None, :]
    return np.hstack([m, np.asarray(offset, dtype=float)[:, None]])


def write_all():
    os.makedirs(OUT, exist_ok=True)
    for f in glob.glob(os.path.join(OUT, '*')):
        if not f.endswith('README.md'):
            os.remove(f)
    ext4 = b'\0\0\0\0'

    # 1. qform only, oblique, left-handed (qfac -1), int16
    v = values('<i2')
    wr('n1_qform.nii', nifti1_header((NX, NY, NZ), '<i2', (0.7, 0.9, 2.5), qform_code=1,
                                     quat=(0.1, -0.2, 0.3), qoffset=(10.5, -20.25, 30.125),
                                     qfac=-1.0) + ext4 + v.tobytes())
    # 2. sform only (ALIGNED_ANAT), oblique orthonormal, uint16, gzip
    rot = quat_matrix(-0.25, 0.05, 0.15)
    v = values('<u2')
    wr('n1_sform.nii.gz', nifti1_header((NX, NY, NZ), '<u2', (1.25, 1.5, 3.0), sform_code=2,
                                        srow=srow_from(rot, (1.25, 1.5, 3.0), (-5.5, 7.25, -9.0)))
       + ext4 + v.tobytes(), gz=True)
    # 3. qform and sform both set, different (sform ALIGNED_ANAT): ITK takes the qform; float64
    rot = quat_matrix(0.3, 0.1, -0.05)
    v = values('<f8')
    wr('n1_qs_differ.nii', nifti1_header((NX, NY, NZ), '<f8', (0.8, 0.8, 1.6), qform_code=1,
                                         quat=(0.0, 0.0, 0.2), qoffset=(1, 2, 3), sform_code=2,
                                         srow=srow_from(rot, (0.8, 0.8, 1.6), (4, 5, 6)))
       + ext4 + v.tobytes())
    # 4. qform and sform differ, sform SCANNER_ANAT: ITK takes the sform; int32
    rot = quat_matrix(0.05, -0.1, 0.02)
    v = values('<i4')
    wr('n1_scanner_sform.nii', nifti1_header((NX, NY, NZ), '<i4', (0.5, 0.6, 0.7), qform_code=1,
                                             quat=(0.2, 0.0, 0.0), qoffset=(-1, -2, -3),
                                             sform_code=1,
                                             srow=srow_from(rot, (0.5, 0.6, 0.7), (7.5, 8.5, 9.5)))
       + ext4 + v.tobytes())
    # 5. scl_slope / scl_inter on int16: SimpleITK reads float32 = float(x) * slope + inter
    v = values('<i2')
    wr('n1_slope.nii', nifti1_header((NX, NY, NZ), '<i2', (1, 1, 1), qform_code=1,
                                     scl=(0.3, -10.7)) + ext4 + v.tobytes())
    # 6. dim[0] = 4 with nt = 1, units metres, uint32
    v = values('<u4')
    wr('n1_4d1_metres.nii', nifti1_header((NX, NY, NZ, 1), '<u4', (0.001, 0.002, 0.003, 1.0),
                                          qform_code=1, quat=(0, 0, 1), qoffset=(0.01, 0.02, 0.03),
                                          xyzt_units=1 | 8) + ext4 + v.tobytes())
    # 7. 2-D, in-plane rotation, int8
    v = values('<i1', NX, NY, 1)
    wr('n1_2d.nii', nifti1_header((NX, NY), '<i1', (0.4, 0.6), qform_code=1,
                                  quat=(0, 0, 0.258819), qoffset=(3, 4, 0)) + ext4 + v.tobytes())
    # 8. no qform/sform, negative pixdim: spacing flipped into the direction; float32
    v = values('<f4')
    wr('n1_noxform_negpix.nii', nifti1_header((NX, NY, NZ), '<f4', (-1.5, 2.0, 2.5))
       + ext4 + v.tobytes())
    # 9. NIfTI-2, qform + similar sform, int64
    rot = quat_matrix(0.1, 0.2, 0.1)
    v = values('<i8')
    wr('n2_int64.nii', nifti2_header((NX, NY, NZ), '<i8', (0.9, 1.1, 1.3), qform_code=1,
                                     quat=(0.1, 0.2, 0.1), qoffset=(-7, 8, -9), sform_code=1,
                                     srow=srow_from(rot, (0.9, 1.1, 1.3), (-7, 8, -9)))
       + ext4 + v.tobytes())
    # 10. NIfTI-1 pair .hdr/.img written by SimpleITK, uint8
    img = sitk.GetImageFromArray(values('u1'))
    img.SetSpacing((0.5, 0.75, 1.25))
    img.SetOrigin((1.5, -2.5, 3.5))
    img.SetDirection(tuple(quat_matrix(0.0, 0.1, 0.0).ravel()))
    sitk.WriteImage(img, os.path.join(OUT, 'n1_pair.hdr'))
    # 11. Analyze 7.5 pair (no magic), int16, transverse unflipped
    v = values('<i2')
    h = bytearray(nifti1_header((NX, NY, NZ), '<i2', (1.2, 1.4, 1.6), magic=b''))
    wr('analyze.hdr', bytes(h))
    wr('analyze.img', v.tobytes())

    # 12. qform and a nearly equal sform (ALIGNED_ANAT, offsets 5e-5 apart), isotropic voxels: ITK's
    # SVD-based comparison says "very similar" for one rotation (-> sform) and not for another
    # (-> qform): float rounding noise in vnl_svd<float>, reproduced bit for bit by radx
    for tag, quat in (('sform', (0.1, 0.2, 0.3)), ('qform', (0.3, -0.1, 0.2))):
        sp = (1.0, 1.0, 1.0)
        srow = srow_from(quat_matrix(*quat), sp, (2.5, -3.5, 4.5)).astype(np.float32).astype(float)
        srow[:, 3] += 5e-5
        wr('n1_qs_close_%s.nii' % tag,
           nifti1_header((NX, NY, NZ), '<i2', sp, qform_code=1, quat=quat, qoffset=(2.5, -3.5, 4.5),
                         sform_code=2, srow=srow) + ext4 + values('<i2').tobytes())
    # 13. big-endian NIfTI-1, int16, qform
    wr('n1_bigendian.nii', nifti1_header((NX, NY, NZ), '>i2', (0.6, 0.7, 0.8), qform_code=1,
                                         quat=(0.0, 0.3, 0.0), qoffset=(1, 2, 3), endian='>')
       + ext4 + values('>i2').tobytes())
    # 14. float32 with NaN / +Inf / -Inf: nifti_clib (ITK's and radx's) reads them as 0
    v = values('<f4').ravel().copy()
    v[3], v[5], v[7] = np.nan, np.inf, -np.inf
    wr('n1_nonfinite.nii', nifti1_header((NX, NY, NZ), '<f4', (1, 1, 1), qform_code=1) + ext4 + v.tobytes())
    # 15. qform with a negative pixdim: nifti_quatern_to_mat44 uses 1 for that axis, ITK the
    # negative spacing, which ImageFileReader flips into the direction
    wr('n1_qform_negpix.nii', nifti1_header((NX, NY, NZ), '<u1', (0.5, -0.75, 1.5), qform_code=1,
                                            quat=(0.0, 0.0, 0.2), qoffset=(-4, 5, -6))
       + ext4 + values('u1').tobytes())

    # NRRD
    # 16. SimpleITK, gzip, float32, oblique
    img = sitk.GetImageFromArray(values('f4'))
    img.SetSpacing((0.3, 0.6, 0.9))
    img.SetOrigin((-1.25, 2.5, -3.75))
    img.SetDirection(tuple(quat_matrix(0.1, 0.2, -0.3).ravel()))
    sitk.WriteImage(img, os.path.join(OUT, 'nrrd_gzip.nrrd'), useCompression=True)
    # 17. SimpleITK, detached header (.nhdr + .raw.gz), uint16
    img = sitk.GetImageFromArray(values('u2'))
    img.SetSpacing((2.0, 1.0, 0.5))
    img.SetOrigin((100.0, -50.0, 25.0))
    sitk.WriteImage(img, os.path.join(OUT, 'nrrd_detached.nhdr'), useCompression=True)
    # 18. RAS space, oblique, raw little endian, int16
    rot = quat_matrix(0.2, -0.1, 0.05)
    sp = (0.7, 0.8, 1.9)
    d = rot * np.array(sp)[None, :]
    sd = ' '.join('(%.17g,%.17g,%.17g)' % tuple(d[:, i]) for i in range(3))
    hdr = ('NRRD0004\ntype: short\ndimension: 3\nspace: right-anterior-superior\n'
           'sizes: %d %d %d\nspace directions: %s\nkinds: domain domain domain\n'
           'endian: little\nencoding: raw\nspace origin: (12.5,-13.25,14.125)\n\n'
           % (NX, NY, NZ, sd))
    wr('nrrd_ras.nrrd', hdr.encode() + values('<i2').tobytes())
    # 19. LAS space, big endian, int32
    hdr = ('NRRD0004\ntype: int\ndimension: 3\nspace: left-anterior-superior\n'
           'sizes: %d %d %d\nspace directions: (0,1.5,0) (2,0,0) (0,0,-2.5)\n'
           'kinds: domain domain domain\nendian: big\nencoding: raw\n'
           'space origin: (-1,-2,-3)\n\n' % (NX, NY, NZ))
    wr('nrrd_las_big.nrrd', hdr.encode() + values('>i4').tobytes())
    # 20. 2-D, SimpleITK (space dimension 2), float64
    img = sitk.GetImageFromArray(values('f8', NX, NY, 1)[0])
    img.SetSpacing((0.25, 0.35))
    img.SetOrigin((5.5, -6.5))
    c, s = np.cos(0.4), np.sin(0.4)
    img.SetDirection((c, -s, s, c))
    sitk.WriteImage(img, os.path.join(OUT, 'nrrd_2d.nrrd'))
    # 21. no space: spacings + axis mins, ascii, uint8
    hdr = ('NRRD0004\ntype: uchar\ndimension: 3\nsizes: %d %d %d\nspacings: 1.5 2.5 3.5\n'
           'axis mins: 10 20 30\ncenters: cell cell cell\nencoding: ascii\n\n' % (NX, NY, NZ))
    wr('nrrd_nospace_ascii.nrrd',
       hdr.encode() + (' '.join(str(int(x)) for x in values('u1').ravel()) + '\n').encode())
    # 22. 4-D with one volume (last size 1; SimpleITK keeps it 4-D), no space, uint64
    hdr = ('NRRD0004\ntype: unsigned long long int\ndimension: 4\nsizes: %d %d %d 1\n'
           'spacings: 1.5 1 2 1\nendian: little\nencoding: raw\n\n' % (NX, NY, NZ))
    wr('nrrd_4d1.nrrd', hdr.encode() + values('<u8').tobytes())
    # 23. scanner-xyz space (no LPS conversion), int8, gzip
    hdr = ('NRRD0005\ntype: signed char\ndimension: 3\nspace: scanner-xyz\nsizes: %d %d %d\n'
           'space directions: (0.6,0,0.8) (0,1,0) (-0.8,0,0.6)\nendian: little\nencoding: gzip\n'
           'space origin: (0.5,0.25,0.125)\n\n' % (NX, NY, NZ))
    wr('nrrd_scanner_gz.nrrd', hdr.encode() + gzip.compress(values('i1').tobytes(), mtime=0))


def local_files():
    names = sorted(os.listdir(OUT))
    skip = ('.img', '.raw', '.raw.gz', '.md')
    return [n for n in names if not n.endswith(skip)]


def shared_files():
    pats = ['data/pyradiomics/*.nrrd', 'data/pyradiomics/*.nii.gz',
            'data/ibsi1/digital_phantom/nifti/*/*.nii.gz', 'data/ibsi2/phantoms/*/*/*.nii.gz']
    out = []
    for p in pats:
        out += sorted(os.path.relpath(f, SHARED) for f in glob.glob(os.path.join(SHARED, p)))
    return out


PIX = {sitk.sitkUInt8: 'RADX_DT_U8', sitk.sitkInt8: 'RADX_DT_I8', sitk.sitkUInt16: 'RADX_DT_U16',
       sitk.sitkInt16: 'RADX_DT_I16', sitk.sitkUInt32: 'RADX_DT_U32', sitk.sitkInt32: 'RADX_DT_I32',
       sitk.sitkUInt64: 'RADX_DT_U64', sitk.sitkInt64: 'RADX_DT_I64',
       sitk.sitkFloat32: 'RADX_DT_F32', sitk.sitkFloat64: 'RADX_DT_F64'}


def entry_nifti2(path, label):
    """SimpleITK 2.5.7 cannot read NIfTI-2 (ITK's NIfTI reader is built on nifti1_io).  radx applies
    ITK's NIfTI-1 rules to the double-precision NIfTI-2 fields; the expected values are those rules
    evaluated here from the header: the file's qform and sform are equal and sform_code is
    SCANNER_ANAT, so ITK's choice is the sform; spacing = pixdim; origin and direction columns from
    the sform, RAS -> LPS (x, y negated), columns normalised."""
    import hashlib
    raw = open(path, 'rb').read()
    dim = struct.unpack_from('<8q', raw, 16)
    pixdim = struct.unpack_from('<8d', raw, 104)
    srow = np.array(struct.unpack_from('<12d', raw, 400)).reshape(3, 4)
    data = np.frombuffer(raw[544:], dtype='<i8')
    assert dim[0] == 3 and struct.unpack_from('<ii', raw, 344)[1] == 1
    org = [-srow[0, 3], -srow[1, 3], srow[2, 3]]
    D = np.zeros((3, 3))
    for j in range(3):
        col = [-srow[0, j], -srow[1, j], srow[2, j]]
        nrm = np.sqrt(col[0] * col[0] + col[1] * col[1] + col[2] * col[2])
        D[:, j] = [c / nrm for c in col]
    h = hashlib.sha1(data.tobytes()).hexdigest()
    hm = hashlib.sha1(data.astype('<u4').tobytes()).hexdigest()
    f = lambda xs: ', '.join('%.17g' % x for x in xs)
    return ('    {"%s", 0, 3, RADX_DT_I64, {%d, %d, %d}, {%s}, {%s}, {%s},\n     "%s", "%s", %.17g},'
            % (label, dim[1], dim[2], dim[3], f(pixdim[1:4]), f(org), f(D.ravel()), h, hm,
               float(np.sum(data.astype(np.float64)))))


def entry(path, label, base):
    if os.path.basename(path).startswith('n2_'):
        return entry_nifti2(path, label)
    img = sitk.ReadImage(path)
    dim = img.GetDimension()
    size = list(img.GetSize())
    sp = list(img.GetSpacing())
    org = list(img.GetOrigin())
    d = np.array(img.GetDirection()).reshape(dim, dim)
    nd = min(dim, 3)
    if dim == 4:
        assert size[3] == 1
    D = np.eye(3)
    D[:nd, :nd] = d[:nd, :nd]
    size3 = (size + [1, 1])[:3]
    sp3 = (sp + [1.0, 1.0])[:3]
    org3 = (org[:nd] + [0.0, 0.0])[:3]
    arr = sitk.GetArrayFromImage(img)
    h = sitk.Hash(img)
    try:
        hm = sitk.Hash(sitk.Cast(img, sitk.sitkUInt32))
    except RuntimeError:  # SimpleITK 2.5.7 has no 4-D UInt64 -> UInt32 cast: same bytes via numpy
        import hashlib
        hm = hashlib.sha1(np.ascontiguousarray(arr).astype('<u4').tobytes()).hexdigest()
    s = float(np.sum(arr.astype(np.float64)))
    f = lambda xs: ', '.join('%.17g' % x for x in xs)
    return ('    {"%s", %d, %d, %s, {%d, %d, %d}, {%s}, {%s}, {%s},\n     "%s", "%s", %.17g},'
            % (label, base, nd, PIX[img.GetPixelID()], size3[0], size3[1], size3[2], f(sp3),
               f(org3), f(D.ravel()), h, hm, s))


def table():
    print('/* GENERATED by: python3 tests/gen/io_ref.py table  (SimpleITK %s) */'
          % sitk.Version_VersionString())
    print('static const io_ref IO_REF[] = {')
    for n in local_files():
        print(entry(os.path.join(OUT, n), 'data/io/' + n, 0))
    for n in shared_files():
        print(entry(os.path.join(SHARED, n), n, 1))
    print('};')


if __name__ == '__main__':
    sitk.ProcessObject.SetGlobalWarningDisplay(False)
    cmd = sys.argv[1] if len(sys.argv) > 1 else 'table'
    if cmd == 'write':
        write_all()
    else:
        table()
