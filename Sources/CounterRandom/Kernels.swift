import CKernels

/// Which implementation the bulk kernels use in this process, read once from `hiclr_kernels_use_avx2`
/// (Sources/C/CKernels/cpu.c: the CPU has AVX2 and HICLR_KERNELS is not "portable"). Every implementation gives
/// the same bits; this only chooses the speed.
public enum Kernels {
    /// True when the AVX2 C kernels run; false when the portable Swift ones do.
    public static let avx2: Bool = hiclr_kernels_use_avx2() == 1

    /// True when the CPU could run the AVX2 kernels (whatever HICLR_KERNELS says): tests run both paths then.
    public static let cpuHasAVX2: Bool = hiclr_cpu_has_avx2() == 1

    /// "avx2" or "portable", for benchmark and diagnostic output.
    public static var name: String { avx2 ? "avx2" : "portable" }
}
