import ArgumentParser
import Convert
import Foundation
import Preprocess
import RawData
import Shards
import SkeletonCore

/// The options every `hiclr convert` source shares: where the shards go and how they are written.
struct ConvertOutputOptions: ParsableArguments {
    @Option(help: "Folder to write shards and manifest.json into (created if needed).")
    var out: String

    @Option(help: "Preprocessing: reference (matches the official HiCLR/AimCLR data exactly) or clean (bodies and frames as PYSKL's NTU script chooses them).")
    var mode: PreprocessMode = .reference

    @Option(help: "Worker threads reading and preprocessing samples (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Samples per shard file.")
    var shardSize: Int = 4096

    @Flag(help: "Stop at the first bad file or sample instead of reporting it and going on.")
    var strict = false

    @Flag(help: "Replace an earlier conversion in --out: only the files its manifest lists are deleted, and only after the new conversion is complete (it is written into a hidden sibling folder and swapped in).")
    var overwrite = false

    @Option(help: "Largest coordinate magnitude (metres) accepted; a sample with a larger one is rejected (a finite 3e38 would become inf in the bone and motion streams).")
    var maxCoordinate: Float = CoordinateBound.defaultMetres

    @Flag(inversion: .prefixedNo, help: "Also keep every sample's frames before preprocessing in the shards (needed by `hiclr export reference` and `hiclr export pyskl`).")
    var keepRaw = true

    @Option(help: "zlib level of the joint/bone/motion datasets (shuffle + deflate, 1-9), or 0 to store them uncompressed with only HDF5's Fletcher-32 checksum filter, so readers still detect a damaged chunk (larger shards, no compression CPU in convert or the loader). Recorded in the manifest.")
    var deflateLevel: Int = ShardFormat.defaultDeflateLevel

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard maxCoordinate.isFinite, maxCoordinate > 0 else {
            throw ValidationError("--max-coordinate must be a positive finite number of metres")
        }
        guard shardSize >= 1 else { throw ValidationError("--shard-size must be at least 1") }
        guard ShardFormat.deflateLevels.contains(deflateLevel) else {
            throw ValidationError("--deflate-level must be in 0...9 (0: no compression, checksum only)")
        }
    }

    /// Conversion options for `dataset` read from `raw`, with these settings.
    func options(dataset: DatasetKind, raw: URL, benchmarks: [Benchmark] = [], missing: URL? = nil,
                 splits: URL? = nil) -> ConvertOptions {
        var options = ConvertOptions(dataset: dataset, raw: raw, out: URL(fileURLWithPath: out), benchmarks: benchmarks,
                                     mode: mode, missing: missing, splits: splits, workers: workers,
                                     shardSize: shardSize, strict: strict, overwrite: overwrite)
        options.maxCoordinate = maxCoordinate
        options.keepRaw = keepRaw
        options.deflateLevel = deflateLevel
        return options
    }
}
