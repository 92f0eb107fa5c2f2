import CounterRandom

/// Rectified linear unit `max(x, 0)`.
public enum ReLU {
    /// A new tensor `max(x, 0)`.
    public static func forward(_ x: Tensor) -> Tensor {
        let y = Tensor(uninitializedShape: x.shape)
        let src = x.pointer, dst = y.pointer
        Parallel.forEachChunk(x.count, minimumWork: 1 << 16) { range in
            rectify(src + range.lowerBound, dst + range.lowerBound, range.count)
        }
        return y
    }

    /// Replaces `x` by `max(x, 0)` (PyTorch's `inplace=True`).
    public static func forwardInPlace(_ x: Tensor) {
        let p = x.pointer
        Parallel.forEachChunk(x.count, minimumWork: 1 << 16) { range in
            rectify(p + range.lowerBound, p + range.lowerBound, range.count)
        }
    }

    /// The input gradient `dy · [y > 0]`, given the forward *output* `y`.
    public static func backward(_ dy: Tensor, output y: Tensor) -> Tensor {
        let dx = Tensor(uninitializedShape: dy.shape)
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
            let o = range.lowerBound
            maskByPositive(g + o, out + o, dst + o, range.count)
        }
    }
}

/// Inverted dropout, as PyTorch's `nn.Dropout(p)` in training mode: each element is kept with
/// probability `1 − p` and scaled by `1 / (1 − p)`.
///
/// The mask is not stored: it is a pure function of the key, so the backward pass regenerates
/// it and the result never depends on threads or order. Element `i` uses the 16-bit lane
/// `i mod 4` of `key.bits(at: i / 4)` (lane 0 = lowest bits) and is kept when that value is at
/// least `threshold(p) = round(p · 65536)`; `p` is thereby resolved to 1/65536.
public enum Dropout {
    /// Applies dropout with probability `p` and mask key `key`.
    public static func forward(_ x: Tensor, probability p: Float, key: RandomKey) -> Tensor {
        let y = Tensor(uninitializedShape: x.shape)
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

    /// Elements whose mask value is below this are dropped.
    public static func threshold(_ p: Float) -> UInt64 {
        precondition(p >= 0 && p <= 1, "dropout probability \(p) outside [0, 1]")
        return UInt64((Double(p) * 65536).rounded())
    }

    /// The factor kept elements are multiplied by.
    public static func scale(_ p: Float) -> Float { p < 1 ? 1 / (1 - p) : 0 }

    private static func apply(_ x: Tensor, into y: Tensor, probability p: Float, key: RandomKey) {
        let limit = threshold(p), factor = scale(p)
        let src = x.pointer, dst = y.pointer
        Parallel.forEachChunk(x.count, minimumWork: 1 << 15) { range in
            withDropoutBlocks(range, key: key, threshold: limit, factor: factor) { start, count, multipliers in
                multiplyElements(src + start, multipliers, dst + start, count)
            }
        }
    }
}
