import Foundation
import HDF5
import XCTest

final class HDF5RawChunkTests: XCTestCase {
    func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hdf5raw-" + UUID().uuidString)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    let options = HDF5DatasetOptions(chunkShape: [1, 6], deflateLevel: 4, shuffle: true)
    let rows: [[Float]] = [[1, 2, 3, 4, 5, 6], [-0.5, 0, 1e-7, 3.25, 1e6, -2]]

    func testChunksEncodedHereReadBackThroughHDF5Filters() throws {
        let path = tempPath("raw.h5")
        let codec = HDF5ChunkCodec(elementSize: 4, level: 4)
        do {
            let file = try HDF5File(creating: path)
            let ds = try file.createDataset("x", type: .float32, shape: [2, 6], options: options)
            for (i, row) in rows.enumerated() {
                let encoded = row.withUnsafeBytes { codec.encode($0) }
                XCTAssertLessThan(encoded.count, 60)
                try encoded.withUnsafeBytes { try ds.writeRawChunk(at: [i, 0], bytes: $0) }
            }
        }
        let file = try HDF5File(opening: path)
        XCTAssertEqual(try file.openDataset("x").read(Float.self), rows.flatMap { $0 })
    }

    func testChunksStoredByHDF5DecodeHere() throws {
        let path = tempPath("filtered.h5")
        do {
            let file = try HDF5File(creating: path)
            try file.createDataset("x", type: .float32, shape: [2, 6], options: options).write(rows.flatMap { $0 })
        }
        let ds = try HDF5File(opening: path).openDataset("x")
        var stored: [UInt8] = [], scratch: [UInt8] = []
        let codec = HDF5ChunkCodec(elementSize: 4, level: 4)
        for (i, row) in rows.enumerated() {
            XCTAssertEqual(try ds.readRawChunk(at: [i, 0], into: &stored), 0)
            var decoded = [Float](repeating: .nan, count: 6)
            try stored.withUnsafeBytes { src in
                try decoded.withUnsafeMutableBytes { try codec.decode(src, into: $0, scratch: &scratch) }
            }
            XCTAssertEqual(decoded, row)
        }
        stored[stored.count / 2] ^= 0xFF
        var out = [Float](repeating: 0, count: 6)
        XCTAssertThrowsError(try stored.withUnsafeBytes { src in
            try out.withUnsafeMutableBytes { try codec.decode(src, into: $0, scratch: &scratch) }
        })
    }
}
