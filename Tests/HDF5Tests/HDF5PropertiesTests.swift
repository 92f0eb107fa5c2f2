import Foundation
import HDF5
import XCTest

final class HDF5PropertiesTests: XCTestCase {
    func testChunkShapeAndFiltersReadBackInPipelineOrder() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("props.h5").path
        do {
            let file = try HDF5File(creating: path)
            _ = try file.createDataset("joint", type: .float32, shape: [5, 3, 50, 25, 2],
                                       options: HDF5DatasetOptions(chunkShape: [1, 3, 50, 25, 2], deflateLevel: 4,
                                                                   shuffle: true))
            _ = try file.createDataset("plain", type: .int64, shape: [5])
            _ = try file.createDataset("deflateOnly", type: .float64, shape: [8],
                                       options: HDF5DatasetOptions(chunkShape: [4], deflateLevel: 9))
        }
        let file = try HDF5File(opening: path)
        let joint = try file.openDataset("joint")
        XCTAssertEqual(try joint.chunkShape, [1, 3, 50, 25, 2])
        let filters = try joint.filters
        XCTAssertEqual(filters.map(\.id), [HDF5Filter.shuffleID, HDF5Filter.deflateID])
        XCTAssertEqual(filters[1].parameters, [4], "deflate level")
        XCTAssertEqual(filters[0].parameters.first, 4, "shuffle element size of float32")
        XCTAssertEqual(try file.openDataset("plain").chunkShape, nil)
        XCTAssertEqual(try file.openDataset("plain").filters, [])
        let deflateOnly = try file.openDataset("deflateOnly").filters
        XCTAssertEqual(deflateOnly.map(\.id), [HDF5Filter.deflateID])
        XCTAssertEqual(deflateOnly.first?.parameters, [9])
    }

    func testInvalidOptionsAreRejectedWithTheDatasetName() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("bad.h5").path
        let file = try HDF5File(creating: path)
        XCTAssertThrowsError(try file.createDataset("a", type: .float32, shape: [4],
                                                    options: HDF5DatasetOptions(deflateLevel: 4))) { error in
            let e = error as? HDF5Error
            XCTAssertEqual(e?.object, "/a")
            XCTAssertEqual(e?.path, path)
            XCTAssertTrue(e?.message.contains("chunk shape") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try file.createDataset("b", type: .float32, shape: [4, 4],
                                                    options: HDF5DatasetOptions(chunkShape: [2])))
        XCTAssertThrowsError(try file.createDataset("c", type: .float32, shape: [4],
                                                    options: HDF5DatasetOptions(chunkShape: [2], deflateLevel: 12)))
    }

    func testSameContentWrittenTwiceGivesIdenticalBytes() throws {
        let dir = try makeTemporaryDirectory(self)
        func write(_ name: String) throws -> Data {
            let path = dir.appendingPathComponent(name).path
            do {
                let file = try HDF5File(creating: path)
                try file.setAttribute("layout", .string("C,T,V,M"))
                try file.setAttribute("list", .strings(["a", "bb"]))
                let group = try file.createGroup("g")
                try group.setAttribute("n", .int64(3))
                let data = try group.createDataset("x", type: .float32, shape: [3, 100],
                                                   options: HDF5DatasetOptions(chunkShape: [1, 100], deflateLevel: 4,
                                                                               shuffle: true))
                try data.write((0..<300).map { Float($0).squareRoot() })
                try file.createDataset("name", type: .string, shape: [2]).write(strings: ["one", "two"])
                try file.close()
            }
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let first = try write("first.h5")
        Thread.sleep(forTimeInterval: 1.1)  // a recorded modification time would now differ
        let second = try write("second.h5")
        XCTAssertGreaterThan(first.count, 0)
        XCTAssertEqual(first, second)
    }

    func testManyThreadsUsingTheLibraryAtOnceStaySafe() throws {
        let dir = try makeTemporaryDirectory(self)
        let failures = NSLock()
        var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            do {
                let path = dir.appendingPathComponent("t\(i).h5").path
                let values = (0..<2000).map { Float($0 * (i + 1)) }
                let file = try HDF5File(creating: path)
                let data = try file.createDataset("x", type: .float32, shape: [20, 100],
                                                  options: HDF5DatasetOptions(chunkShape: [1, 100], deflateLevel: 1))
                for row in 0..<20 {
                    try data.write(Array(values[(row * 100)..<((row + 1) * 100)]), rows: row..<(row + 1))
                }
                try file.setAttribute("i", .int64(Int64(i)))
                guard try data.read(Float.self) == values, try file.int64Attribute("i") == i else {
                    throw HDF5Error(operation: "compare", path: path, message: "values differ")
                }
            } catch {
                failures.lock()
                errors.append("\(error)")
                failures.unlock()
            }
        }
        XCTAssertEqual(errors, [])
    }
}
