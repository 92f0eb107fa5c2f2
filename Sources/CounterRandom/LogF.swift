/// The natural logarithm of a Float as the polar method uses it (`RandomStream.addNormals`, `normalPair`),
/// computed in Swift instead of by calling the C library's `logf`.
///
/// The algorithm and constants are those of the `logf` in Arm's optimized-routines (math/logf.c and
/// math/logf_data.c, MIT licence), which glibc uses since 2.28 and musl since 1.1.20: x = 2^k·z with z near
/// c = 1/invc from a 16-entry table, log x = k·ln2 + log c + p(z·invc − 1), a degree-4 polynomial, all in Double,
/// rounded once to Float. Every product and sum here is rounded separately (Swift does not fuse them).
///
/// For every Float x with 2⁻⁴⁶ ≤ x < 1 — every value of s = u² + v² the polar method can produce, since u and v
/// are multiples of 2⁻²³ — the result is bit-identical to glibc 2.36's `logf`, with and without FMA (checked
/// exhaustively: `LogFTests.testLogFEqualsTheCLibraryOnEveryPolarInput`, and docs/determinism.md).
/// Inlining it removes a call per value and the draws no longer depend on which C library, which version of
/// it or which CPU variant of it (glibc picks an FMA build at run time) the machine has.
///
/// Domain: positive normal finite Floats (x ≥ 2⁻¹²⁶). Zero, subnormals, negatives, infinities and NaN are not
/// handled (the callers never pass them).
public enum LogF {
    /// 1/c and log(c) for each of the 16 subintervals (Arm optimized-routines math/logf_data.c).
    @usableFromInline static let invc: SIMD16<Double> = [
        0x1.661ec79f8f3bep+0, 0x1.571ed4aaf883dp+0, 0x1.49539f0f010bp+0, 0x1.3c995b0b80385p+0,
        0x1.30d190c8864a5p+0, 0x1.25e227b0b8eap+0, 0x1.1bb4a4a1a343fp+0, 0x1.12358f08ae5bap+0,
        0x1.0953f419900a7p+0, 0x1p+0, 0x1.e608cfd9a47acp-1, 0x1.ca4b31f026aap-1,
        0x1.b2036576afce6p-1, 0x1.9c2d163a1aa2dp-1, 0x1.886e6037841edp-1, 0x1.767dcf5534862p-1,
    ]
    @usableFromInline static let logc: SIMD16<Double> = [
        -0x1.57bf7808caadep-2, -0x1.2bef0a7c06ddbp-2, -0x1.01eae7f513a67p-2, -0x1.b31d8a68224e9p-3,
        -0x1.6574f0ac07758p-3, -0x1.1aa2bc79c81p-3, -0x1.a4e76ce8c0e5ep-4, -0x1.1973c5a611cccp-4,
        -0x1.252f438e10c1ep-5, 0x0p+0, 0x1.aa5aa5df25984p-5, 0x1.c5e53aa362eb4p-4,
        0x1.526e57720db08p-3, 0x1.bc2860d22477p-3, 0x1.1058bc8a07ee1p-2, 0x1.4043057b6ee09p-2,
    ]
    @usableFromInline static let ln2 = 0x1.62e42fefa39efp-1
    @usableFromInline static let a0 = -0x1.00ea348b88334p-2
    @usableFromInline static let a1 = 0x1.5575b0be00b6ap-2
    @usableFromInline static let a2 = -0x1.ffffef20a4123p-2

    /// `invc` and `logc` interleaved (entry i at 2i and 2i + 1) in memory that lives as long as the process: read
    /// through a pointer, a lookup is one load (indexing a SIMD16 by a run-time value copies it to the stack).
    @usableFromInline static let table: UnsafePointer<Double> = {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 32)
        for i in 0..<16 {
            p[2 * i] = invc[i]
            p[2 * i + 1] = logc[i]
        }
        return UnsafePointer(p)
    }()

    /// log(x) for a positive normal finite `x` (see the type's notes for the domain and the exactness).
    @inlinable @inline(__always)
    public static func log(_ x: Float) -> Float {
        log(x, table: table)
    }

    /// `log(_:)` with the table passed in, so that a loop reads the global once (a global is checked for
    /// initialisation on every read).
    @inlinable @inline(__always)
    static func log(_ x: Float, table: UnsafePointer<Double>) -> Float {
        let ix = x.bitPattern
        // x = 2^k · z with z in [0x3f330000, 2 · 0x3f330000) as bit patterns (about [0.7, 1.4)); i: z's subinterval.
        let tmp = ix &- 0x3f33_0000
        let i = Int((tmp >> 19) & 15)
        let k = Int32(bitPattern: tmp) >> 23
        let iz = ix &- (tmp & (0x1ff << 23))
        let z = Double(Float(bitPattern: iz))
        let r = z * table[2 * i] - 1
        let y0 = table[2 * i + 1] + Double(k) * ln2
        let r2 = r * r
        var y = a1 * r + a2
        y = a0 * r2 + y
        y = y * r2 + (y0 + r)
        return Float(y)
    }
}

extension LogF {
    /// `log(_:)` of each of `xs` into `results` (at least `xs.count` slots).
    public static func log(_ xs: UnsafeBufferPointer<Float>, into results: UnsafeMutableBufferPointer<Float>) {
        precondition(results.count >= xs.count, "LogF.log: result buffer too small")
        let table = self.table
        guard let x = xs.baseAddress, let y = results.baseAddress else { return }
        for i in 0..<xs.count { y[i] = log(x[i], table: table) }
    }
}
