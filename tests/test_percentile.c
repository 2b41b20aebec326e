/* SPDX-License-Identifier: BSD-3-Clause */
/* radx_fo_percentile (kernels/rules/firstorder_rules.h, which the CPU features, voxel maps and the
 * CUDA kernels share) against numpy.percentile itself: for every n from 1 to 100 000 and every
 * percentile PyRadiomics takes (10, 25, 75, 90), on the sorted values 0..n-1 and i*i/3, the
 * FNV-1a hash of the results' bytes must equal numpy's (data/percentile/numpy_percentile.txt,
 * tests/gen/percentile_ref.py), i.e. every value bit-identical; the values for n <= 64 are
 * compared one by one, so that a mismatch can be read. */
#include <inttypes.h>
#include "radx_test.h"
#include "rules/firstorder_rules.h"

#define N_MAX 100000
static const int QS[4] = {10, 25, 75, 90};
static const char *const ARRAYS[2] = {"index", "square_third"};

/* h continued by v's IEEE-754 bytes, little endian, as numpy packs them */
static uint64_t fnv1a(uint64_t h, double v)
{
    unsigned char b[8];
    uint64_t bits;
    memcpy(&bits, &v, 8);
    for (int k = 0; k < 8; k++) b[k] = (unsigned char)(bits >> (8 * k));
    return radx_test_fnv1a(h, b, 8);
}

static double value(int a, int64_t i) { return a == 0 ? (double)i : (double)i * (double)i / 3.0; }

int main(void)
{
    FILE *f = radx_test_open_source("data/percentile/numpy_percentile.txt");
    if (!f) return 1;
    double *s = malloc(sizeof *s * N_MAX);
    uint64_t hash[2][4];
    for (int a = 0; a < 2; a++)
        for (int k = 0; k < 4; k++) hash[a][k] = 0xCBF29CE484222325ull;
    for (int a = 0; a < 2; a++) {
        for (int64_t i = 0; i < N_MAX; i++) s[i] = value(a, i);
        for (int64_t n = 1; n <= N_MAX; n++)
            for (int k = 0; k < 4; k++) hash[a][k] = fnv1a(hash[a][k], radx_fo_percentile(s, n, QS[k]));
    }
    char line[256], name[64];
    int nhash = 0, nvalues = 0, bad_values = 0;
    double worst = 0;
    while (fgets(line, sizeof line, f)) {
        int q;
        long long n;
        uint64_t h;
        char hex[64];
        if (sscanf(line, "hash %63s %d %" SCNx64, name, &q, &h) == 3) {
            for (int a = 0; a < 2; a++)
                for (int k = 0; k < 4; k++)
                    if (!strcmp(name, ARRAYS[a]) && q == QS[k]) {
                        nhash++;
                        printf("%-13s P%d, n = 1..%d: hash %016" PRIx64 " (numpy %016" PRIx64 ") %s\n", name, q, N_MAX,
                               hash[a][k], h, hash[a][k] == h ? "bit-identical" : "DIFFERENT");
                        CHECK(hash[a][k] == h, "%s P%d: radx differs from numpy for some n in 1..%d", name, q, N_MAX);
                    }
        } else if (sscanf(line, "value %63s %d %lld %63s", name, &q, &n, hex) == 4) {
            const int a = strcmp(name, "index") ? 1 : 0;
            for (int64_t i = 0; i < n; i++) s[i] = value(a, i);
            const double want = strtod(hex, NULL), got = radx_fo_percentile(s, n, q);
            const double err = fabs(got - want);
            if (err > worst) worst = err;
            bad_values += got != want;
            CHECK(got == want, "%s P%d n=%lld: radx %a, numpy %a", name, q, n, got, want);
            nvalues++;
        }
    }
    fclose(f);
    free(s);
    CHECK(nhash == 8 && nvalues == 2 * 4 * 64, "reference file: %d hashes, %d values", nhash, nvalues);
    printf("n <= 64: %d values, %d differ, largest |radx - numpy| %g\n", nvalues, bad_values, worst);
    return radx_test_finish("test_percentile");
}
