import CounterRandom
import SkeletonCore
import XCTest
@testable import Augment

/// Properties each stage must have whatever it draws.
final class StageInvariantTests: XCTestCase {
    private let clip = AugmentFixtures.syntheticClip(frames: 50)

    private func stream(_ stage: Int = 0, sample: Int = 0) -> RandomStream {
        RandomStream(seed: 2024, epoch: 0, sample: sample, branch: 0, stage: stage)
    }

    func testSpatialFlipTwiceIsIdentityAndMovesJoints() {
        let flip = SpatialFlip()
        let once = flip.apply(NoParameters(), to: clip)
        XCTAssertNotEqual(once, clip)
        XCTAssertEqual(once[0, 3, 4, 1], clip[0, 3, 8, 1]) // left shoulder ← right shoulder
        XCTAssertEqual(once[2, 7, 0, 0], clip[2, 7, 0, 0]) // spine stays
        XCTAssertEqual(flip.apply(NoParameters(), to: once), clip)
    }

    func testTimeFlipTwiceIsIdentity() {
        let flip = TimeFlip()
        let once = flip.apply(NoParameters(), to: clip)
        XCTAssertEqual(once[1, 0, 5, 0], clip[1, 49, 5, 0])
        XCTAssertEqual(flip.apply(NoParameters(), to: once), clip)
    }

    func testRotationAndFlipKeepBoneLengths() {
        let lengths = AugmentFixtures.boneLengths(clip)
        let rotation = Rotation(mainMaxDegrees: 30, otherMaxDegrees: 30)
        for sample in 0..<5 {
            var s = stream(sample: sample)
            let rotated = rotation.apply(rotation.draw(from: &s, frames: 50), to: clip)
            XCTAssertNotEqual(rotated, clip)
            XCTAssertLessThan(AugmentFixtures.maxAbsDifference(AugmentFixtures.boneLengths(rotated), lengths), 2e-5)
        }
        let flipped = SpatialFlip().apply(NoParameters(), to: clip)
        XCTAssertEqual(AugmentFixtures.boneLengths(flipped).sorted(), lengths.sorted(), "flip permutes bones of equal length")
    }

    func testRotationDrawsWithinRanges() {
        let rotation = Rotation()
        var mains = Set<Int>()
        for sample in 0..<200 {
            var s = stream(sample: sample)
            let p = rotation.draw(from: &s, frames: 50)
            mains.insert(p.mainAxis)
            for axis in 0..<3 {
                let limit = axis == p.mainAxis ? 30.0 : 1.0
                XCTAssert(p.degrees[axis] >= 0 && p.degrees[axis] < limit)
            }
        }
        XCTAssertEqual(mains, [0, 1, 2])
    }

    func testShearWithZeroAmplitudeAndZeroProbabilityIsIdentity() throws {
        let shear = Shear(amplitude: 0)
        var s = stream()
        let p = shear.draw(from: &s, frames: 50)
        XCTAssertEqual(p.s1, .zero)
        XCTAssertEqual(shear.apply(p, to: clip), clip)
        // p = 0: the runner never fires the stage.
        let pipeline = try PipelineLoader.parse("""
            name: off
            branches:
              - name: q
                stages: [{stage: shear, p: 0, r: 0.5}, {stage: rotation, p: 0}, {stage: gaussian_noise, p: 0}]
            """, file: "inline.yaml")
        let views = PipelineRunner(pipeline).views(for: clip, sampleID: 3, epoch: 0, seed: 1)
        XCTAssertEqual(views[0].joint, clip)
        XCTAssert(views[0].records.allSatisfy(\.skipped))
    }

    func testNormalisedBlurKeepsAConstantSeriesAwayFromTheEnds() {
        var constant = SkeletonClip(frames: 50)
        for i in constant.values.indices { constant.values[i] = 1.5 }
        for normalize in [true, false] {
            let blur = GaussianBlur(kernel: 15, normalize: normalize)
            let sigma = 2.0
            let out = blur.apply(.init(sigma: sigma), to: constant)
            let sum = blur.weights(sigma: sigma).reduce(0, +)
            // Frames 7 ... 42: the whole 15-frame window lies inside the clip.
            for t in 7...42 {
                XCTAssertEqual(out[1, t, 3, 1], normalize ? 1.5 : 1.5 * sum, accuracy: 1e-5)
            }
            // Frame 0 sees only the 8 taps at and after it: the zero padding pulls it down.
            XCTAssertLessThan(out[1, 0, 3, 1], (normalize ? 1.5 : 1.5 * sum) * 0.8)
        }
        XCTAssertGreaterThan(GaussianBlur(normalize: false).weights(sigma: 2).reduce(0, +), 4.9,
                             "reference kernel sums to ≈ 5 at σ = 2")
    }

    func testChannelMaskZeroesExactlyOneCoordinate() {
        let mask = ChannelMask()
        var axes = Set<Int>()
        for sample in 0..<30 {
            var s = stream(sample: sample)
            let p = mask.draw(from: &s, frames: 50)
            axes.insert(p.axis)
            let out = mask.apply(p, to: clip)
            let n = 50 * 50
            for c in 0..<3 {
                let channel = Array(out.values[(c * n)..<((c + 1) * n)])
                if c == p.axis {
                    XCTAssert(channel.allSatisfy { $0 == 0 })
                } else {
                    XCTAssertEqual(channel, Array(clip.values[(c * n)..<((c + 1) * n)]))
                }
            }
        }
        XCTAssertEqual(axes, [0, 1, 2])
    }

    func testJointMaskHidesExactlyIntOf25TimesRatioJointsPerFrame() {
        for (ratio, expected) in [(0.1, 2), (0.2, 5), (0.3, 7), (0.0, 0), (1.0, 25)] {
            let stage = JointMask(ratio: ratio, fill: 0)
            XCTAssertEqual(stage.jointsPerFrame, expected)
            var s = stream()
            let p = stage.draw(from: &s, frames: 50)
            let mask = p.mask(frames: 50)
            let out = stage.apply(p, to: clip)
            for t in 0..<50 {
                let hidden = (0..<25).filter { mask[t * 25 + $0] }
                XCTAssertEqual(hidden.count, expected, "ratio \(ratio), frame \(t)")
                for v in 0..<25 {
                    for c in 0..<3 {
                        for m in 0..<2 {
                            XCTAssertEqual(out[c, t, v, m], hidden.contains(v) ? 0 : clip[c, t, v, m])
                        }
                    }
                }
            }
        }
    }

    func testNoiseStandardDeviationOverManyDraws() {
        let noise = GaussianNoise(std: 0.01)
        var sum = 0.0, squares = 0.0, count = 0.0
        for sample in 0..<20 {
            var s = stream(sample: sample)
            let out = noise.apply(noise.draw(from: &s, frames: 50), to: clip)
            for (a, b) in zip(out.values, clip.values) {
                let d = Double(a - b)
                sum += d
                squares += d * d
                count += 1
            }
        }
        let mean = sum / count
        let std = (squares / count - mean * mean).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 3e-4) // 150,000 values: standard error ≈ 2.6e-5
        XCTAssertEqual(std, 0.01, accuracy: 2e-4)
    }

    func testTemporalCropKeepsLengthAndFramesComeFromTheClip() {
        let crop = TemporalCrop(paddingRatio: 6)
        var starts = Set<Int>()
        for sample in 0..<100 {
            var s = stream(sample: sample)
            let p = crop.draw(from: &s, frames: 50)
            XCTAssertEqual(p.padding, 8)
            starts.insert(p.start)
            let out = crop.apply(p, to: clip)
            XCTAssertEqual(out.frames, 50)
            for t in [0, 25, 49] {
                let src = TemporalCrop.sourceFrame(t, frames: 50, padding: 8, start: p.start)
                XCTAssertEqual(out[2, t, 11, 1], clip[2, src, 11, 1])
            }
        }
        XCTAssertEqual(starts.min(), 0)
        XCTAssertEqual(starts.max(), 16)
        // Reflection includes the edge frame: start 0 shows frames 7, 6, ..., 0, 0, 1, ...
        XCTAssertEqual((0..<10).map { TemporalCrop.sourceFrame($0, frames: 50, padding: 8, start: 0) },
                       [7, 6, 5, 4, 3, 2, 1, 0, 0, 1])
        XCTAssertEqual((40..<50).map { TemporalCrop.sourceFrame($0, frames: 50, padding: 8, start: 16) },
                       [48, 49, 49, 48, 47, 46, 45, 44, 43, 42])
    }

    func testSkeleAdaINTakesThePartnersStatistics() {
        let partner = AugmentFixtures.syntheticClip(frames: 30, phase: 2)
        var scaled = partner
        for i in scaled.values.indices { scaled.values[i] = scaled.values[i] * 3 + 1 }
        let stage = SkeleAdaIN()
        var p = SkeleAdaIN.Parameters(partner: 0)
        stage.attach(partner: scaled, to: &p)
        let out = stage.apply(p, to: clip)
        let stats = out.values.withUnsafeBufferPointer { stage.statistics(of: $0.baseAddress!, frames: 50) }
        for c in 0..<3 {
            XCTAssertEqual(stats.mean[c], p.styleMean[c], accuracy: 1e-4)
            XCTAssertEqual(stats.std[c], p.styleStd[c], accuracy: 1e-4 * p.styleStd[c])
        }
        // Without partner statistics the stage leaves the clip alone.
        XCTAssertEqual(stage.apply(.init(partner: 0), to: clip), clip)
    }

    func testEveryStageWorksForAnyFrameCount() throws {
        let all: [AnyStage] = [
            AnyStage(Shear()), AnyStage(TemporalCrop()), AnyStage(SpatialFlip()), AnyStage(Rotation()),
            AnyStage(GaussianNoise()), AnyStage(GaussianBlur()), AnyStage(ChannelMask()),
            AnyStage(TimeFlip()), AnyStage(JointMask()), AnyStage(SkeleAdaIN()),
        ]
        XCTAssertEqual(all.map(\.name), StageRegistry.names)
        let partner = AugmentFixtures.syntheticClip(frames: 7, phase: 1)
        for frames in [0, 1, 2, 5, 13, 300] {
            let input = AugmentFixtures.syntheticClip(frames: frames)
            for stage in all {
                var s = stream()
                var p = stage.draw(from: &s, frames: frames)
                if stage.needsPartner { p = try XCTUnwrap(stage.attach(partner: partner, to: p)) }
                var out = input
                XCTAssert(out.withClipBuffer { stage.apply(p, to: $0) })
                XCTAssertEqual(out.frames, frames)
                XCTAssert(out.values.allSatisfy(\.isFinite), "\(stage.name) at T = \(frames)")
            }
        }
    }
}
