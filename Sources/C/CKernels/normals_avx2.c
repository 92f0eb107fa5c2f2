// RandomStream.addNormals (Sources/CounterRandom/RandomStreamBulk.swift) in AVX2: the same words, the same
// acceptance, the same Float and Double operations in the same order, hence the same bits. Swift calls it when
// hiclr_cpu_has_avx2() says the CPU can; RandomStreamBulkTests compare it with the pair-by-pair `normalPair`
// and with the portable Swift path.
//
// Per chunk of at most CHUNK_PAIRS pairs:
//  (1) sixteen Philox4x32-10 blocks at a time (two groups of eight, one block per 32-bit lane, interleaved so
//      the multiplies of one group hide the latency of the other). Candidate pair 2b of a group is words 0, 1
//      of its block b and pair 2b + 1 words 2, 3; (u, v) and the acceptance 0 < u² + v² < 1 of each;
//  (2) the accepted (u, v) packed in stream order (a permutation per four candidates, chosen by their
//      acceptance bits), stopping exactly at the pair that completes the values;
//  (3) eight accepted pairs at a time: s, log s (LogF's eight-lane form; the table is read with plain loads,
//      not gathers, which microcode mitigations make slow on many Intel CPUs), f = √(−2 log s / s), z₀ = u·f,
//      z₁ = v·f, and values += mean + std·z.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

// No fused multiply-adds: "avx2" alone does not enable FMA, and contraction is off besides.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#define AVX2 __attribute__((target("avx2")))

enum { CHUNK_PAIRS = 256 };

// For each 4-bit acceptance mask of four (u, v) pairs (8 floats), the float permutation that moves the accepted
// pairs to the front, in order.
static const int32_t pack_order[16][8] __attribute__((aligned(32))) = {
    {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {2, 3, 0, 1, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {4, 5, 0, 1, 2, 3, 6, 7}, {0, 1, 4, 5, 2, 3, 6, 7}, {2, 3, 4, 5, 0, 1, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
    {6, 7, 0, 1, 2, 3, 4, 5}, {0, 1, 6, 7, 2, 3, 4, 5}, {2, 3, 6, 7, 0, 1, 4, 5}, {0, 1, 2, 3, 6, 7, 4, 5},
    {4, 5, 6, 7, 0, 1, 2, 3}, {0, 1, 4, 5, 6, 7, 2, 3}, {2, 3, 4, 5, 6, 7, 0, 1}, {0, 1, 2, 3, 4, 5, 6, 7},
};

// Bit i of x to bit 2i.
static inline uint32_t spread8(uint32_t x) {
    x = (x | (x << 4)) & 0x0F0Fu;
    x = (x | (x << 2)) & 0x3333u;
    x = (x | (x << 1)) & 0x5555u;
    return x;
}

typedef struct { __m256i w0, w1, w2, w3; } blocks8;

// One Philox round on eight blocks: (hi, lo) of M0·w0 and M1·w2 from even and odd 32-bit lanes.
static inline AVX2 void philox_round(blocks8 *b, __m256i k0, __m256i k1, __m256i m0, __m256i m1) {
    __m256i pe0 = _mm256_mul_epu32(b->w0, m0);
    __m256i po0 = _mm256_mul_epu32(_mm256_srli_epi64(b->w0, 32), m0);
    __m256i pe1 = _mm256_mul_epu32(b->w2, m1);
    __m256i po1 = _mm256_mul_epu32(_mm256_srli_epi64(b->w2, 32), m1);
    __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(pe0, 32), po0, 0xAA);
    __m256i lo0 = _mm256_blend_epi32(pe0, _mm256_slli_epi64(po0, 32), 0xAA);
    __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(pe1, 32), po1, 0xAA);
    __m256i lo1 = _mm256_blend_epi32(pe1, _mm256_slli_epi64(po1, 32), 0xAA);
    b->w0 = _mm256_xor_si256(_mm256_xor_si256(hi1, b->w1), k0);
    b->w1 = lo1;
    b->w2 = _mm256_xor_si256(_mm256_xor_si256(hi0, b->w3), k1);
    b->w3 = lo0;
}

// Float(w >> 8) · 2⁻²³ − 1 (w >> 8 < 2²⁴: the Int32 conversion is exact).
static inline AVX2 __m256 uniform(__m256i w) {
    return _mm256_sub_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(w, 8)), _mm256_set1_ps(0x1p-23f)),
                         _mm256_set1_ps(1.0f));
}

// Bit i set when 0 < u[i]² + v[i]² < 1.
static inline AVX2 uint32_t accepted(__m256 u, __m256 v) {
    __m256 s = _mm256_add_ps(_mm256_mul_ps(u, u), _mm256_mul_ps(v, v));
    __m256 ok = _mm256_and_ps(_mm256_cmp_ps(s, _mm256_set1_ps(1.0f), _CMP_LT_OQ),
                              _mm256_cmp_ps(s, _mm256_setzero_ps(), _CMP_GT_OQ));
    return (uint32_t)_mm256_movemask_ps(ok);
}

// LogF.log's eight-lane form (Sources/CounterRandom/RandomStreamBulk.swift): x = 2^k·z, the entry for (−k mod 64,
// subinterval i) gives 1/c and log c + k·ln2; r = z/c − 1; the degree-4 polynomial in Double; rounded to Float.
static inline AVX2 __m256 log8(__m256 x, const char *table, __m256d a0, __m256d a1, __m256d a2) {
    __m256i ix = _mm256_castps_si256(x);
    __m256i tmp = _mm256_sub_epi32(ix, _mm256_set1_epi32(0x3f330000));
    __m256i i = _mm256_and_si256(_mm256_srli_epi32(tmp, 19), _mm256_set1_epi32(15));
    __m256i k = _mm256_srai_epi32(tmp, 23);
    __m256i iz = _mm256_sub_epi32(ix, _mm256_and_si256(tmp, _mm256_set1_epi32((int32_t)(0x1ffu << 23))));
    __m256i offset = _mm256_or_si256(
        _mm256_slli_epi32(_mm256_and_si256(_mm256_sub_epi32(_mm256_setzero_si256(), k), _mm256_set1_epi32(63)), 8),
        _mm256_slli_epi32(i, 4));
    int32_t o[8] __attribute__((aligned(32)));
    _mm256_store_si256((__m256i *)o, offset);
    __m128d e0 = _mm_load_pd((const double *)(table + o[0])), e1 = _mm_load_pd((const double *)(table + o[1]));
    __m128d e2 = _mm_load_pd((const double *)(table + o[2])), e3 = _mm_load_pd((const double *)(table + o[3]));
    __m128d e4 = _mm_load_pd((const double *)(table + o[4])), e5 = _mm_load_pd((const double *)(table + o[5]));
    __m128d e6 = _mm_load_pd((const double *)(table + o[6])), e7 = _mm_load_pd((const double *)(table + o[7]));
    __m256d e02 = _mm256_set_m128d(e2, e0), e13 = _mm256_set_m128d(e3, e1);
    __m256d e46 = _mm256_set_m128d(e6, e4), e57 = _mm256_set_m128d(e7, e5);
    __m256d invc_lo = _mm256_unpacklo_pd(e02, e13), y0_lo = _mm256_unpackhi_pd(e02, e13);
    __m256d invc_hi = _mm256_unpacklo_pd(e46, e57), y0_hi = _mm256_unpackhi_pd(e46, e57);
    __m256 zf = _mm256_castsi256_ps(iz);
    __m256d z_lo = _mm256_cvtps_pd(_mm256_castps256_ps128(zf)), z_hi = _mm256_cvtps_pd(_mm256_extractf128_ps(zf, 1));
    __m256d one = _mm256_set1_pd(1.0);
    __m256d r_lo = _mm256_sub_pd(_mm256_mul_pd(z_lo, invc_lo), one);
    __m256d r_hi = _mm256_sub_pd(_mm256_mul_pd(z_hi, invc_hi), one);
    __m256d r2_lo = _mm256_mul_pd(r_lo, r_lo), r2_hi = _mm256_mul_pd(r_hi, r_hi);
    __m256d y_lo = _mm256_add_pd(_mm256_mul_pd(a1, r_lo), a2), y_hi = _mm256_add_pd(_mm256_mul_pd(a1, r_hi), a2);
    y_lo = _mm256_add_pd(_mm256_mul_pd(a0, r2_lo), y_lo);
    y_hi = _mm256_add_pd(_mm256_mul_pd(a0, r2_hi), y_hi);
    y_lo = _mm256_add_pd(_mm256_mul_pd(y_lo, r2_lo), _mm256_add_pd(y0_lo, r_lo));
    y_hi = _mm256_add_pd(_mm256_mul_pd(y_hi, r2_hi), _mm256_add_pd(y0_hi, r_hi));
    return _mm256_set_m128(_mm256_cvtpd_ps(y_hi), _mm256_cvtpd_ps(y_lo));
}

AVX2 uint64_t hiclr_add_normals_avx2(float *values, int64_t count, float mean, float std, uint64_t position,
                                     uint32_t key0, uint32_t key1, uint32_t c1, uint32_t c2, uint32_t c3,
                                     const hiclr_polar_constants *constants) {
    // Accepted (u, v) of one chunk; the slack takes the last packing store and the last partial group of (3).
    float uv[2 * CHUNK_PAIRS + 32] __attribute__((aligned(32)));
    memset(uv, 0, sizeof uv);
    const __m256i m0 = _mm256_set1_epi32((int32_t)constants->multiplier0);
    const __m256i m1 = _mm256_set1_epi32((int32_t)constants->multiplier1);
    __m256i k0[10], k1[10];
    for (uint32_t r = 0; r < 10; r++) {
        k0[r] = _mm256_set1_epi32((int32_t)(key0 + r * constants->weyl0));
        k1[r] = _mm256_set1_epi32((int32_t)(key1 + r * constants->weyl1));
    }
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const char *table = (const char *)constants->log_table;
    const __m256d a0 = _mm256_set1_pd(constants->a0), a1 = _mm256_set1_pd(constants->a1);
    const __m256d a2 = _mm256_set1_pd(constants->a2);
    const __m256 vmean = _mm256_set1_ps(mean), vstd = _mm256_set1_ps(std), minus2 = _mm256_set1_ps(-2.0f);
    int64_t i = 0;
    while (i < count) {
        int64_t need = (count - i + 1) >> 1;
        if (need > CHUNK_PAIRS) need = CHUNK_PAIRS;
        // The chunk starts at pair (position & 2) / 2 of block position / 4: candidate q is pair q of the
        // block's pairs counted from that block, and an odd start leaves candidate 0 out.
        const uint64_t block_start = position >> 2;
        const uint32_t base = (uint32_t)block_start;
        const uint32_t skip_first = (position & 2) ? 1u : 0u;
        int64_t m = 0, end = -1;  // pairs packed; candidate index just past the last pair used
        for (uint32_t g = 0; end < 0; g++) {
            blocks8 b[2];
            for (int h = 0; h < 2; h++) {
                b[h].w0 = _mm256_add_epi32(_mm256_set1_epi32((int32_t)(base + 16 * g + 8 * (uint32_t)h)), lanes);
                b[h].w1 = _mm256_set1_epi32((int32_t)c1);
                b[h].w2 = _mm256_set1_epi32((int32_t)c2);
                b[h].w3 = _mm256_set1_epi32((int32_t)c3);
            }
            for (int r = 0; r < 10; r++) {
                philox_round(&b[0], k0[r], k1[r], m0, m1);
                philox_round(&b[1], k0[r], k1[r], m0, m1);
            }
            for (int h = 0; h < 2 && end < 0; h++) {
                __m256 ue = uniform(b[h].w0), ve = uniform(b[h].w1), uo = uniform(b[h].w2), vo = uniform(b[h].w3);
                uint32_t bits = spread8(accepted(ue, ve)) | (spread8(accepted(uo, vo)) << 1);
                if (g == 0 && h == 0) bits &= ~skip_first;
                // Candidates in stream order, four (u, v) pairs per vector: e0 o0 e1 o1 | e2 o2 e3 o3 | …
                __m256 t0 = _mm256_unpacklo_ps(ue, ve), t1 = _mm256_unpackhi_ps(ue, ve);
                __m256 t2 = _mm256_unpacklo_ps(uo, vo), t3 = _mm256_unpackhi_ps(uo, vo);
                __m256d r0 = _mm256_unpacklo_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t2));
                __m256d r1 = _mm256_unpackhi_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t2));
                __m256d r2 = _mm256_unpacklo_pd(_mm256_castps_pd(t1), _mm256_castps_pd(t3));
                __m256d r3 = _mm256_unpackhi_pd(_mm256_castps_pd(t1), _mm256_castps_pd(t3));
                __m256 quad[4];
                quad[0] = _mm256_castpd_ps(_mm256_permute2f128_pd(r0, r1, 0x20));
                quad[1] = _mm256_castpd_ps(_mm256_permute2f128_pd(r2, r3, 0x20));
                quad[2] = _mm256_castpd_ps(_mm256_permute2f128_pd(r0, r1, 0x31));
                quad[3] = _mm256_castpd_ps(_mm256_permute2f128_pd(r2, r3, 0x31));
                for (int j = 0; j < 4; j++) {
                    const uint32_t mask = (bits >> (4 * j)) & 15;
                    const __m256i order = _mm256_load_si256((const __m256i *)pack_order[mask]);
                    _mm256_storeu_ps(uv + 2 * m, _mm256_permutevar8x32_ps(quad[j], order));
                    const int n = __builtin_popcount(mask);
                    if (m + n >= need) {
                        const int64_t first = 32 * (int64_t)g + 16 * h + 4 * j;
                        for (int l = 0; l < 4; l++) {
                            if ((mask >> l & 1) && ++m == need) {
                                end = first + l + 1;
                                break;
                            }
                        }
                        break;
                    }
                    m += n;
                }
            }
        }
        // Whole pairs, and z₀ alone for an odd last value. Slots past `need` are computed and dropped.
        int64_t n = 2 * need;
        if (n > count - i) n = count - i;
        float *out = values + i;
        for (int64_t j = 0; j < n; j += 16) {
            __m256 p = _mm256_load_ps(uv + j), q = _mm256_load_ps(uv + j + 8);
            // u, v of pairs (0, 1, 4, 5 | 2, 3, 6, 7); unpacking z₀, z₁ below restores the pair order.
            __m256 u = _mm256_shuffle_ps(p, q, 0x88), v = _mm256_shuffle_ps(p, q, 0xDD);
            __m256 s = _mm256_add_ps(_mm256_mul_ps(u, u), _mm256_mul_ps(v, v));
            __m256 f = _mm256_sqrt_ps(_mm256_div_ps(_mm256_mul_ps(minus2, log8(s, table, a0, a1, a2)), s));
            __m256 z0 = _mm256_mul_ps(u, f), z1 = _mm256_mul_ps(v, f);
            __m256 lo = _mm256_add_ps(vmean, _mm256_mul_ps(vstd, _mm256_unpacklo_ps(z0, z1)));
            __m256 hi = _mm256_add_ps(vmean, _mm256_mul_ps(vstd, _mm256_unpackhi_ps(z0, z1)));
            if (j + 16 <= n) {
                _mm256_storeu_ps(out + j, _mm256_add_ps(_mm256_loadu_ps(out + j), lo));
                _mm256_storeu_ps(out + j + 8, _mm256_add_ps(_mm256_loadu_ps(out + j + 8), hi));
            } else {
                float noise[16] __attribute__((aligned(32)));
                _mm256_store_ps(noise, lo);
                _mm256_store_ps(noise + 8, hi);
                for (int64_t l = 0; l < n - j; l++) out[j + l] += noise[l];
            }
        }
        i += n;
        position = (block_start << 2) + 2 * (uint64_t)end;
    }
    return position;
}

#else

uint64_t hiclr_add_normals_avx2(float *values, int64_t count, float mean, float std, uint64_t position,
                                uint32_t key0, uint32_t key1, uint32_t c1, uint32_t c2, uint32_t c3,
                                const hiclr_polar_constants *constants) {
    (void)values; (void)count; (void)mean; (void)std; (void)key0; (void)key1; (void)c1; (void)c2; (void)c3;
    (void)constants;
    return position;
}

#endif
