import Foundation
import SkeletonCore
import XCTest
@testable import Augment

/// Shipped pipeline files load; broken files fail with one clear message naming file, line and field.
final class PipelineFileTests: XCTestCase {
    func testShippedPipelinesLoad() throws {
        let files = try AugmentFixtures.shippedPipelines()
        let names = Set(files.map { $0.deletingPathExtension().lastPathComponent })
        XCTAssertTrue(names.isSuperset(of: ["hiclr", "reference_feeder", "t0", "t1", "t2", "t0_t1", "t0_t2",
                                            "third_mask", "third_adain", "third_na"]), "\(names)")
        for file in files {
            let pipeline = try PipelineLoader.load(file)
            XCTAssertEqual(pipeline.name, file.deletingPathExtension().lastPathComponent)
            XCTAssertFalse(pipeline.description.isEmpty, file.lastPathComponent)
            XCTAssertEqual(pipeline.branches.prefix(2).map(\.name), ["q", "k"], file.lastPathComponent)
            XCTAssertEqual(pipeline.branches[0].stages, pipeline.branches[1].stages, "k draws the same stages as q")
        }
    }

    func testHiCLRPipelineIsTheGrowingAugmentation() throws {
        let p = try PipelineLoader.load(AugmentFixtures.pipelinesDirectory.appendingPathComponent("hiclr.yaml"))
        XCTAssertEqual(p.branches.map(\.name), ["q", "k", "q1", "q2"])
        let t0 = ["temporal_crop", "shear"]
        let t1 = t0 + ["spatial_flip", "rotation", "gaussian_noise", "gaussian_blur", "channel_mask"]
        XCTAssertEqual(p.branches.map { $0.stages.map(\.name) }, [t0, t0, t1, t1 + ["joint_mask"]])
        XCTAssertEqual(p.branches[2].stages.map(\.probability), [1, 1, 0.5, 1, 0.5, 0.5, 0.5])
        XCTAssertEqual(p.branches[3].stages.last, AnyStage(JointMask(probability: 1, ratio: 0.1, fill: 0)))
        XCTAssertEqual(p.branches[2].stages[5], AnyStage(GaussianBlur(normalize: true)))
        XCTAssertEqual(p.streams, StreamSettings(names: [.joint], derive: .afterAugmentation))

        let reference = try PipelineLoader.load(AugmentFixtures.pipelinesDirectory.appendingPathComponent("reference_feeder.yaml"))
        XCTAssertEqual(reference.branches[2].stages[5], AnyStage(GaussianBlur(normalize: false)))
        XCTAssertEqual(reference.branches.map { $0.stages.map(\.name) }, p.branches.map { $0.stages.map(\.name) })
    }

    func testPipelineRoundTripsThroughCodable() throws {
        for file in try AugmentFixtures.shippedPipelines() {
            let pipeline = try PipelineLoader.load(file)
            let json = try JSONEncoder().encode(pipeline)
            XCTAssertEqual(try JSONDecoder().decode(Pipeline.self, from: json), pipeline, file.lastPathComponent)
        }
    }

    /// Loads `yaml` and returns the error's one-line description.
    private func failure(_ yaml: String, file: String = "pipelines/x.yaml") -> String {
        do {
            _ = try PipelineLoader.parse(yaml, file: file)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testMisspelledStageIsNamedWithItsLineAndASuggestion() {
        let message = failure(BrokenPipelines.all["misspelled_stage"]!)
        XCTAssertEqual(message,
                       "pipelines/x.yaml:12 [branches[2].stages[1].stage]: unknown stage \"rotaton\" — did you mean \"rotation\"?")
    }

    func testBrokenFilesGiveClearErrors() {
        let expected: [String: String] = [
            "unknown_key": "pipelines/x.yaml:6 [branches[0].stages[0].amplitude]: unknown key \"amplitude\" (allowed: stage, p, r)",
            "probability_out_of_range": "pipelines/x.yaml:6 [branches[0].stages[0].p]: 1.5 is out of range [0, 1]",
            "negative_ratio": "pipelines/x.yaml:6 [branches[0].stages[0].ratio]: -0.1 is out of range [0, 1]",
            "missing_name": "pipelines/x.yaml:1: missing required key \"name\"",
            "even_kernel": "pipelines/x.yaml:6 [branches[0].stages[0].kernel]: 14 must be odd",
            "unknown_stream": "pipelines/x.yaml:2 [streams.names[1]]: unknown stream \"bones\" — did you mean \"bone\"?",
            "branches_not_a_list": "pipelines/x.yaml:2 [branches]: expected a list",
            "misspelled_top_level_key": "pipelines/x.yaml:2 [branchs]: unknown key \"branchs\" — did you mean \"branches\"?",
            "amplitude_not_a_number": "pipelines/x.yaml:6 [branches[0].stages[0].r]: expected a number",
        ]
        for (name, message) in expected {
            XCTAssertEqual(failure(BrokenPipelines.all[name]!), message, name)
        }
        XCTAssertEqual(Set(expected.keys).union(["misspelled_stage"]), Set(BrokenPipelines.all.keys))
    }

    func testRulesOnlyTheLoaderChecks() {
        let cases: [(String, String)] = [
            ("""
             name: x
             branches:
               - name: q
                 stages: [{stage: shear}]
               - name: k
                 extends: qq
             """, "pipelines/x.yaml:6 [branches[1].extends]: extends \"qq\", but no branch of that name is defined above — did you mean \"q\"?"),
            ("""
             name: x
             branches:
               - {name: q, stages: [{stage: shear}]}
               - {name: q, stages: [{stage: shear}]}
             """, "pipelines/x.yaml:4 [branches[1].name]: duplicate branch name \"q\""),
            ("""
             name: x
             branches:
               - name: q
                 stages:
                   - {stage: joint_mask}
                   - {stage: temporal_crop}
             """, "pipelines/x.yaml:6 [branches[0].stages[1].stage]: temporal_crop comes after joint_mask; put joint_mask after every stage that moves frames or joints"),
            ("""
             name: x
             branches:
               - name: q
                 stages:
                   - {stage: gaussian_blur, sigma_min: 3, sigma_max: 2}
             """, "pipelines/x.yaml:5 [branches[0].stages[0].sigma_max]: 2.0 is below sigma_min 3.0"),
            ("name: x\nbranches:\n  - name: q\n    stages: [{stage: shear}\n", "pipelines/x.yaml:5: not valid YAML: did not find expected ',' or ']'"),
            ("", "pipelines/x.yaml: empty pipeline file"),
        ]
        for (yaml, message) in cases {
            XCTAssertEqual(failure(yaml), message)
        }
    }

    func testUnreadableFileNamesTheFile() {
        XCTAssertThrowsError(try PipelineLoader.load(path: "/nonexistent/p.yaml")) { error in
            XCTAssert("\(error)".hasPrefix("/nonexistent/p.yaml: cannot read pipeline file"), "\(error)")
        }
    }
}

/// Broken pipeline files: each must be rejected by the Swift loader and by schemas/pipeline.schema.json.
enum BrokenPipelines {
    static let all: [String: String] = [
        "misspelled_stage": """
            name: x
            branches:
              - name: q
                stages:
                  - {stage: shear}
              - name: k
                extends: q
              - name: q1
                extends: q
                stages:
                  - {stage: spatial_flip}
                  - {stage: rotaton}
            """,
        "unknown_key": stageFile("{stage: shear, r: 0.5, amplitude: 2}"),
        "probability_out_of_range": stageFile("{stage: shear, p: 1.5}"),
        "negative_ratio": stageFile("{stage: joint_mask, ratio: -0.1}"),
        "missing_name": """
            description: no name
            branches:
              - name: q
                stages: [{stage: shear}]
            """,
        "even_kernel": stageFile("{stage: gaussian_blur, kernel: 14}"),
        "unknown_stream": """
            name: x
            streams: {names: [joint, bones]}
            branches:
              - name: q
                stages: [{stage: shear}]
            """,
        "branches_not_a_list": """
            name: x
            branches: {q: [shear]}
            """,
        "misspelled_top_level_key": """
            name: x
            branchs:
              - name: q
                stages: [{stage: shear}]
            """,
        "amplitude_not_a_number": stageFile("{stage: shear, r: big}"),
    ]

    /// A one-branch file whose only stage (line 6) is `stage`.
    static func stageFile(_ stage: String) -> String {
        """
        name: x
        description: broken on purpose
        branches:
          - name: q
            stages:
              - \(stage)
        """
    }
}
