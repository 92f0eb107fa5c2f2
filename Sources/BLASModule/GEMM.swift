import CBLAS

extension BLAS {
    /// General matrix product `c = alpha · op(a) · op(b) + beta · c` on row-major views.
    ///
    /// The corresponding C function is `cblas_sgemm` (called with `CblasRowMajor`). Shapes are
    /// checked: `op(a)` is m×k, `op(b)` is k×n and `c` is m×n. With `beta == 0`, `c` is
    /// overwritten without being read (NaNs in it do not propagate).
    public static func sgemm(_ a: MatrixView, _ transposeA: Transpose = .none,
                             _ b: MatrixView, _ transposeB: Transpose = .none,
                             into c: MutableMatrixView, alpha: Float = 1, beta: Float = 0) {
        let (m, k) = a.shape(transposeA)
        let (kb, n) = b.shape(transposeB)
        precondition(k == kb, "sgemm: inner dimensions differ (\(k) vs \(kb))")
        precondition(c.rows == m && c.columns == n,
                     "sgemm: result is \(c.rows)x\(c.columns), expected \(m)x\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS leaves c scaled by beta; do the same without calling it.
            scaleRows(c, by: beta)
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA.cValue, transposeB.cValue,
                    blasInt(m), blasInt(n), blasInt(k),
                    alpha, a.base, blasInt(a.rowStride),
                    b.base, blasInt(b.rowStride),
                    beta, c.base, blasInt(c.rowStride))
    }

    /// Matrix–vector product `y = alpha · op(a) · x + beta · y` with unit-stride vectors.
    ///
    /// The corresponding C function is `cblas_sgemv` (called with `CblasRowMajor`).
    public static func sgemv(_ a: MatrixView, _ transposeA: Transpose = .none,
                             x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>,
                             alpha: Float = 1, beta: Float = 0) {
        let (m, n) = a.shape(transposeA)
        precondition(x.count == n, "sgemv: x has \(x.count) elements, expected \(n)")
        precondition(y.count == m, "sgemv: y has \(y.count) elements, expected \(m)")
        if m == 0 { return }
        guard let xBase = x.baseAddress, let yBase = y.baseAddress else {
            // n == 0: y = beta · y.
            for i in 0..<m { y[i] *= beta }
            return
        }
        cblas_sgemv(CblasRowMajor, transposeA.cValue, blasInt(a.rows), blasInt(a.columns),
                    alpha, a.base, blasInt(a.rowStride), xBase, 1, beta, yBase, 1)
    }

    private static func scaleRows(_ c: MutableMatrixView, by beta: Float) {
        for i in 0..<c.rows {
            let row = c.base + i * c.rowStride
            for j in 0..<c.columns { row[j] = beta == 0 ? 0 : row[j] * beta }
        }
    }
}
