/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-1 CT phantom (PAT1, from RADX_SHARED_DIR; its CC BY-NC licence keeps it out of the project:
 * skipped, 77, when absent), configurations A-E: every reference value the IBSI-1 manual lists for
 * each (A 346, B 346, C 209, D 210, E 210), from one run of data/ibsi1/config_<X>.yaml, compared
 * through the IBSI keys (tests/ibsi1_check.h). */
#include "ibsi1_check.h"

int main(void)
{
    char img[1024], msk[1024];
    snprintf(img, sizeof img, "%s/data/ibsi1/ct_phantom/nifti/image/phantom.nii.gz", RADX_SHARED_DIR);
    snprintf(msk, sizeof msk, "%s/data/ibsi1/ct_phantom/nifti/mask/mask.nii.gz", RADX_SHARED_DIR);
    FILE *f = fopen(img, "rb");
    if (!f) {
        printf("IBSI-1 CT phantom not found at %s: skipped\n", img);
        return 77;
    }
    fclose(f);
    static const char *const configs[] = {"A", "B", "C", "D", "E"};
    static const int expected[] = {346, 346, 209, 210, 210};
    int total = 0, passed = 0;
    for (int c = 0; c < 5; c++) {
        char params[64], data[32];
        int t = 0;
        snprintf(params, sizeof params, "config_%s.yaml", configs[c]);
        snprintf(data, sizeof data, "config. %s", configs[c]);
        ibsi1_check(params, img, msk, data, &t, &passed);
        CHECK(t == expected[c], "the table lists %d values for %s, %d compared", expected[c], data, t);
        total += t;
    }
    printf("CT phantom, configurations A-E: %d / %d reference values within tolerance\n", passed, total);
    return radx_test_finish("test_ibsi1_ct_phantom");
}
