import BLASModule

/// A fully connected layer `y = x · Wᵀ + b` on rows, as PyTorch's `nn.Linear`.
///
/// Input `[N, in]`, output `[N, out]`; `weight` is `[out, in]`, `bias` is `[out]`.
public final class Linear {
    public let weight: Parameter
    public let bias: Parameter?

    /// A layer with all-zero parameters (set them with an initialiser or a checkpoint).
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true) {
        weight = Parameter(Tensor(shape: [outFeatures, inFeatures]))
        self.bias = bias ? Parameter(Tensor(shape: [outFeatures])) : nil
    }

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// Computes `x · Wᵀ + b`.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == inFeatures, "Linear expects [N, \(inFeatures)], got \(x.shape)")
        let rows = x.shape[0]
        let y = Tensor(uninitializedShape: [rows, outFeatures])
        if let bias {
            let b = bias.value.pointer, p = y.pointer
            for i in 0..<rows { (p + i * outFeatures).update(from: b, count: outFeatures) }
        }
        GEMM.multiply(x.matrix(rows: rows, columns: inFeatures), .none,
                   weight.value.matrix(rows: outFeatures, columns: inFeatures), .transposed,
                   into: y.mutableMatrix(rows: rows, columns: outFeatures), beta: bias == nil ? 0 : 1)
        return y
    }

    /// Adds the parameter gradients for output gradient `dy` (input `x` of the forward pass) and
    /// returns the input gradient (nil when `needInputGradient` is false).
    @discardableResult
    public func backward(_ dy: Tensor, input x: Tensor, needInputGradient: Bool = true) -> Tensor? {
        let rows = x.shape[0]
        precondition(dy.shape == [rows, outFeatures], "Linear backward: dy \(dy.shape)")
        // dW += dyᵀ · x
        GEMM.multiply(dy.matrix(rows: rows, columns: outFeatures), .transposed,
                   x.matrix(rows: rows, columns: inFeatures), .none,
                   into: weight.gradient.mutableMatrix(rows: outFeatures, columns: inFeatures), beta: 1)
        if let bias {
            let g = bias.gradient.pointer, d = dy.pointer
            for i in 0..<rows {
                for j in 0..<outFeatures { g[j] += d[i * outFeatures + j] }
            }
        }
        guard needInputGradient else { return nil }
        let dx = Tensor(uninitializedShape: x.shape)
        GEMM.multiply(dy.matrix(rows: rows, columns: outFeatures), .none,
                   weight.value.matrix(rows: outFeatures, columns: inFeatures), .none,
                   into: dx.mutableMatrix(rows: rows, columns: inFeatures))
        return dx
    }
}
