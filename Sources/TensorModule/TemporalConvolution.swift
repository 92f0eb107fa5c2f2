import BLASModule

/// A 2-D convolution with kernel `(kernelSize, 1)`, stride `(stride, 1)` and padding
/// `(padding, 0)` — PyTorch's `nn.Conv2d(in, out, (k, 1), (s, 1), (p, 0))` — on time-major
/// feature maps.
///
/// Feature maps here are `[T, C, rest…]` (time, channel, then any trailing axes such as bodies
/// and joints, flattened into `L` columns). `weight` keeps PyTorch's shape `[out, in, k, 1]` so
/// that checkpoints map one to one; `bias` is `[out]`. Output length is
/// `(T + 2·padding − kernelSize) / stride + 1` (floor), as in PyTorch.
///
/// Each output frame is one GEMM: `Y[t] (out × L) = W[:, taps, :] (out × taps·in) · X[rows]`,
/// where the input rows of the valid taps are contiguous in this layout, so no im2col copy is
/// needed and zero padding costs nothing.
public final class TemporalConvolution {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    /// `[out, in, kernelSize, 1]`.
    public let weight: Parameter
    /// `[out]`, or nil for a convolution without bias.
    public let bias: Parameter?

    /// A layer with all-zero parameters (set them with an initialiser or a checkpoint).
    public init(inChannels: Int, outChannels: Int, kernelSize: Int = 1, stride: Int = 1,
                padding: Int = 0, bias: Bool = true) {
        precondition(kernelSize >= 1 && stride >= 1 && padding >= 0, "bad convolution geometry")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        weight = Parameter(Tensor(shape: [outChannels, inChannels, kernelSize, 1]))
        self.bias = bias ? Parameter(Tensor(shape: [outChannels])) : nil
    }

    /// Output frames for `frames` input frames.
    public func outputLength(_ frames: Int) -> Int {
        (frames + 2 * padding - kernelSize) / stride + 1
    }

    /// Multiply–add count of one forward pass (taps that fall on padding are not counted).
    public func multiplyAdds(frames: Int, columns: Int) -> Int {
        var taps = 0
        for t in 0..<outputLength(frames) { taps += validTaps(t, frames: frames).count }
        return taps * outChannels * inChannels * columns
    }

    /// Convolves `x` (`[T, in, rest…]`) into `[T_out, out, rest…]`.
    public func forward(_ x: Tensor) -> Tensor {
        let (frames, columns) = geometry(of: x)
        let outFrames = outputLength(frames)
        let outShape = [outFrames, outChannels] + x.shape[2...]
        // With a bias every element is written below; without one, frames whose taps all fall on
        // padding must read as zero.
        let y = bias == nil ? Tensor(shape: outShape) : Tensor(uninitializedShape: outShape)
        let packed = packedWeight(weight.value)
        let rowLength = kernelSize * inChannels
        if let bias {
            let b = bias.value.pointer, p = y.pointer
            Parallel.forEach(outFrames * outChannels, costPerItem: columns) { row in
                (p + row * columns).update(repeating: b[row % outChannels], count: columns)
            }
        }
        withExtendedLifetime(packed) {
            for t in 0..<outFrames {
                let taps = validTaps(t, frames: frames)
                if taps.isEmpty { continue }
                let firstRow = t * stride + taps.lowerBound - padding
                GEMM.multiply(packed.matrix(offset: taps.lowerBound * inChannels, rows: outChannels,
                                         columns: taps.count * inChannels, rowStride: rowLength), .none,
                           x.matrix(offset: firstRow * inChannels * columns,
                                    rows: taps.count * inChannels, columns: columns), .none,
                           into: y.mutableMatrix(offset: t * outChannels * columns,
                                                 rows: outChannels, columns: columns),
                           beta: 1)
            }
        }
        return y
    }

    /// Adds the parameter gradients for output gradient `dy` (input `x` of the forward pass) and
    /// returns the input gradient (nil when `needInputGradient` is false).
    @discardableResult
    public func backward(_ dy: Tensor, input x: Tensor, needInputGradient: Bool = true) -> Tensor? {
        let (frames, columns) = geometry(of: x)
        let outFrames = outputLength(frames)
        precondition(dy.shape == [outFrames, outChannels] + x.shape[2...], "conv backward: dy \(dy.shape)")
        let rowLength = kernelSize * inChannels
        if let bias { addBiasGradient(dy, frames: outFrames, columns: columns, into: bias.gradient) }

        let packed = packedWeight(weight.value)
        let packedGradient = Tensor(shape: [outChannels, kernelSize, inChannels])
        let dx = needInputGradient ? Tensor(shape: x.shape) : nil
        withExtendedLifetime((packed, packedGradient)) {
            for t in 0..<outFrames {
                let taps = validTaps(t, frames: frames)
                if taps.isEmpty { continue }
                let firstRow = t * stride + taps.lowerBound - padding
                let dyFrame = dy.matrix(offset: t * outChannels * columns, rows: outChannels, columns: columns)
                // dW[:, taps, :] += dY[t] · X[rows]ᵀ
                GEMM.multiply(dyFrame, .none,
                           x.matrix(offset: firstRow * inChannels * columns,
                                    rows: taps.count * inChannels, columns: columns), .transposed,
                           into: packedGradient.mutableMatrix(offset: taps.lowerBound * inChannels,
                                                              rows: outChannels, columns: taps.count * inChannels,
                                                              rowStride: rowLength),
                           beta: 1)
                // dX[rows] += W[:, taps, :]ᵀ · dY[t]
                if let dx {
                    GEMM.multiply(packed.matrix(offset: taps.lowerBound * inChannels, rows: outChannels,
                                             columns: taps.count * inChannels, rowStride: rowLength), .transposed,
                               dyFrame, .none,
                               into: dx.mutableMatrix(offset: firstRow * inChannels * columns,
                                                      rows: taps.count * inChannels, columns: columns),
                               beta: 1)
                }
            }
            addUnpacked(packedGradient, into: weight.gradient)
        }
        return dx
    }

    /// Kernel taps whose input frame `t·stride + k − padding` lies inside `0..<frames`.
    func validTaps(_ t: Int, frames: Int) -> Range<Int> {
        let origin = t * stride - padding
        let low = max(0, -origin)
        let high = min(kernelSize, frames - origin)
        return low < high ? low..<high : 0..<0
    }

    private func geometry(of x: Tensor) -> (frames: Int, columns: Int) {
        precondition(x.rank >= 2 && x.shape[1] == inChannels,
                     "convolution expects [T, \(inChannels), …], got \(x.shape)")
        return (x.shape[0], x.shape[2...].reduce(1, *))
    }

    /// `[out, in, k, 1]` → `[out, k, in]` so that consecutive taps are contiguous columns.
    private func packedWeight(_ w: Tensor) -> Tensor {
        if kernelSize == 1 { return w.reshaped([outChannels, 1, inChannels]) }
        let packed = Tensor(uninitializedShape: [outChannels, kernelSize, inChannels])
        let src = w.pointer, dst = packed.pointer
        for o in 0..<outChannels {
            for i in 0..<inChannels {
                for k in 0..<kernelSize {
                    dst[(o * kernelSize + k) * inChannels + i] = src[(o * inChannels + i) * kernelSize + k]
                }
            }
        }
        return packed
    }

    /// Adds a `[out, k, in]` gradient into the `[out, in, k, 1]` weight gradient.
    private func addUnpacked(_ packed: Tensor, into gradient: Tensor) {
        let src = packed.pointer, dst = gradient.pointer
        for o in 0..<outChannels {
            for i in 0..<inChannels {
                for k in 0..<kernelSize {
                    dst[(o * inChannels + i) * kernelSize + k] += src[(o * kernelSize + k) * inChannels + i]
                }
            }
        }
    }

    private func addBiasGradient(_ dy: Tensor, frames: Int, columns: Int, into gradient: Tensor) {
        let sums = [Double](unsafeUninitializedCapacity: outChannels) { buffer, initialized in
            let d = dy.pointer
            let base = buffer.baseAddress!
            Parallel.forEachChunk(outChannels, costPerItem: frames * columns) { range in
                for o in range {
                    var total = 0.0
                    for t in 0..<frames { total += Double(sumOf(d + (t * outChannels + o) * columns, columns)) }
                    base[o] = total
                }
            }
            initialized = outChannels
        }
        let g = gradient.pointer
        for o in 0..<outChannels { g[o] += Float(sums[o]) }
    }
}
