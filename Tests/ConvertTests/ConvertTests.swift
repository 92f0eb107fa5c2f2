import Convert
import Foundation
import Preprocess
import RawData
import Shards
import XCTest

/// The repository's fixtures/ folder.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures")

func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("convert-" + UUID().uuidString)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

final class ConvertTests: XCTestCase {
    func ntu60(_ out: URL, workers: Int = 1, mode: PreprocessMode = .reference, strict: Bool = false) -> ConvertOptions {
        ConvertOptions(dataset: .ntu60, raw: fixtures.appendingPathComponent("ntu60"), out: out, mode: mode,
                       missing: fixtures.appendingPathComponent("ntu60/missing_skeletons.txt"), workers: workers,
                       shardSize: 4, strict: strict)
    }

    func testWorkerCountDoesNotChangeAByte() throws {
        let one = try Converter(options: ntu60(temporaryDirectory(), workers: 1)).run()
        let dirA = temporaryDirectory(), dirB = temporaryDirectory()
        _ = try Converter(options: ntu60(dirA, workers: 1)).run()
        _ = try Converter(options: ntu60(dirB, workers: 2)).run()
        let ma = try Manifest.load(from: dirA), mb = try Manifest.load(from: dirB)
        XCTAssertEqual(ma.shards, mb.shards)               // file names, counts, sha256, histograms
        XCTAssertGreaterThan(ma.shards.count, 4)           // shard size 4 → several files per part
        XCTAssertEqual(one.samples, 23)
    }

    func testCountsSplitsAndMissingList() throws {
        let out = temporaryDirectory()
        let report = try Converter(options: ntu60(out)).run()
        XCTAssertEqual(report.filesRead, 23)
        XCTAssertEqual(report.skippedMissing, 1)
        XCTAssertEqual(report.rejected, [])
        // fixtures/README.md: xsub 13 train / 10 test and xview 15 / 8 after skipping the missing sample.
        XCTAssertEqual(report.written, ["xsub/train": 13, "xsub/val": 10, "xview/train": 15, "xview/val": 8])
        let set = try ShardSet(directory: out)
        XCTAssertEqual(try set.verify(), [])
        let part = try set.samples(benchmark: "xsub", part: "train")
        let index = try XCTUnwrap(part.names.firstIndex(of: "S001C001P001R001A001"))
        XCTAssertEqual(part.labels[index], 0)
        XCTAssertEqual(part.lengths[index], 20)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("xsub_train_00000.h5.partial").path))
    }

    func testBadFilesAreReportedWithTheirLineAndTheRestGoesOn() throws {
        // A raw folder with one good file and every broken NTU fixture.
        let raw = temporaryDirectory()
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: fixtures.appendingPathComponent("bad/ntu").path) {
            try fm.copyItem(at: fixtures.appendingPathComponent("bad/ntu/" + name), to: raw.appendingPathComponent(name))
        }
        let good = "S001C001P001R001A001.skeleton"
        try fm.copyItem(at: fixtures.appendingPathComponent("ntu60/nturgb+d_skeletons/" + good),
                        to: raw.appendingPathComponent(good))
        let out = temporaryDirectory()
        let options = ConvertOptions(dataset: .ntu60, raw: raw, out: out)
        let report = try Converter(options: options).run()
        XCTAssertEqual(report.samples, 1)
        XCTAssertEqual(report.rejected.count, 6)
        let expected = ["A002.skeleton:70: file ends early", "A003.skeleton:33: y of joint 1 \"0.1x34\" is not a number",
                        "A004.skeleton:4: joint count is 24", "A005.skeleton:45: z of joint 13 is NaN",
                        "A006.skeleton: file is empty", "A007.skeleton:1: frame count -3"]
        for (line, fragment) in zip(report.rejected.sorted(), expected) {
            XCTAssertTrue(line.contains(fragment), "\(line) lacks \(fragment)")
        }
        // --strict stops and leaves no shard and no manifest behind.
        let strictOut = temporaryDirectory()
        var strict = options
        strict.out = strictOut
        strict.strict = true
        XCTAssertThrowsError(try Converter(options: strict).run()) { XCTAssertTrue("\($0)".contains("--strict"), "\($0)") }
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: strictOut.path), [])
    }

    func testRefusesToMixWithAnEarlierConversion() throws {
        let out = temporaryDirectory()
        _ = try Converter(options: ntu60(out)).run()
        XCTAssertThrowsError(try Converter(options: ntu60(out)).run()) { XCTAssertTrue("\($0)".contains("--overwrite")) }
        var again = ntu60(out)
        again.overwrite = true
        XCTAssertEqual(try Converter(options: again).run().samples, 23)
    }

    func testPKUSamplesPerLabelLineAndBadLabels() throws {
        let out = temporaryDirectory()
        let report = try Converter(options: ConvertOptions(dataset: .pku1, raw: fixtures.appendingPathComponent("pku1"),
                                                           out: out)).run()
        XCTAssertEqual(report.samples, 14)
        XCTAssertEqual(report.rejected, [])
        let part = try ShardSet(directory: out).samples(benchmark: "xsub", part: "train")
        XCTAssertTrue(part.names.allSatisfy { $0.range(of: #"^\d{4}-[LMR]_\d{3}$"#, options: .regularExpression) != nil },
                      "\(part.names)")
        let splits = temporaryDirectory()
        for name in ["cross-subject.txt", "cross-view.txt"] {
            try "train\n0005-L\ntest\n0006-L\n".write(to: splits.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let bad = Converter(options: ConvertOptions(dataset: .pku1, raw: fixtures.appendingPathComponent("bad/pku"),
                                                    out: temporaryDirectory(), splits: splits))
        XCTAssertThrowsError(try bad.run()) { error in
            guard case ConvertError.nothingWritten(let r) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(r.rejected.contains { $0.contains("0005-L.txt:3") }, "\(r.rejected)")
        }
    }

    func testCleanModeCountsItsDecisions() throws {
        let out = temporaryDirectory()
        let report = try Converter(options: ntu60(out, mode: .clean)).run()
        XCTAssertEqual(report.samples, 23)
        XCTAssertEqual(report.decisions["removed_spread_body"], 2)     // two fixture files carry furniture
        XCTAssertGreaterThan(report.decisions["trimmed_empty_frames"] ?? 0, 0)
        XCTAssertEqual(try Manifest.load(from: out).mode, "clean")
    }
}
