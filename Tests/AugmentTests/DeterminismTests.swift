import Dispatch
import Foundation
import SkeletonCore
import XCTest
@testable import Augment

/// Views depend only on (seed, epoch, sample): byte-identical across runs and thread counts.
final class DeterminismTests: XCTestCase {
    private func hiclr() throws -> PipelineRunner {
        PipelineRunner(try PipelineLoader.load(AugmentFixtures.pipelinesDirectory.appendingPathComponent("hiclr.yaml")))
    }

    private let clips = (0..<16).map { AugmentFixtures.syntheticClip(frames: 50, phase: Float($0) * 0.3) }

    /// Per-sample hashes of every view, computed on `threads` threads.
    private func hashes(_ runner: PipelineRunner, seed: UInt64, epoch: Int = 0, threads: Int) -> [UInt64] {
        let count = clips.count
        let results = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: count)
        defer { results.deallocate() }
        let clips = self.clips
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            // Worker w takes samples w, w + threads, ... in reverse: a different order from the serial run.
            for i in stride(from: count - 1 - worker, through: 0, by: -threads) {
                results[i] = AugmentFixtures.hash(runner.views(for: clips[i], sampleID: i, epoch: epoch, seed: seed))
            }
        }
        return Array(results)
    }

    func testSameKeyGivesIdenticalBytesAcrossRunsAndThreads() throws {
        let runner = try hiclr()
        let serial = hashes(runner, seed: 7, threads: 1)
        XCTAssertEqual(hashes(runner, seed: 7, threads: 1), serial)
        XCTAssertEqual(hashes(runner, seed: 7, threads: 2), serial)
        XCTAssertEqual(Set(serial).count, serial.count)
        let otherSeed = hashes(runner, seed: 8, threads: 2)
        XCTAssert(zip(serial, otherSeed).allSatisfy { $0 != $1 }, "a different seed must change every sample")
        let otherEpoch = hashes(runner, seed: 7, epoch: 1, threads: 1)
        XCTAssert(zip(serial, otherEpoch).allSatisfy { $0 != $1 }, "a different epoch must change every sample")
    }

    func testBranchesDrawIndependently() throws {
        let views = try hiclr().views(for: clips[0], sampleID: 0, epoch: 0, seed: 1)
        XCTAssertEqual(views.map(\.branch), ["q", "k", "q1", "q2"])
        XCTAssertNotEqual(views[0].joint, views[1].joint, "q and k use the same stages but their own draws")
        XCTAssertNotEqual(views[0].records, views[1].records)
        XCTAssertNil(views[0].mask)
        let mask = try XCTUnwrap(views[3].mask)
        XCTAssertEqual(mask.count, 50 * 25)
        XCTAssertEqual(mask.filter { $0 }.count, 50 * 2)
    }

    func testInPlaceFastPathMatchesViews() throws {
        let runner = try hiclr()
        let views = runner.views(for: clips[3], sampleID: 3, epoch: 2, seed: 11)
        var output = clips[3].values
        var scratch = [Float](repeating: 0, count: output.count)
        for b in 0..<4 {
            output = clips[3].values
            let outcome = output.withUnsafeMutableBufferPointer { out in
                scratch.withUnsafeMutableBufferPointer { tmp in
                    runner.augment(branch: b, frames: 50, output: out, scratch: tmp, sampleID: 3, epoch: 2, seed: 11)
                }
            }
            XCTAssertEqual(output, views[b].joint.values)
            XCTAssertEqual(outcome.records, views[b].records)
            XCTAssertEqual(outcome.mask, views[b].mask)
        }
    }

    func testRecordsRoundTripThroughJSONAndReplayTheView() throws {
        let runner = try hiclr()
        let views = runner.views(for: clips[5], sampleID: 5, epoch: 0, seed: 3)
        for (b, view) in views.enumerated() {
            let json = try JSONEncoder().encode(view.records)
            let records = try JSONDecoder().decode([StageRecord].self, from: json)
            XCTAssertEqual(records, view.records)
            var replayed = clips[5]
            runner.replay(records, branch: b, on: &replayed)
            XCTAssertEqual(replayed, view.joint, "replaying the recorded parameters gives the view again")
        }
    }

    func testStreamsFromShardGetTheSameLinearAugmentation() throws {
        // With linear stages and flips, augmenting the stored bone stream equals the bones of the augmented joints.
        let yaml = """
            name: shard_streams
            streams: {names: [joint, bone, motion], derive: from_shard}
            branches:
              - name: q
                stages: [{stage: temporal_crop}, {stage: shear}, {stage: spatial_flip, p: 1}, {stage: rotation}]
            """
        let fromShard = PipelineRunner(try PipelineLoader.parse(yaml, file: "inline.yaml"))
        let derived = PipelineRunner(try PipelineLoader.parse(
            yaml.replacingOccurrences(of: "from_shard", with: "after_augmentation"), file: "inline.yaml"))
        let clip = clips[2]
        let shard: [SkeletonStream: SkeletonClip] = [.bone: clip.bones(), .motion: clip.motion()]
        let a = fromShard.views(for: clip, sampleID: 9, epoch: 0, seed: 5, shardStreams: shard)[0]
        let b = derived.views(for: clip, sampleID: 9, epoch: 0, seed: 5)[0]
        XCTAssertEqual(a.streams.map(\.stream), [.joint, .bone, .motion])
        XCTAssertEqual(a.joint, b.joint)
        let bone = try XCTUnwrap(a.clip(.bone)).values, expectedBone = try XCTUnwrap(b.clip(.bone)).values
        XCTAssertLessThan(AugmentFixtures.maxAbsDifference(bone, expectedBone), 1e-5)
        // Motion does not commute with the reflecting crop at the clip ends, so only interior frames agree
        // unless the crop was the identity; the stream must at least be present and finite.
        XCTAssert(try XCTUnwrap(a.clip(.motion)).values.allSatisfy(\.isFinite))
    }

    func testPartnerStageUsesTheCallersPartner() throws {
        let runner = PipelineRunner(try PipelineLoader.load(
            AugmentFixtures.pipelinesDirectory.appendingPathComponent("third_adain.yaml")))
        let partner = AugmentFixtures.syntheticClip(frames: 50, phase: 9)
        var asked: [Int] = []
        let views = runner.views(for: clips[0], sampleID: 0, epoch: 0, seed: 1) { number in
            asked.append(number)
            return partner
        }
        XCTAssertEqual(asked.count, 1, "only q2 has the two-sample stage")
        guard let p = views[3].records.last?.parameters?.as(SkeleAdaIN.Parameters.self) else {
            return XCTFail("q2 should end with skele_adain")
        }
        XCTAssertEqual(p.partner, asked[0])
        XCTAssertEqual(p.styleMean.count, 6, "per channel and body, as the reference (net/skeletonAdaIN.py:28-32)")
        // No partner: the stage is recorded as skipped and the view is still made.
        let alone = runner.views(for: clips[0], sampleID: 0, epoch: 0, seed: 1)
        XCTAssertEqual(alone[3].records.last?.skipped, true)
    }
}
