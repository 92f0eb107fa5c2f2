import Augment
import Foundation
import HDF5
import Render
import SkeletonCore

/// One sample to dump: where it came from and its stored streams.
public struct DumpSample {
    public var index: Int
    public var name: String
    public var label: Int
    public var joint: SkeletonClip
    /// Stored bone/motion streams (used by `derive: from_shard` pipelines).
    public var shardStreams: [SkeletonStream: SkeletonClip]

    public init(index: Int, name: String, label: Int, joint: SkeletonClip,
                shardStreams: [SkeletonStream: SkeletonClip] = [:]) {
        self.index = index; self.name = name; self.label = label; self.joint = joint; self.shardStreams = shardStreams
    }
}

/// Writes the augmented views of samples to one HDF5 file (and optional PNG contact sheets), recording the
/// pipeline text, the seed and epoch, and every stage's drawn parameters as JSON attributes.
///
/// Layout of `views.h5`:
/// - root attributes: `pipeline` (file text), `pipeline_file`, `pipeline_name`, `seed` (decimal string: u64),
///   `epoch`, `source` (where the samples came from)
/// - `/sample_<index>` (index zero-padded to 6 digits), attributes `name`, `label`, `index`
///   - `/<branch>`: one float32 (3, T, 25, 2) dataset per stream (`joint`, `bone`, `motion` as the pipeline asks),
///     `mask` uint8 (T, 25) when the branch masks joints; attribute `records` = JSON array of
///     `{"stage", "skipped", "parameters"}`, one per stage in order.
public struct ViewDump {
    public var pipelineText: String
    public var pipelinePath: String
    public var pipeline: Pipeline
    public var seed: UInt64
    public var epoch: Int
    public var source: String

    public init(pipelineText: String, pipelinePath: String, pipeline: Pipeline, seed: UInt64, epoch: Int, source: String) {
        self.pipelineText = pipelineText; self.pipelinePath = pipelinePath; self.pipeline = pipeline
        self.seed = seed; self.epoch = epoch; self.source = source
    }

    /// Dumps `samples` to `directory/views.h5`; with `png`, also `directory/sample_<index>.png` (one row per
    /// view, `frames` frames per row). `partner` maps a two-sample stage's number to a partner clip.
    /// Returns the written files. `views.h5` is written under a temporary name and renamed when complete.
    public func write(_ samples: [DumpSample], to directory: URL, png: Bool, frames: Int = 8,
               partner: (Int) -> SkeletonClip?) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let runner = PipelineRunner(pipeline)
        let h5URL = directory.appendingPathComponent("views.h5")
        var written = [h5URL]
        try HDF5File.writeAtomically(to: h5URL.path) { file in
            try file.setAttribute("pipeline", .string(pipelineText))
            try file.setAttribute("pipeline_file", .string(pipelinePath))
            try file.setAttribute("pipeline_name", .string(pipeline.name))
            try file.setAttribute("seed", .string(String(seed)))
            try file.setAttribute("epoch", .int64(Int64(epoch)))
            try file.setAttribute("source", .string(source))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for sample in samples {
                let views = runner.views(for: sample.joint, sampleID: sample.index, epoch: epoch, seed: seed,
                                         shardStreams: sample.shardStreams, partner: partner)
                let group = try file.createGroup(String(format: "sample_%06d", sample.index))
                try group.setAttribute("name", .string(sample.name))
                try group.setAttribute("label", .int64(Int64(sample.label)))
                try group.setAttribute("index", .int64(Int64(sample.index)))
                for view in views {
                    let branch = try group.createGroup(view.branch)
                    for (stream, clip) in view.streams {
                        let dataset = try branch.createDataset(stream.rawValue, type: .float32,
                                                               shape: [3, clip.frames, SkeletonLayout.joints, SkeletonLayout.bodies])
                        try dataset.write(clip.values)
                        try dataset.close()
                    }
                    if let mask = view.mask {
                        let dataset = try branch.createDataset("mask", type: .uint8,
                                                               shape: [view.joint.frames, SkeletonLayout.joints])
                        try dataset.write(mask.map { UInt8($0 ? 1 : 0) })
                        try dataset.close()
                    }
                    let records = String(decoding: try encoder.encode(view.records), as: UTF8.self)
                    try branch.setAttribute("records", .string(records))
                    try branch.close()
                }
                try group.close()
                if png {
                    let url = directory.appendingPathComponent(String(format: "sample_%06d.png", sample.index))
                    var rows: [RenderRow] = [(label: "source", clip: sample.joint, mask: nil)]
                    rows += views.map { (label: $0.branch, clip: $0.joint, mask: $0.mask) }
                    try SkeletonRenderer().renderPNG(rows: rows, frames: frames, to: url)
                    written.append(url)
                }
            }
        }
        return written
    }
}

/// Parses a sample selection such as `0-15`, `7` or `0-3,8,10-12` into sorted distinct indices.
public func parseSampleRanges(_ text: String) -> [Int]? {
    var out = Set<Int>()
    for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
        let bounds = piece.split(separator: "-", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        switch bounds.count {
        case 1:
            guard let a = bounds[0], a >= 0 else { return nil }
            out.insert(a)
        case 2:
            guard let a = bounds[0], let b = bounds[1], a >= 0, a <= b, b - a < 1_000_000 else { return nil }
            out.formUnion(a...b)
        default:
            return nil
        }
    }
    return out.sorted()
}

/// The samples `dump` shows without `--samples`: the first 16 of the part, or all of them when it has fewer.
public func defaultDumpSamples(partSize: Int) -> [Int] {
    Array(0..<min(16, max(0, partSize)))
}
