import Foundation
import SkeletonCore
import XCTest
@testable import Augment

/// Every stage with fixed parameters against scripts/golden_augment.py (NumPy).
final class StageGoldenTests: XCTestCase {
    func testStagesMatchNumPy() throws {
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: AugmentFixtures.golden("stages")) as? [String: Any])
        let frames = try XCTUnwrap(root["frames"] as? Int)
        let inputs = try XCTUnwrap(root["inputs"] as? [String: [Double]])
        func clip(_ name: String) throws -> SkeletonClip {
            SkeletonClip(frames: frames, values: try XCTUnwrap(inputs[name]).map { Float($0) })
        }
        let a = try clip("a")
        let cases = try XCTUnwrap(root["cases"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 15)
        var covered = Set<String>()
        for c in cases {
            let name = try XCTUnwrap(c["name"] as? String)
            let stageJSON = try JSONSerialization.data(withJSONObject: try XCTUnwrap(c["stage"]))
            let stage = try JSONDecoder().decode(AnyStage.self, from: stageJSON)
            let recordJSON = try JSONSerialization.data(withJSONObject: ["stage": stage.name,
                                                                           "parameters": try XCTUnwrap(c["parameters"])])
            let record = try JSONDecoder().decode(StageRecord.self, from: recordJSON)
            var parameters = try XCTUnwrap(record.parameters, name)
            if let partnerName = c["partner"] as? String, stage.needsPartner {
                // The runner's partner path must reproduce the statistics NumPy computed.
                let expected = try XCTUnwrap(parameters.as(SkeleAdaIN.Parameters.self), name)
                parameters = try XCTUnwrap(stage.attach(partner: try clip(partnerName), to: parameters), name)
                let p = try XCTUnwrap(parameters.as(SkeleAdaIN.Parameters.self), name)
                for (x, y) in zip(p.styleMean + p.styleStd, expected.styleMean + expected.styleStd) {
                    XCTAssertEqual(x, y, accuracy: 1e-9 + 1e-6 * abs(y), "\(name) partner statistics")
                }
            }
            let expected = try XCTUnwrap(c["expected"] as? [Double]).map { Float($0) }
            var out = a
            let applied = out.withClipBuffer { stage.apply(parameters, to: $0) }
            XCTAssertTrue(applied, name)
            XCTAssertEqual(out.values.count, expected.count, name)
            var worst: Float = 0
            for (x, y) in zip(out.values, expected) {
                worst = max(worst, abs(x - y) / (1 + abs(y)))
            }
            XCTAssertLessThan(worst, 2e-5, "\(name): largest relative difference \(worst)")
            // Every case but the identity crop (start = padding) must change the clip.
            let identity = name == "temporal_crop_start3"
            XCTAssertEqual(out.values == a.values, identity, "\(name): unexpected (non-)identity")
            covered.insert(stage.name)
        }
        XCTAssertEqual(covered, Set(StageRegistry.names), "every stage needs a golden case")
    }
}
