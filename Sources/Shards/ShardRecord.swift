import Crypto
import Foundation
import SkeletonCore

/// One finished shard file as listed in the manifest.
public struct ShardRecord: Codable, Equatable, Sendable {
    /// File name inside the shard directory, e.g. "xsub_train_00000.h5".
    public var file: String
    public var benchmark: Benchmark
    public var part: Part
    /// Samples in the file.
    public var count: Int
    /// SHA-256 of the whole file, lowercase hex.
    public var sha256: String
    /// File size in bytes.
    public var bytes: Int
    /// Samples per label; keys are the labels in decimal.
    public var labelHistogram: [String: Int]

    public init(file: String, benchmark: Benchmark, part: Part, count: Int, sha256: String, bytes: Int,
                labelHistogram: [String: Int]) {
        self.file = file
        self.benchmark = benchmark
        self.part = part
        self.count = count
        self.sha256 = sha256
        self.bytes = bytes
        self.labelHistogram = labelHistogram
    }

    /// The histogram of `labels` in the manifest's form.
    public static func histogram(_ labels: [Int]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for label in labels { counts[String(label), default: 0] += 1 }
        return counts
    }
}

/// SHA-256 and size of a file, read in 1 MiB blocks (never the whole file in memory).
public enum FileDigest {
    public static let blockSize = 1 << 20

    /// Lowercase hex SHA-256 and byte count of the file at `url`.
    public static func sha256(of url: URL) throws -> (hex: String, bytes: Int) {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw InputError(file: url.path, "cannot open for hashing: \(FileProblem.describe(error, path: url.path))")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total = 0
        while true {
            let block: Data?
            do {
                block = try handle.read(upToCount: blockSize)
            } catch {
                throw InputError(file: url.path, "read failed while hashing: \(FileProblem.describe(error, path: url.path))")
            }
            guard let block, !block.isEmpty else { break }
            hasher.update(data: block)
            total += block.count
        }
        let hex = hasher.finalize().map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
        return (hex, total)
    }
}
