import Convert
import Foundation
import HDF5
import Preprocess
import PYSKL
import RawData
import Shards
import SkeletonCore
import TestSupport
import XCTest

/// The unpacked PYSKL file (docs/pyskl.md, "The unpacked file") as `hiclr convert pyskl` reads it, and the
/// converter run on it.
final class PYSKLUnpackedTests: XCTestCase {
    struct Annotation {
        var name: String
        var label: Int
        /// keypoint (M, T, 25, 3) flattened.
        var bodies: Int
        var frames: Int
        var xsub: Int
        var xview: Int
        func value(_ m: Int, _ t: Int, _ v: Int, _ c: Int) -> Float {
            // Distinct per (sample, body, frame, joint, xyz), never zero, y spread > x spread. Body 1 is twice
            // body 0's size around joint 21 and moves twice as fast, so it has more motion energy.
            Float(label + 1) * 0.01 + Float(m) * 0.5 + Float(t) * 0.003 * Float(m + 1)
                + Float(v - 20) * (c == 1 ? 0.07 : 0.002) * Float(m + 1) + Float(c) * 0.1 + 1
        }
    }

    static let annotations = [
        Annotation(name: "S002C001P003R001A008", label: 7, bodies: 2, frames: 12, xsub: 1, xview: 1),
        Annotation(name: "S001C002P001R001A001", label: 0, bodies: 1, frames: 9, xsub: 0, xview: 0),
        Annotation(name: "S001C003P002R002A050", label: 49, bodies: 2, frames: 70, xsub: 0, xview: 0),
    ]

    /// Writes an unpacked file as python/hiclr/pyskl.py `unpack` does; `edit` may break it.
    func writeUnpacked(_ url: URL, _ list: [Annotation] = annotations,
                       edit: (HDF5File) throws -> Void = { _ in }) throws {
        let file = try HDF5File(creating: url.path)
        try file.setAttribute("format", .string("hiclr-pyskl-unpacked"))
        try file.setAttribute("format_version", .int64(1))
        try file.setAttribute("dataset", .string("ntu60"))
        try file.setAttribute("source", .string("/data/ntu60_3danno.pkl"))
        try file.setAttribute("source_sha256", .string(String(repeating: "ab", count: 32)))
        try file.createDataset("name", type: .string, shape: [list.count]).write(strings: list.map(\.name))
        for (key, values) in [("label", list.map(\.label)), ("frames", list.map(\.frames)), ("bodies", list.map(\.bodies)),
                              ("part_xsub", list.map(\.xsub)), ("part_xview", list.map(\.xview))] {
            try file.createDataset(key, type: .int64, shape: [list.count]).write(values.map { Int64($0) })
        }
        var raw: [Float] = []
        for a in list {
            for t in 0..<a.frames {
                for c in 0..<3 { for v in 0..<25 { for m in 0..<2 { raw.append(m < a.bodies ? a.value(m, t, v, c) : 0) } } }
            }
        }
        let total = list.reduce(0) { $0 + $1.frames }
        try file.createDataset("raw", type: .float32, shape: [total, 3, 25, 2]).write(raw)
        try edit(file)
        try file.close()
    }

    func testSequencesKeepBodySlotsAndScanSortsByName() throws {
        let dir = try makeTemporaryDirectory(self, tag: "pyskl")
        let url = dir.appendingPathComponent("u.h5")
        try writeUnpacked(url)
        let input = try PYSKLUnpacked(url: url)
        XCTAssertEqual(input.dataset, .ntu60)
        XCTAssertEqual(input.createdBy, "hiclr convert pyskl")
        XCTAssertEqual(input.source, "/data/ntu60_3danno.pkl")
        for (i, a) in Self.annotations.enumerated() {
            let seq = try input.sequence(i)
            XCTAssertEqual(seq.frameCount, a.frames)
            XCTAssertEqual(seq.bodyCount, a.frames * a.bodies)
            for t in [0, a.frames - 1] {
                let bodies = Array(seq.bodies(inFrame: t))
                XCTAssertEqual(bodies.count, a.bodies)
                for (m, b) in bodies.enumerated() {
                    XCTAssertEqual(seq.bodyIDs[b], UInt64(m))
                    for (v, c) in [(0, 0), (20, 1), (24, 2)] {
                        XCTAssertEqual(seq.position(body: b, joint: v, coordinate: c), a.value(m, t, v, c))
                    }
                }
            }
        }
        let scan = try input.scan()
        XCTAssertEqual(scan.items.map(\.name), Self.annotations.map(\.name).sorted())
        XCTAssertEqual(scan.items.map { $0.parts[.xsub] }, [.train, .train, .val])
        XCTAssertEqual(scan.items.map { $0.parts[.xview] }, [.train, .train, .val])
        let loaded = try input.load(scan.items)
        guard case .sequence(let name, let label, let seq?) = loaded[2].source else { return XCTFail("not loaded") }
        XCTAssertEqual(name, "S002C001P003R001A008")
        XCTAssertEqual(label, 7)
        XCTAssertEqual(seq.frameCount, 12)
    }

    func testDamagedFilesNameTheField() throws {
        let dir = try makeTemporaryDirectory(self, tag: "pyskl")
        let cases: [(String, (HDF5File) throws -> Void)] = [
            ("format", { try $0.setAttribute("format", .string("something-else")) }),
            ("format_version", { try $0.setAttribute("format_version", .int64(2)) }),
            ("dataset", { try $0.setAttribute("dataset", .string("pku1")) }),
        ]
        for (field, edit) in cases {
            let url = dir.appendingPathComponent("\(field).h5")
            try writeUnpacked(url, edit: edit)
            XCTAssertThrowsError(try PYSKLUnpacked(url: url), field) { error in
                XCTAssertTrue("\(error)".contains(url.path), "\(error)")
                XCTAssertTrue("\(error)".contains(field), "\(error)")
            }
        }
        var bad = Self.annotations
        bad[1].bodies = 3
        let url = dir.appendingPathComponent("bodies.h5")
        try writeUnpacked(url, bad.map { var a = $0; a.bodies = min(a.bodies, 2); return a }) { file in
            try file.openDataset("bodies").write([2, 3, 2] as [Int64])
        }
        XCTAssertThrowsError(try PYSKLUnpacked(url: url)) { XCTAssertTrue("\($0)".contains("bodies[1]"), "\($0)") }
        let part = dir.appendingPathComponent("part.h5")
        try writeUnpacked(part) { try $0.openDataset("part_xview").write([0, -1, 1] as [Int64]) }
        XCTAssertThrowsError(try PYSKLUnpacked(url: part)) { XCTAssertTrue("\($0)".contains("part_xview[1]"), "\($0)") }
    }

    /// The converter on an unpacked file: PYSKL's parts, the source recorded, and bodies kept in slot order in
    /// both modes (slot 0 here moves less than slot 1, so clean mode's own body choice would swap them).
    func testConverterWritesShardsWithBodiesAsGiven() throws {
        let dir = try makeTemporaryDirectory(self, tag: "pyskl")
        let url = dir.appendingPathComponent("u.h5")
        try writeUnpacked(url)
        for mode in [PreprocessMode.reference, .clean] {
            let input = try PYSKLUnpacked(url: url)
            var options = ConvertOptions(dataset: input.dataset, raw: url, out: dir.appendingPathComponent(mode.rawValue),
                                         mode: mode, workers: 2)
            options.source = ["source": "pyskl", "source_sha256": input.sourceSHA256]
            let report = try Converter(options: options, input: input).run()
            XCTAssertEqual(report.samples, 3)
            XCTAssertEqual(report.written, ["xsub/train": 2, "xsub/val": 1, "xview/train": 2, "xview/val": 1])
            let manifest = try Manifest.load(from: options.out)
            XCTAssertEqual(manifest.createdBy, "hiclr convert pyskl")
            XCTAssertEqual(manifest.options["source"], "pyskl")
            XCTAssertEqual(manifest.options["mode"], mode.rawValue)
            let set = try ShardSet(directory: options.out)
            let part = try set.samples(benchmark: .xsub, part: .val)
            let sample = try part.readers[0].sample(0)
            XCTAssertEqual(sample.name, "S002C001P003R001A008")
            XCTAssertEqual(sample.label, 7)
            XCTAssertEqual(sample.bodies, 2)
            // Body 0 stays slot 0 (half the size of slot 1, which has more motion energy and would come first if
            // clean mode chose the bodies itself): |joint 1 − joint 21| of body 1 is twice body 0's after the
            // (rotation-only) alignment.
            func reach(_ m: Int) -> Float {
                (0..<3).map { c in sample.joint[c, 0, 0, m] * sample.joint[c, 0, 0, m] }.reduce(0, +).squareRoot()
            }
            XCTAssertEqual(reach(1) / reach(0), 2, accuracy: 1e-4, "\(mode)")
            XCTAssertEqual(sample.raw?.frames, 12)
            let raw = try XCTUnwrap(sample.raw)
            XCTAssertEqual(raw.values[0], Self.annotations[0].value(0, 0, 0, 0))   // (frame 0, x, joint 0, body 0)
            XCTAssertEqual(raw.values[1], Self.annotations[0].value(1, 0, 0, 0))   // body 1
        }
    }
}

