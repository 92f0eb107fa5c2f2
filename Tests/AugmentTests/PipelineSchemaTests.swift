import Foundation
import TestSupport
import XCTest
@testable import Augment

/// schemas/pipeline.schema.json, checked with Python's jsonschema (PyYAML reads the YAML): every shipped pipeline
/// is valid, every broken file is invalid — for the schema and for the Swift loader alike.
final class PipelineSchemaTests: XCTestCase {
    /// Validates each file with the schema; returns file path → list of "field/path: message" errors.
    private func validate(_ files: [URL]) throws -> [String: [String]] {
        let schema = AugmentFixtures.repositoryRoot.appendingPathComponent("schemas/pipeline.schema.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", AugmentFixtures.repositoryRoot.appendingPathComponent("scripts/validate_schema.py").path,
                             schema.path] + files.map(\.path)
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw XCTSkipFailure("cannot run python3 (\(error)); install python3 with `pip install jsonschema pyyaml`")
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        if process.terminationStatus == 3 || text.hasPrefix("MISSING") {
            throw XCTSkipFailure("python3 lacks a module (\(text.trimmingCharacters(in: .whitespacesAndNewlines))); "
                                 + "run `pip install jsonschema pyyaml` (CI installs them)")
        }
        if process.terminationStatus == 127 {
            throw XCTSkipFailure("python3 not found; install python3 with `pip install jsonschema pyyaml`")
        }
        guard process.terminationStatus == 0,
              let result = try JSONSerialization.jsonObject(with: output) as? [String: [String]] else {
            throw XCTSkipFailure("schema check failed to run (status \(process.terminationStatus)): \(errors)")
        }
        return result
    }

    /// An error that fails the test with a clear message (not a skip: CI must have the tools).
    private struct XCTSkipFailure: Error, CustomStringConvertible {
        let description: String
        init(_ message: String) { description = message }
    }

    func testShippedPipelinesValidateAgainstTheSchema() throws {
        let files = try AugmentFixtures.shippedPipelines()
        XCTAssertGreaterThanOrEqual(files.count, 10)
        let results = try validate(files)
        XCTAssertEqual(results.count, files.count)
        for (file, errors) in results {
            XCTAssertEqual(errors, [], "\(file) does not match schemas/pipeline.schema.json")
        }
    }

    func testBrokenFilesAreRejectedByBothTheSchemaAndTheLoader() throws {
        let directory = try makeTemporaryDirectory(self, tag: "augment-broken")
        var files: [URL] = []
        for (name, yaml) in BrokenPipelines.all.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent("\(name).yaml")
            try yaml.write(to: url, atomically: true, encoding: .utf8)
            files.append(url)
            XCTAssertThrowsError(try PipelineLoader.load(url), name)
        }
        let results = try validate(files)
        for file in files {
            let errors = results[file.path] ?? []
            XCTAssertFalse(errors.isEmpty, "\(file.lastPathComponent) passes the schema but must not")
        }
        // The schema points at the same field as the loader for the misspelled stage.
        let misspelled = results[directory.appendingPathComponent("misspelled_stage.yaml").path] ?? []
        XCTAssert(misspelled.contains { $0.hasPrefix("branches/2/stages/1/stage: 'rotaton' is not one of") }, "\(misspelled)")
    }
}
