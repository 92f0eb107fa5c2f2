import CounterRandom
import Foundation
import SkeletonCore
import YAMLFiles
import XCTest
@testable import Augment

/// The stage registry is the one list of stages: the schema, `hiclr stages` help (defaults included) and the
/// decoder agree with it, and a stage declared outside the registry runs through the runner with its hooks.
final class StageRegistryTests: XCTestCase {
    func testNamesAreUniqueAndTraitsAreTheSpecsOnes() {
        XCTAssertEqual(StageRegistry.names.count, 10)
        XCTAssertEqual(Set(StageRegistry.names).count, StageRegistry.names.count)
        let entries = Dictionary(uniqueKeysWithValues: StageRegistry.entries.map { ($0.name, $0) })
        XCTAssertEqual(Set(entries.values.filter(\.needsPartner).map(\.name)), ["skele_adain"])
        XCTAssertEqual(Set(entries.values.filter(\.producesJointMask).map(\.name)), ["joint_mask"])
        XCTAssertEqual(Set(entries.values.filter(\.movesFramesOrJoints).map(\.name)),
                       ["temporal_crop", "spatial_flip", "time_flip"])
        for entry in entries.values { XCTAssertEqual(entry.parameters.first?.key, "p", entry.name) }
        // The benchmark times every registered stage, plus the unnormalised blur.
        let bench = StageRegistry.benchmarkStages
        XCTAssertEqual(bench.map(\.stage.name), StageRegistry.names.flatMap { $0 == "gaussian_blur" ? [$0, $0] : [$0] })
        XCTAssert(bench.allSatisfy { $0.stage.probability == 1 })
        XCTAssertEqual(bench.filter { !$0.label.isEmpty }.map(\.label), ["normalize: false"])
    }

    /// schemas/pipeline.schema.json lists the registry's stages, each with the keys and defaults of its help.
    func testSchemaListsTheRegisteredStagesWithTheirKeysAndDefaults() throws {
        let url = AugmentFixtures.repositoryRoot.appendingPathComponent("schemas/pipeline.schema.json")
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let defs = try XCTUnwrap(schema["$defs"] as? [String: Any])
        let stage = try XCTUnwrap(defs["stage"] as? [String: Any])
        let properties = try XCTUnwrap(stage["properties"] as? [String: Any])
        let stageKey = try XCTUnwrap(properties["stage"] as? [String: Any])
        XCTAssertEqual(stageKey["enum"] as? [String], StageRegistry.names)
        let rules = try XCTUnwrap(stage["allOf"] as? [[String: Any]])
        XCTAssertEqual(rules.count, StageRegistry.names.count)
        for entry in StageRegistry.entries {
            let rule = try XCTUnwrap(rules.first {
                (($0["if"] as? [String: Any])?["properties"] as? [String: [String: String]])?["stage"]?["const"] == entry.name
            }, entry.name)
            let ref = try XCTUnwrap((rule["then"] as? [String: String])?["$ref"], entry.name)
            let def = try XCTUnwrap(defs[String(ref.split(separator: "/").last!)] as? [String: Any], ref)
            let keys = try XCTUnwrap(def["properties"] as? [String: Any], ref)
            XCTAssertEqual(Set(keys.keys).subtracting(["stage"]), Set(entry.parameters.map(\.key)), entry.name)
            for help in entry.parameters {
                guard let value = (keys[help.key] as? [String: Any])?["default"] else { continue }
                XCTAssertEqual(try Self.number(help.defaultValue), try Self.number("\(value)"),
                               "\(entry.name).\(help.key): schema default \(value), help \(help.defaultValue)")
            }
        }
    }

    /// `hiclr stages` shows the defaults `init(from:)` really uses: decode `{stage: NAME}`, encode, compare.
    func testHelpDefaultsAreTheDecoderDefaults() throws {
        for entry in StageRegistry.entries {
            let stage = try AugmentFixtures.stage(json: "{\"stage\": \"\(entry.name)\"}")
            let encoded = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(stage)) as? [String: Any])
            XCTAssertEqual(encoded["stage"] as? String, entry.name)
            XCTAssertEqual(Set(encoded.keys).subtracting(["stage"]), Set(entry.parameters.map(\.key)), entry.name)
            for help in entry.parameters {
                let value = try XCTUnwrap(encoded[help.key], "\(entry.name).\(help.key)")
                XCTAssertEqual(try Self.number(help.defaultValue), try Self.number("\(value)"),
                               "\(entry.name).\(help.key): decoder default \(value), help \(help.defaultValue)")
            }
        }
    }

    /// Every stage's drawn parameters survive the JSON record (dumps) and apply only to their own stage.
    func testRecordsRoundTripAndParametersBelongToTheirStage() throws {
        let clip = AugmentFixtures.syntheticClip(frames: 20, phase: 0.3)
        for name in StageRegistry.names {
            let stage = try AugmentFixtures.stage(json: "{\"stage\": \"\(name)\", \"p\": 1}")
            var stream = RandomStream(seed: 5, epoch: 1, sample: 2, branch: 0, stage: 3)
            let drawn = stage.draw(from: &stream, frames: clip.frames)
            let record = StageRecord(stage: name, parameters: drawn)
            let back = try JSONDecoder().decode(StageRecord.self, from: JSONEncoder().encode(record))
            XCTAssertEqual(back, record, name)
            XCTAssertEqual(stage, try AugmentFixtures.stage(json: String(decoding: JSONEncoder().encode(stage), as: UTF8.self)))
        }
        let shear = AnyStage(Shear())
        var stream = RandomStream(seed: 1, epoch: 0, sample: 0, branch: 0, stage: 0)
        let crop = AnyStage(TemporalCrop()).draw(from: &stream, frames: 20)
        var copy = clip
        XCTAssertFalse(copy.withClipBuffer { shear.apply(crop, to: $0) }, "crop parameters given to shear")
        XCTAssertEqual(copy, clip)
        XCTAssertNotEqual(AnyStage(SpatialFlip()), AnyStage(TimeFlip()))
        XCTAssertNotEqual(AnyStage(Shear(amplitude: 0.5)), AnyStage(Shear(amplitude: 0.6)))
    }

    /// The worked example of docs/adding-a-stage.md, run without registering it: the runner draws, applies and
    /// calls its joint-mask hook through `AnyStage`.
    func testAStageDeclaredInOneFileRunsWithItsHooks() throws {
        let branch = PipelineBranch(name: "q", stages: [AnyStage(RandomScale(probability: 1)), AnyStage(HideFirstJoint())])
        let runner = PipelineRunner(Pipeline(name: "example", branches: [branch]))
        let clip = AugmentFixtures.syntheticClip(frames: 6, phase: 0.1)
        let view = runner.views(for: clip, sampleID: 3, epoch: 0, seed: 9)[0]
        let scale = try XCTUnwrap(view.records[0].parameters?.as(RandomScale.Parameters.self)).scale
        XCTAssert((0.9...1.1).contains(scale), "\(scale)")
        XCTAssertEqual(view.mask, (0..<6).flatMap { _ in [true] + Array(repeating: false, count: 24) })
        for c in 0..<3 {
            for t in 0..<6 {
                for m in 0..<2 {
                    XCTAssertEqual(view.joint[c, t, 0, m], 0)
                    XCTAssertEqual(view.joint[c, t, 4, m], clip[c, t, 4, m] * Float(scale), accuracy: 1e-6)
                }
            }
        }
        // Same key, same draw; another sample, another scale.
        XCTAssertEqual(runner.views(for: clip, sampleID: 3, epoch: 0, seed: 9)[0], view)
        XCTAssertNotEqual(runner.views(for: clip, sampleID: 4, epoch: 0, seed: 9)[0].records, view.records)
    }

    private static func number(_ text: String) throws -> Double {
        switch text {
        case "false": return 0
        case "true": return 1
        default: return try XCTUnwrap(Double(text), "not a number: \(text)")
        }
    }
}

/// docs/adding-a-stage.md's example stage.
struct RandomScale: AugmentationStage {
    static let name = "random_scale"
    static let summary = "multiply every coordinate by s ~ U(min, max)"
    static let parameterHelp = [
        StageParameterHelp("p", "0.5", "probability the stage acts"),
        StageParameterHelp("min", "0.9", "smallest scale"),
        StageParameterHelp("max", "1.1", "largest scale"),
    ]

    var probability: Double
    var min: Double
    var max: Double

    init(probability: Double = 0.5, min: Double = 0.9, max: Double = 1.1) {
        self.probability = probability
        self.min = min
        self.max = max
    }

    struct Parameters: Codable, Equatable, Sendable {
        var scale: Double
    }

    func draw(from stream: inout RandomStream, frames: Int) -> Parameters {
        Parameters(scale: stream.nextDouble(from: min, to: max))
    }

    func apply(_ p: Parameters, to clip: ClipBuffer) {
        let s = Float(p.scale)
        for i in 0..<clip.count { clip.values[i] *= s }
    }

    init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p", "min", "max"])
        self.init(probability: try f.probability(default: 0.5),
                  min: try f.double("min", default: 0.9, in: 0...100),
                  max: try f.double("max", default: 1.1, in: 0...100))
        guard min <= max else { throw f.error("max", "must be at least min") }
    }

    func encode(to encoder: Encoder) throws {
        var w = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
        try w.encode(min, "min")
        try w.encode(max, "max")
    }
}

/// A stage with the joint-mask hook: hides joint 0 in every frame.
struct HideFirstJoint: AugmentationStage {
    static let name = "hide_first_joint"
    static let summary = "set joint 0 to zero and report it in the mask"
    static let parameterHelp = [StageParameterHelp("p", "1", "probability the stage acts")]
    static let producesJointMask = true

    var probability: Double = 1

    func draw(from stream: inout RandomStream, frames: Int) -> NoParameters { NoParameters() }

    func apply(_ p: NoParameters, to clip: ClipBuffer) {
        for c in 0..<3 {
            for t in 0..<clip.frames {
                for m in 0..<2 { clip.values[c * clip.channelStride + t * ClipBuffer.frameStride + m] = 0 }
            }
        }
    }

    func markJointMask(_ p: NoParameters, into mask: inout [Bool], frames: Int) {
        for t in 0..<frames { mask[t * 25] = true }
    }
}
