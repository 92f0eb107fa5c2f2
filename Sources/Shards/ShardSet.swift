import Foundation
import SkeletonCore

/// A problem found by `ShardSet.verify`: the file and what is wrong with it.
public struct VerifyProblem: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// The manifest field at fault, for problems of the manifest itself.
    public var field: String?
    public var message: String

    public init(file: String, field: String? = nil, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String { InputError(file: file, field: field, message).description }
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
        return structureProblems() + problems
    }

    /// Checks of the manifest itself that need no shard file: every file listed once, part totals equal to the
    /// sums of the records. An edited manifest (a record duplicated, dropped or moved to another part) fails here.
    public func structureProblems() -> [VerifyProblem] {
        let manifestPath = directory.appendingPathComponent(Manifest.fileName).path
        var problems: [VerifyProblem] = []
        var seen = Set<String>()
        for record in manifest.shards where !seen.insert(record.file).inserted {
            problems.append(VerifyProblem(file: manifestPath, field: "shards", message: "lists \(record.file) more than once"))
        }
        let summary = Manifest.summarize(manifest.shards)
        if summary != manifest.parts {
            let said = manifest.parts.map { "\($0.benchmark)/\($0.part) \($0.count) in \($0.shards) shard(s)" }
            let sums = summary.map { "\($0.benchmark)/\($0.part) \($0.count) in \($0.shards) shard(s)" }
            problems.append(VerifyProblem(file: manifestPath, field: "parts", message: "the parts totals (\(said.joined(separator: ", "))) "
                                          + "do not match the shard records (\(sums.joined(separator: ", ")))"))
        }
        return problems
    }

    /// Problems of one opened shard against its record: sample count, label histogram, benchmark/part.
    func contentProblems(_ reader: ShardReader, _ record: ShardRecord) -> [String] {
        var problems: [String] = []
        if reader.count != record.count {
            problems.append("\(reader.count) samples, the manifest says \(record.count)")
        }
        if ShardRecord.histogram(reader.labels) != record.labelHistogram {
            problems.append("label histogram differs from the manifest")
        }
        if reader.info.benchmark != record.benchmark || reader.info.part != record.part {
            problems.append("holds \(reader.info.benchmark)/\(reader.info.part), "
                            + "the manifest says \(record.benchmark)/\(record.part)")
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
            problems += contentProblems(reader, record).map(problem)
            // Every stored float must be finite (inf or NaN would poison every view and the loss).
            var clip = SkeletonClip(frames: SkeletonLayout.frames)
            for stream in SkeletonStream.allCases {
                for i in 0..<reader.count {
                    try clip.values.withUnsafeMutableBufferPointer { try reader.read(stream, sample: i, into: $0) }
                    if clip.values.contains(where: { !$0.isFinite }) {
                        problems.append(problem("sample \(i) (\(Printable.escaped(reader.names[i]))) holds a value "
                                                + "that is not finite (inf or NaN) in its \(stream.rawValue) stream"))
                        break
                    }
                }
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

    /// Opens every shard of a benchmark part after the checks that need no hashing: the manifest's own
    /// consistency (`structureProblems`), and each file's size, sample count, label histogram and
    /// benchmark/part against its record (a truncated, replaced or re-parted file is an error naming it).
    public func samples(benchmark: Benchmark, part: Part) throws -> ShardPart {
        let records = manifest.shards(benchmark: benchmark, part: part)
        guard !records.isEmpty else {
            let known = manifest.parts.map { "\($0.benchmark)/\($0.part)" }.joined(separator: ", ")
            throw InputError(file: directory.appendingPathComponent(Manifest.fileName).path, field: "parts",
                             "no shards for \(benchmark)/\(part) (the manifest has: \(known))")
        }
        if let problem = structureProblems().first {
            throw InputError(file: problem.file, field: problem.field,
                             problem.message + " (the manifest was edited or damaged; re-run convert)")
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
            if let problem = contentProblems(reader, record).first {
                throw InputError(file: url.path, problem + " (the manifest was edited or the file replaced; re-run convert)")
            }
            readers.append(reader)
        }
        return ShardPart(benchmark: benchmark, part: part, readers: readers)
    }
}
