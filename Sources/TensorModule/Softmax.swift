#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax along the last axis of a `[N, K]` tensor (one distribution per row).
public enum Softmax {
    /// `exp(x − max) / Σ exp(x − max)` per row (the exponential of ``LogSoftmax``).
    public static func forward(_ x: Tensor) -> Tensor {
        let y = LogSoftmax.forward(x)
        let p = y.pointer
        Parallel.forEachChunk(y.count, minimumWork: 1 << 14) { range in
            for i in range { p[i] = expf(p[i]) }
        }
        return y
    }

    /// The input gradient `y ⊙ (dy − Σ dy·y)` per row, given the forward output `y`.
    public static func backward(_ dy: Tensor, output y: Tensor) -> Tensor {
        let (rows, columns) = rowShape(y)
        let dx = Tensor(uninitializedShape: y.shape)
        let g = dy.pointer, p = y.pointer, dst = dx.pointer
        Parallel.forEach(rows, costPerItem: columns * 4) { i in
            let base = i * columns
            let inner = Float(dotOf(g + base, p + base, columns))
            for j in base..<(base + columns) { dst[j] = p[j] * (g[j] - inner) }
        }
        return dx
    }
}

/// Log-softmax along the last axis of a `[N, K]` tensor.
public enum LogSoftmax {
    /// `x − max − log Σ exp(x − max)` per row.
    public static func forward(_ x: Tensor) -> Tensor {
        let (rows, columns) = rowShape(x)
        let y = Tensor(uninitializedShape: x.shape)
        let src = x.pointer, dst = y.pointer
        Parallel.forEach(rows, costPerItem: columns * 8) { i in
            let row = src + i * columns, out = dst + i * columns
            var top = -Float.infinity
            for j in 0..<columns { top = max(top, row[j]) }
            var total: Double = 0
            for j in 0..<columns { total += Double(expf(row[j] - top)) }
            let offset = top + Float(log(total))
            for j in 0..<columns { out[j] = row[j] - offset }
        }
        return y
    }

    /// The input gradient `dy − softmax · Σ dy` per row, given the forward output `y`.
    public static func backward(_ dy: Tensor, output y: Tensor) -> Tensor {
        let (rows, columns) = rowShape(y)
        let dx = Tensor(uninitializedShape: y.shape)
        let g = dy.pointer, p = y.pointer, dst = dx.pointer
        Parallel.forEach(rows, costPerItem: columns * 8) { i in
            let base = i * columns
            let total = Float(sumOf(g + base, columns))
            for j in base..<(base + columns) { dst[j] = g[j] - expf(p[j]) * total }
        }
        return dx
    }
}

/// Cross-entropy of logits against class labels or target distributions, averaged over rows
/// (PyTorch's `nn.CrossEntropyLoss()` with mean reduction). Returns the loss and its gradient
/// with respect to the logits together.
public enum CrossEntropy {
    /// Loss and logit gradient for integer class `labels` (one per row, in `0..<K`).
    public static func loss(logits: Tensor, labels: [Int]) -> (loss: Float, gradient: Tensor) {
        let (rows, columns) = rowShape(logits)
        precondition(labels.count == rows, "cross-entropy: \(labels.count) labels for \(rows) rows")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < columns }, "cross-entropy: label outside 0..<\(columns)")
        let targets = Tensor(shape: logits.shape)
        for (i, label) in labels.enumerated() { targets[flat: i * columns + label] = 1 }
        return loss(logits: logits, targets: targets)
    }

    /// Loss `−mean_i Σ_j t_ij · log softmax(z)_ij` and its logit gradient for target
    /// distributions `targets` (same shape as the logits; treated as constants).
    public static func loss(logits: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor) {
        let (rows, columns) = rowShape(logits)
        precondition(targets.shape == logits.shape, "cross-entropy: targets \(targets.shape) for logits \(logits.shape)")
        let logProbabilities = LogSoftmax.forward(logits)
        let gradient = Tensor(uninitializedShape: logits.shape)
        let lp = logProbabilities.pointer, t = targets.pointer, g = gradient.pointer
        var total = 0.0
        let scale = 1 / Float(rows)
        for i in 0..<rows {
            let base = i * columns
            let mass = sumOf(t + base, columns)
            total -= dotOf(t + base, lp + base, columns)
            for j in base..<(base + columns) { g[j] = (expf(lp[j]) * mass - t[j]) * scale }
        }
        return (Float(total / Double(rows)), gradient)
    }
}

func rowShape(_ x: Tensor) -> (rows: Int, columns: Int) {
    precondition(x.rank == 2, "expected a [N, K] tensor, got \(x.shape)")
    return (x.shape[0], x.shape[1])
}
