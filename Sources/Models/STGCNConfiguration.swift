/// The shape of an ``STGCN`` encoder, mirroring the reference `net.st_gcn.Model` arguments.
///
/// The ten blocks are derived as the reference builds them: widths `h, h, h, h, 2h, 2h, 2h, 4h,
/// 4h, hiddenDim` from `inChannels`, temporal stride 2 at blocks 5 and 8 (1-based), no residual in
/// block 1 and no dropout in block 1.
public struct STGCNConfiguration: Sendable, Equatable {
    /// What follows the pooled `hiddenDim` features.
    public enum Head: Sendable, Equatable {
        /// No head: the output is the pooled feature.
        case none
        /// `fc = Linear(hiddenDim, classes)` (the reference without MLP: supervised / linear eval).
        case linear(classes: Int)
        /// `fc = Sequential(Linear(hiddenDim, hiddenDim), ReLU, Linear(hiddenDim, features))`
        /// (the MoCo "mlp" head; names `fc.0.*`, `fc.2.*`).
        case mlp(features: Int)
    }

    /// How the per-block edge-importance parameters are named.
    public enum EdgeImportanceNaming: Sendable, Equatable {
        /// HiCLR: `edge_importance1` … `edge_importance10`, registered on the model itself
        /// (they come first in its `state_dict`).
        case numbered
        /// AimCLR / CrosSCLR / ST-GCN: an `nn.ParameterList` `edge_importance.0` … `.9`
        /// (last in the `state_dict`).
        case parameterList
    }

    public var inChannels: Int = 3
    /// `hidden_channels` (16 for the 1/4-width HiCLR encoder).
    public var hiddenChannels: Int = 16
    /// `hidden_dim`: width of the last block and of the pooled feature.
    public var hiddenDim: Int = 256
    public var temporalKernel: Int = 9
    /// Dropout probability inside `tcn` of blocks 2…10.
    public var dropout: Float = 0.5
    public var head: Head = .mlp(features: 128)
    public var edgeImportanceNaming: EdgeImportanceNaming = .numbered
    /// Bodies per sample (`M`).
    public var bodies: Int = 2
    /// How the linear head is initialised.
    public enum HeadInitialization: String, Sendable, Equatable, CaseIterable {
        /// The pretraining processors' `weights_init`: N(0, 0.02) weights, zero biases.
        case reference
        /// PyTorch's `nn.Linear` default, U(−1/√fan_in, 1/√fan_in): longer initial projections, which keeps
        /// MoCo's L2 normalisation from amplifying early gradients on small data.
        case pytorchDefault = "pytorch_default"
    }

    public var headInitialization: HeadInitialization = .reference
    /// Graph augmentation (DAE), off by default as in the released HiCLR configuration.
    public var graphAugmentation = GraphAugmentation()

    public init() {}

    /// The HiCLR encoder: 1/4-width ST-GCN (16 → 256), dropout 0.5, MLP head to 128 features.
    public static let hiclr = STGCNConfiguration()

    /// One block's shape.
    public struct BlockShape: Sendable, Equatable {
        public let inChannels: Int
        public let outChannels: Int
        public let stride: Int
        public let residual: Bool
        public let dropout: Float
    }

    /// The ten blocks in order, as the reference's `st_gcn_networks`.
    public var blocks: [BlockShape] {
        let h = hiddenChannels
        let widths = [h, h, h, h, 2 * h, 2 * h, 2 * h, 4 * h, 4 * h, hiddenDim]
        let strides = [1, 1, 1, 1, 2, 1, 1, 2, 1, 1]
        var input = inChannels
        return widths.indices.map { i in
            defer { input = widths[i] }
            return BlockShape(inChannels: input, outChannels: widths[i], stride: strides[i], residual: i > 0,
                              dropout: i > 0 ? dropout : 0)
        }
    }
}
