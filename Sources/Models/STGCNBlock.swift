import CounterRandom
import TensorModule

/// One `st_gcn` block of the reference, on time-major feature maps `[T, C, B, V]`:
///
///     res = residual(x)                          (none, identity, or conv1×1 stride s + BN)
///     x   = gcn.conv(x)                          (1×1 conv to K·out channels)
///     x   = einsum('nkctv,kvw->nctw', x, A)      (graph aggregation, A = adjacency ⊙ importance)
///     x   = tcn: BN → ReLU → conv (k,1) stride s → BN → Dropout(p)
///     out = ReLU(x + res)
///
/// Parameter names follow the reference module (`gcn.conv`, `tcn.0`, `tcn.2`, `tcn.3`,
/// `residual.0`, `residual.1`).
public final class STGCNBlock {
    /// How the block's input reaches its output sum.
    public enum Residual {
        /// No residual (the first block: `lambda x: 0`).
        case none
        /// `lambda x: x` (same width, stride 1).
        case identity
        /// `conv 1×1 (stride s) → BatchNorm2d`.
        case projection(TemporalConvolution, BatchNorm)
    }

    public let inChannels: Int
    public let outChannels: Int
    public let stride: Int
    public let dropout: Float
    /// `gcn.conv`: 1×1 convolution to `subsets · out` channels.
    public let graphConvolution: TemporalConvolution
    /// `tcn.0`.
    public let normalization1: BatchNorm
    /// `tcn.2`: the temporal convolution `(k, 1)`, stride `(s, 1)`, padding `((k − 1)/2, 0)`.
    public let temporalConvolution: TemporalConvolution
    /// `tcn.3`.
    public let normalization2: BatchNorm
    public let residual: Residual

    /// What the backward pass needs from one forward pass of the block.
    public struct Cache {
        let input: Tensor
        let adjacency: Tensor
        let graphFeatures: Tensor
        let normalization1: BatchNorm.Cache
        let activated: Tensor
        let normalization2: BatchNorm.Cache
        let dropoutKey: RandomKey?
        let residualNormalization: BatchNorm.Cache?
        let output: Tensor
    }

    public init(inChannels: Int, outChannels: Int, subsets: Int, temporalKernel: Int, stride: Int,
                dropout: Float, residual: Bool) {
        precondition(temporalKernel % 2 == 1, "temporal kernel must be odd")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.stride = stride
        self.dropout = dropout
        graphConvolution = TemporalConvolution(inChannels: inChannels, outChannels: outChannels * subsets)
        normalization1 = BatchNorm(channels: outChannels)
        temporalConvolution = TemporalConvolution(inChannels: outChannels, outChannels: outChannels,
                                                  kernelSize: temporalKernel, stride: stride,
                                                  padding: (temporalKernel - 1) / 2)
        normalization2 = BatchNorm(channels: outChannels)
        if !residual {
            self.residual = .none
        } else if inChannels == outChannels && stride == 1 {
            self.residual = .identity
        } else {
            self.residual = .projection(TemporalConvolution(inChannels: inChannels, outChannels: outChannels,
                                                            kernelSize: 1, stride: stride),
                                        BatchNorm(channels: outChannels))
        }
    }

    /// Runs the block on `x` (`[T, in, B, V]`) with the effective adjacency `adjacency`
    /// (`[K, V, V]`). `dropoutKey` is required when training with dropout.
    public func forward(_ x: Tensor, adjacency: Tensor, training: Bool,
                        dropoutKey: RandomKey?) -> (output: Tensor, cache: Cache) {
        var residualNormalization: BatchNorm.Cache?
        var shortcut: Tensor?
        switch residual {
        case .none: break
        case .identity: shortcut = x
        case let .projection(conv, norm):
            let projected = conv.forward(x)
            let (normalized, cache) = norm.forward(projected, channelAxis: 1, training: training)
            shortcut = normalized
            residualNormalization = cache
        }
        let graphFeatures = graphConvolution.forward(x)
        let aggregated = GraphAggregation.forward(graphFeatures, adjacency: adjacency)
        let (activated, cache1) = normalization1.forward(aggregated, channelAxis: 1, training: training)
        ReLU.forwardInPlace(activated)
        let convolved = temporalConvolution.forward(activated)
        let (out, cache2) = normalization2.forward(convolved, channelAxis: 1, training: training)
        let key = training && dropout > 0 ? dropoutKey : nil
        if training && dropout > 0 && key == nil { preconditionFailure("training with dropout needs a random key") }
        ResidualEpilogue.forwardInPlace(out, shortcut: shortcut, dropout: dropout, key: key)
        let cache = Cache(input: x, adjacency: adjacency, graphFeatures: graphFeatures, normalization1: cache1,
                          activated: activated, normalization2: cache2, dropoutKey: key,
                          residualNormalization: residualNormalization, output: out)
        return (out, cache)
    }

    /// Adds the block's parameter gradients for output gradient `dy` and returns the input
    /// gradient (nil when `needInputGradient` is false). The gradient of the effective
    /// adjacency is added into `adjacencyGradient`. `dy` is consumed (overwritten).
    public func backward(_ dy: Tensor, cache: Cache, adjacencyGradient: Tensor,
                         needInputGradient: Bool) -> Tensor? {
        let hasShortcut: Bool
        if case .none = residual { hasShortcut = false } else { hasShortcut = true }
        let (dBranch, dShortcut) = ResidualEpilogue.backward(dy, output: cache.output, dropout: dropout,
                                                             key: cache.dropoutKey, shortcutGradient: hasShortcut)
        var inputGradient: Tensor?
        switch residual {
        case .none: break
        case .identity: if needInputGradient { inputGradient = dShortcut }
        case let .projection(conv, norm):
            guard let normCache = cache.residualNormalization, let dShortcut else {
                preconditionFailure("missing residual cache")
            }
            let dProjected = norm.backward(dShortcut, cache: normCache)
            inputGradient = conv.backward(dProjected, input: cache.input, needInputGradient: needInputGradient)
        }
        let dConvolved = normalization2.backward(dBranch, cache: cache.normalization2)
        guard let dActivated = temporalConvolution.backward(dConvolved, input: cache.activated) else {
            preconditionFailure("temporal convolution returned no input gradient")
        }
        ReLU.backwardInPlace(dActivated, output: cache.activated)
        let dAggregated = normalization1.backward(dActivated, cache: cache.normalization1)
        guard let dGraph = GraphAggregation.backward(dAggregated, input: cache.graphFeatures,
                                                     adjacency: cache.adjacency,
                                                     adjacencyGradient: adjacencyGradient) else {
            preconditionFailure("graph aggregation returned no input gradient")
        }
        let dInput = graphConvolution.backward(dGraph, input: cache.input, needInputGradient: needInputGradient)
        guard let dInput else { return nil }
        if let inputGradient { Elementwise.addInPlace(dInput, inputGradient) }
        return dInput
    }

    /// The block's (name, parameter) pairs in PyTorch registration order, names relative to the block.
    public func namedParameters() -> [(String, Parameter)] {
        var list: [(String, Parameter)] = [("gcn.conv.weight", graphConvolution.weight)]
        if let bias = graphConvolution.bias { list.append(("gcn.conv.bias", bias)) }
        list += [("tcn.0.weight", normalization1.weight), ("tcn.0.bias", normalization1.bias),
                 ("tcn.2.weight", temporalConvolution.weight)]
        if let bias = temporalConvolution.bias { list.append(("tcn.2.bias", bias)) }
        list += [("tcn.3.weight", normalization2.weight), ("tcn.3.bias", normalization2.bias)]
        if case let .projection(conv, norm) = residual {
            list.append(("residual.0.weight", conv.weight))
            if let bias = conv.bias { list.append(("residual.0.bias", bias)) }
            list += [("residual.1.weight", norm.weight), ("residual.1.bias", norm.bias)]
        }
        return list
    }

    /// The block's `state_dict` entries (parameters and buffers) in PyTorch order.
    public func stateEntries() -> [StateEntry] {
        var entries: [StateEntry] = [StateEntry(name: "gcn.conv.weight", tensor: graphConvolution.weight.value,
                                                kind: .parameter)]
        if let bias = graphConvolution.bias { entries.append(StateEntry(name: "gcn.conv.bias", tensor: bias.value, kind: .parameter)) }
        entries += normalization1.stateEntries(prefix: "tcn.0.")
        entries.append(StateEntry(name: "tcn.2.weight", tensor: temporalConvolution.weight.value, kind: .parameter))
        if let bias = temporalConvolution.bias { entries.append(StateEntry(name: "tcn.2.bias", tensor: bias.value, kind: .parameter)) }
        entries += normalization2.stateEntries(prefix: "tcn.3.")
        if case let .projection(conv, norm) = residual {
            entries.append(StateEntry(name: "residual.0.weight", tensor: conv.weight.value, kind: .parameter))
            if let bias = conv.bias { entries.append(StateEntry(name: "residual.0.bias", tensor: bias.value, kind: .parameter)) }
            entries += norm.stateEntries(prefix: "residual.1.")
        }
        return entries
    }

    /// The batch-norm layers of the block (for initialisation).
    var normalizations: [BatchNorm] {
        var list = [normalization1, normalization2]
        if case let .projection(_, norm) = residual { list.append(norm) }
        return list
    }

    /// The convolutions of the block (for initialisation).
    var convolutions: [TemporalConvolution] {
        var list = [graphConvolution, temporalConvolution]
        if case let .projection(conv, _) = residual { list.append(conv) }
        return list
    }

    /// Multiply–adds of one forward pass on `frames` input frames and `columns = B·V` columns.
    public func multiplyAdds(frames: Int, columns: Int, joints: Int, subsets: Int) -> Int {
        var total = graphConvolution.multiplyAdds(frames: frames, columns: columns)
        total += subsets * outChannels * frames * columns * joints
        total += temporalConvolution.multiplyAdds(frames: frames, columns: columns)
        if case let .projection(conv, _) = residual { total += conv.multiplyAdds(frames: frames, columns: columns) }
        return total
    }
}
