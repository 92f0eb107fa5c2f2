import Foundation
import HDF5
import XCTest

final class HDF5ErrorTests: XCTestCase {
    func testOpeningAMissingFileNamesThePathAndTheHDF5Message() throws {
        let path = "/nonexistent-dir-\(UUID().uuidString)/missing.h5"
        XCTAssertThrowsError(try HDF5File(opening: path)) { error in
            guard let e = error as? HDF5Error else { return XCTFail("not an HDF5Error: \(error)") }
            XCTAssertEqual(e.path, path)
            XCTAssertEqual(e.operation, "open file")
            XCTAssertTrue(e.description.contains(path), e.description)
            XCTAssertTrue(e.message.lowercased().contains("unable to open file"), e.message)
        }
    }

    func testExclusiveCreateRefusesAnExistingFile() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("x.h5").path
        try HDF5File(creating: path).close()
        XCTAssertThrowsError(try HDF5File(creating: path, mode: .exclusive)) { error in
            XCTAssertEqual((error as? HDF5Error)?.operation, "create file")
        }
        XCTAssertNoThrow(try HDF5File(creating: path, mode: .truncate))
    }

    func testNotAnHDF5FileIsAnError() throws {
        let dir = try makeTemporaryDirectory(self)
        let url = dir.appendingPathComponent("text.h5")
        try Data("hello, not hdf5".utf8).write(to: url)
        XCTAssertThrowsError(try HDF5File(opening: url.path)) { error in
            XCTAssertEqual((error as? HDF5Error)?.path, url.path)
        }
    }

    func testReadingTheWrongTypeOrShapeIsAnError() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("types.h5").path
        let file = try HDF5File(creating: path)
        let data = try file.createDataset("label", type: .int64, shape: [4])
        try data.write([Int64]([1, 2, 3, 4]))
        XCTAssertThrowsError(try data.read(Float.self)) { error in
            let e = error as? HDF5Error
            XCTAssertEqual(e?.object, "/label")
            XCTAssertTrue(e?.message.contains("holds int64, asked for float32") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try data.readStrings())
        XCTAssertThrowsError(try data.write([Int64]([1, 2, 3])), "wrong count")
        XCTAssertThrowsError(try data.read(rows: 3..<5, as: Int64.self)) { error in
            XCTAssertTrue((error as? HDF5Error)?.message.contains("outside shape") ?? false, "\(error)")
        }
        var small = [Int64](repeating: 0, count: 1)
        XCTAssertThrowsError(try small.withUnsafeMutableBufferPointer { try data.read(rows: 0..<2, into: $0) })
        try file.setAttribute("x", .int64(1))
        XCTAssertThrowsError(try file.stringAttribute("x")) { error in
            XCTAssertTrue((error as? HDF5Error)?.message.contains("expected a string") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try file.attribute("missing")) { error in
            XCTAssertEqual((error as? HDF5Error)?.path, path)
        }
    }

    func testMissingDatasetAndClosedObjectsAreErrors() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("m.h5").path
        let file = try HDF5File(creating: path)
        XCTAssertThrowsError(try file.openDataset("nope")) { error in
            let e = error as? HDF5Error
            XCTAssertEqual(e?.object, "/nope")
            XCTAssertFalse(e?.message.isEmpty ?? true)
        }
        let data = try file.createDataset("x", type: .float32, shape: [1])
        try data.close()
        XCTAssertThrowsError(try data.read(Float.self)) { error in
            XCTAssertTrue((error as? HDF5Error)?.message.contains("closed") ?? false, "\(error)")
        }
    }
}
