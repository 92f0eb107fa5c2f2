import Augment
import Foundation
import Shards
import SkeletonCore

/// Builds one batch: reads each sample's joint stream (one chunk read), runs every pipeline branch on it and
/// writes the views straight into the batch's contiguous buffers. Each worker thread owns one builder (its
/// scratch space); everything else it touches is read-only.
final class BatchBuilder {
    let dataset: ShardPart
    let runner: PipelineRunner
    let seed: UInt64
    /// Whether the views keep their stage records (`LoaderConfig.keepStageRecords`).
    let keepRecords: Bool
    let frames = SkeletonLayout.frames
    let valuesPerSample = SkeletonLayout.frames * ClipBuffer.valuesPerFrame
    private let source: UnsafeMutableBufferPointer<Float>
    private let scratch: UnsafeMutableBufferPointer<Float>
    private let view: UnsafeMutableBufferPointer<Float>

    init(dataset: ShardPart, runner: PipelineRunner, seed: UInt64, keepRecords: Bool) {
        self.dataset = dataset
        self.runner = runner
        self.seed = seed
        self.keepRecords = keepRecords
        source = .allocate(capacity: valuesPerSample)
        scratch = .allocate(capacity: valuesPerSample)
        view = .allocate(capacity: valuesPerSample)
    }

    deinit {
        source.deallocate()
        scratch.deallocate()
        view.deallocate()
    }

    /// The first error reading a partner sample; `build` rethrows it (a damaged partner must not silently
    /// turn a two-sample stage into a skipped one).
    private var partnerError: Error?

    /// Partner lookup for two-sample stages: partner number → joint clip of sample `number % N`.
    func partner(_ number: Int) -> SkeletonClip? {
        guard dataset.count > 0 else { return nil }
        do {
            return try dataset.read(.joint, sample: number % dataset.count)
        } catch {
            if partnerError == nil { partnerError = error }
            return nil
        }
    }

    func build(epoch: Int, index: Int, samples: ArraySlice<Int>) throws -> Batch {
        let pipeline = runner.pipeline
        let streams = pipeline.streams.names
        let n = valuesPerSample
        let b = samples.count
        let maskSize = frames * SkeletonLayout.joints
        let fromShard = pipeline.streams.derive != .afterAugmentation
        // After augmentation every stream slot of every sample is written in full below, so the buffers need no
        // zero fill; the `from_shard` path may leave a stream the shard lacks at zero.
        func buffer() -> BatchBuffer { BatchBuffer(count: b * n, zeroed: fromShard) }
        var views: [ViewBatch] = pipeline.branches.map { branch in
            var records: [[StageRecord]] = []
            if keepRecords { records.reserveCapacity(b) }
            return ViewBatch(branch: branch.name, frames: frames, streams: streams,
                             data: streams.map { _ in buffer() },
                             mask: branch.hasJointMask ? [Bool](repeating: false, count: b * maskSize) : nil,
                             records: records)
        }
        // The joint stream is augmented in its batch slot (no copy through `view`; a leading temporal crop reads
        // `source` and writes the slot directly); the other streams derive from that slot.
        let jointSlot = streams.firstIndex(of: .joint)
        for (i, id) in samples.enumerated() {
            if fromShard {
                try addFromShard(id, at: i, into: &views, epoch: epoch)
                continue
            }
            try dataset.read(.joint, sample: id, into: source)
            for v in views.indices {
                let outcome: BranchOutcome
                if let kj = jointSlot {
                    outcome = views[v].data[kj].withUnsafeMutableBufferPointer { all in
                        let slot = UnsafeMutableBufferPointer(rebasing: all[(i * n)..<((i + 1) * n)])
                        return runner.augment(branch: v, frames: frames, output: slot, scratch: scratch,
                                              source: UnsafeBufferPointer(source), sampleID: id, epoch: epoch,
                                              seed: seed, recordStages: keepRecords, partner: partner)
                    }
                    for (k, stream) in streams.enumerated() where k != kj {
                        let joint = views[v].data[kj]
                        joint.withUnsafeBufferPointer { j in
                            views[v].data[k].withUnsafeMutableBufferPointer { all in
                                stream.derive(from: UnsafeBufferPointer(rebasing: j[(i * n)..<((i + 1) * n)]),
                                              frames: frames,
                                              into: UnsafeMutableBufferPointer(rebasing: all[(i * n)..<((i + 1) * n)]))
                            }
                        }
                    }
                } else {
                    _ = view.update(fromContentsOf: source)
                    outcome = runner.augment(branch: v, frames: frames, output: view, scratch: scratch, sampleID: id,
                                             epoch: epoch, seed: seed, recordStages: keepRecords, partner: partner)
                    let augmented = UnsafeBufferPointer(view)
                    for (k, stream) in streams.enumerated() {
                        views[v].data[k].withUnsafeMutableBufferPointer { all in
                            stream.derive(from: augmented, frames: frames,
                                          into: UnsafeMutableBufferPointer(rebasing: all[(i * n)..<((i + 1) * n)]))
                        }
                    }
                }
                if let mask = outcome.mask {
                    views[v].mask!.replaceSubrange((i * maskSize)..<((i + 1) * maskSize), with: mask)
                }
                if keepRecords { views[v].records.append(outcome.records) }
            }
        }
        if let error = partnerError {
            partnerError = nil
            throw error
        }
        return Batch(epoch: epoch, index: index, sampleIDs: Array(samples),
                     labels: samples.map { dataset.labels[$0] }, views: views)
    }

    /// The slow path for pipelines whose bone/motion streams come from the shard (`derive: from_shard`): the
    /// stored streams get the same drawn parameters as the joint view.
    private func addFromShard(_ id: Int, at i: Int, into views: inout [ViewBatch], epoch: Int) throws {
        let joint = try dataset.read(.joint, sample: id)
        var stored: [SkeletonStream: SkeletonClip] = [:]
        for stream in runner.pipeline.streams.names where stream != .joint {
            stored[stream] = try dataset.read(stream, sample: id)
        }
        let produced = runner.views(for: joint, sampleID: id, epoch: epoch, seed: seed, shardStreams: stored,
                                    partner: partner)
        let n = valuesPerSample, maskSize = frames * SkeletonLayout.joints
        for (v, view) in produced.enumerated() {
            for (k, stream) in views[v].streams.enumerated() {
                guard let clip = view.clip(stream) else { continue }
                views[v].data[k].withUnsafeMutableBufferPointer { all in
                    _ = UnsafeMutableBufferPointer(rebasing: all[(i * n)..<((i + 1) * n)]).update(fromContentsOf: clip.values)
                }
            }
            if let mask = view.mask {
                views[v].mask!.replaceSubrange((i * maskSize)..<((i + 1) * maskSize), with: mask)
            }
            if keepRecords { views[v].records.append(view.records) }
        }
    }
}
