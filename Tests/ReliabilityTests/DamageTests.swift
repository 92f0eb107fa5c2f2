import Foundation
import Loader
import Shards
import SkeletonCore
import TestSupport
import XCTest

/// Issue 13 damage suite: byte flips, truncation and manifest edits on shards, each detected before use with
/// the damaged file named (checkpoints: `CheckpointDamageTests`).
final class DamageTests: XCTestCase {
    let fm = FileManager.default

    /// 3 shard files of xsub/train (2, 2, 1 samples) and their manifest.
    func makeShards() throws -> (URL, Manifest) {
        try makeShardFixture(self, folder: "damage", writer: "damage", count: 5, label: { $0 % 3 },
                             value: { i, k in Float((k * 13 + i * 7) % 97) / 50 - 1 })
    }

    func open(_ dir: URL, verify: Bool) throws {
        _ = try ShardSource.open(directory: dir, benchmark: .xsub, part: .train, verify: verify)
    }

    func testEveryByteFlipIsFoundNamingTheFile() throws {
        let (dir, manifest) = try makeShards()
        var rng = FuzzRandom(seed: 1313)
        for trial in 0..<24 {
            let record = manifest.shards[rng.below(manifest.shards.count)]
            let url = dir.appendingPathComponent(record.file)
            let original = try Data(contentsOf: url)
            var bytes = [UInt8](original)
            bytes[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
            try Data(bytes).write(to: url)
            XCTAssertThrowsError(try open(dir, verify: true), "trial \(trial)") {
                XCTAssertTrue("\($0)".hasPrefix(url.path), "trial \(trial): \($0)")
            }
            let problems = try ShardSet(directory: dir).verify()
            XCTAssertTrue(problems.contains { $0.file == url.path }, "trial \(trial): \(problems)")
            try original.write(to: url)
        }
        XCTAssertNoThrow(try open(dir, verify: true))
    }

    func testTruncationIsFoundWithoutHashing() throws {
        let (dir, manifest) = try makeShards()
        var rng = FuzzRandom(seed: 99)
        for (trial, record) in manifest.shards.enumerated() {
            let url = dir.appendingPathComponent(record.file)
            let original = try Data(contentsOf: url)
            try original.prefix(rng.below(original.count)).write(to: url)
            XCTAssertThrowsError(try open(dir, verify: false), "trial \(trial)") {
                XCTAssertTrue("\($0)".hasPrefix(url.path) && "\($0)".contains("truncated"), "\($0)")
            }
            try original.write(to: url)
        }
        try fm.removeItem(at: dir.appendingPathComponent(manifest.shards[1].file))
        XCTAssertThrowsError(try open(dir, verify: false)) {
            XCTAssertTrue("\($0)".contains(manifest.shards[1].file) && "\($0)".contains("missing"), "\($0)")
        }
    }

    func testManifestEditsAreFoundWithoutHashing() throws {
        let (dir, manifest) = try makeShards()
        let manifestPath = dir.appendingPathComponent(Manifest.fileName).path
        let edits: [(String, (inout Manifest) -> Void, String)] = [
            ("duplicated record", { $0.shards.append($0.shards[0]) }, manifestPath),
            ("dropped record", { $0.shards.removeLast() }, manifestPath),
            ("re-parted record", { $0.shards[1].part = .val; $0.parts = Manifest.summarize($0.shards) },
             manifestPath),        // xsub/train now lacks a file its totals need: the part sums differ
            ("count", { $0.shards[2].count = 2; $0.parts = Manifest.summarize($0.shards) },
             dir.appendingPathComponent(manifest.shards[2].file).path),
            ("histogram", { $0.shards[0].labelHistogram = ["2": 2]; $0.parts = Manifest.summarize($0.shards) },
             dir.appendingPathComponent(manifest.shards[0].file).path),
            ("size", { $0.shards[0].bytes += 1 }, dir.appendingPathComponent(manifest.shards[0].file).path),
        ]
        for (name, edit, named) in edits {
            var edited = manifest
            edit(&edited)
            try edited.write(to: dir)
            if name == "re-parted record" {
                // The totals were recomputed, so the manifest is self-consistent: the file's own part attribute
                // must catch it when val is read.
                XCTAssertThrowsError(try ShardSource.open(directory: dir, benchmark: .xsub, part: .val, verify: false)) {
                    XCTAssertTrue("\($0)".hasPrefix(dir.appendingPathComponent(manifest.shards[1].file).path), "\(name): \($0)")
                }
            } else {
                XCTAssertThrowsError(try open(dir, verify: false), name) {
                    XCTAssertTrue("\($0)".hasPrefix(named), "\(name): \($0)")
                }
            }
            XCTAssertFalse(try ShardSet(directory: dir).verify().isEmpty, name)
            try manifest.write(to: dir)
        }
        XCTAssertNoThrow(try open(dir, verify: true))
    }
}
