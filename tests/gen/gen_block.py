# SPDX-License-Identifier: BSD-3-Clause
"""Writes generated C text into tests/ (shared by tests/gen/glcm_glrlm_ref.py and
tests/gen/szm_dm_ngtdm_ref.py; imported from the directory of the running script)."""
import os

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_file(name, text):
    """Writes tests/<name>."""
    path = os.path.join(TESTS, name)
    with open(path, 'w') as f:
        f.write(text)
    print('updated', path)


def replace_block(name, begin, end, block):
    """Replaces the text of tests/<name> from the first `begin` through the first `end` with block."""
    with open(os.path.join(TESTS, name)) as f:
        src = f.read()
    b = src.index(begin)
    e = src.index(end) + len(end)
    write_file(name, src[:b] + block + src[e:])
