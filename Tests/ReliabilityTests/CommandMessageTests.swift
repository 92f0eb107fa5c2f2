import Foundation
import Shards
import TestSupport
import XCTest

/// Issue 13 defects 11 and 12 as a user sees them: the built `hiclr`, its exit status and its words.
final class CommandMessageTests: XCTestCase {
    func hiclr(_ arguments: [String]) throws -> (Int32, String) {
        try runProcess(try hiclrExecutable(), arguments)
    }

    func convertFixtures(_ out: URL, extra: [String] = []) throws -> (Int32, String) {
        try hiclr(["convert", "ntu60", "--raw", FuzzTests.fixtures.appendingPathComponent("ntu60").path,
                   "--out", out.path, "--workers", "1"] + extra)
    }

    func testReportFailingAfterASuccessfulConversionIsAWarning() throws {
        let root = try makeTemporaryDirectory(self, tag: "messages")
        let (status, output) = try convertFixtures(root.appendingPathComponent("out"),
                                                   extra: ["--report", root.appendingPathComponent("missing/r.json").path])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("warning: \(root.path)/missing/r.json: cannot write the report (no such file or folder)"),
                      output)
        XCTAssertFalse(output.contains("NSCocoaErrorDomain"), output)
    }

    func testUnreadableConfigsAndFoldersAreNamedWithTheirCause() throws {
        let root = try makeTemporaryDirectory(self, tag: "messages")
        let latin1 = root.appendingPathComponent("latin1.yaml")
        try Data("name: caf\u{E9}\n".data(using: .isoLatin1)!).write(to: latin1)
        var (status, output) = try hiclr(["train", "--config", latin1.path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(output.contains("\(latin1.path):1: the training config file is not UTF-8 text (byte 9)"), output)
        (status, output) = try hiclr(["train", "--config", root.path])
        XCTAssertTrue(output.contains("\(root.path): cannot read config file: is a folder, not a file"), output)
        let shards = root.appendingPathComponent("shards")
        XCTAssertEqual(try convertFixtures(shards).0, 0)
        (status, output) = try hiclr(["dump", "--shards", shards.path, "--pipeline", latin1.path, "--seed", "1",
                                      "--out", root.appendingPathComponent("dump").path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(output.contains("the pipeline file is not UTF-8 text"), output)
        XCTAssertFalse(output.contains("NSCocoaErrorDomain"), output)
    }

    func testStreamOnAPartSmallerThanABatchSaysWhy() throws {
        let root = try makeTemporaryDirectory(self, tag: "messages")
        let shards = root.appendingPathComponent("shards")
        XCTAssertEqual(try convertFixtures(shards).0, 0)
        let (status, output) = try hiclr(["stream", "--shards", shards.path, "--benchmark", "xsub", "--part", "val",
                                          "--pipeline", FuzzTests.repository.appendingPathComponent("pipelines/hiclr.yaml").path,
                                          "--batch", "64", "--workers", "1"])
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains("xsub/val has 10 sample(s): not one batch of 64"), output)
    }

    func testSymlinkedRawFilesCountTheirBytes() throws {
        let root = try makeTemporaryDirectory(self, tag: "messages")
        let raw = root.appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: true)
        let source = FuzzTests.fixtures.appendingPathComponent("ntu60/nturgb+d_skeletons")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.createSymbolicLink(at: raw.appendingPathComponent(name),
                                                       withDestinationURL: source.appendingPathComponent(name))
        }
        let report = root.appendingPathComponent("report.json")
        let (status, output) = try hiclr(["convert", "ntu60", "--raw", raw.path, "--out", root.appendingPathComponent("out").path,
                                          "--report", report.path])
        XCTAssertEqual(status, 0, output)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        XCTAssertGreaterThan(json?["bytesRead"] as? Int ?? 0, 1_000_000, "the fixtures are 1.3 MB")
    }
}
