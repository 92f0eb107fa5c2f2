/// Element-wise arithmetic on tensors of equal shape.
public enum Elementwise {
    /// `a + b` as a new tensor.
    public static func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        let y = a.copy()
        addInPlace(y, b)
        return y
    }

    /// `a += alpha · b` (writes into `a`).
    public static func addInPlace(_ a: Tensor, _ b: Tensor, alpha: Float = 1) {
        precondition(a.count == b.count, "add: \(a.shape) and \(b.shape)")
        let dst = a.pointer, src = b.pointer
        Parallel.forEachChunk(a.count, minimumWork: 1 << 16) { range in
            addScaled(src + range.lowerBound, dst + range.lowerBound, alpha: alpha, range.count)
        }
    }

    /// `alpha · a` as a new tensor.
    public static func scaled(_ a: Tensor, by alpha: Float) -> Tensor {
        let y = Tensor(uninitializedShape: a.shape)
        let src = a.pointer, dst = y.pointer
        Parallel.forEachChunk(a.count, minimumWork: 1 << 16) { range in
            for i in range { dst[i] = alpha * src[i] }
        }
        return y
    }

    /// `a ⊙ b` as a new tensor.
    public static func multiply(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.count == b.count, "multiply: \(a.shape) and \(b.shape)")
        let y = Tensor(uninitializedShape: a.shape)
        let pa = a.pointer, pb = b.pointer, dst = y.pointer
        for i in 0..<a.count { dst[i] = pa[i] * pb[i] }
        return y
    }

    /// `Σ a·b` over all elements (accumulated in `Double`).
    public static func dot(_ a: Tensor, _ b: Tensor) -> Double {
        precondition(a.count == b.count, "dot: \(a.shape) and \(b.shape)")
        return dotOf(a.pointer, b.pointer, a.count)
    }
}
