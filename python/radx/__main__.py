# SPDX-License-Identifier: BSD-3-Clause
"""`radx ...` and `python -m radx ...`: the command line program installed with the package."""
import os
import sys


def main():
    exe = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bin', 'radx')
    if not os.access(exe, os.X_OK):
        sys.exit('radx: the command line program is not in the package (%s); build the project with CMake' % exe)
    os.execv(exe, [exe] + sys.argv[1:])


if __name__ == '__main__':
    main()
