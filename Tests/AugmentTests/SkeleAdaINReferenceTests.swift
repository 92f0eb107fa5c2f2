import Foundation
import SkeletonCore
import XCTest
@testable import Augment

/// SkeleAdaIN as the reference computes it: JHang2020/HiCLR net/skeletonAdaIN.py permutes the (N, C, T, V, M) input
/// to (N, M, C, T, V) and reshapes it to (N·M, C, T, V) (lines 28-32) before `calc_mean_std` takes, for every row
/// (one body of one sample) and channel, the mean and the unbiased variance + eps over T·V values (lines 11-14);
/// the result is (x − μ_own) / σ_own · σ_partner + μ_partner (lines 42-44). So each body keeps its own statistics.
/// The golden numbers (stages.json, cases `skele_adain_*`) come from scripts/golden_augment.py, which follows those
/// lines and agrees with the reference function run with PyTorch to 7.2e-7.
final class SkeleAdaINReferenceTests: XCTestCase {
    func testPerBodyIsTheDefaultAndTheShippedAblation() throws {
        XCTAssertTrue(SkeleAdaIN().perBody)
        guard let fromYAML = try AugmentFixtures.stage(json: #"{"stage": "skele_adain"}"#).as(SkeleAdaIN.self) else {
            return XCTFail("not a skele_adain stage")
        }
        XCTAssertTrue(fromYAML.perBody, "a pipeline that does not say per_body gets the reference's statistics")
        guard let pooled = try AugmentFixtures.stage(json: #"{"stage": "skele_adain", "per_body": false}"#).as(SkeleAdaIN.self) else {
            return XCTFail("not a skele_adain stage")
        }
        XCTAssertFalse(pooled.perBody, "the pooled variant stays available as an explicit option")

        let pipeline = try PipelineLoader.load(AugmentFixtures.pipelinesDirectory.appendingPathComponent("third_adain.yaml"))
        let q2 = try XCTUnwrap(pipeline.branches.first { $0.name == "q2" })
        let adain = q2.stages.compactMap { $0.as(SkeleAdaIN.self) }
        XCTAssertEqual(adain.count, 1)
        XCTAssertEqual(adain.first?.perBody, true, "pipelines/third_adain.yaml must use the reference's per-body statistics")
    }

    /// After the default stage, each body of each channel has exactly the partner body's mean and std — not only
    /// the pooled channel statistics. A one-body clip (body 2 all zero, as the reference stores it) keeps body 2 at
    /// the partner's body-2 mean, since (0 − 0) / √eps = 0.
    func testEachBodyTakesThePartnerBodysStatistics() {
        let frames = 20
        var own = AugmentFixtures.syntheticClip(frames: frames, phase: 0.4)
        for c in 0..<3 { for t in 0..<frames { for v in 0..<25 { own[c, t, v, 1] = 0 } } }
        var partner = AugmentFixtures.syntheticClip(frames: frames, phase: 2.1)
        for c in 0..<3 { for t in 0..<frames { for v in 0..<25 {
            partner[c, t, v, 0] = partner[c, t, v, 0] * 3 + 1      // the two bodies of the partner differ
            partner[c, t, v, 1] = partner[c, t, v, 1] * 0.5 - 2
        } } }
        let stage = SkeleAdaIN()
        var p = SkeleAdaIN.Parameters(partner: 0)
        stage.attach(partner: partner, to: &p)
        XCTAssertEqual(p.styleMean.count, 6)
        let out = stage.apply(p, to: own)
        for c in 0..<3 {
            for m in 0..<2 {
                var values: [Double] = []
                var partnerValues: [Double] = []
                for t in 0..<frames { for v in 0..<25 {
                    values.append(Double(out[c, t, v, m]))
                    partnerValues.append(Double(partner[c, t, v, m]))
                } }
                let mean = values.reduce(0, +) / Double(values.count)
                let partnerMean = partnerValues.reduce(0, +) / Double(partnerValues.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
                let partnerVariance = partnerValues.reduce(0) { $0 + ($1 - partnerMean) * ($1 - partnerMean) }
                    / Double(partnerValues.count - 1)
                XCTAssertEqual(mean, partnerMean, accuracy: 1e-5, "channel \(c) body \(m) mean")
                XCTAssertEqual(p.styleMean[c * 2 + m], partnerMean, accuracy: 1e-9)
                if m == 0 {
                    XCTAssertEqual(variance.squareRoot(), partnerVariance.squareRoot(), accuracy: 1e-4,
                                   "channel \(c) body \(m) std")
                } else {
                    XCTAssertEqual(variance, 0, accuracy: 1e-9, "the empty body stays constant")
                }
            }
        }
    }
}
