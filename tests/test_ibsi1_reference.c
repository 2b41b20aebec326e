/* SPDX-License-Identifier: BSD-3-Clause */
/* IBSI-1 digital phantom: every reference value the IBSI-1 manual lists for it (482: every family,
 * every aggregation), from one run of data/ibsi1/digital_phantom.yaml (the ibsi preset,
 * textureAggregation), compared through the IBSI keys (tests/ibsi1_check.h). */
#include "ibsi1_check.h"

int main(void)
{
    char img[1024], msk[1024];
    snprintf(img, sizeof img, "%s/data/ibsi1/digital_phantom/image.nii.gz", RADX_SOURCE_DIR);
    snprintf(msk, sizeof msk, "%s/data/ibsi1/digital_phantom/mask.nii.gz", RADX_SOURCE_DIR);
    int total = 0, passed = 0;
    ibsi1_check("digital_phantom.yaml", img, msk, "dig. phantom", &total, &passed);
    printf("digital phantom: %d / %d reference values within tolerance\n", passed, total);
    CHECK(total == 482, "the table lists 482 values for the digital phantom, %d compared", total);
    return radx_test_finish("test_ibsi1_reference");
}
