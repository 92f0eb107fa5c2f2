// Run-time CPU feature detection for the AVX2 kernels.
#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

int hiclr_cpu_has_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    // OSXSAVE (ECX bit 27) and AVX (bit 28): then XCR0 must show the OS saves XMM and YMM state (bits 1, 2).
    if (!(c & (1u << 27)) || !(c & (1u << 28))) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if ((lo & 6u) != 6u) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 5)) ? 1 : 0;  // AVX2: leaf 7, EBX bit 5
}
#else
int hiclr_cpu_has_avx2(void) { return 0; }
#endif

int hiclr_kernels_use_avx2(void) {
    const char *choice = getenv("HICLR_KERNELS");
    if (choice && strcmp(choice, "portable") == 0) return 0;
    return hiclr_cpu_has_avx2();
}
