import CounterRandom
import SkeletonCore
import TensorModule

/// Errors of the model API.
public enum STGCNError: Error, CustomStringConvertible, Equatable {
    /// The input tensor does not have the shape the model was built for.
    case inputShape(String)
    /// A checkpoint or state does not match the model (missing key, wrong shape).
    case state(String)

    public var description: String {
        switch self {
        case let .inputShape(message), let .state(message): return message
        }
    }
}

/// The ST-GCN encoder of the reference (`net.st_gcn.Model`), with hand-written backward pass.
///
/// Input: `[N, C, T, V, M]` skeletons (PyTorch's layout, e.g. `[N, 3, 50, 25, 2]`). Forward:
///
///     x = data_bn(x.permute(0, 4, 3, 1, 2).view(N·M, V·C, T))      (BatchNorm1d over V·C; the bodies
///                                                                    are rows of the batch and share statistics)
///     x → [N·M, C, T, V]  (held time-major as [T, C, N·M, V] inside)
///     for block i: x = st_gcn_i(x, A ⊙ edge_importance_i)
///     feature = mean over (T, V), then over the M bodies           → [N, hiddenDim]
///     output  = fc(feature)   (Linear, MLP or nothing, per ``STGCNConfiguration/Head``)
///
/// Several forward passes may be outstanding at once (each returns its own ``STGCNTape``);
/// `backward` adds into the parameters' gradients, so gradients of several passes sum, as in
/// PyTorch. Training-mode forward passes update the batch-norm running statistics.
public final class STGCN {
    public let configuration: STGCNConfiguration
    /// The fixed normalised adjacency `[3, V, V]` (buffer `A`).
    public let adjacency: Tensor
    /// `data_bn`: BatchNorm1d over `V·C` channels (75 for NTU), as the reference builds it
    /// (`nn.BatchNorm1d(in_channels * A.size(1))`, HiCLR `net/st_gcn.py` line 25).
    public let inputNormalization: BatchNorm
    /// `st_gcn_networks`.
    public let blocks: [STGCNBlock]
    /// Learnable edge importance per block, ones of the shape of `A`.
    public let edgeImportance: [Parameter]
    /// `fc` (linear head) or `fc.0` (first MLP layer); nil without head.
    public let head1: Linear?
    /// `fc.2` (second MLP layer); nil unless the head is an MLP.
    public let head2: Linear?

    /// Everything one forward pass leaves for its backward pass.
    public final class Tape {
        let batch: Int
        let frames: Int
        let inputNormalization: BatchNorm.Cache
        let blockCaches: [STGCNBlock.Cache]
        let adjacencies: [(base: Tensor, effective: Tensor)]
        let blockOutputShape: [Int]
        let pooledFeatures: Tensor
        let headHidden: Tensor?

        init(batch: Int, frames: Int, inputNormalization: BatchNorm.Cache, blockCaches: [STGCNBlock.Cache],
             adjacencies: [(base: Tensor, effective: Tensor)], blockOutputShape: [Int], pooledFeatures: Tensor,
             headHidden: Tensor?) {
            self.batch = batch
            self.frames = frames
            self.inputNormalization = inputNormalization
            self.blockCaches = blockCaches
            self.adjacencies = adjacencies
            self.blockOutputShape = blockOutputShape
            self.pooledFeatures = pooledFeatures
            self.headHidden = headHidden
        }
    }

    /// The result of one forward pass.
    public struct Output {
        /// The head output `[N, …]` (equal to `features` when there is no head).
        public let output: Tensor
        /// The pooled encoder feature `[N, hiddenDim]`.
        public let features: Tensor
        /// What `backward` needs; nil when the pass was run with `recordTape: false`.
        public let tape: Tape?
    }

    /// Builds the encoder and initialises it as the reference trainer does (`weights_init`):
    /// conv and linear weights `N(0, 0.02)`, biases 0, batch-norm weights `N(1, 0.02)`,
    /// batch-norm biases 0, edge importance 1. Draws come from `key`.
    public init(configuration: STGCNConfiguration = .hiclr, key: RandomKey) {
        self.configuration = configuration
        adjacency = SkeletonGraph.spatialAdjacency()
        let subsets = adjacency.shape[0], joints = adjacency.shape[1]
        inputNormalization = BatchNorm(channels: joints * configuration.inChannels)
        blocks = configuration.blocks.map {
            STGCNBlock(inChannels: $0.inChannels, outChannels: $0.outChannels, subsets: subsets,
                       temporalKernel: configuration.temporalKernel, stride: $0.stride, dropout: $0.dropout,
                       residual: $0.residual)
        }
        edgeImportance = blocks.map { _ in Parameter(Tensor(shape: [subsets, joints, joints], repeating: 1)) }
        switch configuration.head {
        case .none:
            head1 = nil
            head2 = nil
        case let .linear(classes):
            head1 = Linear(inFeatures: configuration.hiddenDim, outFeatures: classes)
            head2 = nil
        case let .mlp(features):
            head1 = Linear(inFeatures: configuration.hiddenDim, outFeatures: configuration.hiddenDim)
            head2 = Linear(inFeatures: configuration.hiddenDim, outFeatures: features)
        }
        initializeAsReference(key: key)
    }

    /// Runs the encoder on `input` (`[N, C, T, V, M]`).
    ///
    /// - Parameters:
    ///   - training: batch statistics (and running-statistics updates) and dropout, as `model.train()`.
    ///   - key: draws for dropout and graph augmentation; required when training with dropout.
    ///     Derive it per step and branch so passes are reproducible.
    ///   - recordTape: keep what `backward` needs (set false for no-grad passes such as the key encoder).
    ///   - graphAugmentation: apply the configured drop/add edges (DAE) in this pass when training (HiCLR
    ///     applies it to the q branch only: `drop_graph=False` for the others).
    public func forward(_ input: Tensor, training: Bool, key: RandomKey? = nil, recordTape: Bool = true,
                        graphAugmentation: Bool = true) -> Output {
        let shape: (batch: Int, channels: Int, frames: Int, joints: Int, bodies: Int)
        do { shape = try validate(inputShape: input.shape) } catch { preconditionFailure("\(error)") }
        let (batch, channels, frames, joints, bodies) = shape
        // data_bn (HiCLR net/st_gcn.py lines 106-108): [N, C, T, V, M] → [N, M, V, C, T] viewed as
        // [N·M, V·C, T], so each body is a row of the batch for BatchNorm1d over V·C.
        let permuted = Permute.forward(input, axes: [0, 4, 3, 1, 2])
            .reshaped([batch * bodies, joints * channels, frames])
        let (normalized, normCache) = inputNormalization.forward(permuted, channelAxis: 1, training: training)
        // [N, M, V, C, T] → time-major [T, C, N, M, V] = [T, C, N·M, V].
        var x = Permute.forward(normalized.reshaped([batch, bodies, joints, channels, frames]), axes: [4, 3, 0, 1, 2])
            .reshaped([frames, channels, batch * bodies, joints])

        var caches: [STGCNBlock.Cache] = []
        var adjacencies: [(base: Tensor, effective: Tensor)] = []
        let augment = training && graphAugmentation && !configuration.graphAugmentation.isIdentity
        for (index, block) in blocks.enumerated() {
            let blockKey = key?.derived(UInt64(index))
            var base = adjacency
            if augment {
                guard let blockKey else { preconditionFailure("graph augmentation needs a random key") }
                base = configuration.graphAugmentation.apply(to: adjacency, key: blockKey.derived(1))
            }
            let effective = Elementwise.multiply(base, edgeImportance[index].value)
            let (y, cache) = block.forward(x, adjacency: effective, training: training,
                                           dropoutKey: blockKey?.derived(2))
            if recordTape {
                caches.append(cache)
                adjacencies.append((base, effective))
            }
            x = y
        }
        let pooled = GlobalAveragePool.forward(x)
        let features = GroupMean.forward(pooled, groupSize: bodies)
        var output = features
        var hidden: Tensor?
        if let head1 {
            output = head1.forward(features)
            if let head2 {
                ReLU.forwardInPlace(output)
                hidden = output
                output = head2.forward(output)
            }
        }
        let tape = recordTape
            ? Tape(batch: batch, frames: frames, inputNormalization: normCache, blockCaches: caches,
                   adjacencies: adjacencies, blockOutputShape: x.shape, pooledFeatures: features, headHidden: hidden)
            : nil
        return Output(output: output, features: features, tape: tape)
    }

    /// Adds every parameter's gradient for one forward pass, given the gradient of its head
    /// output and/or of its pooled features (either may be nil; both add up). Returns the gradient with
    /// respect to the input `[N, C, T, V, M]` when `needInputGradient` is set (e.g. for a learnable mask token
    /// written into the input), nil otherwise.
    @discardableResult
    public func backward(_ tape: Tape, outputGradient: Tensor?, featureGradient: Tensor? = nil,
                         needInputGradient: Bool = false) -> Tensor? {
        precondition(tape.blockCaches.count == blocks.count, "backward needs a tape recorded by forward")
        var dFeatures = featureGradient?.copy() ?? Tensor(shape: tape.pooledFeatures.shape)
        if let outputGradient {
            if let head1 {
                var dHidden = outputGradient
                if let head2, let hidden = tape.headHidden {
                    guard let d = head2.backward(outputGradient, input: hidden) else { preconditionFailure() }
                    ReLU.backwardInPlace(d, output: hidden)
                    dHidden = d
                }
                guard let d = head1.backward(dHidden, input: tape.pooledFeatures) else { preconditionFailure() }
                Elementwise.addInPlace(dFeatures, d)
            } else {
                dFeatures = featureGradient.map { Elementwise.add($0, outputGradient) } ?? outputGradient.copy()
            }
        }
        let bodies = configuration.bodies
        let dPooled = GroupMean.backward(dFeatures, groupSize: bodies)
        var dx = GlobalAveragePool.backward(dPooled, inputShape: tape.blockOutputShape)
        for index in stride(from: blocks.count - 1, through: 0, by: -1) {
            let (base, effective) = tape.adjacencies[index]
            let dEffective = Tensor(shape: effective.shape)
            guard let dInput = blocks[index].backward(dx, cache: tape.blockCaches[index],
                                                      adjacencyGradient: dEffective, needInputGradient: true) else {
                preconditionFailure("block returned no input gradient")
            }
            // effective = base ⊙ importance  ⇒  d importance = d effective ⊙ base.
            Elementwise.addInPlace(edgeImportance[index].gradient, Elementwise.multiply(dEffective, base))
            dx = dInput
        }
        // Back through the layout change and data_bn.
        let (frames, channels, joints) = (tape.frames, configuration.inChannels, adjacency.shape[1])
        let dNormalized = Permute.backward(dx.reshaped([frames, channels, tape.batch, bodies, joints]),
                                           axes: [4, 3, 0, 1, 2])
            .reshaped([tape.batch * bodies, joints * channels, frames])
        let dPermuted = inputNormalization.backward(dNormalized, cache: tape.inputNormalization)
        guard needInputGradient else { return nil }
        // Undo [N, C, T, V, M] → [N, M, V, C, T].
        return Permute.backward(dPermuted.reshaped([tape.batch, bodies, joints, channels, frames]),
                                axes: [0, 4, 3, 1, 2])
    }

    /// Checks an input shape `[N, C, T, V, M]` against the configuration (`forward` requires a
    /// valid one; callers holding data of unknown shape check it here first).
    public func validate(inputShape shape: [Int]) throws -> (batch: Int, channels: Int, frames: Int, joints: Int,
                                                             bodies: Int) {
        guard shape.count == 5, shape[1] == configuration.inChannels, shape[3] == adjacency.shape[1],
              shape[4] == configuration.bodies, shape[0] > 0, shape[2] > 0 else {
            throw STGCNError.inputShape("ST-GCN input must be [N, \(configuration.inChannels), T, "
                + "\(adjacency.shape[1]), \(configuration.bodies)], got \(shape)")
        }
        return (shape[0], shape[1], shape[2], shape[3], shape[4])
    }
}
