// LinearMap's loops from a source clip (Sources/Augment/Stages/Shear.swift: the crop pass that applies a leading
// temporal crop with the shears, rotations and flips after it) in AVX2: the same Float operations per value, in
// the same order, hence the same bits (FastKernelTests compare both paths with the scalar definition).
//
// That pass is the first to write each view into the batch's buffers, memory last touched a batch or more ago:
// a store to a line that is in no cache waits for the line to be read first. Every 16 floats the lines AHEAD
// floats further on in each output channel are requested for writing, so that they arrive before the stores
// (this took the pass from 0.86 to 0.70 of the noise stage's time in `hiclr bench stream`, perf samples of
// concurrent runs). A prefetch never faults, also past the end of the buffer.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// No fused multiply-adds: "avx2" alone does not enable FMA, and contraction is off besides.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#define AVX2 __attribute__((target("avx2")))
#define AHEAD 256  /* floats ahead of the stores whose lines are requested for writing */

// One row of M·p for one point: (a·x + b·y) + c·z.
#define ROW(a, b, c, x, y, z) (((a) * (x) + (b) * (y)) + (c) * (z))

static inline void request_lines(const float *x, const float *y, const float *z, int64_t i) {
    if ((i & 15) == 0) {
        __builtin_prefetch(x + i + AHEAD, 1, 3);
        __builtin_prefetch(y + i + AHEAD, 1, 3);
        __builtin_prefetch(z + i + AHEAD, 1, 3);
    }
}

static inline AVX2 __m256 row8(__m256 a, __m256 b, __m256 c, __m256 x, __m256 y, __m256 z) {
    return _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(a, x), _mm256_mul_ps(b, y)), _mm256_mul_ps(c, z));
}

AVX2 void hiclr_map_points_avx2(const float *sx, const float *sy, const float *sz, float *x, float *y, float *z,
                                int64_t count, const float m[9], int unit_diagonal) {
    int64_t i = 0;
    if (unit_diagonal) {
        const __m256 m1 = _mm256_set1_ps(m[1]), m2 = _mm256_set1_ps(m[2]), m3 = _mm256_set1_ps(m[3]);
        const __m256 m5 = _mm256_set1_ps(m[5]), m6 = _mm256_set1_ps(m[6]), m7 = _mm256_set1_ps(m[7]);
        for (; i + 8 <= count; i += 8) {
            request_lines(x, y, z, i);
            __m256 px = _mm256_loadu_ps(sx + i), py = _mm256_loadu_ps(sy + i), pz = _mm256_loadu_ps(sz + i);
            _mm256_storeu_ps(x + i, _mm256_add_ps(_mm256_add_ps(px, _mm256_mul_ps(m1, py)), _mm256_mul_ps(m2, pz)));
            _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(m3, px), py), _mm256_mul_ps(m5, pz)));
            _mm256_storeu_ps(z + i, _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(m6, px), _mm256_mul_ps(m7, py)), pz));
        }
        for (; i < count; i++) {
            float px = sx[i], py = sy[i], pz = sz[i];
            x[i] = (px + m[1] * py) + m[2] * pz;
            y[i] = (m[3] * px + py) + m[5] * pz;
            z[i] = (m[6] * px + m[7] * py) + pz;
        }
        return;
    }
    const __m256 m0 = _mm256_set1_ps(m[0]), m1 = _mm256_set1_ps(m[1]), m2 = _mm256_set1_ps(m[2]);
    const __m256 m3 = _mm256_set1_ps(m[3]), m4 = _mm256_set1_ps(m[4]), m5 = _mm256_set1_ps(m[5]);
    const __m256 m6 = _mm256_set1_ps(m[6]), m7 = _mm256_set1_ps(m[7]), m8 = _mm256_set1_ps(m[8]);
    for (; i + 8 <= count; i += 8) {
        request_lines(x, y, z, i);
        __m256 px = _mm256_loadu_ps(sx + i), py = _mm256_loadu_ps(sy + i), pz = _mm256_loadu_ps(sz + i);
        _mm256_storeu_ps(x + i, row8(m0, m1, m2, px, py, pz));
        _mm256_storeu_ps(y + i, row8(m3, m4, m5, px, py, pz));
        _mm256_storeu_ps(z + i, row8(m6, m7, m8, px, py, pz));
    }
    for (; i < count; i++) {
        float px = sx[i], py = sy[i], pz = sz[i];
        x[i] = ROW(m[0], m[1], m[2], px, py, pz);
        y[i] = ROW(m[3], m[4], m[5], px, py, pz);
        z[i] = ROW(m[6], m[7], m[8], px, py, pz);
    }
}

AVX2 void hiclr_map_points_twice_avx2(const float *sx, const float *sy, const float *sz, float *x, float *y,
                                      float *z, int64_t count, const float first[9], const float second[9]) {
    const float *a = first, *d = second;
    const __m256 a0 = _mm256_set1_ps(a[0]), a1 = _mm256_set1_ps(a[1]), a2 = _mm256_set1_ps(a[2]);
    const __m256 a3 = _mm256_set1_ps(a[3]), a4 = _mm256_set1_ps(a[4]), a5 = _mm256_set1_ps(a[5]);
    const __m256 a6 = _mm256_set1_ps(a[6]), a7 = _mm256_set1_ps(a[7]), a8 = _mm256_set1_ps(a[8]);
    const __m256 d0 = _mm256_set1_ps(d[0]), d1 = _mm256_set1_ps(d[1]), d2 = _mm256_set1_ps(d[2]);
    const __m256 d3 = _mm256_set1_ps(d[3]), d4 = _mm256_set1_ps(d[4]), d5 = _mm256_set1_ps(d[5]);
    const __m256 d6 = _mm256_set1_ps(d[6]), d7 = _mm256_set1_ps(d[7]), d8 = _mm256_set1_ps(d[8]);
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        request_lines(x, y, z, i);
        __m256 px = _mm256_loadu_ps(sx + i), py = _mm256_loadu_ps(sy + i), pz = _mm256_loadu_ps(sz + i);
        __m256 qx = row8(a0, a1, a2, px, py, pz), qy = row8(a3, a4, a5, px, py, pz), qz = row8(a6, a7, a8, px, py, pz);
        _mm256_storeu_ps(x + i, row8(d0, d1, d2, qx, qy, qz));
        _mm256_storeu_ps(y + i, row8(d3, d4, d5, qx, qy, qz));
        _mm256_storeu_ps(z + i, row8(d6, d7, d8, qx, qy, qz));
    }
    for (; i < count; i++) {
        float px = sx[i], py = sy[i], pz = sz[i];
        float qx = ROW(a[0], a[1], a[2], px, py, pz), qy = ROW(a[3], a[4], a[5], px, py, pz);
        float qz = ROW(a[6], a[7], a[8], px, py, pz);
        x[i] = ROW(d[0], d[1], d[2], qx, qy, qz);
        y[i] = ROW(d[3], d[4], d[5], qx, qy, qz);
        z[i] = ROW(d[6], d[7], d[8], qx, qy, qz);
    }
}
#else

void hiclr_map_points_avx2(const float *sx, const float *sy, const float *sz, float *x, float *y, float *z,
                           int64_t count, const float m[9], int unit_diagonal) {
    (void)sx; (void)sy; (void)sz; (void)x; (void)y; (void)z; (void)count; (void)m; (void)unit_diagonal;
}

void hiclr_map_points_twice_avx2(const float *sx, const float *sy, const float *sz, float *x, float *y,
                                 float *z, int64_t count, const float first[9], const float second[9]) {
    (void)sx; (void)sy; (void)sz; (void)x; (void)y; (void)z; (void)count; (void)first; (void)second;
}

#endif
