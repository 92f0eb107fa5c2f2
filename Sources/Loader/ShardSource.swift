import Foundation
import Shards
import SkeletonCore

/// Opens the samples a loader reads: one benchmark part of a shard directory.
public enum ShardSource {
    /// Opens `benchmark`/`part` of the shard directory (default benchmark: the manifest's first). With
    /// `verify`, every file of the part is re-hashed against the manifest first, so a corrupted shard fails
    /// here with an error naming it; without it, sizes and sample counts are still checked (truncation).
    public static func open(directory: URL, benchmark: String? = nil, part: String = "train",
                            verify: Bool = true) throws -> ShardPart {
        let set = try ShardSet(directory: directory)
        let chosen = benchmark ?? set.manifest.shards.first?.benchmark ?? ""
        if verify {
            for record in set.manifest.shards(benchmark: chosen, part: part) {
                let url = set.url(of: record)
                let digest = try FileDigest.sha256(of: url)
                guard digest.hex == record.sha256, digest.bytes == record.bytes else {
                    throw InputError(file: url.path, "checksum mismatch: \(digest.bytes) bytes with sha256 \(digest.hex.prefix(12))…, the manifest says \(record.bytes) bytes with \(record.sha256.prefix(12))… (corrupted or replaced; re-run convert)")
                }
            }
        }
        return try set.samples(benchmark: chosen, part: part)
    }
}
