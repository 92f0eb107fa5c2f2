import Augment
import Crypto
import SkeletonCore

/// One view (branch) of a batch: contiguous (B, 3, T, 25, 2) float32 per stream, the joint mask when the
/// branch has one, and what every stage drew for every sample.
public struct ViewBatch: Sendable {
    public let branch: String
    public let frames: Int
    /// Streams in pipeline order; `data[k]` holds stream `streams[k]` of every sample back to back.
    public let streams: [SkeletonStream]
    public internal(set) var data: [BatchBuffer]
    /// (B, T, 25) true where a joint was masked; nil when the branch has no joint mask.
    public internal(set) var mask: [Bool]?
    /// Per sample, the stage records of this branch (parameters drawn, or skipped); empty unless the loader was
    /// made with `LoaderConfig.keepStageRecords`.
    public internal(set) var records: [[StageRecord]]

    /// Stream `stream` of every sample (a copy), or nil when the pipeline does not emit it.
    public func values(_ stream: SkeletonStream) -> [Float]? {
        streams.firstIndex(of: stream).map { data[$0].values }
    }

    /// Sample `i`'s clip of `stream`.
    public func clip(_ stream: SkeletonStream, sample i: Int) -> SkeletonClip? {
        guard let k = streams.firstIndex(of: stream) else { return nil }
        let n = frames * ClipBuffer.valuesPerFrame
        return data[k].withUnsafeBufferPointer {
            SkeletonClip(frames: frames, values: Array(UnsafeBufferPointer(rebasing: $0[(i * n)..<((i + 1) * n)])))
        }
    }
}

/// A batch as delivered to the trainer: sample ids (global indices in the shard set), labels and one
/// `ViewBatch` per pipeline branch (HiCLR: q, k, q1, q2).
public struct Batch: Sendable {
    public let epoch: Int
    /// Index of the batch within its epoch (on this rank).
    public let index: Int
    public let sampleIDs: [Int]
    public let labels: [Int]
    public internal(set) var views: [ViewBatch]

    public var count: Int { sampleIDs.count }

    /// SHA-256 over the sample ids, labels, every view's values and masks, in order: equal digests mean
    /// bit-identical batches.
    public func digest() -> String {
        var hasher = SHA256()
        func feed<T>(_ values: [T]) { values.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        feed(sampleIDs.map { Int64($0) })
        feed(labels.map { Int64($0) })
        for view in views {
            hasher.update(data: Array(view.branch.utf8))
            for values in view.data { values.withUnsafeBufferPointer { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) } }
            if let mask = view.mask { feed(mask.map { $0 ? UInt8(1) : 0 }) }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
