import Foundation
import Models
import Shards
import SkeletonCore
import TensorModule

/// Pooled encoder features of every sample of a part, with labels and names.
public struct FeatureSet {
    /// `[N, D]`.
    public var features: Tensor
    public var labels: [Int]
    public var names: [String]

    public var count: Int { labels.count }

    public init(features: Tensor, labels: [Int], names: [String]) {
        precondition(features.rank == 2 && features.shape[0] == labels.count, "features \(features.shape) for \(labels.count) labels")
        self.features = features
        self.labels = labels
        self.names = names
    }
}

/// Runs a frozen encoder (eval mode: running statistics, no dropout) over shard samples.
public enum FeatureExtractor {
    /// Reads `stream`'s input for samples `indices` of `part` as `[B, 3, 50, 25, 2]`: bone and motion are
    /// derived from the stored joint stream, as in training.
    public static func input(_ part: ShardPart, indices: ArraySlice<Int>, stream: SkeletonStream) throws -> Tensor {
        let n = ShardFormat.sampleElements
        var joint = [Float](repeating: 0, count: indices.count * n)
        try joint.withUnsafeMutableBufferPointer { out in
            for (slot, index) in indices.enumerated() {
                try part.read(.joint, sample: index, into: UnsafeMutableBufferPointer(rebasing: out[(slot * n)..<((slot + 1) * n)]))
            }
        }
        return EncoderInput.tensor(joint: joint, frames: SkeletonLayout.frames, stream: stream)
    }

    /// The pooled features (`hiddenDim` wide) of every sample of `part`.
    public static func extract(_ encoder: STGCN, part: ShardPart, stream: SkeletonStream, batch: Int = 64) throws -> FeatureSet {
        var rows: [Float] = []
        var width = 0
        for start in stride(from: 0, to: part.count, by: batch) {
            let indices = Array(start..<min(part.count, start + batch))
            let out = encoder.forward(try input(part, indices: indices[...], stream: stream), training: false, recordTape: false)
            width = out.features.shape[1]
            rows += out.features.values
        }
        return FeatureSet(features: Tensor(shape: [part.count, width], values: rows), labels: part.labels, names: part.names)
    }
}
