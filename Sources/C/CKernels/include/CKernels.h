// The project's own C kernels: not a library, nothing is linked. Each one does exactly the IEEE operations of a
// Swift kernel, in the same order (nothing is fused: the file is compiled without FMA and with contraction off),
// so it gives the same bits; the Swift code decides when to call it and keeps the portable path.
//
// - vector_sqrt.h: a whole-vector square root, inlined into Swift (CounterRandom's polar method).
// - hiclr_add_normals_avx2: the polar method's bulk form (RandomStream.addNormals) in 256-bit AVX2 registers;
// - hiclr_map_points_avx2, hiclr_map_points_twice_avx2: Augment's crop pass (LinearMap from a source clip);
// - hiclr_correlate_frames_avx2: the Gaussian blur's Float pass (Augment's TemporalCorrelation.mainPass).
// The AVX2 ones are for x86-64 CPUs that have it, picked at run time by hiclr_kernels_use_avx2; other CPUs and
// other architectures use the Swift code (there the AVX2 functions do nothing).
#ifndef HICLR_CKERNELS_H
#define HICLR_CKERNELS_H

#include <stdint.h>

#include "vector_sqrt.h"

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU and the operating system support AVX2 (CPUID leaf 7 and the OS saving YMM state), else 0.
/// Always 0 on other architectures.
int hiclr_cpu_has_avx2(void);

/// 1 when the AVX2 kernels are to be used: the CPU has AVX2 and the environment variable HICLR_KERNELS is not
/// "portable" (which forces the Swift paths, to compare them or to rule the kernels out). The one place that
/// decides; Swift reads it once per process.
int hiclr_kernels_use_avx2(void);

/// The constants of the polar method that live in Swift (one place): Philox4x32-10's round multipliers and Weyl
/// key increments, and LogF's eight-lane table (64 × 16 entries of (1/c, log c − j·ln2), 16 bytes each) and
/// polynomial coefficients.
typedef struct {
    uint32_t multiplier0, multiplier1, weyl0, weyl1;
    const double *log_table;
    double a0, a1, a2;
} hiclr_polar_constants;

/// Adds mean + std · z to values[0 ..< count], z the polar-method normals of the Philox stream with key
/// (key0, key1) and counter words (block, c1, c2, c3), read from word `position` (even) on: exactly
/// `RandomStream.addNormals`. Returns the position just past the pair that gave the last value.
/// Call only when hiclr_cpu_has_avx2() is 1 (x86-64; elsewhere it returns `position` and changes nothing).
uint64_t hiclr_add_normals_avx2(float *values, int64_t count, float mean, float std, uint64_t position,
                                uint32_t key0, uint32_t key1, uint32_t c1, uint32_t c2, uint32_t c3,
                                const hiclr_polar_constants *constants);

/// LinearMap on `count` points: (x, y, z)[i] = M (sx, sy, sz)[i], M = m[0 ..< 9] row by row, each row as
/// (m0·x + m1·y) + m2·z; with `unit_diagonal` (m0 = m4 = m8 = 1) the three products by 1 are left out. The
/// outputs must not overlap the inputs.
void hiclr_map_points_avx2(const float *sx, const float *sy, const float *sz, float *x, float *y, float *z,
                           int64_t count, const float m[9], int unit_diagonal);

/// `first` then `second`, each as hiclr_map_points_avx2 without the shortcut, the intermediate point rounded to
/// Float: LinearMap.apply(_:then:…).
void hiclr_map_points_twice_avx2(const float *sx, const float *sy, const float *sz, float *x, float *y,
                                 float *z, int64_t count, const float first[9], const float second[9]);

/// TemporalCorrelation.mainPass for one channel of `frames` frames of 50 floats: for each output frame t, the taps
/// k of [tap_lo, tap_hi) inside the clip (0 ≤ t + k − kernel/2 < frames) summed in increasing k,
/// dst[t] (+)= w[k]·src[t + k − kernel/2]; from 0, or from what dst holds when `initial` is 1.
void hiclr_correlate_frames_avx2(const float *w, int64_t kernel, int64_t frames, int64_t tap_lo, int64_t tap_hi,
                                 const float *src, float *dst, int initial);

#ifdef __cplusplus
}
#endif

#endif
