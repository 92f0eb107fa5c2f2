/// Row-wise L2 normalisation `x / max(‖x‖₂, ε)`: PyTorch's `F.normalize(x, dim=1)` (ε = 1e-12)
/// on a `[N, D]` tensor.
public enum L2Normalize {
    public static let epsilon: Float = 1e-12

    /// Each row divided by its Euclidean norm (at least ε).
    public static func forward(_ x: Tensor) -> Tensor {
        let (rows, columns) = rowShape(x)
        let y = Tensor(uninitializedShape: x.shape)
        let src = x.pointer, dst = y.pointer
        for i in 0..<rows {
            let base = i * columns
            let norm = max(Float(dotOf(src + base, src + base, columns).squareRoot()), epsilon)
            for j in base..<(base + columns) { dst[j] = src[j] / norm }
        }
        return y
    }

    /// The input gradient `(dy − y·(y·dy)) / ‖x‖` per row (`dy / ε` where the norm was clamped).
    public static func backward(_ dy: Tensor, input x: Tensor) -> Tensor {
        let (rows, columns) = rowShape(x)
        let dx = Tensor(uninitializedShape: x.shape)
        let src = x.pointer, g = dy.pointer, dst = dx.pointer
        for i in 0..<rows {
            let base = i * columns
            let rawNorm = Float(dotOf(src + base, src + base, columns).squareRoot())
            if rawNorm <= epsilon {
                for j in base..<(base + columns) { dst[j] = g[j] / epsilon }
                continue
            }
            let along = Float(dotOf(src + base, g + base, columns)) / (rawNorm * rawNorm)
            for j in base..<(base + columns) { dst[j] = (g[j] - src[j] * along) / rawNorm }
        }
        return dx
    }
}
