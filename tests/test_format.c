/* SPDX-License-Identifier: BSD-3-Clause */
/* Numbers in diagnostics and text output are printed as Python's repr() prints them (PyRadiomics
 * prints Python floats): the expected strings below are Python 3.11's repr of each value. */
#include "radx.h"
#include "radx_test.h"

static const struct {
    double v;
    const char *py;
} cases[] = {
    {0x1.6800000000000p+6, "90.0"},
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {0x1.0000000000000p+0, "1.0"},
    {0x1.999999999999ap-4, "0.1"},
    {0x1.4f8b588e368f1p-17, "1e-05"},
    {0x1.f75104d551d69p-17, "1.5e-05"},
    {0x1.b69b4ba630f35p+56, "1.2345678901234568e+17"},
    {0x1.1c37937e08000p+53, "1e+16"},
    {0x1.c6bf526340000p+49, "1000000000000000.0"},
    {0x1.9000000000000p-1, "0.78125"},
    {0x1.9fffffffffffep+2, "6.499999999999998"},
    {0x1.81a80a5c28f5cp+8, "385.6564080810547"},
    {-0x1.4000000000000p+1, "-2.5"},
    {0x1.a36e2eb1c432dp-14, "0.0001"},
    {0x1.7e20000000000p+11, "3057.0"},
    {0x1.1a1b06dfab5c3p+21, "2311008.859213562"},
    {0x1.7e43c8800759cp+996, "1e+300"},
    {0x0.0000000000001p-1022, "5e-324"},
    {0x1.8ffffffffffffp-1, "0.7812499999999999"},
    {-0x1.091f15233c21cp-23, "-1.2345678e-07"},
    {0x1.0000000000000p-30, "9.313225746154785e-10"},
    {0x1.0000000000000p+53, "9007199254740992.0"},
    {0x1.53ffef39085f5p-1, "0.664062"},
    {0x1.73c8cb76a005ep+5, "46.47304432559825"},
};

int main(void)
{
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        radx_format_number(cases[i].v, buf, sizeof buf);
        CHECK(strcmp(buf, cases[i].py) == 0, "%a: radx '%s', Python '%s'", cases[i].v, buf, cases[i].py);
    }
    radx_format_number(NAN, buf, sizeof buf);
    CHECK(strcmp(buf, "nan") == 0, "nan: %s", buf);
    radx_format_number(-INFINITY, buf, sizeof buf);
    CHECK(strcmp(buf, "-inf") == 0, "-inf: %s", buf);
    return radx_test_finish("test_format");
}
