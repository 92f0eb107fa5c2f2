import BLASModule

/// Matrix products on 2-D tensors, with their gradients.
public enum MatrixMultiply {
    /// `op(a) · op(b)` for 2-D tensors, where `op` optionally transposes.
    public static func forward(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                               transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs 2-D tensors, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        let result = Tensor(uninitializedShape: [m, n])
        GEMM.multiply(a.matrix(rows: a.shape[0], columns: a.shape[1]), transposeA ? .transposed : .none,
                   b.matrix(rows: b.shape[0], columns: b.shape[1]), transposeB ? .transposed : .none,
                   into: result.mutableMatrix(rows: m, columns: n))
        return result
    }

    /// Gradients of `forward(a, b, transposeA, transposeB)` with respect to `a` and `b`, given the
    /// gradient `dy` of its result.
    public static func backward(_ dy: Tensor, _ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                                transposeB: Bool = false) -> (da: Tensor, db: Tensor) {
        // y = A'B' with A' = op(a), B' = op(b): dA' = dy·B'ᵀ, dB' = A'ᵀ·dy.
        let da: Tensor
        if transposeA {
            // a = A'ᵀ: da = (dy·B'ᵀ)ᵀ = B'·dyᵀ.
            da = forward(b, dy, transposeA: transposeB, transposeB: true)
        } else {
            da = forward(dy, b, transposeA: false, transposeB: !transposeB)
        }
        let db: Tensor
        if transposeB {
            // b = B'ᵀ: db = (A'ᵀ·dy)ᵀ = dyᵀ·A'.
            db = forward(dy, a, transposeA: true, transposeB: transposeA)
        } else {
            db = forward(a, dy, transposeA: !transposeA, transposeB: false)
        }
        return (da, db)
    }
}
