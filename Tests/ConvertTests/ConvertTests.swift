@testable import Convert
import Foundation
import HDF5
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

    /// `--deflate-level`: recorded in the manifest and every shard's options; the default (0) stores the
    /// sample datasets with no filter, level 4 (the earlier default) with shuffle + deflate, and both hold the
    /// same samples.
    func testDeflateLevelIsRecordedAndDoesNotChangeTheSamples() throws {
        let plainDir = temporaryDirectory(), deflatedDir = temporaryDirectory()
        _ = try Converter(options: ntu60(plainDir)).run()
        var options = ntu60(deflatedDir)
        options.deflateLevel = 4
        _ = try Converter(options: options).run()
        let plain = try Manifest.load(from: plainDir), deflated = try Manifest.load(from: deflatedDir)
        XCTAssertEqual(plain.options["deflate_level"], "0")
        XCTAssertEqual(deflated.options["deflate_level"], "4")
        XCTAssertEqual(plain.shards.map(\.file), deflated.shards.map(\.file))
        XCTAssertGreaterThan(plain.shards.reduce(0) { $0 + $1.bytes }, deflated.shards.reduce(0) { $0 + $1.bytes })
        for (a, b) in zip(plain.shards, deflated.shards) {
            let x = try ShardReader(url: plainDir.appendingPathComponent(a.file))
            let y = try ShardReader(url: deflatedDir.appendingPathComponent(b.file))
            XCTAssertEqual(x.info.options["deflate_level"], "0")
            XCTAssertEqual(y.info.options["deflate_level"], "4")
            XCTAssertEqual(x.count, y.count)
            for i in 0..<x.count { XCTAssertEqual(try x.sample(i), try y.sample(i), "\(a.file) sample \(i)") }
            let file = try HDF5File(opening: plainDir.appendingPathComponent(a.file).path)
            XCTAssertEqual(try file.openDataset("joint").filters.map(\.id), [HDF5Filter.fletcher32ID])
            let old = try HDF5File(opening: deflatedDir.appendingPathComponent(b.file).path)
            XCTAssertEqual(try old.openDataset("joint").filters.map(\.id), [HDF5Filter.shuffleID, HDF5Filter.deflateID])
            XCTAssertEqual(try old.openDataset("joint").filters.last?.parameters, [4])
        }
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
        let part = try set.samples(benchmark: .xsub, part: .train)
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
        let part = try ShardSet(directory: out).samples(benchmark: .xsub, part: .train)
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
        // Sums over the fixtures of scripts/golden_pyskl_denoise.py's decisions (Tests/PreprocessTests/Golden).
        XCTAssertEqual(report.decisions["removed_spread_body"], 2)     // two fixture files carry furniture
        XCTAssertEqual(report.decisions["removed_short_body"], 1)      // the re-acquired body's first 2 frames
        XCTAssertEqual(report.decisions["skipped_empty_frames"], 6)    // 0-body frames of S002C001 and S003C002
        XCTAssertEqual(report.decisions["body_ids"], 32)
        XCTAssertEqual(try Manifest.load(from: out).mode, "clean")
        XCTAssertEqual(try Manifest.load(from: out).report["clean.removed_spread_body"], 2)
    }
}

/// Issue 13 defects 3, 4 and 10: `--overwrite` checks first, swaps in a complete conversion, deletes only what a
/// manifest lists, and cleans up after an interrupted run.
final class ConvertOverwriteTests: XCTestCase {
    let fm = FileManager.default

    func options(_ out: URL, raw: URL = fixtures.appendingPathComponent("ntu60"),
                 missing: URL? = fixtures.appendingPathComponent("ntu60/missing_skeletons.txt"),
                 overwrite: Bool = true) -> ConvertOptions {
        ConvertOptions(dataset: .ntu60, raw: raw, out: out, missing: missing, shardSize: 4, overwrite: overwrite)
    }

    /// A finished conversion in a fresh folder; returns the folder and its manifest.
    func converted() throws -> (URL, Manifest) {
        let out = temporaryDirectory().appendingPathComponent("shards")
        _ = try Converter(options: options(out, overwrite: false)).run()
        return (out, try Manifest.load(from: out))
    }

    func assertIntact(_ out: URL, _ manifest: Manifest, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try Manifest.load(from: out), manifest, file: file, line: line)
        XCTAssertEqual(try ShardSet(directory: out).verify(), [], file: file, line: line)
    }

    func testOverwriteChecksItsInputsBeforeTouchingTheEarlierConversion() throws {
        let (out, manifest) = try converted()
        // A typo in --raw, a missing --missing file, and a raw folder where every file is bad.
        XCTAssertThrowsError(try Converter(options: options(out, raw: URL(fileURLWithPath: "/nonexistent/ntu60"))).run())
        try assertIntact(out, manifest)
        XCTAssertThrowsError(try Converter(options: options(out, missing: URL(fileURLWithPath: "/nonexistent.txt"))).run())
        try assertIntact(out, manifest)
        let bad = temporaryDirectory()
        for name in try fm.contentsOfDirectory(atPath: fixtures.appendingPathComponent("bad/ntu").path) {
            try fm.copyItem(at: fixtures.appendingPathComponent("bad/ntu/" + name), to: bad.appendingPathComponent(name))
        }
        XCTAssertThrowsError(try Converter(options: options(out, raw: bad, missing: nil)).run()) {
            guard case ConvertError.nothingWritten = $0 else { return XCTFail("\($0)") }
        }
        try assertIntact(out, manifest)
        XCTAssertFalse(fm.fileExists(atPath: OutputFolder(out).staging.path), "the staging folder is removed")
    }

    func testOverwriteRefusesFilesItDidNotWriteAndNamesThem() throws {
        let (out, manifest) = try converted()
        for name in ["my_model.h5", "epoch_0002.h5"] {
            try Data("precious".utf8).write(to: out.appendingPathComponent(name))
        }
        XCTAssertThrowsError(try Converter(options: options(out)).run()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'epoch_0002.h5'") && text.contains("'my_model.h5'"), text)
        }
        for name in ["my_model.h5", "epoch_0002.h5"] {
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent(name)), Data("precious".utf8))
        }
        try assertIntact(out, manifest)
        // A folder holding only foreign files is refused too, overwrite or not.
        let foreign = temporaryDirectory()
        try Data("x".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        XCTAssertThrowsError(try Converter(options: options(foreign, overwrite: false)).run()) {
            XCTAssertTrue("\($0)".contains("'notes.txt'"), "\($0)")
        }
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: foreign.path), ["notes.txt"])
    }

    func testOverwriteReplacesExactlyTheListedFiles() throws {
        let (out, _) = try converted()
        var smaller = options(out)
        smaller.shardSize = 64                          // fewer shard files: the old extra ones must go
        _ = try Converter(options: smaller).run()
        let manifest = try Manifest.load(from: out)
        XCTAssertEqual(Set(try fm.contentsOfDirectory(atPath: out.path)),
                       Set(manifest.shards.map(\.file) + [Manifest.fileName]))
        XCTAssertEqual(try ShardSet(directory: out).verify(), [])
        let folder = OutputFolder(out)
        XCTAssertFalse(fm.fileExists(atPath: folder.staging.path))
        XCTAssertFalse(fm.fileExists(atPath: folder.retired.path))
    }

    func testStalePartialsOfAnInterruptedRunAreDeletedAndReported() throws {
        let (out, _) = try converted()
        let folder = OutputFolder(out)
        // What a run killed while writing leaves: a half-full staging folder, and (older versions) partials in out.
        try fm.createDirectory(at: folder.staging, withIntermediateDirectories: false)
        try Data(count: 1000).write(to: folder.staging.appendingPathComponent(".xsub_train_00003.h5.partial"))
        try Data(count: 1000).write(to: folder.staging.appendingPathComponent("xsub_train_00000.h5"))
        // Killed while the manifest was written: its temporary name is ours (not Foundation's random `.atomic` one).
        try Data(count: 10).write(to: folder.staging.appendingPathComponent(".manifest.json.partial"))
        try Data(count: 500).write(to: out.appendingPathComponent(".xview_val_00001.h5.partial"))
        let report = try Converter(options: options(out)).run()
        XCTAssertEqual(report.notes.count, 2, "\(report.notes)")
        XCTAssertTrue(report.notes.contains { $0.contains("deleted 3 file(s)") && $0.contains(".converting") },
                      "\(report.notes)")
        XCTAssertTrue(report.notes.contains { $0.contains("1 stale .partial") }, "\(report.notes)")
        XCTAssertFalse(try fm.contentsOfDirectory(atPath: out.path).contains { $0.hasSuffix(".partial") })
        XCTAssertFalse(fm.fileExists(atPath: folder.staging.path))
    }

    func testARunStoppedMidSwapIsRestoredAndARerunSaysWhatToDo() throws {
        let (out, manifest) = try converted()
        let folder = OutputFolder(out)
        // Killed between the two renames: the old conversion sits in .replaced, out is gone.
        try fm.moveItem(at: out, to: folder.retired)
        XCTAssertThrowsError(try Converter(options: options(out, overwrite: false)).run()) {
            XCTAssertTrue("\($0)".contains("--overwrite"), "\($0)")
        }
        try assertIntact(out, manifest)
        XCTAssertFalse(fm.fileExists(atPath: folder.retired.path))
        // Killed after the swap: the new conversion is in out, the old one's files still in .replaced.
        try fm.copyItem(at: out, to: folder.retired)
        let report = try Converter(options: options(out)).run()
        XCTAssertTrue(report.notes.contains { $0.contains("replaced conversion") }, "\(report.notes)")
        XCTAssertFalse(fm.fileExists(atPath: folder.retired.path))
        // Shards without a manifest (a conversion that never finished) need --overwrite.
        try fm.removeItem(at: out.appendingPathComponent(Manifest.fileName))
        XCTAssertThrowsError(try Converter(options: options(out, overwrite: false)).run()) {
            XCTAssertTrue("\($0)".contains("incomplete conversion, no manifest: rerun with --overwrite"), "\($0)")
        }
        XCTAssertEqual(try Converter(options: options(out)).run().samples, 23)
        try assertIntact(out, try Manifest.load(from: out))
    }

    func testCommitHookSeesTheSwapSteps() throws {
        let (out, _) = try converted()
        let converter = Converter(options: options(out))
        var steps: [String] = []
        converter.commitHook = { steps.append($0) }
        _ = try converter.run()
        XCTAssertEqual(steps, ["swap", "mid-swap", "retire"])
    }
}

/// Issue 13 defects 5, 6, 11 and 12: nothing is skipped silently, impossible coordinates are refused, and every
/// message names the path and the cause in words.
final class ConvertInputProblemTests: XCTestCase {
    let fm = FileManager.default
    let good = "S001C001P001R001A001.skeleton"

    /// A raw folder with one good NTU file.
    func rawFolder() throws -> URL {
        let raw = temporaryDirectory()
        try fm.copyItem(at: fixtures.appendingPathComponent("ntu60/nturgb+d_skeletons/" + good),
                        to: raw.appendingPathComponent(good))
        return raw
    }

    func testAHugeButFiniteCoordinateIsRejectedWithItsLine() throws {
        let raw = try rawFolder()
        let text = try String(contentsOf: raw.appendingPathComponent(good), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        var fields = lines[4].split(separator: " ").map(String.init)    // frame 1, body 1, joint 1 (line 5)
        fields[1] = "3.0e38"
        lines[4] = fields.joined(separator: " ")
        let bad = "S001C001P002R001A001.skeleton"
        try lines.joined(separator: "\n").write(to: raw.appendingPathComponent(bad), atomically: true, encoding: .utf8)
        let out = temporaryDirectory()
        let report = try Converter(options: ConvertOptions(dataset: .ntu60, raw: raw, out: out)).run()
        XCTAssertEqual(report.samples, 1)
        XCTAssertEqual(report.rejected.count, 1)
        XCTAssertTrue(report.rejected[0].contains("\(bad):5: y of joint 1 is 3e+38: larger in magnitude than 10000.0 m"),
                      report.rejected[0])
        XCTAssertEqual(try ShardSet(directory: out).verify(), [])
        // The bound is an option.
        XCTAssertNoThrow(try NTUSkeletonReader.read(raw.appendingPathComponent(bad), maxCoordinate: 1e39))
        XCTAssertThrowsError(try NTUSkeletonReader.read(raw.appendingPathComponent(good), maxCoordinate: 0.5))
    }

    func testEmptyLabelFilesAndNonFilesAreNamedAndStrictFailsOnThem() throws {
        // PKU-MMD: a 0-byte label file drops its video's samples: say so.
        let raw = temporaryDirectory()
        for sub in ["label", "skeleton", "split"] {
            try fm.copyItem(at: fixtures.appendingPathComponent("pku1/" + sub), to: raw.appendingPathComponent(sub))
        }
        let labels = try fm.contentsOfDirectory(atPath: raw.appendingPathComponent("label").path).sorted()
        try Data().write(to: raw.appendingPathComponent("label/" + labels[0]))
        let report = try Converter(options: ConvertOptions(dataset: .pku1, raw: raw, out: temporaryDirectory())).run()
        XCTAssertEqual(report.rejectedByReason["empty_label_file"], 1, "\(report.rejected)")
        XCTAssertTrue(report.rejected.contains { $0.contains(labels[0]) && $0.contains("lists no action") }, "\(report.rejected)")
        XCTAssertThrowsError(try Converter(options: ConvertOptions(dataset: .pku1, raw: raw, out: temporaryDirectory(),
                                                                   strict: true)).run())
        // NTU: a folder named X.skeleton and a FIFO are not regular files.
        let ntu = try rawFolder()
        try fm.createDirectory(at: ntu.appendingPathComponent("S001C001P002R001A001.skeleton"), withIntermediateDirectories: false)
        XCTAssertEqual(mkfifo(ntu.appendingPathComponent("S001C001P003R001A001.skeleton").path, 0o644), 0)
        let out = temporaryDirectory()
        let ntuReport = try Converter(options: ConvertOptions(dataset: .ntu60, raw: ntu, out: out)).run()
        XCTAssertEqual(ntuReport.samples, 1)
        XCTAssertTrue(ntuReport.rejected.contains { $0.contains("P002R001A001.skeleton: is a folder, not a file") },
                      "\(ntuReport.rejected)")
        XCTAssertTrue(ntuReport.rejected.contains { $0.contains("P003R001A001.skeleton: is not a regular file (a FIFO)") },
                      "\(ntuReport.rejected)")
        XCTAssertEqual(try Manifest.load(from: out).notConverted?.count, 2)
        XCTAssertFalse(ntuReport.rejected.joined().contains("NSCocoaErrorDomain"))
    }

    func testAnUnreadableSubfolderIsReported() throws {
        guard getuid() != 0 else { throw XCTSkip("root reads every folder") }
        let raw = try rawFolder()
        let locked = raw.appendingPathComponent("locked")
        try fm.createDirectory(at: locked, withIntermediateDirectories: false)
        try fm.copyItem(at: raw.appendingPathComponent(good), to: locked.appendingPathComponent("S001C001P002R001A001.skeleton"))
        chmod(locked.path, 0)
        defer { chmod(locked.path, 0o755) }
        let report = try Converter(options: ConvertOptions(dataset: .ntu60, raw: raw, out: temporaryDirectory())).run()
        XCTAssertTrue(report.rejected.contains { $0.contains("locked: folder cannot be read") }, "\(report.rejected)")
        XCTAssertThrowsError(try Converter(options: ConvertOptions(dataset: .ntu60, raw: raw, out: temporaryDirectory(),
                                                                   strict: true)).run())
    }

    func testEchoedFileNamesAreEscaped() throws {
        let raw = try rawFolder()
        let hostile = "S001C001P002R001A001\u{1B}[31m\nrejected: 0.skeleton"
        try Data("garbage".utf8).write(to: raw.appendingPathComponent(hostile))
        let report = try Converter(options: ConvertOptions(dataset: .ntu60, raw: raw, out: temporaryDirectory())).run()
        XCTAssertEqual(report.rejected.count, 1)
        XCTAssertFalse(report.rejected[0].contains("\n") || report.rejected[0].contains("\u{1B}"), report.rejected[0])
        XCTAssertTrue(report.rejected[0].contains("\\u{1B}[31m\\nrejected"), report.rejected[0])
    }
}
