# SPDX-License-Identifier: BSD-3-Clause
"""FNV-1a (64-bit), how the reference generators here hash values (tests/radx_test.h:
radx_test_fnv1a on the C side)."""
FNV_OFFSET, FNV_PRIME, MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


def fnv1a(h, data):
    """h continued by the bytes of data."""
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & MASK
    return h
