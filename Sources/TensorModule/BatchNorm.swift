/// Batch normalisation over one channel axis, as PyTorch's `nn.BatchNorm1d` / `nn.BatchNorm2d`.
///
/// The input is seen as `[outer, C, inner]` around `channelAxis`; statistics are per channel over
/// `outer × inner` elements. Training mode normalises with the batch mean and biased variance
/// and updates the running statistics with `momentum` (PyTorch's 0.1):
/// `running = (1 − m)·running + m·batch`, using the *unbiased* variance for `running_var`, and
/// counts `num_batches_tracked`. Evaluation mode normalises with the running statistics.
public final class BatchNorm {
    public let channels: Int
    public let epsilon: Float
    public let momentum: Float
    /// γ, `[C]` (PyTorch `weight`).
    public let weight: Parameter
    /// β, `[C]` (PyTorch `bias`).
    public let bias: Parameter
    /// `[C]` (PyTorch buffer `running_mean`).
    public let runningMean: Tensor
    /// `[C]` (PyTorch buffer `running_var`).
    public let runningVariance: Tensor
    /// Scalar counter (PyTorch buffer `num_batches_tracked`, int64 there).
    public let batchesTracked: Tensor

    /// What the backward pass needs from one forward pass.
    public struct Cache {
        let input: Tensor
        let channelAxis: Int
        let mean: [Float]
        let inverseStd: [Float]
        let training: Bool
    }

    /// γ = 1, β = 0, running mean 0, running variance 1 (PyTorch's defaults).
    public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        weight = Parameter(Tensor(shape: [channels], repeating: 1))
        bias = Parameter(Tensor(shape: [channels]))
        runningMean = Tensor(shape: [channels])
        runningVariance = Tensor(shape: [channels], repeating: 1)
        batchesTracked = Tensor(shape: [])
    }

    /// Normalises `x` along `channelAxis`. In training mode the running statistics are updated.
    public func forward(_ x: Tensor, channelAxis: Int, training: Bool) -> (output: Tensor, cache: Cache) {
        let (outer, inner) = split(x, channelAxis)
        let mean: [Float], inverseStd: [Float]
        if training {
            (mean, inverseStd) = batchStatistics(x, outer: outer, inner: inner)
        } else {
            mean = runningMean.values
            inverseStd = runningVariance.values.map { 1 / ($0 + epsilon).squareRoot() }
        }
        let gamma = weight.value.values, beta = bias.value.values
        let y = Tensor(uninitializedShape: x.shape)
        let src = x.pointer, dst = y.pointer
        Parallel.forEach(outer * channels, costPerItem: inner) { slab in
            let c = slab % channels
            let scale = gamma[c] * inverseStd[c]
            affine(src + slab * inner, dst + slab * inner, inner, scale: scale, shift: beta[c] - mean[c] * scale)
        }
        return (y, Cache(input: x, channelAxis: channelAxis, mean: mean, inverseStd: inverseStd, training: training))
    }

    /// Adds the γ/β gradients for output gradient `dy` and returns the input gradient.
    /// A cache from training mode back-propagates through the batch statistics.
    public func backward(_ dy: Tensor, cache: Cache) -> Tensor {
        let x = cache.input
        precondition(dy.shape == x.shape, "BatchNorm backward: dy \(dy.shape) for x \(x.shape)")
        let (outer, inner) = split(x, cache.channelAxis)
        let n = Double(outer * inner)
        var sumDy = [Double](repeating: 0, count: channels)
        var sumDyCentered = [Double](repeating: 0, count: channels)
        let d = dy.pointer, src = x.pointer
        sumDy.withUnsafeMutableBufferPointer { sums in
            sumDyCentered.withUnsafeMutableBufferPointer { centered in
                Parallel.forEachChunk(channels, costPerItem: outer * inner) { range in
                    for c in range {
                        var s = 0.0, sc = 0.0
                        for o in 0..<outer {
                            let offset = (o * channels + c) * inner
                            s += Double(sumOf(d + offset, inner))
                            sc += centeredDotOf(d + offset, src + offset, center: cache.mean[c], inner)
                        }
                        sums[c] = s
                        centered[c] = sc
                    }
                }
            }
        }
        let gamma = weight.value.values
        let gw = weight.gradient.pointer, gb = bias.gradient.pointer
        // With s = 1/σ and x̂ = (x − μ)·s, training mode gives
        //   dx = γs·(dy − Σdy/n − x̂·Σ(dy·x̂)/n) = a·dy + b·x + c0 per channel, where
        //   a = γs, b = −γs³·Σdy(x − μ)/n, c0 = −a·Σdy/n − b·μ.
        // Evaluation mode treats μ and s as constants: dx = γs·dy.
        var a = [Float](repeating: 0, count: channels)
        var b = [Float](repeating: 0, count: channels)
        var c0 = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let invStd = Double(cache.inverseStd[c])
            gw[c] += Float(sumDyCentered[c] * invStd)
            gb[c] += Float(sumDy[c])
            let scale = Double(gamma[c]) * invStd
            a[c] = Float(scale)
            if cache.training {
                let bc = -scale * invStd * invStd * sumDyCentered[c] / n
                b[c] = Float(bc)
                c0[c] = Float(-scale * sumDy[c] / n - bc * Double(cache.mean[c]))
            }
        }
        let dx = Tensor(uninitializedShape: x.shape)
        let out = dx.pointer
        Parallel.forEach(outer * channels, costPerItem: inner) { slab in
            let c = slab % channels
            let base = slab * inner
            linearCombination(d + base, src + base, out + base, a: a[c], b: b[c], c: c0[c], inner)
        }
        return dx
    }

    private func split(_ x: Tensor, _ axis: Int) -> (outer: Int, inner: Int) {
        precondition(axis >= 0 && axis < x.rank && x.shape[axis] == channels,
                     "BatchNorm(\(channels)) on axis \(axis) of \(x.shape)")
        return (x.shape[..<axis].reduce(1, *), x.shape[(axis + 1)...].reduce(1, *))
    }

    /// Batch mean and 1/√(biased var + ε) per channel; updates the running statistics.
    private func batchStatistics(_ x: Tensor, outer: Int, inner: Int) -> (mean: [Float], inverseStd: [Float]) {
        let n = outer * inner
        precondition(n > 1, "BatchNorm in training mode needs more than one value per channel")
        var mean = [Float](repeating: 0, count: channels)
        var variance = [Double](repeating: 0, count: channels)
        let src = x.pointer
        mean.withUnsafeMutableBufferPointer { meanOut in
            variance.withUnsafeMutableBufferPointer { varOut in
                Parallel.forEachChunk(channels, costPerItem: n) { range in
                    for c in range {
                        let shift = src[c * inner]
                        var s = 0.0, q = 0.0
                        for o in 0..<outer {
                            let m = shiftedMoments(src + (o * channels + c) * inner, inner, shift: shift)
                            s += m.sum; q += m.squares
                        }
                        let meanShifted = s / Double(n)
                        meanOut[c] = Float(Double(shift) + meanShifted)
                        varOut[c] = max(0, q / Double(n) - meanShifted * meanShifted)
                    }
                }
            }
        }
        let rm = runningMean.pointer, rv = runningVariance.pointer
        let unbias = Double(n) / Double(n - 1)
        for c in 0..<channels {
            rm[c] = (1 - momentum) * rm[c] + momentum * mean[c]
            rv[c] = (1 - momentum) * rv[c] + momentum * Float(variance[c] * unbias)
        }
        batchesTracked.pointer[0] += 1
        return (mean, variance.map { Float(1 / ($0 + Double(epsilon)).squareRoot()) })
    }
}

extension BatchNorm {
    /// The layer's `state_dict` entries with `prefix`: weight, bias, running_mean, running_var,
    /// num_batches_tracked (PyTorch order).
    public func stateEntries(prefix: String) -> [StateEntry] {
        [StateEntry(name: prefix + "weight", tensor: weight.value, kind: .parameter),
         StateEntry(name: prefix + "bias", tensor: bias.value, kind: .parameter),
         StateEntry(name: prefix + "running_mean", tensor: runningMean, kind: .buffer),
         StateEntry(name: prefix + "running_var", tensor: runningVariance, kind: .buffer),
         StateEntry(name: prefix + "num_batches_tracked", tensor: batchesTracked, kind: .counter)]
    }
}
