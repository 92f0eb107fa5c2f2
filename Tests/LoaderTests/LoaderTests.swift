import Augment
import Foundation
import Loader
import Shards
import SkeletonCore
import XCTest

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A shard directory of `count` synthetic samples in shards of 7 (several files), labels i % 5.
func makeShards(count: Int) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loader-" + UUID().uuidString)
    let info = ShardSetInfo(dataset: .ntu60, benchmark: .xsub, part: .train, mode: "reference", options: [:],
                            toolVersion: "test")
    let writer = try ShardWriter(directory: dir, info: info, shardSize: 7)
    for i in 0..<count {
        var joint = SkeletonClip(frames: 50)
        for k in joint.values.indices { joint.values[k] = Float((k * 7 + i * 13) % 101) / 50 - 1 }
        try writer.append(ShardSample(name: "s\(i)", label: i % 5, length: 50, bodies: 1, joint: joint,
                                      bone: joint.bones(), motion: joint.motion()))
    }
    let records = try writer.finish()
    try Manifest(dataset: .ntu60, mode: "reference", toolVersion: "test", createdBy: "test", shards: records).write(to: dir)
    return dir
}

final class LoaderTests: XCTestCase {
    static var shards: URL!
    override class func setUp() { shards = try! makeShards(count: 23) }

    func loader(workers: Int = 1, batch: Int = 4, seed: UInt64 = 3, rank: Int = 0, world: Int = 1,
                policy: PartitionPolicy = .dropLast, pipeline: String = "hiclr.yaml", prefetch: Int = 2,
                keepStageRecords: Bool = false) throws -> StreamingLoader {
        let runner = PipelineRunner(try PipelineLoader.load(repository.appendingPathComponent("pipelines/" + pipeline)))
        return try StreamingLoader(dataset: try ShardSource.open(directory: Self.shards), runner: runner,
                                   config: LoaderConfig(batchSize: batch, workers: workers, prefetch: prefetch, seed: seed,
                                                        rank: rank, world: world, policy: policy,
                                                        keepStageRecords: keepStageRecords))
    }

    func digests(_ l: StreamingLoader, epoch: Int, start: Int = 0) throws -> [String] {
        let stream = l.batches(epoch: epoch, startingAt: start)
        var out: [String] = []
        while let b = try stream.next() { out.append(b.digest()) }
        return out
    }

    func testBatchesAreBitIdenticalForAnyWorkerCountAndRun() throws {
        let reference = try digests(try loader(workers: 1), epoch: 1)
        XCTAssertEqual(reference.count, 5)                            // 23 samples, batch 4, drop_last
        for workers in [1, 2, 4] {
            XCTAssertEqual(try digests(try loader(workers: workers, prefetch: 1), epoch: 1), reference, "workers \(workers)")
        }
        XCTAssertNotEqual(try digests(try loader(seed: 4), epoch: 1), reference)
        XCTAssertNotEqual(try digests(try loader(), epoch: 2), reference)
    }

    func testViewsCarryLabelsMasksAndDerivedStreams() throws {
        let l = try loader(pipeline: "hiclr.yaml")
        let stream = l.batches(epoch: 0)
        let batch = try XCTUnwrap(try stream.next())
        XCTAssertEqual(batch.views.map(\.branch), ["q", "k", "q1", "q2"])
        XCTAssertEqual(batch.labels, batch.sampleIDs.map { $0 % 5 })
        let q2 = batch.views[3]
        let mask = try XCTUnwrap(q2.mask)
        XCTAssertEqual(mask.count, 4 * 50 * 25)
        // int(25 · 0.1) = 2 masked joints per frame for every sample.
        for i in 0..<(4 * 50) { XCTAssertEqual(mask[(i * 25)..<((i + 1) * 25)].filter { $0 }.count, 2) }
        XCTAssertNil(batch.views[0].mask)
        XCTAssertEqual(batch.views[0].records.count, 0, "stage records are kept only when asked for")
        // q and k are two independent draws of the same sample.
        XCTAssertNotEqual(batch.views[0].data[0].values, batch.views[1].data[0].values)
    }

    /// With `keepStageRecords` every view carries, per sample, what `PipelineRunner.views(for:)` records for that
    /// sample (the fused crop pass included); the batch bytes are the same with and without the records.
    func testStageRecordsWhenKeptEqualTheRunnersAndChangeNoByte() throws {
        for pipeline in ["hiclr.yaml", "t0_t2.yaml", "reference_feeder.yaml"] {
            let kept = try loader(pipeline: pipeline, keepStageRecords: true)
            XCTAssertEqual(try digests(kept, epoch: 1), try digests(try loader(pipeline: pipeline), epoch: 1), pipeline)
            let batch = try XCTUnwrap(try kept.batches(epoch: 1).next())
            let source = try ShardSource.open(directory: Self.shards)
            for (i, id) in batch.sampleIDs.enumerated() {
                let views = kept.runner.views(for: try source.read(.joint, sample: id), sampleID: id, epoch: 1, seed: 3)
                for (v, view) in views.enumerated() {
                    XCTAssertEqual(batch.views[v].records.count, batch.sampleIDs.count, pipeline)
                    XCTAssertEqual(batch.views[v].records[i], view.records, "\(pipeline), sample \(id), view \(view.branch)")
                    XCTAssertFalse(view.records.isEmpty)
                }
            }
        }
    }

    func testRanksAreDisjointAndCoverTheEpoch() throws {
        for policy in [PartitionPolicy.dropLast, .pad] {
            var seen: [Int] = []
            for rank in 0..<3 {
                let plan = try loader(batch: 2, rank: rank, world: 3, policy: policy).plan(epoch: 5)
                seen += plan.samples
            }
            if policy == .dropLast {
                XCTAssertEqual(seen.count, 21)                        // ⌊23 / 3⌋ · 3
                XCTAssertEqual(Set(seen).count, 21)                   // disjoint
            } else {
                XCTAssertEqual(seen.count, 24)                        // ⌈23 / 3⌉ · 3, one sample repeated
                XCTAssertEqual(Set(seen), Set(0..<23))                // covering
            }
        }
        let a = EpochPlan(sampleCount: 23, seed: 3, epoch: 5, shuffle: true, rank: 0, world: 1, batchSize: 4, policy: .pad)
        XCTAssertEqual(a.batchCount, 6)
        XCTAssertEqual(a.batch(5).count, 3)
        XCTAssertEqual(Set(a.samples), Set(0..<23))
        XCTAssertNotEqual(a.samples, Array(0..<23))
    }

    func testResumeEqualsUninterrupted() throws {
        let whole = try digests(try loader(workers: 2), epoch: 3)
        XCTAssertEqual(try digests(try loader(workers: 2), epoch: 3, start: 2), Array(whole[2...]))
    }

    func testStoppingEarlyDoesNotHang() throws {
        let l = try loader(workers: 2, batch: 1, prefetch: 1)
        let stream = l.batches(epoch: 0)
        XCTAssertNotNil(try stream.next())
        stream.stop()
        XCTAssertNil(try stream.next())
    }

    func testCorruptedShardsFailWithTheFileName() throws {
        let dir = try makeShards(count: 10)
        let victim = dir.appendingPathComponent("xsub_train_00001.h5")
        var bytes = try Data(contentsOf: victim)
        bytes[bytes.count - 100] ^= 0x55
        try bytes.write(to: victim)
        XCTAssertThrowsError(try ShardSource.open(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains("xsub_train_00001.h5") && "\(error)".contains("checksum"), "\(error)")
        }
        try bytes.prefix(bytes.count / 2).write(to: victim)
        XCTAssertThrowsError(try ShardSource.open(directory: dir, verify: false)) { error in
            XCTAssertTrue("\(error)".contains("xsub_train_00001.h5") && "\(error)".contains("truncated"), "\(error)")
        }
    }
}
