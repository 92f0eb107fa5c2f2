import Foundation
import ShippedFiles
import TestSupport
import XCTest

/// The `hiclr` executable as a new user runs it: from a folder that is not the repository, with shipped pipelines
/// and configs named rather than given as paths (issue 9, items 8–10).
final class CLITests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The hiclr binary built next to this test bundle.
    var hiclr: String {
        // Linux: the test bundle is an executable in the products folder; macOS: a .xctest bundle inside it.
        let bundle = Bundle(for: CLITests.self).bundleURL
        let candidates = [bundle.appendingPathComponent("hiclr"), bundle.deletingLastPathComponent().appendingPathComponent("hiclr"),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hiclr")]
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]).path
    }

    func temporaryFolder() throws -> URL { try makeTemporaryDirectory(self, tag: "cli") }

    /// Runs hiclr in `folder`; returns (exit status, stdout + stderr).
    func run(_ arguments: [String], in folder: URL) throws -> (Int32, String) {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: hiclr), "no hiclr binary at \(hiclr)")
        return try runProcess(hiclr, arguments, in: folder)
    }

    /// Converts the NTU60 fixtures into `folder`/ntu60 (run from `folder`, raw files given by absolute path).
    func convertFixtures(in folder: URL) throws -> URL {
        let out = folder.appendingPathComponent("ntu60")
        let fixtures = Self.repository.appendingPathComponent("fixtures/ntu60")
        let (status, output) = try run(["convert", "ntu60", "--raw", fixtures.path, "--missing",
                                        fixtures.appendingPathComponent("missing_skeletons.txt").path,
                                        "--out", out.path], in: folder)
        XCTAssertEqual(status, 0, output)
        return out
    }

    /// Item 8: without --samples, dump shows the samples the part has (here fewer than 16).
    func testDumpWithoutSamplesTakesWhatThePartHas() throws {
        let folder = try temporaryFolder()
        let shards = try convertFixtures(in: folder)
        let pipeline = Self.repository.appendingPathComponent("pipelines/hiclr.yaml").path
        let (status, output) = try run(["dump", "--shards", shards.path, "--pipeline", pipeline, "--seed", "3",
                                        "--benchmark", "xview", "--part", "val", "--out", "dump"], in: folder)
        XCTAssertEqual(status, 0, output)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: shards.appendingPathComponent("manifest.json"))) as? [String: Any]
        let parts = try XCTUnwrap(manifest?["parts"] as? [[String: Any]])
        let count = try XCTUnwrap(parts.first { $0["benchmark"] as? String == "xview" && $0["part"] as? String == "val" }?["count"] as? Int)
        XCTAssertLessThan(count, 16, "the fixture part must be smaller than the old default range 0-15")
        XCTAssertTrue(output.contains("dump: \(count) samples"), output)
        // An explicit range outside the part is still an error that names the range.
        let (bad, message) = try run(["dump", "--shards", shards.path, "--pipeline", pipeline, "--seed", "3",
                                      "--benchmark", "xview", "--part", "val", "--samples", "0-40", "--out", "dump2"], in: folder)
        XCTAssertNotEqual(bad, 0)
        XCTAssertTrue(message.contains("outside 0..<\(count)"), message)
    }

    /// Issue 12 item 4: --benchmark and --part are parsed as typed names; another value is refused before the
    /// command runs (no shard directory is opened), with the valid values listed.
    func testBenchmarkAndPartValuesAreCheckedWhenParsed() throws {
        let folder = try temporaryFolder()
        let cases: [([String], String)] = [
            (["stream", "--shards", "none", "--pipeline", "t0", "--benchmark", "xsubb"],
             "The value 'xsubb' is invalid for '--benchmark <benchmark>'. Please provide one of 'xsub', 'xview' or 'xset'."),
            (["stream", "--shards", "none", "--pipeline", "t0", "--part", "test"],
             "The value 'test' is invalid for '--part <part>'. Please provide one of 'train' and 'val'."),
            (["eval", "knn", "--random", "--shards", "none", "--test-part", "validation"],
             "The value 'validation' is invalid for '--test-part <test-part>'. Please provide one of 'train' and 'val'."),
            (["convert", "ntu61", "--raw", "none", "--out", "none"],
             "The value 'ntu61' is invalid for '<dataset>'. Please provide one of 'ntu60', 'ntu120', 'pku1' or 'pku2'."),
            (["convert", "ntu60", "--raw", "none", "--out", "none", "--deflate-level", "10"],
             "--deflate-level must be in 0...9 (0: no compression, checksum only)"),
            (["bench", "convert", "--frames=-1"], "--frames must be 0 (files as they are) or more"),
        ]
        for (arguments, message) in cases {
            let (status, output) = try run(arguments, in: folder)
            XCTAssertEqual(status, 64, output)   // EX_USAGE: a parse error, before anything runs
            XCTAssertTrue(output.contains(message), output)
        }
    }

    /// Item 9: shipped pipelines by name, from a folder that has no pipelines/ of its own; `bench stream` defaults
    /// to the shipped hiclr pipeline.
    func testShippedPipelinesByNameFromAnyFolder() throws {
        let folder = try temporaryFolder()
        let shards = try convertFixtures(in: folder)
        let (status, output) = try run(["stream", "--shards", shards.path, "--pipeline", "t0", "--batch", "4",
                                        "--workers", "1", "--epochs", "1"], in: folder)
        XCTAssertEqual(status, 0, output)
        let (benchStatus, bench) = try run(["bench", "stream", "--shards", shards.path, "--samples", "64", "--batch", "16",
                                            "--workers", "1", "--batches", "1"], in: folder)
        XCTAssertEqual(benchStatus, 0, bench)
        XCTAssertTrue(bench.contains("4 views (q,k,q1,q2)"), bench)
        let (unknown, message) = try run(["stream", "--shards", shards.path, "--pipeline", "hiclrr"], in: folder)
        XCTAssertNotEqual(unknown, 0)
        XCTAssertTrue(message.contains("hiclrr") && message.contains("hiclr, "), message)
    }

    /// Items 9 and 10: a shipped config by name, with --shards and --out replacing its `shards` and `output`.
    func testTrainWithAShippedConfigAndOverrides() throws {
        let folder = try temporaryFolder()
        let shards = try convertFixtures(in: folder)
        let runFolder = folder.appendingPathComponent("my run")
        let (status, output) = try run(["train", "--config", "fixtures_tiny", "--shards", shards.path,
                                        "--out", runFolder.path, "--epochs", "1", "--pool-gib", "0"], in: folder)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: runFolder.appendingPathComponent("epoch_0001.h5").path), output)
        let saved = try String(contentsOf: runFolder.appendingPathComponent("config.yaml"), encoding: .utf8)
        XCTAssertTrue(saved.contains("output: \"\(runFolder.path)\""), saved)
        XCTAssertTrue(saved.contains("shards: \"\(shards.path)\""), saved)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("demo-out").path),
                       "the config's own output and shards must not be used")
    }
}

/// The bundled files are the repository's pipelines/ and configs/ (one copy, linked into the resource targets).
final class ShippedFilesTests: XCTestCase {
    func repositoryFiles(_ folder: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: CLITests.repository.appendingPathComponent(folder),
                                                    includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testEveryShippedFileIsBundledUnchanged() throws {
        for kind in ShippedFiles.Kind.allCases {
            let files = try repositoryFiles(kind.folder)
            XCTAssertGreaterThan(files.count, 5)
            XCTAssertEqual(ShippedFiles.names(kind), files.map { $0.deletingPathExtension().lastPathComponent })
            for file in files {
                let name = file.deletingPathExtension().lastPathComponent
                let bundled = try XCTUnwrap(ShippedFiles.url(kind, named: name))
                XCTAssertEqual(try Data(contentsOf: bundled), try Data(contentsOf: file), "\(kind.folder)/\(name)")
            }
        }
    }

    func testResolutionOrder() throws {
        let hiclr = try XCTUnwrap(ShippedFiles.url(.pipeline, named: "hiclr"))
        for reference in ["hiclr", "hiclr.yaml", "./hiclr.yaml"] {
            XCTAssertEqual(try ShippedFiles.resolve(.pipeline, reference), hiclr, reference)
        }
        // The repository path as the shipped configs write it: a path that exists wins (here, from the repository
        // root, or the working directory of the test run), otherwise the shipped file of that name.
        let fromPath = try ShippedFiles.resolve(.pipeline, "pipelines/hiclr.yaml")
        XCTAssertEqual(try Data(contentsOf: fromPath), try Data(contentsOf: hiclr))
        XCTAssertNil(ShippedFiles.url(.pipeline, named: "ntu60_xsub_joint"), "configs are not pipelines")
        XCTAssertNotNil(ShippedFiles.url(.config, named: "ntu60_xsub_joint"))
        // An existing file wins over a shipped name.
        let own = FileManager.default.temporaryDirectory.appendingPathComponent("own-\(UUID().uuidString).yaml")
        try "name: own\n".write(to: own, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: own) }
        XCTAssertEqual(try ShippedFiles.resolve(.pipeline, own.path).path, own.path)
        XCTAssertThrowsError(try ShippedFiles.resolve(.pipeline, "other/hiclr.yaml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("other/hiclr.yaml: no such pipeline file"), "\(error)")
            XCTAssertTrue("\(error)".contains("third_adain"), "\(error)")
        }
    }
}
