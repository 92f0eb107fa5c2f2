import Foundation
import SkeletonCore

/// What every shard of one benchmark part shares; stored as file attributes of each shard.
public struct ShardSetInfo: Codable, Equatable, Sendable {
    public var dataset: DatasetKind
    public var benchmark: Benchmark
    public var part: Part
    /// "reference" or "clean".
    public var mode: String
    /// The conversion options, as given to the converter.
    public var options: [String: String]
    /// Version of the tool that wrote the shards.
    public var toolVersion: String

    public init(dataset: DatasetKind, benchmark: Benchmark, part: Part, mode: String,
                options: [String: String] = [:], toolVersion: String) {
        self.dataset = dataset
        self.benchmark = benchmark
        self.part = part
        self.mode = mode
        self.options = options
        self.toolVersion = toolVersion
    }

    /// `options` as a JSON object with sorted keys (the `options` file attribute).
    public var optionsJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(options)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
