import CounterRandom

/// The fused end of a residual block, `y = ReLU(dropout(x) + shortcut)`, done in one pass over
/// memory (the separate passes cost about a sixth of a training step).
public enum ResidualEpilogue {
    /// Overwrites `x` with `ReLU(dropout(x) + shortcut)`; dropout is skipped when `key` is nil
    /// and the shortcut when it is nil.
    public static func forwardInPlace(_ x: Tensor, shortcut: Tensor?, dropout p: Float, key: RandomKey?) {
        if let shortcut { precondition(shortcut.count == x.count, "shortcut \(shortcut.shape) for \(x.shape)") }
        let data = x.pointer, add = shortcut?.pointer
        let limit = Dropout.threshold(p), factor = Dropout.scale(p)
        Parallel.forEachChunk(x.count, minimumWork: 1 << 15) { range in
            if let key {
                withDropoutBlocks(range, key: key, threshold: limit, factor: factor) { start, count, multipliers in
                    residualRectify(data + start, multipliers: multipliers, shortcut: add.map { $0 + start }, count)
                }
            } else {
                let start = range.lowerBound
                residualRectify(data + start, multipliers: nil, shortcut: add.map { $0 + start }, range.count)
            }
        }
    }

    /// Back-propagates through the epilogue given its output `y`: returns the gradient of the
    /// dropout input, and (when `shortcutGradient` is true) the shortcut's gradient. `dy` is
    /// overwritten (it becomes the shortcut gradient); without dropout both results are `dy`
    /// itself, so callers must not write into them.
    public static func backward(_ dy: Tensor, output y: Tensor, dropout p: Float, key: RandomKey?,
                                shortcutGradient: Bool) -> (input: Tensor, shortcut: Tensor?) {
        precondition(dy.shape == y.shape, "epilogue backward: dy \(dy.shape) for y \(y.shape)")
        let g = dy.pointer, out = y.pointer
        guard let key else {
            // Without dropout both paths receive the same masked gradient.
            Parallel.forEachChunk(dy.count, minimumWork: 1 << 15) { range in
                let start = range.lowerBound
                maskByPositive(g + start, out + start, g + start, range.count)
            }
            return (dy, shortcutGradient ? dy : nil)
        }
        let dx = Tensor(uninitializedShape: dy.shape)
        let d = dx.pointer
        let limit = Dropout.threshold(p), factor = Dropout.scale(p)
        Parallel.forEachChunk(dy.count, minimumWork: 1 << 15) { range in
            withDropoutBlocks(range, key: key, threshold: limit, factor: factor) { start, count, multipliers in
                maskAndMultiply(g + start, out + start, multipliers, d + start, count)
            }
        }
        return (dx, shortcutGradient ? dy : nil)
    }
}
