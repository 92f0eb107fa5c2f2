import Foundation
import Train
import TestSupport
import XCTest

/// Every shipped training config is valid for schemas/train.schema.json (Python's jsonschema, run through
/// scripts/validate_schema.py) and for the Swift decoder; broken configs are rejected by both.
final class ConfigSchemaTests: XCTestCase {
    func schemaErrors(_ files: [URL]) throws -> [String: [String]] {
        let (status, output) = try runProcess("/usr/bin/env", [
            "python3", repository.appendingPathComponent("scripts/validate_schema.py").path,
            repository.appendingPathComponent("schemas/train.schema.json").path] + files.map(\.path))
        guard status == 0,
              let result = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String]] else {
            XCTFail("schema validation did not run (status \(status)): \(output) — pip install jsonschema pyyaml")
            return [:]
        }
        return result
    }

    func testShippedConfigsAreValid() throws {
        let configs = try FileManager.default.contentsOfDirectory(at: repository.appendingPathComponent("configs"),
                                                                  includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
        XCTAssertGreaterThanOrEqual(configs.count, 16)
        for (file, errors) in try schemaErrors(configs) { XCTAssertEqual(errors, [], file) }
        for url in configs { XCTAssertNoThrow(try TrainConfig.load(path: url.path), url.lastPathComponent) }
    }

    func testBrokenConfigsAreRejectedByBoth() throws {
        let good = try String(contentsOf: repository.appendingPathComponent("configs/fixtures_tiny.yaml"), encoding: .utf8)
        let broken: [(String, String)] = [
            ("stream: joint", "stream: skeleton"),
            ("  lr: 0.05", "  lr: -1"),
            ("  epochs: 5", "  epochz: 5"),
            ("name: hiclr-fixtures-tiny\n", ""),
            ("benchmark: xview", "benchmark: bench"),
            ("part: train", "part: test"),
        ]
        var urls: [URL] = []
        for (i, (from, to)) in broken.enumerated() {
            XCTAssertTrue(good.contains(from), from)
            let url = temporaryDirectory("config").appendingPathComponent("broken\(i).yaml")
            try good.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
            urls.append(url)
            XCTAssertThrowsError(try TrainConfig.load(path: url.path), "\(to)") { e in
                XCTAssertTrue("\(e)".contains(url.path), "\(e)")
            }
        }
        for (file, errors) in try schemaErrors(urls) { XCTAssertFalse(errors.isEmpty, file) }
    }

    /// An unknown benchmark or part is refused at its field, listing the valid values.
    func testUnknownBenchmarkOrPartListsTheValidValues() throws {
        let good = try String(contentsOf: repository.appendingPathComponent("configs/fixtures_tiny.yaml"), encoding: .utf8)
        for (from, to, expected) in [("benchmark: xview", "benchmark: xsubb", "\"xsubb\" is not a benchmark (xsub, xview or xset)"),
                                     ("part: train", "part: test", "\"test\" is not a part (train or val)")] {
            let url = temporaryDirectory("config").appendingPathComponent("names.yaml")
            try good.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try TrainConfig.load(path: url.path), to) { e in
                XCTAssertTrue("\(e)".contains(url.path) && "\(e)".contains(expected), "\(e)")
            }
        }
        let config = try TrainConfig.load(path: repository.appendingPathComponent("configs/fixtures_tiny.yaml").path)
        XCTAssertEqual(config.benchmark, .xview)
        XCTAssertEqual(config.part, .train)
    }
}
