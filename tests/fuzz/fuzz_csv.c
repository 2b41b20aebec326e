/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the CSV readers of radx batch / merge / delta (cohorts, and outputs that a
 * crash may have cut). */
#include "fuzz_common.h"
#include "cli/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, ".csv");
    csv_doc d;
    char err[512];
    for (int output = 0; output < 2; output++) { /* a cohort, and a batch output (cut rows allowed) */
        if ((output ? csv_read_output : csv_read_file)(path, &d, err, sizeof err) != 0) continue;
        if (d.trailing_partial && (d.nrows < 1 || d.partial_offset < 0 || (size_t)d.partial_offset > size)) abort();
        sbuf_t b = {0};
        for (int r = 0; r < d.nrows; r++) {
            for (int c = 0; c < d.rows[r].n; c++) sbuf_field(&b, d.rows[r].f[c], c == 0);
            sbuf_endrow(&b);
        }
        sbuf_free(&b);
        csv_doc_free(&d);
    }
    return 0;
}
