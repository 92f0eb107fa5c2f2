/// A trainable tensor and the gradient accumulated for it.
///
/// Backward passes *add* into `gradient` (like PyTorch's `.grad`), so several forward/backward
/// pairs through the same layer sum their contributions; call `zeroGradient()` before a step.
public final class Parameter: @unchecked Sendable {
    /// The current value (updated in place by optimisers).
    public let value: Tensor
    /// The accumulated gradient, same shape as `value`.
    public let gradient: Tensor
    /// False for parameters that must not be trained (an optimiser skips them).
    public var requiresGradient: Bool

    /// A parameter holding `value` with a zero gradient.
    public init(_ value: Tensor, requiresGradient: Bool = true) {
        self.value = value
        self.gradient = Tensor(shape: value.shape)
        self.requiresGradient = requiresGradient
    }

    /// The shape of the value.
    public var shape: [Int] { value.shape }

    /// Sets the gradient to zero.
    public func zeroGradient() { gradient.fill(0) }
}

/// A named parameter or buffer as it appears in a PyTorch `state_dict`.
public struct StateEntry {
    /// How an entry is stored in a reference checkpoint.
    public enum Kind: Sendable {
        /// A trainable parameter (float32).
        case parameter
        /// A float32 buffer (running statistics, fixed adjacency).
        case buffer
        /// An integer counter buffer (`num_batches_tracked`, int64 in PyTorch), kept as a Float.
        case counter
    }

    /// The `state_dict` key, e.g. `st_gcn_networks.0.gcn.conv.weight`.
    public let name: String
    /// The elements (shared with the model: writing them changes the model).
    public let tensor: Tensor
    public let kind: Kind

    public init(name: String, tensor: Tensor, kind: Kind) {
        self.name = name
        self.tensor = tensor
        self.kind = kind
    }
}
