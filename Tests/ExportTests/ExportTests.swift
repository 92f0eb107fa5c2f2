import Convert
import Foundation
import RawData
import Shards
import SkeletonCore
import TestSupport
import XCTest
@testable import Export

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let fixtures = repositoryRoot.appendingPathComponent("fixtures")

/// The Python with NumPy and OpenCV (Debian's, which the CI installs), else the one on PATH.
func numpyPython() -> String? {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : findPython()
}

final class ExportTests: XCTestCase {
    /// `hiclr export reference` on each fixture set, checked by scripts/golden_export.py: np.load (also
    /// mmap_mode='r') and pickle.load read every file; names, labels, shapes, dtypes and order are the
    /// reference's and every value is within 1e-5 of an independent NumPy run of the reference steps.
    func exportAndCheck(_ dataset: DatasetKind, raw: String, missing: String? = nil, shardSize: Int = 3,
                        tamper: Bool = false) throws {
        guard let python = numpyPython() else { return XCTFail("python3 with numpy not found") }
        let dir = try makeTemporaryDirectory(self, tag: "export")
        let shards = dir.appendingPathComponent("shards"), out = dir.appendingPathComponent("out")
        var options = ConvertOptions(dataset: dataset, raw: fixtures.appendingPathComponent(raw), out: shards,
                                     missing: missing.map { fixtures.appendingPathComponent($0) }, workers: 2,
                                     shardSize: shardSize)
        options.keepRaw = true
        _ = try Converter(options: options).run()
        let report = try ReferenceExporter(shards: shards, out: out).run()
        XCTAssertEqual(report.files.count, 5 * 2 * dataset.benchmarks.count)
        for file in report.files { XCTAssertTrue(FileManager.default.fileExists(atPath: file), file) }
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".partial") }
        XCTAssertEqual(leftovers, [])
        var args = [repositoryRoot.appendingPathComponent("scripts/golden_export.py").path, "--dataset", dataset.rawValue,
                    "--raw", fixtures.appendingPathComponent(raw).path, "--export", out.path]
        if let missing { args += ["--missing", fixtures.appendingPathComponent(missing).path] }
        let (status, output) = try runProcess(python, args)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("golden_export OK \(dataset.rawValue)"), output)
        if tamper {
            // The checker is not blind: one value off by 1e-4 in the last sample is caught.
            let url = out.appendingPathComponent("xsub/val_position.npy")
            var bytes = try Data(contentsOf: url)
            let at = bytes.count - 4 * 7
            var value = bytes.subdata(in: at..<(at + 4)).withUnsafeBytes { $0.loadUnaligned(as: Float.self) } + 1e-4
            withUnsafeBytes(of: &value) { bytes.replaceSubrange(at..<(at + 4), with: $0) }
            try bytes.write(to: url)
            let (bad, text) = try runProcess(python, args)
            XCTAssertNotEqual(bad, 0, text)
            XCTAssertTrue(text.contains("val_position.npy"), text)
        }
    }

    func testNTU60ReferenceExport() throws {
        try exportAndCheck(.ntu60, raw: "ntu60", missing: "ntu60/missing_skeletons.txt")
    }

    func testNTU120ReferenceExport() throws { try exportAndCheck(.ntu120, raw: "ntu120", tamper: true) }

    func testPKU1ReferenceExport() throws { try exportAndCheck(.pku1, raw: "pku1", shardSize: 4096) }

    func testPKU2ReferenceExport() throws { try exportAndCheck(.pku2, raw: "pku2") }

    /// Without raw frames in the shards the raw step is a clear error; `rawStep = false` writes the rest.
    func testShardsWithoutRawFrames() throws {
        let dir = try makeTemporaryDirectory(self, tag: "export")
        let shards = dir.appendingPathComponent("shards"), out = dir.appendingPathComponent("out")
        var options = ConvertOptions(dataset: .ntu120, raw: fixtures.appendingPathComponent("ntu120"), out: shards)
        options.keepRaw = false
        _ = try Converter(options: options).run()
        XCTAssertThrowsError(try ReferenceExporter(shards: shards, out: out).run()) { error in
            XCTAssertTrue("\(error)".contains("no raw frames"), "\(error)")
        }
        var exporter = ReferenceExporter(shards: shards, out: out)
        exporter.rawStep = false
        let report = try exporter.run()
        XCTAssertEqual(report.files.count, 3 * 4)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("xsub/train_data.npy").path))
    }

    /// Clean-mode shards are not the reference's data: a clear error naming the manifest's mode, no file written.
    func testCleanShardsAreRefused() throws {
        let dir = try makeTemporaryDirectory(self, tag: "export")
        let shards = dir.appendingPathComponent("shards"), out = dir.appendingPathComponent("out")
        _ = try Converter(options: ConvertOptions(dataset: .ntu120, raw: fixtures.appendingPathComponent("ntu120"),
                                                  out: shards, mode: .clean)).run()
        XCTAssertThrowsError(try ReferenceExporter(shards: shards, out: out).run()) { error in
            XCTAssertEqual((error as? InputError)?.field, "mode")
            XCTAssertTrue("\(error)".contains("manifest.json") && "\(error)".contains("'clean'"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// Headers are byte-identical to NumPy's (numpy/lib/format.py write_array_header_1_0) for several shapes.
    func testNpyHeaderMatchesNumPy() throws {
        guard let python = numpyPython() else { return XCTFail("python3 with numpy not found") }
        let cases: [(NpyWriter.DType, [Int])] = [(.float32, [7, 3, 300, 25, 2]), (.int64, [7, 1]), (.float32, [0, 3, 50, 25, 2]),
                                                 (.int64, [123456789]), (.float32, [40091, 3, 300, 25, 2])]
        for (dtype, shape) in cases {
            let script = """
            import io, sys, numpy as np
            b = io.BytesIO()
            np.lib.format.write_array_header_1_0(b, {'descr': sys.argv[1], 'fortran_order': False,
                                                     'shape': tuple(int(x) for x in sys.argv[2].split(','))})
            sys.stdout.write(b.getvalue().hex())
            """
            let (status, output) = try runProcess(python, ["-c", script, dtype.rawValue, shape.map(String.init).joined(separator: ",")])
            XCTAssertEqual(status, 0, output)
            let ours = NpyWriter.header(dtype: dtype, shape: shape).map { String(format: "%02x", $0) }.joined()
            XCTAssertEqual(ours, output, "\(shape)")
        }
    }

    /// A writer that is not finished leaves no file; too few or too many values are errors.
    func testNpyWriterErrors() throws {
        let dir = try makeTemporaryDirectory(self, tag: "npy")
        let url = dir.appendingPathComponent("a.npy")
        do {
            let w = try NpyWriter(url: url, dtype: .float32, shape: [2, 2])
            try w.write([1, 2, 3] as [Float])
            XCTAssertThrowsError(try w.write([4, 5] as [Float]))
            XCTAssertThrowsError(try w.finish())
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
        let w = try NpyWriter(url: url, dtype: .float32, shape: [2, 2])
        try w.write([1, 2, 3, 4] as [Float])
        try w.finish()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["a.npy"])
    }

    /// pickle.load gives back the tuple (list of str, list of int), big and non-ASCII values included.
    func testLabelPickleLoads() throws {
        guard let python = numpyPython() else { return XCTFail("python3 not found") }
        let dir = try makeTemporaryDirectory(self, tag: "pkl")
        let url = dir.appendingPathComponent("x_label.pkl")
        let names = ["S001C001P001R001A001.skeleton", "F002V001C017L003.skeleton", "é✓"]
        let labels = [0, 255, 70000]
        try LabelPickle.write(names: names, labels: labels, to: url)
        let script = """
        import pickle, sys, json
        v = pickle.load(open(sys.argv[1], 'rb'))
        assert type(v) is tuple and len(v) == 2 and type(v[0]) is list and type(v[1]) is list
        print(json.dumps([v[0], v[1]]))
        e = pickle.load(open(sys.argv[2], 'rb'))
        assert e == ([], []), e
        """
        let empty = dir.appendingPathComponent("empty.pkl")
        try LabelPickle.write(names: [], labels: [], to: empty)
        let (status, output) = try runProcess(python, ["-c", script, url.path, empty.path])
        XCTAssertEqual(status, 0, output)
        let decoded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Any]
        XCTAssertEqual(decoded?[0] as? [String], names)
        XCTAssertEqual(decoded?[1] as? [Int], labels)
    }

    func testReferenceNames() throws {
        XCTAssertEqual(try ReferenceExporter.referenceName(dataset: .ntu60, name: "S001C002P003R001A004", label: 3),
                       "S001C002P003R001A004.skeleton")
        XCTAssertEqual(try ReferenceExporter.referenceName(dataset: .pku1, name: "0002-M_013", label: 16),
                       "F002V002C017L013.skeleton")
        XCTAssertEqual(try ReferenceExporter.referenceName(dataset: .pku2, name: "A12N03-R_002", label: 40),
                       "A012N003V003C041L002.skeleton")
        XCTAssertThrowsError(try ReferenceExporter.referenceName(dataset: .pku1, name: "0002-X_001", label: 1))
    }
}
