/// Rectified linear unit `max(x, 0)`.
public enum ReLU {
    /// A new tensor `max(x, 0)`.
    public static func forward(_ x: Tensor) -> Tensor {
        let y = Tensor(shape: x.shape)
        let src = x.pointer, dst = y.pointer
        Parallel.forEachChunk(x.count, minimumWork: 1 << 16) { range in
            for i in range { dst[i] = max(src[i], 0) }
        }
        return y
    }

    /// Replaces `x` by `max(x, 0)` (PyTorch's `inplace=True`).
    public static func forwardInPlace(_ x: Tensor) {
        let p = x.pointer
        Parallel.forEachChunk(x.count, minimumWork: 1 << 16) { range in
            for i in range { p[i] = max(p[i], 0) }
        }
    }

    /// The input gradient `dy · [y > 0]`, given the forward *output* `y`.
    public static func backward(_ dy: Tensor, output y: Tensor) -> Tensor {
        let dx = Tensor(shape: dy.shape)
        maskedCopy(dy, y, into: dx)
        return dx
    }

    /// Zeroes `dy` where the forward output `y` was not positive (reuses the gradient's memory).
    public static func backwardInPlace(_ dy: Tensor, output y: Tensor) {
        maskedCopy(dy, y, into: dy)
    }

    private static func maskedCopy(_ dy: Tensor, _ y: Tensor, into dx: Tensor) {
        precondition(dy.shape == y.shape, "ReLU backward: dy \(dy.shape) for y \(y.shape)")
        let g = dy.pointer, out = y.pointer, dst = dx.pointer
        Parallel.forEachChunk(dy.count, minimumWork: 1 << 16) { range in
            for i in range { dst[i] = out[i] > 0 ? g[i] : 0 }
        }
    }
}

/// Inverted dropout, as PyTorch's `nn.Dropout(p)` in training mode: each element is kept with
/// probability `1 − p` and scaled by `1 / (1 − p)`.
///
/// The mask is not stored: element `i` is kept when `key.uniform(at: i) ≥ p`, so the backward
/// pass regenerates it from the same key, and the result never depends on threads or order.
public enum Dropout {
    /// Applies dropout with probability `p` and mask key `key`.
    public static func forward(_ x: Tensor, probability p: Float, key: RandomKey) -> Tensor {
        let y = Tensor(shape: x.shape)
        apply(x, into: y, probability: p, key: key)
        return y
    }

    /// The input gradient: `dy` masked and scaled exactly as the forward pass with `key`.
    public static func backward(_ dy: Tensor, probability p: Float, key: RandomKey) -> Tensor {
        forward(dy, probability: p, key: key)
    }

    /// Applies the mask of `key` to `x` in place.
    public static func applyInPlace(_ x: Tensor, probability p: Float, key: RandomKey) {
        apply(x, into: x, probability: p, key: key)
    }

    private static func apply(_ x: Tensor, into y: Tensor, probability p: Float, key: RandomKey) {
        precondition(p >= 0 && p <= 1, "dropout probability \(p) outside [0, 1]")
        let src = x.pointer, dst = y.pointer
        let scale: Float = p < 1 ? 1 / (1 - p) : 0
        Parallel.forEachChunk(x.count, minimumWork: 1 << 15) { range in
            for i in range { dst[i] = key.uniform(at: i) >= p ? src[i] * scale : 0 }
        }
    }
}
