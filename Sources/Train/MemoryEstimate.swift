import Foundation

/// Peak memory of a pretraining run, estimated from its config before anything is allocated, so that a config
/// inside the schema's ranges that cannot fit (a 16M-entry queue of 4096-wide features is 256 GiB) is refused
/// with a sentence instead of aborting in the allocator.
///
/// The terms: activations kept for the backward pass — measured at 7 GiB for a batch of 128 at
/// hidden_channels 16 (README "Training speed"), i.e. 3.5 MiB per sample per hidden channel, summed over the
/// four views — the key queue (queue × feature_dim floats), the contrastive logits and their gradients
/// (about 12 batch × queue matrices over the three loss terms), the parameters of both encoders with their
/// gradients and momentum buffers, and a fixed 0.5 GiB for the loader and the program.
public struct MemoryEstimate: Equatable, Sendable {
    public var activations: Double
    public var queue: Double
    public var logits: Double
    public var parameters: Double
    public var fixed: Double

    public var total: Double { activations + queue + logits + parameters + fixed }

    public static let bytesPerSampleChannel = 3.5 * Double(1 << 20)

    public init(_ config: TrainConfig) {
        let batch = Double(config.schedule.batch)
        let c = Double(config.model.hiddenChannels)
        activations = batch * c * Self.bytesPerSampleChannel
        queue = Double(config.moco.queue) * Double(config.model.featureDim) * 4
        logits = batch * Double(config.moco.queue + 1) * 4 * 12
        // ST-GCN: ten blocks (c, c, c, c, 2c, 2c, 2c, 4c, 4c, 4c), each a 3-partition graph convolution, a
        // 9-tap temporal convolution and a residual projection where the width changes; then the MLP head.
        let widths = [c, c, c, c, 2 * c, 2 * c, 2 * c, 4 * c, 4 * c, 4 * c]
        var count = 0.0
        var inWidth = 3.0
        for w in widths {
            count += inWidth * w * 3 + w * w * 9 + (inWidth != w ? inWidth * w : 0)
            inWidth = w
        }
        count += 4 * c * Double(config.model.hiddenDim) + Double(config.model.hiddenDim * config.model.featureDim)
        parameters = count * 4 * 4      // query weights, gradients, momentum; key weights
        fixed = 0.5 * Double(1 << 30)
    }

    /// The default limit: 80 % of this machine's memory.
    public static var defaultLimitBytes: Double { Double(ProcessInfo.processInfo.physicalMemory) * 0.8 }

    static func gib(_ bytes: Double) -> String { String(format: "%.1f GiB", bytes / Double(1 << 30)) }

    /// Throws a `TrainError.configuration` naming the terms when the estimate exceeds `limitBytes`.
    public func check(limitBytes: Double?, file: String) throws {
        let limit = limitBytes ?? Self.defaultLimitBytes
        guard total > limit else { return }
        let source = limitBytes == nil ? "80 % of this machine's memory" : "--max-memory-gib"
        throw TrainError.configuration(
            "\(file): this config needs about \(Self.gib(total)) of memory (activations \(Self.gib(activations)) "
            + "for schedule.batch × model.hidden_channels, key queue \(Self.gib(queue)) for moco.queue × "
            + "model.feature_dim, logits \(Self.gib(logits)), parameters \(Self.gib(parameters))), more than the "
            + "\(Self.gib(limit)) limit (\(source)); make the batch, widths or queue smaller, or raise --max-memory-gib")
    }
}
