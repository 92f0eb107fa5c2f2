import SkeletonCore
import XCTest
@testable import Augment

/// `PipelineRunner.augment(..., source:)` (the loader's path: a leading temporal crop reads the shard sample
/// directly) must give the bytes and records of copying the source into the output first.
final class SourceAugmentTests: XCTestCase {
    func testAugmentFromSourceEqualsCopyThenAugmentForEveryShippedPipeline() throws {
        let frames = SkeletonLayout.frames
        let n = frames * ClipBuffer.valuesPerFrame
        let clip = AugmentFixtures.syntheticClip(frames: frames, phase: 0.3)
        var sawCropFromSource = false, sawFusedMap = false, sawTwoMapsAndFlip = false
        for file in try AugmentFixtures.shippedPipelines() {
            let runner = PipelineRunner(try PipelineLoader.load(file))
            for b in runner.pipeline.branches.indices {
                for sample in 0..<24 {
                    var copied = clip.values, fromSource = [Float](repeating: .nan, count: n)
                    var scratch = [Float](repeating: 0, count: n)
                    let expected = copied.withUnsafeMutableBufferPointer { out in
                        scratch.withUnsafeMutableBufferPointer { tmp in
                            runner.augment(branch: b, frames: frames, output: out, scratch: tmp, sampleID: sample,
                                           epoch: 3, seed: 11)
                        }
                    }
                    let got = clip.values.withUnsafeBufferPointer { source in
                        fromSource.withUnsafeMutableBufferPointer { out in
                            scratch.withUnsafeMutableBufferPointer { tmp in
                                runner.augment(branch: b, frames: frames, output: out, scratch: tmp, source: source,
                                               sampleID: sample, epoch: 3, seed: 11)
                            }
                        }
                    }
                    let where_ = "\(file.lastPathComponent) branch \(b) sample \(sample)"
                    XCTAssertEqual(fromSource.map(\.bitPattern), copied.map(\.bitPattern), where_)
                    XCTAssertEqual(got.records, expected.records, where_)
                    XCTAssertEqual(got.mask, expected.mask, where_)
                    if got.records.first?.stage == TemporalCrop.name, got.records.first?.parameters != nil {
                        sawCropFromSource = true
                        // A firing shear or rotation right after it is applied during the crop's copy.
                        if got.records.count > 1, [Shear.name, Rotation.name].contains(got.records[1].stage),
                           got.records[1].parameters != nil {
                            sawFusedMap = true
                        }
                        if got.records.count > 3, got.records[1...3].map(\.stage) == [Shear.name, SpatialFlip.name,
                                                                                      Rotation.name],
                           got.records[1...3].allSatisfy({ $0.parameters != nil }) {
                            sawTwoMapsAndFlip = true
                        }
                    }
                }
            }
        }
        XCTAssertTrue(sawCropFromSource, "no pipeline exercised the crop-from-source path")
        XCTAssertTrue(sawFusedMap, "no pipeline exercised the crop-then-linear-map path")
        XCTAssertTrue(sawTwoMapsAndFlip, "no pipeline exercised crop, shear, flip, rotation in one pass")
    }

    /// The identity crop (start = padding) and a skipped first stage still deliver the source.
    func testIdentityCropAndSkippedFirstStageCopyTheSource() throws {
        let frames = 12, n = frames * ClipBuffer.valuesPerFrame
        let clip = AugmentFixtures.syntheticClip(frames: frames)
        let crop = TemporalCrop(probability: 1, paddingRatio: 6)
        var out = [Float](repeating: .nan, count: n), scratch = [Float](repeating: 0, count: n)
        clip.values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { s in
                    crop.apply(.init(padding: 2, start: 2), from: source.baseAddress!,
                               to: ClipBuffer(frames: frames, values: o.baseAddress!, scratch: s.baseAddress!))
                }
            }
        }
        XCTAssertEqual(out, clip.values)
        let runner = PipelineRunner(Pipeline(name: "skip", branches: [
            PipelineBranch(name: "a", stages: [AnyStage(TemporalCrop(probability: 0)), AnyStage(Shear(probability: 0))]),
        ]))
        out = [Float](repeating: .nan, count: n)
        let outcome = clip.values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { s in
                    runner.augment(branch: 0, frames: frames, output: o, scratch: s, source: source, sampleID: 0,
                                   epoch: 0, seed: 0)
                }
            }
        }
        XCTAssertEqual(out, clip.values)
        XCTAssertEqual(outcome.records.map(\.skipped), [true, true])
    }
}
