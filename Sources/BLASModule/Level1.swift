import CBLAS

extension BLAS {
    /// `y += alpha · x` on unit-stride vectors of equal length.
    ///
    /// The corresponding C function is `cblas_saxpy`.
    public static func saxpy(alpha: Float, x: UnsafeBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>) {
        precondition(x.count == y.count, "saxpy: lengths differ (\(x.count) vs \(y.count))")
        guard let xBase = x.baseAddress, let yBase = y.baseAddress else { return }
        cblas_saxpy(blasInt(x.count), alpha, xBase, 1, yBase, 1)
    }

    /// `x *= alpha` on a unit-stride vector.
    ///
    /// The corresponding C function is `cblas_sscal`.
    public static func sscal(alpha: Float, x: UnsafeMutableBufferPointer<Float>) {
        guard let base = x.baseAddress else { return }
        cblas_sscal(blasInt(x.count), alpha, base, 1)
    }

    /// Dot product of two unit-stride vectors of equal length.
    ///
    /// The corresponding C function is `cblas_sdot`.
    public static func sdot(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
        precondition(x.count == y.count, "sdot: lengths differ (\(x.count) vs \(y.count))")
        guard let xBase = x.baseAddress, let yBase = y.baseAddress else { return 0 }
        return cblas_sdot(blasInt(x.count), xBase, 1, yBase, 1)
    }
}
