// SPDX-License-Identifier: BSD-3-Clause
// Double-precision 3-D complex FFT (host/cpu/fft_double.h): one 1-D KissFFT plan per axis and
// thread (a plan keeps scratch space for odd radices), every line along the axis gathered,
// transformed and scattered back.
#include <complex>
#include <new>
#include <vector>

#include <kissfft/kissfft.hh>

extern "C" {
#include "cpu/fft_double.h"
}

namespace
{
using cpx = std::complex<double>;

// The lines along axis a of the volume n: count, stride, and the first element of line l.
struct axis_lines {
    int64_t len, stride, count, n0, n1;
    int a;
    int64_t base(int64_t l) const
    {
        if (a == 0) return l * n0;                        // lines along x: one per (y, z)
        if (a == 1) return (l % n0) + (l / n0) * n0 * n1; // along y: one per (x, z)
        return l;                                         // along z: one per (x, y)
    }
};

bool transform_axis(cpx *data, const int64_t n[3], int a, bool inverse)
{
    const axis_lines al{n[a], a == 0 ? 1 : a == 1 ? n[0] : n[0] * n[1], n[0] * n[1] * n[2] / n[a], n[0], n[1], a};
    bool failed = false;
#pragma omp parallel reduction(|| : failed)
    {
        // each thread's plan and line buffers; a thread that cannot make them skips its lines
        // (every thread still meets the loop, as OpenMP requires) and the call fails
        kissfft<double> *plan = nullptr;
        std::vector<cpx> in, out;
        try {
            plan = new kissfft<double>((std::size_t)al.len, inverse);
            in.resize((std::size_t)al.len);
            out.resize((std::size_t)al.len);
        } catch (const std::bad_alloc &) {
            failed = true;
        }
#pragma omp for schedule(static)
        for (int64_t l = 0; l < al.count; l++) {
            if (failed) continue;
            cpx *line = data + al.base(l);
            for (int64_t k = 0; k < al.len; k++) in[(std::size_t)k] = line[k * al.stride];
            plan->transform(in.data(), out.data());
            for (int64_t k = 0; k < al.len; k++) line[k * al.stride] = out[(std::size_t)k];
        }
        delete plan;
    }
    return !failed;
}
} // namespace

extern "C" radx_status radx_fft3_double(double *data, const int64_t n[3], int inverse, radx_err *err)
{
    cpx *c = reinterpret_cast<cpx *>(data); // std::complex<double> is two doubles, re then im
    for (int a = 0; a < 3; a++)
        if (n[a] > 1 && !transform_axis(c, n, a, inverse != 0))
            return radx_seterr(err, RADX_ERR_NOMEM, "out of memory for a %lld-point FFT", (long long)n[a]);
    return RADX_OK;
}
