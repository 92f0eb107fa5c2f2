import Foundation
import Preprocess
import RawData
import Shards
import SkeletonCore

/// Everything one conversion needs; recorded (as strings) in every shard's `options` attribute.
public struct ConvertOptions: Sendable {
    public var dataset: DatasetKind
    public var raw: URL
    public var out: URL
    /// Benchmarks to write; empty means all of the dataset's.
    public var benchmarks: [Benchmark]
    public var mode: PreprocessMode
    /// NTU missing-skeleton list.
    public var missing: URL?
    /// PKU-MMD split folder.
    public var splits: URL?
    public var workers: Int
    public var shardSize: Int
    /// Abort on the first rejected file or sample.
    public var strict: Bool
    /// Replace an existing conversion in `out`.
    public var overwrite: Bool
    /// Raw coordinates whose magnitude exceeds this (metres) reject their file.
    public var maxCoordinate: Float = CoordinateBound.defaultMetres
    /// Also store every sample's raw frames in the shards: in reference mode the first two bodies per frame in
    /// file order, in clean mode PYSKL's denoised keypoints (recorded as `raw_body_choice`).
    public var keepRaw: Bool = true
    /// zlib level of the joint/bone/motion datasets (shuffle + deflate), 0 for none (`ShardFormat.codec`).
    public var deflateLevel: Int = ShardFormat.defaultDeflateLevel
    /// Extra recorded facts about the source when it is not a raw dataset folder (e.g. `source`,
    /// `source_sha256` of a PYSKL file); added to `recorded`.
    public var source: [String: String] = [:]

    public init(dataset: DatasetKind, raw: URL, out: URL, benchmarks: [Benchmark] = [], mode: PreprocessMode = .reference,
                missing: URL? = nil, splits: URL? = nil, workers: Int = 1, shardSize: Int = 4096,
                strict: Bool = false, overwrite: Bool = false) {
        self.dataset = dataset; self.raw = raw; self.out = out; self.benchmarks = benchmarks; self.mode = mode
        self.missing = missing; self.splits = splits; self.workers = workers; self.shardSize = shardSize
        self.strict = strict; self.overwrite = overwrite
    }

    /// The benchmarks actually written.
    public var effectiveBenchmarks: [Benchmark] {
        benchmarks.isEmpty ? dataset.benchmarks : dataset.benchmarks.filter(benchmarks.contains)
    }

    /// The options that shape the data (not paths or worker counts), for shard attributes.
    /// Reference mode's keys and values are exactly those written before clean mode followed PYSKL, so its
    /// shards stay byte-identical; clean mode keeps all frames (no 300-frame window or trim) and, with raw
    /// frames, records that they hold PYSKL's denoised bodies.
    public var recorded: [String: String] {
        source.merging(folderRecorded) { _, folder in folder }
    }

    private var folderRecorded: [String: String] {
        var options = [
            "dataset": dataset.rawValue,
            "mode": mode.rawValue,
            "benchmarks": effectiveBenchmarks.map(\.rawValue).joined(separator: ","),
            "missing_list": missing?.lastPathComponent ?? "",
            "max_frames": "300",
            "frames": "50",
            "long_clip_trim": dataset.isNTU ? LongClipTrim.first.rawValue : LongClipTrim.centred.rawValue,
            "shard_size": String(shardSize),
            "keep_raw": keepRaw ? "true" : "false",
            "deflate_level": String(deflateLevel),
        ]
        if mode == .clean {
            options["max_frames"] = "all"
            options["long_clip_trim"] = "none"
            if keepRaw { options[ShardFormat.RawBodyChoice.optionKey] = ShardFormat.RawBodyChoice.pysklDenoise }
        }
        return options
    }
}
