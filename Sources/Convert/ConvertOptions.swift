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
    /// Also store every sample's raw frames (first two bodies per frame in file order) in the shards.
    public var keepRaw: Bool = true
    /// zlib level of the joint/bone/motion datasets (shuffle + deflate), 0 for none (`ShardFormat.codec`).
    public var deflateLevel: Int = ShardFormat.defaultDeflateLevel

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
    public var recorded: [String: String] {
        [
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
    }
}
