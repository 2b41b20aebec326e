/* SPDX-License-Identifier: BSD-3-Clause */
/* Python's repr() of a float: the one number formatter of the library (feature values,
 * diagnostics, the settings dict of diagnostics_Configuration_Settings, radx_format_number). */
#ifndef RADX_REPR_H
#define RADX_REPR_H
#include <stddef.h>

/* Writes v as Python 3's repr(float): the digits of the shortest "%.{p}e" text that reads back
 * to v (trailing zeros dropped), in fixed notation when the decimal exponent is in [-4, 16)
 * ("0.0001", "6.5", "2.0", "1000000000000000.0"), else as d.ddde+XX with at least two exponent
 * digits ("1e-05", "1e+16"); "nan" for any NaN, "inf" / "-inf", "-0.0".  buf of at least 32
 * bytes holds every value.
 * "%.{p}e" rounds correctly, so where a shorter string that is not the correctly rounded one
 * also reads back, Python prints it and this prints one digit more: some exact powers of two,
 * e.g. 2**-44, Python 5.684341886080802e-14, here 5.6843418860808015e-14. */
void radx_fmt_double(char *buf, size_t len, double v);
#endif
