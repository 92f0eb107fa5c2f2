import Foundation
import HDF5
import XCTest

final class HDF5RoundTripTests: XCTestCase {
    func testEveryNumericTypeRoundTripsWhole() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("numbers.h5").path
        do {
            let file = try HDF5File(creating: path)
            try file.createDataset("u8", type: .uint8, shape: [4]).write([UInt8]([0, 1, 200, 255]))
            try file.createDataset("i8", type: .int8, shape: [3]).write([Int8]([-128, 0, 127]))
            try file.createDataset("i32", type: .int32, shape: [2, 2]).write([Int32]([-7, 0, 1 << 30, 5]))
            try file.createDataset("i64", type: .int64, shape: [3]).write([Int64]([Int64.min, 0, Int64.max]))
            try file.createDataset("f32", type: .float32, shape: [2, 3])
                .write([Float]([1.5, -0, .infinity, 3.25e-12, -7, 1e30]))
            try file.createDataset("f64", type: .float64, shape: [2]).write([Double]([Double.pi, -1e-300]))
            try file.close()
        }
        let file = try HDF5File(opening: path)
        XCTAssertEqual(try file.openDataset("u8").read(UInt8.self), [0, 1, 200, 255])
        XCTAssertEqual(try file.openDataset("i8").read(Int8.self), [-128, 0, 127])
        XCTAssertEqual(try file.openDataset("i32").read(Int32.self), [-7, 0, 1 << 30, 5])
        XCTAssertEqual(try file.openDataset("i64").read(Int64.self), [Int64.min, 0, Int64.max])
        XCTAssertEqual(try file.openDataset("f32").read(Float.self), [1.5, -0, .infinity, 3.25e-12, -7, 1e30])
        XCTAssertEqual(try file.openDataset("f64").read(Double.self), [Double.pi, -1e-300])
        XCTAssertEqual(try file.openDataset("i32").shape, [2, 2])
        XCTAssertEqual(try file.openDataset("f32").elementType, .float32)
        XCTAssertEqual(try file.openDataset("i64").elementType, .int64)
        XCTAssertEqual(try file.children(), ["f32", "f64", "i32", "i64", "i8", "u8"])
    }

    func testRowHyperslabsWriteAndReadTheRightRows() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("rows.h5").path
        let file = try HDF5File(creating: path)
        let data = try file.createDataset("x", type: .float32, shape: [6, 2, 3],
                                          options: HDF5DatasetOptions(chunkShape: [1, 2, 3], deflateLevel: 4,
                                                                      shuffle: true))
        // Rows 0..<4 in one call, then rows 4..<6.
        let first = (0..<24).map { Float($0) }
        let second = (24..<36).map { Float($0) * -1 }
        try data.write(first, rows: 0..<4)
        try data.write(second, rows: 4..<6)
        XCTAssertEqual(try data.read(Float.self), first + second)
        XCTAssertEqual(try data.read(rows: 3..<5, as: Float.self), Array((first + second)[18..<30]))
        var one = [Float](repeating: .nan, count: 6)
        try one.withUnsafeMutableBufferPointer { try data.read(rows: 5..<6, into: $0) }
        XCTAssertEqual(one, Array(second[6..<12]))
        XCTAssertEqual(try data.read(rows: 2..<2, as: Float.self), [])
    }

    func testStringsRoundTripAsVariableLengthUTF8() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("strings.h5").path
        let names = ["S001C001P001R001A001", "", "naïve – ünïcode", String(repeating: "x", count: 300)]
        do {
            let file = try HDF5File(creating: path)
            try file.createDataset("name", type: .string, shape: [4]).write(strings: names)
            let partial = try file.createDataset("partial", type: .string, shape: [3],
                                                 options: HDF5DatasetOptions(chunkShape: [2]))
            try partial.write(strings: ["a", "b"], rows: 0..<2)
            try partial.write(strings: ["c"], rows: 2..<3)
        }
        let file = try HDF5File(opening: path)
        XCTAssertEqual(try file.openDataset("name").readStrings(), names)
        XCTAssertEqual(try file.openDataset("name").readStrings(rows: 1..<3), Array(names[1..<3]))
        XCTAssertEqual(try file.openDataset("partial").readStrings(), ["a", "b", "c"])
        XCTAssertEqual(try file.openDataset("name").elementType, .string)
    }

    func testEveryAttributeKindRoundTripsOnFileGroupAndDataset() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("attrs.h5").path
        let values: [String: HDF5AttributeValue] = [
            "s": .string("C,T,V,M"),
            "ss": .strings(["base_of_spine", "neck", ""]),
            "i": .int64(-42),
            "is": .int64s([1, 20, 20, Int64.max]),
            "d": .double(0.1),
            "ds": .doubles([1e-9, -2]),
            "fs": .floats([0.5, -1.25]),
            "empty": .int64s([]),
        ]
        do {
            let file = try HDF5File(creating: path)
            let group = try file.createGroup("g")
            let data = try group.createDataset("d", type: .int64, shape: [1])
            for (name, value) in values {
                try file.setAttribute(name, value)
                try group.setAttribute(name, value)
                try data.setAttribute(name, value)
            }
            try file.setAttribute("s", .string("replaced"))
        }
        let file = try HDF5File(opening: path)
        let group = try file.openGroup("g")
        let data = try group.openDataset("d")
        for (name, value) in values {
            XCTAssertEqual(try group.attribute(name), value, name)
            XCTAssertEqual(try data.attribute(name), value, name)
        }
        XCTAssertEqual(try file.stringAttribute("s"), "replaced")
        XCTAssertEqual(try file.stringArrayAttribute("ss"), ["base_of_spine", "neck", ""])
        XCTAssertEqual(try file.int64Attribute("i"), -42)
        XCTAssertEqual(try file.int64ArrayAttribute("is"), [1, 20, 20, Int64.max])
        XCTAssertEqual(try file.doubleAttribute("d"), 0.1)
        XCTAssertEqual(try file.doubleArrayAttribute("ds"), [1e-9, -2])
        XCTAssertEqual(try file.floatArrayAttribute("fs"), [0.5, -1.25])
        XCTAssertEqual(try file.attributeNames(), values.keys.sorted())
        XCTAssertTrue(try file.hasAttribute("i"))
        XCTAssertFalse(try file.hasAttribute("missing"))
        XCTAssertEqual(data.objectName, "/g/d")
    }

    func testGroupsNestAndChildrenReportTheirKind() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("groups.h5").path
        let file = try HDF5File(creating: path)
        let outer = try file.createGroup("outer")
        let inner = try outer.createGroup("inner")
        try inner.createDataset("v", type: .float64, shape: [2]).write([1.0, 2.0])
        try outer.createDataset("w", type: .int32, shape: [0])
        XCTAssertEqual(try file.children(), ["outer"])
        XCTAssertEqual(try outer.children(), ["inner", "w"])
        XCTAssertEqual(try outer.kind(of: "inner"), .group)
        XCTAssertEqual(try outer.kind(of: "w"), .dataset)
        XCTAssertTrue(try outer.contains("w"))
        XCTAssertFalse(try outer.contains("nope"))
        XCTAssertEqual(try file.openGroup("outer/inner").openDataset("v").read(Double.self), [1.0, 2.0])
        XCTAssertEqual(try outer.openDataset("w").read(Int32.self), [])
    }

    func testExtendableDatasetGrowsAlongAxisZero() throws {
        let dir = try makeTemporaryDirectory(self)
        let file = try HDF5File(creating: dir.appendingPathComponent("grow.h5").path)
        let data = try file.createDataset("x", type: .int64, shape: [0, 2],
                                          options: HDF5DatasetOptions(chunkShape: [4, 2], extendable: true))
        try data.extend(rows: 2)
        try data.write([Int64]([1, 2, 3, 4]), rows: 0..<2)
        try data.extend(rows: 3)
        try data.write([Int64]([5, 6]), rows: 2..<3)
        XCTAssertEqual(try data.shape, [3, 2])
        XCTAssertEqual(try data.read(Int64.self), [1, 2, 3, 4, 5, 6])
    }
}
