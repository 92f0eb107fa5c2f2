// Lane-wise IEEE square root of a float vector, inlined into the Swift caller (CounterRandom's polar method).
//
// Swift's Float.squareRoot() goes through the C library's sqrtf (an inline sqrtss with a call to sqrtf for
// negative inputs, which sets errno), so a SIMD vector's squareRoot() becomes one scalar root and branch per lane.
// __builtin_elementwise_sqrt is LLVM's llvm.sqrt on the whole vector: correctly rounded in every lane, exactly as
// the scalar instruction, with no error path (sqrtps on x86-64, fsqrt on AArch64). Not a library: nothing is linked.
#ifndef HICLR_VECTOR_SQRT_H
#define HICLR_VECTOR_SQRT_H

typedef float hiclr_float8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) hiclr_float8 hiclr_sqrt8(hiclr_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

#endif
