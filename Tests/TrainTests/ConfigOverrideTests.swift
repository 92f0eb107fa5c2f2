import Foundation
import Train
import XCTest

/// `hiclr train --out DIR --shards DIR`: one config serves many runs. The overrides are applied to the config text,
/// so the run folder's config.yaml and the checkpoints record what actually ran.
final class ConfigOverrideTests: XCTestCase {
    func testOutAndShardsReplaceTheConfigsValues() throws {
        let url = repository.appendingPathComponent("configs/fixtures_tiny.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let original = try TrainConfig.parse(text, file: url.path)
        let changed = TrainConfig.overriding(text, [("output", "/tmp/runs/a b #1"), ("shards", "elsewhere/ntu60: \"x\"")])
        let parsed = try TrainConfig.parse(changed, file: url.path)
        XCTAssertEqual(parsed.output, "/tmp/runs/a b #1")
        XCTAssertEqual(parsed.shards, "elsewhere/ntu60: \"x\"")
        var expected = original
        expected.output = parsed.output
        expected.shards = parsed.shards
        XCTAssertEqual(parsed, expected, "nothing else changes")
        XCTAssertEqual(changed.components(separatedBy: "\n").filter { $0.hasPrefix("output:") }.count, 1)
        XCTAssertEqual(TrainConfig.overriding(text, []), text)
    }

    func testAKeyTheConfigDoesNotHaveIsAppended() throws {
        let text = "name: x\nshards: s\npipeline: hiclr\nseed: 1\n"
        let changed = TrainConfig.overriding(text, [("output", "runs/one")])
        XCTAssertTrue(changed.hasSuffix("output: \"runs/one\"  # set on the command line\n"), changed)
        XCTAssertEqual(try TrainConfig.parse(changed, file: "x.yaml").output, "runs/one")
        // A nested key of the same name is not a top-level key.
        let nested = "name: x\nmodel:\n  output: 3\nshards: s\n"
        XCTAssertTrue(TrainConfig.overriding(nested, [("output", "o")]).contains("  output: 3\n"))
    }
}
