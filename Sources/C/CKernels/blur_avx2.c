// The Gaussian blur's Float pass (TemporalCorrelation.mainPass, Sources/Augment/Stages/TemporalCorrelation.swift)
// in AVX2, a frame's 50 sums in six 8-float registers and one pair instead of thirteen 4-float ones: the same
// Float operations per value, in the same order, hence the same bits (FastKernelTests compare it with the Swift
// loop and the scalar definition). Swift calls it when hiclr_kernels_use_avx2() is 1.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// No fused multiply-adds: "avx2" alone does not enable FMA, and contraction is off besides.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#define AVX2 __attribute__((target("avx2")))

AVX2 void hiclr_correlate_frames_avx2(const float *w, int64_t kernel, int64_t frames, int64_t tap_lo, int64_t tap_hi,
                                      const float *src, float *dst, int initial) {
    const int64_t radius = kernel / 2, stride = 50;
    for (int64_t t = 0; t < frames; t++) {
        // The taps of [tap_lo, tap_hi) that fall inside the clip for output frame t.
        int64_t lo = tap_lo > radius - t ? tap_lo : radius - t;
        int64_t hi = tap_hi < frames + radius - t ? tap_hi : frames + radius - t;
        if (hi < lo) hi = lo;
        const float *input = src + (t + lo - radius) * stride;
        float *out = dst + t * stride;
        __m256 s0, s1, s2, s3, s4, s5;
        __m128 s6;
        if (initial) {
            s0 = _mm256_loadu_ps(out), s1 = _mm256_loadu_ps(out + 8), s2 = _mm256_loadu_ps(out + 16);
            s3 = _mm256_loadu_ps(out + 24), s4 = _mm256_loadu_ps(out + 32), s5 = _mm256_loadu_ps(out + 40);
            s6 = _mm_castpd_ps(_mm_load_sd((const double *)(out + 48)));
        } else {
            s0 = s1 = s2 = s3 = s4 = s5 = _mm256_setzero_ps();
            s6 = _mm_setzero_ps();
        }
        for (int64_t i = 0; i < hi - lo; i++) {
            const float *row = input + i * stride;
            const __m256 wi = _mm256_set1_ps(w[lo + i]);
            s0 = _mm256_add_ps(s0, _mm256_mul_ps(wi, _mm256_loadu_ps(row)));
            s1 = _mm256_add_ps(s1, _mm256_mul_ps(wi, _mm256_loadu_ps(row + 8)));
            s2 = _mm256_add_ps(s2, _mm256_mul_ps(wi, _mm256_loadu_ps(row + 16)));
            s3 = _mm256_add_ps(s3, _mm256_mul_ps(wi, _mm256_loadu_ps(row + 24)));
            s4 = _mm256_add_ps(s4, _mm256_mul_ps(wi, _mm256_loadu_ps(row + 32)));
            s5 = _mm256_add_ps(s5, _mm256_mul_ps(wi, _mm256_loadu_ps(row + 40)));
            s6 = _mm_add_ps(s6, _mm_mul_ps(_mm256_castps256_ps128(wi),
                                           _mm_castpd_ps(_mm_load_sd((const double *)(row + 48)))));
        }
        _mm256_storeu_ps(out, s0), _mm256_storeu_ps(out + 8, s1), _mm256_storeu_ps(out + 16, s2);
        _mm256_storeu_ps(out + 24, s3), _mm256_storeu_ps(out + 32, s4), _mm256_storeu_ps(out + 40, s5);
        _mm_store_sd((double *)(out + 48), _mm_castps_pd(s6));
    }
}

#else

void hiclr_correlate_frames_avx2(const float *w, int64_t kernel, int64_t frames, int64_t tap_lo, int64_t tap_hi,
                                 const float *src, float *dst, int initial) {
    (void)w; (void)kernel; (void)frames; (void)tap_lo; (void)tap_hi; (void)src; (void)dst; (void)initial;
}

#endif
