import CounterRandom
import SkeletonCore

/// Applies a pipeline to samples. A value with no mutable state: any number of threads may call it at once,
/// and the views of a sample depend only on (seed, epoch, sample id) — stage s of branch b draws from
/// `RandomStream(seed:epoch:sample:branch: b, stage: s)`, probability first.
public struct PipelineRunner: Sendable {
    public let pipeline: Pipeline

    public init(_ pipeline: Pipeline) {
        self.pipeline = pipeline
    }

    /// The views of one sample, one per branch, in branch order.
    ///
    /// - Parameters:
    ///   - clip: the sample's joint stream, (3, T, 25, 2), any T.
    ///   - shardStreams: the sample's stored bone/motion streams, used when the pipeline says
    ///     `derive: from_shard` (they get the same drawn parameters as the joint view); a stream missing here is
    ///     left out of the view's `streams`.
    ///   - partner: maps a two-sample stage's partner number (0 ..< 2³²) to the partner's joint clip; the caller
    ///     chooses how (e.g. `number % datasetCount`). When it returns nil the stage is recorded as skipped.
    public func views(for clip: SkeletonClip, sampleID: Int, epoch: Int, seed: UInt64,
                      shardStreams: [SkeletonStream: SkeletonClip] = [:],
                      partner: (Int) -> SkeletonClip? = { _ in nil }) -> [AugmentedView] {
        var views: [AugmentedView] = []
        views.reserveCapacity(pipeline.branches.count)
        for b in pipeline.branches.indices {
            var joint = clip
            let outcome = joint.withClipBuffer { buffer in
                augment(branch: b, buffer: buffer, sampleID: sampleID, epoch: epoch, seed: seed, partner: partner)
            }
            var streams: [(stream: SkeletonStream, clip: SkeletonClip)] = []
            for stream in pipeline.streams.names {
                if stream == .joint {
                    streams.append((.joint, joint))
                } else if pipeline.streams.derive == .afterAugmentation {
                    streams.append((stream, stream.derive(from: joint)))
                } else if var stored = shardStreams[stream] {
                    replay(outcome.records, branch: b, on: &stored, stream: stream, partner: partner)
                    streams.append((stream, stored))
                }
            }
            views.append(AugmentedView(branch: pipeline.branches[b].name, joint: joint, streams: streams,
                                       mask: outcome.mask, records: outcome.records))
        }
        return views
    }

    /// Augments one branch in place: `output` holds the source clip on entry and the view on return.
    /// `scratch` must hold as many floats as `output` (frames · 150). The fast path for loaders that write straight
    /// into batch buffers.
    ///
    /// With `source` (frames · 150 floats, not overlapping `output` or `scratch`), `output`'s contents on entry do
    /// not matter: the view starts from `source` instead, and a leading temporal crop reads it directly (one copy
    /// of the clip instead of three). The result is the same as copying `source` into `output` first.
    ///
    /// With `recordStages: false` the outcome's `records` stay empty (the view, the mask and every draw are the
    /// same): the loader's batches skip the per-stage bookkeeping unless asked for it.
    public func augment(branch b: Int, frames: Int, output: UnsafeMutableBufferPointer<Float>,
                        scratch: UnsafeMutableBufferPointer<Float>, source: UnsafeBufferPointer<Float>? = nil,
                        sampleID: Int, epoch: Int, seed: UInt64, recordStages: Bool = true,
                        partner: (Int) -> SkeletonClip? = { _ in nil }) -> BranchOutcome {
        let count = frames * ClipBuffer.valuesPerFrame
        precondition(output.count >= count && scratch.count >= count, "augment: buffers smaller than (3, T, 25, 2)")
        precondition(source.map { $0.count >= count } ?? true, "augment: source smaller than (3, T, 25, 2)")
        guard count > 0, let values = output.baseAddress, let spare = scratch.baseAddress else {
            var empty = SkeletonClip(frames: 0)
            return empty.withClipBuffer {
                augment(branch: b, buffer: $0, source: nil, sampleID: sampleID, epoch: epoch, seed: seed,
                        record: recordStages, partner: partner)
            }
        }
        return augment(branch: b, buffer: ClipBuffer(frames: frames, values: values, scratch: spare),
                       source: source?.baseAddress, sampleID: sampleID, epoch: epoch, seed: seed,
                       record: recordStages, partner: partner)
    }

    /// Augments one branch in place on `buffer`.
    public func augment(branch b: Int, buffer: ClipBuffer, sampleID: Int, epoch: Int, seed: UInt64,
                        partner: (Int) -> SkeletonClip? = { _ in nil }) -> BranchOutcome {
        augment(branch: b, buffer: buffer, source: nil, sampleID: sampleID, epoch: epoch, seed: seed, record: true,
                partner: partner)
    }

    /// Augments one branch on `buffer`; with `source`, the view starts from `source` (see
    /// `augment(branch:frames:output:scratch:source:...)`); `record`: whether to return the stage records.
    func augment(branch b: Int, buffer: ClipBuffer, source: UnsafePointer<Float>?, sampleID: Int, epoch: Int,
                 seed: UInt64, record: Bool, partner: (Int) -> SkeletonClip?) -> BranchOutcome {
        let branch = pipeline.branches[b]
        var records: [StageRecord] = []
        if record { records.reserveCapacity(branch.stages.count) }
        let hasMask = branch.hasJointMask
        var mask = [Bool](repeating: false, count: hasMask ? buffer.frames * SkeletonLayout.joints : 0)
        var pending = source  // the source not yet in `buffer.values`
        var absorbedUntil = 0  // stages before this one were applied with a crop from source
        for (s, stage) in branch.stages.enumerated() where s >= absorbedUntil {
            var stream = RandomStream(seed: seed, epoch: epoch, sample: sampleID, branch: b, stage: s)
            // Skipped when the probability draw does not fire, or when a two-sample stage gets no partner.
            let fires = stream.nextDouble() < stage.probability
            if let from = pending, fires, let crop = stage.as(TemporalCrop.self) {
                let drawn = crop.draw(from: &stream, frames: buffer.frames)
                // Shears, rotations and spatial flips right after it act point by point: they are applied while
                // the crop copies the frames (same draws, records and bytes as one after the other).
                let tail = PointwiseTail(stages: branch.stages, after: s, frames: buffer.frames, record: record) {
                    RandomStream(seed: seed, epoch: epoch, sample: sampleID, branch: b, stage: $0)
                }
                crop.apply(drawn, from: from, to: buffer, then: tail)
                absorbedUntil = s + 1 + tail.taken
                pending = nil
                if record {
                    records.append(StageRecord(stage: stage.name, parameters: StageParameters(drawn)))
                    records += tail.records
                }
                continue
            }
            if let from = pending, fires {
                buffer.values.update(from: from, count: buffer.count)
                pending = nil
            }
            let parameters = fires ? stage.run(stream: &stream, buffer: buffer, partner: partner, mask: &mask,
                                               record: record) : nil
            if record { records.append(StageRecord(stage: stage.name, parameters: parameters)) }
        }
        if let from = pending { buffer.values.update(from: from, count: buffer.count) }
        return BranchOutcome(records: records, mask: hasMask ? mask : nil)
    }

    /// Applies recorded parameters of branch `b` again, to another stream of the same sample (`from_shard`).
    /// A two-sample stage takes its style statistics from the same stream of the partner, derived from the
    /// partner's joint clip.
    public func replay(_ records: [StageRecord], branch b: Int, on clip: inout SkeletonClip,
                       stream: SkeletonStream = .joint, partner: (Int) -> SkeletonClip? = { _ in nil }) {
        let stages = pipeline.branches[b].stages
        clip.withClipBuffer { buffer in
            for (stage, record) in zip(stages, records) {
                guard var parameters = record.parameters else { continue }
                if stage.needsPartner {
                    guard let number = stage.partnerNumber(in: parameters), let other = partner(number),
                          let attached = stage.attach(partner: stream.derive(from: other), to: parameters)
                    else { continue }
                    parameters = attached
                }
                stage.apply(parameters, to: buffer)
            }
        }
    }
}

/// The stages right after a leading temporal crop that act on each point alone (shear, rotation: up to two linear
/// maps, applied in order; spatial flips: a joint permutation, which commutes with them), drawn as `run` would
/// draw them, each from its own stream.
struct PointwiseTail {
    /// The maps of the stages that fired, in order (at most two).
    var maps: [LinearMap] = []
    /// True when an odd number of spatial flips fired.
    var flipped = false
    /// Stages taken (skipped ones included): those after the crop up to `after + taken`.
    var taken = 0
    /// With `record`, one record per stage taken, in order.
    var records: [StageRecord] = []

    init(stages: [AnyStage], after crop: Int, frames: Int, record: Bool, stream: (Int) -> RandomStream) {
        guard SpatialFlip.swapRuns != nil else { return }
        var s = crop + 1
        while s < stages.count {
            let stage = stages[s]
            var random = stream(s)
            if let shear = stage.as(Shear.self), maps.count < 2 {
                let fires = random.nextDouble() < shear.probability
                let p = fires ? shear.draw(from: &random, frames: frames) : nil
                if let p { maps.append(Shear.map(p)) }
                if record { records.append(StageRecord(stage: stage.name, parameters: p.map { StageParameters($0) })) }
            } else if let rotation = stage.as(Rotation.self), maps.count < 2 {
                let fires = random.nextDouble() < rotation.probability
                let p = fires ? rotation.draw(from: &random, frames: frames) : nil
                if let p { maps.append(Rotation.map(p)) }
                if record { records.append(StageRecord(stage: stage.name, parameters: p.map { StageParameters($0) })) }
            } else if let flip = stage.as(SpatialFlip.self) {
                let fires = random.nextDouble() < flip.probability
                if fires { flipped.toggle() }
                if record {
                    records.append(StageRecord(stage: stage.name, parameters: fires ? StageParameters(NoParameters()) : nil))
                }
            } else {
                break
            }
            s += 1
            taken += 1
        }
    }
}

