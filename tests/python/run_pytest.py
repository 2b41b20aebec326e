# SPDX-License-Identifier: BSD-3-Clause
"""CTest's test_python: the Python package's tests (tests/python) with pytest, against the build
tree's library (RADX_LIBRARY) and the package's sources (PYTHONPATH), which CTest sets.  Exits
77 (skipped), saying why, when numpy or pytest is not importable by this interpreter (RADX_PYTHON
at configure time, else the Python 3 CMake found)."""
import os
import sys


def main():
    try:
        import numpy  # noqa: F401
        import pytest
    except ImportError as e:
        print('test_python: %s cannot import numpy and pytest (%s): skipped; configure with RADX_PYTHON set to a '
              'Python that has them' % (sys.executable, e))
        return 77
    os.environ['RADX_TEST_PYTHON'] = sys.executable
    return pytest.main(['-q', '-p', 'no:cacheprovider', os.path.dirname(os.path.abspath(__file__))] + sys.argv[1:])


if __name__ == '__main__':
    sys.exit(main())
