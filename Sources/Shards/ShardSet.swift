import Foundation
import SkeletonCore

/// A problem found by `ShardSet.verify`: the file and what is wrong with it.
public struct VerifyProblem: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

/// A shard directory: its manifest and the shard files it lists.
public struct ShardSet: Sendable {
    public let directory: URL
    public let manifest: Manifest

    /// Loads `manifest.json` from `directory`.
    public init(directory: URL) throws {
        self.directory = directory
        self.manifest = try Manifest.load(from: directory)
    }

    /// The URL of a shard file listed in the manifest.
    public func url(of record: ShardRecord) -> URL {
        directory.appendingPathComponent(record.file)
    }

    /// The benchmark parts in the manifest.
    public var parts: [PartSummary] { manifest.parts }

    /// Re-hashes every shard file and reopens it, comparing size, checksum, sample count, labels and the
    /// benchmark/part attributes with the manifest. Returns one problem per mismatch (each naming the file);
    /// an empty array means the set is intact. `progress(done, total, file)` is called after each file.
    public func verify(progress: ((Int, Int, String) -> Void)? = nil) throws -> [VerifyProblem] {
        var problems: [VerifyProblem] = []
        let total = manifest.shards.count
        for (index, record) in manifest.shards.enumerated() {
            problems += check(record)
            progress?(index + 1, total, record.file)
        }
        let summary = Manifest.summarize(manifest.shards)
        if summary != manifest.parts {
            problems.append(VerifyProblem(file: Manifest.fileName,
                                          message: "the parts totals do not match the shard records"))
        }
        return problems
    }

    private func check(_ record: ShardRecord) -> [VerifyProblem] {
        let url = url(of: record)
        func problem(_ message: String) -> VerifyProblem { VerifyProblem(file: url.path, message: message) }
        guard FileManager.default.fileExists(atPath: url.path) else { return [problem("file is missing")] }
        var problems: [VerifyProblem]
        do {
            problems = try checksumProblems(of: record)
        } catch {
            return [problem("\(error)")]
        }
        do {
            let reader = try ShardReader(url: url)
            if reader.count != record.count {
                problems.append(problem("\(reader.count) samples, the manifest says \(record.count)"))
            }
            if ShardRecord.histogram(reader.labels) != record.labelHistogram {
                problems.append(problem("label histogram differs from the manifest"))
            }
            if reader.info.benchmark != record.benchmark || reader.info.part != record.part {
                problems.append(problem("holds \(reader.info.benchmark)/\(reader.info.part), "
                                        + "the manifest says \(record.benchmark)/\(record.part)"))
            }
            for stream in SkeletonStream.allCases where reader.count > 0 {
                _ = try reader.read(stream, sample: reader.count - 1)
            }
        } catch {
            problems.append(problem("cannot be read: \(error)"))
        }
        return problems
    }

    /// Re-hashes one shard file and compares its size and sha256 with the manifest record; empty when they match.
    public func checksumProblems(of record: ShardRecord) throws -> [VerifyProblem] {
        let url = url(of: record)
        func problem(_ message: String) -> VerifyProblem { VerifyProblem(file: url.path, message: message) }
        let digest = try FileDigest.sha256(of: url)
        var problems: [VerifyProblem] = []
        if digest.bytes != record.bytes {
            problems.append(problem("\(digest.bytes) bytes, the manifest says \(record.bytes)"
                                    + (digest.bytes < record.bytes ? " (truncated)" : "")))
        }
        if digest.hex != record.sha256 {
            problems.append(problem("sha256 \(digest.hex) does not match the manifest's \(record.sha256)"))
        }
        return problems
    }

    /// Opens every shard of a benchmark part, checking each file's size and sample count against the
    /// manifest (a truncated or replaced file is an error naming it).
    public func samples(benchmark: String, part: String) throws -> ShardPart {
        let records = manifest.shards(benchmark: benchmark, part: part)
        guard !records.isEmpty else {
            let known = manifest.parts.map { "\($0.benchmark)/\($0.part)" }.joined(separator: ", ")
            throw InputError(file: directory.appendingPathComponent(Manifest.fileName).path,
                             "no shards for \(benchmark)/\(part) (the manifest has: \(known))")
        }
        var readers: [ShardReader] = []
        for record in records {
            let url = url(of: record)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
            guard let size else { throw InputError(file: url.path, "shard file listed in the manifest is missing") }
            guard size == record.bytes else {
                throw InputError(file: url.path, "\(size) bytes, the manifest says \(record.bytes)"
                                 + (size < record.bytes ? ": the file is truncated" : ""))
            }
            let reader = try ShardReader(url: url)
            guard reader.count == record.count else {
                throw InputError(file: url.path, "\(reader.count) samples, the manifest says \(record.count)")
            }
            readers.append(reader)
        }
        return ShardPart(benchmark: benchmark, part: part, readers: readers)
    }
}

/// All samples of one benchmark part across its shards, addressed by one index 0..<count in shard order.
public final class ShardPart: @unchecked Sendable {
    public let benchmark: String
    public let part: String
    /// One reader per shard file, in order.
    public let readers: [ShardReader]
    /// Samples in the part.
    public let count: Int
    public let labels: [Int]
    public let names: [String]
    public let lengths: [Int]
    /// First global index of each shard.
    private let starts: [Int]

    public init(benchmark: String, part: String, readers: [ShardReader]) {
        self.benchmark = benchmark
        self.part = part
        self.readers = readers
        var starts: [Int] = []
        var total = 0
        for reader in readers {
            starts.append(total)
            total += reader.count
        }
        self.starts = starts
        self.count = total
        self.labels = readers.flatMap(\.labels)
        self.names = readers.flatMap(\.names)
        self.lengths = readers.flatMap(\.lengths)
    }

    /// The shard and row of global sample `i` (binary search over shard starts).
    public func location(of i: Int) -> (shard: Int, row: Int)? {
        guard i >= 0, i < count else { return nil }
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= i { low = mid } else { high = mid - 1 }
        }
        return (low, i - starts[low])
    }

    /// Reads global sample `i` of `stream` into `buffer` (7500 floats): one chunk read.
    public func read(_ stream: SkeletonStream, sample i: Int, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard let (shard, row) = location(of: i) else {
            throw InputError(file: "\(benchmark)/\(part)", field: stream.rawValue, "sample \(i) outside 0..<\(count)")
        }
        try readers[shard].read(stream, sample: row, into: buffer)
    }

    /// Global sample `i` of `stream` as a clip.
    public func read(_ stream: SkeletonStream, sample i: Int) throws -> SkeletonClip {
        var clip = SkeletonClip(frames: SkeletonLayout.frames)
        try clip.values.withUnsafeMutableBufferPointer { try read(stream, sample: i, into: $0) }
        return clip
    }
}
