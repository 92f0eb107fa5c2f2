import Foundation
import HDF5
import Shards
import SkeletonCore
import XCTest

/// Issue 13 defects 6 and 7: `verify` finds non-finite values; every reader of a part runs the manifest's
/// consistency checks (no hashing needed) before using it.
final class ManifestConsistencyTests: XCTestCase {
    /// 15 training samples in shards of 4 (4 files) and 4 validation samples, with their manifest.
    func makeSet() throws -> (URL, Manifest) {
        let dir = try makeTemporaryDirectory(self)
        var records = try writeShards(dir, count: 15, shardSize: 4)
        var val = testInfo
        val.part = .val
        records += try writeShards(dir, count: 4, shardSize: 4, info: val)
        let manifest = Manifest(dataset: .ntu60, mode: "reference", toolVersion: "t", createdBy: "test", shards: records)
        try manifest.write(to: dir)
        return (dir, manifest)
    }

    func edit(_ dir: URL, _ change: (inout Manifest) -> Void) throws {
        var manifest = try Manifest.load(from: dir)
        change(&manifest)
        try manifest.write(to: dir)
    }

    func assertPartRefused(_ dir: URL, part: Part = .train, _ fragment: String,
                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ShardSet(directory: dir).samples(benchmark: .xsub, part: part), file: file, line: line) {
            XCTAssertTrue("\($0)".contains(fragment), "\($0)", file: file, line: line)
        }
    }

    func testADuplicatedRecordIsRefused() throws {
        let (dir, _) = try makeSet()
        try edit(dir) { $0.shards.insert($0.shards[1], at: 2) }       // 19 samples, parts still say 15
        assertPartRefused(dir, "lists xsub_train_00001.h5 more than once")
        try edit(dir) { $0.parts = Manifest.summarize($0.shards) }     // totals edited to match: still a duplicate
        assertPartRefused(dir, "more than once")
        XCTAssertFalse(try ShardSet(directory: dir).verify().isEmpty)
    }

    func testADroppedRecordIsRefused() throws {
        let (dir, _) = try makeSet()
        try edit(dir) { $0.shards.remove(at: 3) }                      // 11 samples, parts say 15
        assertPartRefused(dir, "do not match the shard records")
    }

    func testARePartedRecordIsRefused() throws {
        let (dir, _) = try makeSet()
        try edit(dir) {
            $0.shards[0].part = .val                                   // the file says train
            $0.parts = Manifest.summarize($0.shards)
        }
        assertPartRefused(dir, part: .val, "holds xsub/train, the manifest says xsub/val")
        try edit(dir) {
            $0.shards[0].part = .train
            $0.shards[0].labelHistogram = ["0": 4]
            $0.parts = Manifest.summarize($0.shards)
        }
        assertPartRefused(dir, "label histogram differs")
    }

    func testVerifyFindsAValueThatIsNotFinite() throws {
        let dir = try makeTemporaryDirectory(self)
        var sample = makeSample(2)
        sample.bone[0, 3, 4, 0] = .infinity
        let writer = try ShardWriter(directory: dir, info: testInfo, shardSize: 8)
        try writer.append(makeSample(1))
        try writer.append(sample)
        let records = try writer.finish()
        try Manifest(dataset: .ntu60, mode: "reference", toolVersion: "t", createdBy: "test", shards: records).write(to: dir)
        let problems = try ShardSet(directory: dir).verify()
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems.first?.description.contains("xsub_train_00000.h5: sample 1") ?? false, "\(problems)")
        XCTAssertTrue(problems.first?.message.contains("not finite (inf or NaN) in its bone stream") ?? false, "\(problems)")
    }
}
