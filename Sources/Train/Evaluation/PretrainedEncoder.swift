import CounterRandom
import Foundation
import HDF5
import Models
import TensorModule

/// The encoder of a pretraining run, for evaluation: `encoder_q` of a `hiclr train` checkpoint (its config is
/// stored in the checkpoint), or a freshly initialised one (the random-encoder baseline).
public struct PretrainedEncoder {
    public let configuration: STGCNConfiguration
    /// Entries of `encoder_q.` without the prefix; nil for a random encoder.
    public let state: [String: Tensor]?
    public let stream: String
    public let source: String

    /// Reads a training checkpoint.
    public init(checkpoint url: URL) throws {
        let (tensors, file) = try StateDictFile.read(url)
        guard let text = try? file.stringAttribute("config") else {
            throw TrainError.checkpoint("\(url.path) has no config attribute: not written by hiclr train")
        }
        let config = try TrainConfig.parse(text, file: url.path + " [config]")
        configuration = Self.configuration(config.model)
        var state: [String: Tensor] = [:]
        for (key, value) in tensors where key.hasPrefix("encoder_q.") { state[String(key.dropFirst(10))] = value }
        guard !state.isEmpty else { throw TrainError.checkpoint("\(url.path) holds no encoder_q.* entries") }
        self.state = state
        stream = config.stream.rawValue
        source = url.path
    }

    /// A randomly initialised encoder of the given shape.
    public init(random model: TrainConfig.ModelSettings = .init(), stream: String = "joint") {
        configuration = Self.configuration(model)
        state = nil
        self.stream = stream
        source = "random initialisation"
    }

    static func configuration(_ model: TrainConfig.ModelSettings) -> STGCNConfiguration {
        var c = STGCNConfiguration.hiclr
        c.hiddenChannels = model.hiddenChannels
        c.hiddenDim = model.hiddenDim
        c.dropout = Float(model.dropout)
        c.head = .mlp(features: model.featureDim)
        c.headInitialization = STGCNConfiguration.HeadInitialization(rawValue: model.headInit) ?? .reference
        return c
    }

    /// An ST-GCN with `head`, its encoder weights from this source (the head stays freshly initialised when it
    /// differs from the pretraining head).
    public func makeEncoder(head: STGCNConfiguration.Head, key: RandomKey,
                            headInitialization: STGCNConfiguration.HeadInitialization? = nil) throws -> STGCN {
        var c = configuration
        let pretrainingHead = c.head
        c.head = head
        if let headInitialization { c.headInitialization = headInitialization }
        let model = STGCN(configuration: c, key: key)
        guard let state else { return model }
        let keepHead = head == pretrainingHead
        for entry in model.stateEntries() {
            if entry.name.hasPrefix("fc.") && !keepHead { continue }
            guard let value = state[entry.name], value.count == entry.tensor.count else {
                throw TrainError.checkpoint("\(source): encoder_q.\(entry.name) is missing or has the wrong shape")
            }
            entry.tensor.assign(value.reshaped(entry.tensor.shape))
        }
        return model
    }
}
