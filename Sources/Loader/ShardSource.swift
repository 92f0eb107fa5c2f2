import Foundation
import Shards
import SkeletonCore

/// Opens the samples a loader reads: one benchmark part of a shard directory.
public enum ShardSource {
    /// Opens `benchmark`/`part` of the shard directory (default benchmark: the manifest's first). With
    /// `verify`, every file of the part is re-hashed against the manifest first, so a corrupted shard fails
    /// here with an error naming it; without it, sizes and sample counts are still checked (truncation).
    public static func open(directory: URL, benchmark: Benchmark? = nil, part: Part = .train,
                            verify: Bool = true) throws -> ShardPart {
        let set = try ShardSet(directory: directory)
        guard let chosen = benchmark ?? set.manifest.shards.first?.benchmark else {
            throw InputError(file: directory.appendingPathComponent(Manifest.fileName).path, field: "parts",
                             "no shards for \(part) (the manifest lists no benchmark parts)")
        }
        if verify {
            for record in set.manifest.shards(benchmark: chosen, part: part) {
                if let problem = try set.checksumProblems(of: record).first {
                    throw InputError(file: problem.file, "checksum mismatch: \(problem.message) (corrupted or replaced; re-run convert)")
                }
            }
        }
        return try set.samples(benchmark: chosen, part: part)
    }
}
