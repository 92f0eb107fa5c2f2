import CKernels

/// The project's C kernels (Sources/C/CKernels), the only Swift module that calls them: which implementation runs
/// in this process, and typed entry points for the AVX2 forms of the Swift kernels in CounterRandom and Augment.
/// Each AVX2 kernel performs the same IEEE operations as the Swift code it stands in for, in the same order, so
/// the choice changes the speed and never a bit.
public enum Kernels {
    /// True when the AVX2 kernels run, read once from `hiclr_kernels_use_avx2` (Sources/C/CKernels/cpu.c: the CPU
    /// reports AVX2, the OS saves YMM state, and HICLR_KERNELS is not "portable"); false when the portable Swift
    /// ones do.
    public static let avx2: Bool = hiclr_kernels_use_avx2() == 1

    /// True when the CPU could run the AVX2 kernels (whatever HICLR_KERNELS says): tests run both paths then.
    public static let cpuHasAVX2: Bool = hiclr_cpu_has_avx2() == 1

    /// "avx2" or "portable", for benchmark and diagnostic output.
    public static var name: String { avx2 ? "avx2" : "portable" }

    /// Lane-wise IEEE square root of eight floats (one instruction; see vector_sqrt.h).
    @inlinable @inline(__always)
    public static func sqrt8(_ x: SIMD8<Float>) -> SIMD8<Float> { hiclr_sqrt8(x) }

    /// The constants of the polar method that the AVX2 kernel takes from Swift: Philox4x32-10's multipliers and
    /// Weyl increments, and LogF's eight-lane table (64 × 16 entries of two Doubles) and coefficients.
    public struct PolarConstants: @unchecked Sendable {
        public var multipliers: (UInt32, UInt32), weyl: (UInt32, UInt32)
        public var logTable: UnsafePointer<Double>
        public var coefficients: (Double, Double, Double)

        public init(multipliers: (UInt32, UInt32), weyl: (UInt32, UInt32), logTable: UnsafePointer<Double>,
                    coefficients: (Double, Double, Double)) {
            self.multipliers = multipliers; self.weyl = weyl; self.logTable = logTable
            self.coefficients = coefficients
        }
    }

    /// `RandomStream.addNormals` from an even `position` of the stream with Philox key `key` and counter words
    /// (block, c1, c2, c3): adds mean + std · z to `count` values; returns the position past the last pair used.
    /// Only when `avx2` (elsewhere it returns `position` and changes nothing).
    public static func addNormalsAVX2(_ values: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float,
                                      position: UInt64, key: (UInt32, UInt32), counter: (UInt32, UInt32, UInt32),
                                      constants: PolarConstants) -> UInt64 {
        var c = hiclr_polar_constants(multiplier0: constants.multipliers.0, multiplier1: constants.multipliers.1,
                                      weyl0: constants.weyl.0, weyl1: constants.weyl.1, log_table: constants.logTable,
                                      a0: constants.coefficients.0, a1: constants.coefficients.1,
                                      a2: constants.coefficients.2)
        return hiclr_add_normals_avx2(values, Int64(count), mean, std, position, key.0, key.1, counter.0, counter.1,
                                      counter.2, &c)
    }

    /// `TemporalCorrelation.mainPass` for one channel (see hiclr_correlate_frames_avx2 in CKernels.h).
    public static func correlateFramesAVX2(weights: UnsafePointer<Float>, kernel: Int, frames: Int, taps: Range<Int>,
                                           source: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>,
                                           initial: Bool) {
        hiclr_correlate_frames_avx2(weights, Int64(kernel), Int64(frames), Int64(taps.lowerBound),
                                    Int64(taps.upperBound), source, destination, initial ? 1 : 0)
    }

    /// One run of `LinearMap.apply(from:to:…)`: (x, y, z)[i] = M (sx, sy, sz)[i], M row by row in `matrix`
    /// (9 floats); `unitDiagonal` leaves the products by 1 out (see hiclr_map_points_avx2).
    public static func mapPointsAVX2(from sx: UnsafePointer<Float>, _ sy: UnsafePointer<Float>,
                                     _ sz: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>,
                                     _ y: UnsafeMutablePointer<Float>, _ z: UnsafeMutablePointer<Float>, count: Int,
                                     matrix: UnsafePointer<Float>, unitDiagonal: Bool) {
        hiclr_map_points_avx2(sx, sy, sz, x, y, z, Int64(count), matrix, unitDiagonal ? 1 : 0)
    }

    /// One run of `LinearMap.apply(_:then:…)`: `first` then `second` (see hiclr_map_points_twice_avx2).
    public static func mapPointsTwiceAVX2(from sx: UnsafePointer<Float>, _ sy: UnsafePointer<Float>,
                                          _ sz: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>,
                                          _ y: UnsafeMutablePointer<Float>, _ z: UnsafeMutablePointer<Float>,
                                          count: Int, first: UnsafePointer<Float>, second: UnsafePointer<Float>) {
        hiclr_map_points_twice_avx2(sx, sy, sz, x, y, z, Int64(count), first, second)
    }
}
