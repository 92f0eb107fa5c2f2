import Foundation
import SkeletonCore

/// Sample count and label histogram of one benchmark part, summed over its shards.
public struct PartSummary: Codable, Equatable, Sendable {
    public var benchmark: Benchmark
    public var part: Part
    /// Samples in the part.
    public var count: Int
    /// Shard files of the part.
    public var shards: Int
    /// Samples per label; keys are the labels in decimal.
    public var labelHistogram: [String: Int]

    public init(benchmark: Benchmark, part: Part, count: Int, shards: Int, labelHistogram: [String: Int]) {
        self.benchmark = benchmark
        self.part = part
        self.count = count
        self.shards = shards
        self.labelHistogram = labelHistogram
    }
}

/// `manifest.json` of a shard directory: what was converted, with which tool and options, every shard
/// file with its checksum, per-part totals and the converter's counters. Schema: schemas/manifest.schema.json.
public struct Manifest: Codable, Equatable, Sendable {
    /// The file name inside the shard directory.
    public static let fileName = "manifest.json"

    /// Always "hiclr-shards".
    public var format: String
    /// `ShardFormat.version` of the writer.
    public var formatVersion: Int
    public var dataset: DatasetKind
    /// "reference" or "clean".
    public var mode: String
    public var toolVersion: String
    /// The command that made the shards, e.g. "hiclr convert …".
    public var createdBy: String
    /// Conversion options.
    public var options: [String: String]
    /// Every shard file, in writing order.
    public var shards: [ShardRecord]
    /// Totals per benchmark part, sorted by benchmark then part.
    public var parts: [PartSummary]
    /// Free-form counters filled by the converter (samples skipped, bodies dropped, …).
    public var report: [String: Int]
    /// Every raw file, folder or sample that was not converted, one line each naming it and why (absent in
    /// manifests of older versions).
    public var notConverted: [String]?

    /// A manifest over `shards`; `parts` is computed from them.
    public init(dataset: DatasetKind, mode: String, toolVersion: String, createdBy: String,
                options: [String: String] = [:], shards: [ShardRecord], report: [String: Int] = [:]) {
        self.format = ShardFormat.name
        self.formatVersion = ShardFormat.version
        self.dataset = dataset
        self.mode = mode
        self.toolVersion = toolVersion
        self.createdBy = createdBy
        self.options = options
        self.shards = shards
        self.parts = Manifest.summarize(shards)
        self.report = report
    }

    /// Per-part totals of `shards`, sorted by benchmark then part name (the strings, as in the file).
    public static func summarize(_ shards: [ShardRecord]) -> [PartSummary] {
        var byPart: [String: PartSummary] = [:]
        for shard in shards {
            let key = "\(shard.benchmark)\u{0}\(shard.part)"
            var summary = byPart[key] ?? PartSummary(benchmark: shard.benchmark, part: shard.part, count: 0,
                                                     shards: 0, labelHistogram: [:])
            summary.count += shard.count
            summary.shards += 1
            summary.labelHistogram.merge(shard.labelHistogram, uniquingKeysWith: +)
            byPart[key] = summary
        }
        return byPart.values.sorted { ($0.benchmark.rawValue, $0.part.rawValue) < ($1.benchmark.rawValue, $1.part.rawValue) }
    }

    /// The records of one benchmark part, in writing order.
    public func shards(benchmark: Benchmark, part: Part) -> [ShardRecord] {
        shards.filter { $0.benchmark == benchmark && $0.part == part }
    }

    /// Writes `manifest.json` into `directory` atomically (`AtomicFile`: `.manifest.json.partial`, then a
    /// rename), keys sorted, pretty-printed.
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = directory.appendingPathComponent(Manifest.fileName)
        var data: Data
        do {
            data = try encoder.encode(self)
        } catch {
            throw InputError(file: url.path, "cannot write the manifest: \(FileProblem.describe(error, path: url.path))")
        }
        data.append(0x0A)
        try AtomicFile.write(data, to: url, describing: "the manifest")
    }

    /// Reads `manifest.json` from `directory` and checks its format and version.
    public static func load(from directory: URL) throws -> Manifest {
        let url = directory.appendingPathComponent(Manifest.fileName)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw InputError(file: url.path, "cannot read the manifest: \(FileProblem.describe(error, path: url.path))")
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw InputError(file: url.path, field: path(context.codingPath + [key]), "missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw InputError(file: url.path, field: path(context.codingPath), context.debugDescription)
        } catch let DecodingError.dataCorrupted(context) {
            throw InputError(file: url.path, field: path(context.codingPath), context.debugDescription)
        } catch {
            throw InputError(file: url.path, "not a manifest: \(error)")
        }
        guard manifest.format == ShardFormat.name else {
            throw InputError(file: url.path, field: "format", "'\(manifest.format)' is not '\(ShardFormat.name)'")
        }
        guard manifest.formatVersion == ShardFormat.version else {
            throw InputError(file: url.path, field: "formatVersion",
                             "version \(manifest.formatVersion); this tool reads version \(ShardFormat.version)")
        }
        return manifest
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
