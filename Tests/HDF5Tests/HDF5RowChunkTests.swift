import Foundation
import HDF5
import XCTest

final class HDF5RowChunkTests: XCTestCase {
    private let rowShape = [3, 5, 4]
    private var rowElements: Int { rowShape.reduce(1, *) }

    private func values(rows: Int) -> [Float] {
        (0..<(rows * rowElements)).map { i in Float(i % 17) * 0.25 - Float(i / 60) }
    }

    private func makeDataset(_ file: HDF5File, _ name: String, rows: Int, extendable: Bool = false) throws -> HDF5Dataset {
        try file.createDataset(name, type: .float32, shape: [rows] + rowShape,
                               options: HDF5DatasetOptions(chunkShape: [1] + rowShape, deflateLevel: 4,
                                                           shuffle: true, extendable: extendable))
    }

    func testRowsWrittenInSwiftAreReadByLibhdf5AndTheOtherWayRound() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("rows.h5").path
        let data = values(rows: 7)
        do {
            let file = try HDF5File(creating: path)
            let ours = try makeDataset(file, "ours", rows: 7, extendable: true)
            try ours.writeRows(Array(data[0..<(4 * rowElements)]), rows: 0..<4, parallelism: 2)
            try ours.writeRows(Array(data[(4 * rowElements)...]), rows: 4..<7, parallelism: 3)
            try makeDataset(file, "theirs", rows: 7).write(data)
        }
        let file = try HDF5File(opening: path)
        // libhdf5's filters decode the chunks compressed in Swift…
        XCTAssertEqual(try file.openDataset("ours").read(Float.self), data)
        // …and the Swift decoder reads chunks compressed by libhdf5.
        let theirs = try file.openDataset("theirs")
        for row in 0..<7 {
            var buffer = [Float](repeating: .nan, count: rowElements)
            try buffer.withUnsafeMutableBufferPointer { try theirs.readRow(row, into: $0) }
            XCTAssertEqual(buffer, Array(data[(row * rowElements)..<((row + 1) * rowElements)]), "row \(row)")
        }
    }

    func testPreEncodedChunksAreStoredAndMismatchedOnesRejected() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("encoded.h5").path
        let data = values(rows: 2)
        let file = try HDF5File(creating: path)
        let dataset = try makeDataset(file, "x", rows: 2)
        let codec = try XCTUnwrap(try dataset.rowChunkCodec)
        XCTAssertEqual(codec, HDF5ChunkCodec(elementSize: 4, shuffle: true, deflateLevel: 4))
        let fast = HDF5ChunkCodec(elementSize: 4, shuffle: true, deflateLevel: 1)  // any level decodes alike
        let chunks = try (0..<2).map { row in
            try Array(data[(row * rowElements)..<((row + 1) * rowElements)]).withUnsafeBytes { try fast.encode($0) }
        }
        try dataset.writeEncodedRows(chunks, startingAt: 0)
        XCTAssertEqual(try dataset.read(Float.self), data)
        XCTAssertThrowsError(try dataset.writeEncodedRows(chunks, startingAt: 1)) { error in
            XCTAssertTrue((error as? HDF5Error)?.message.contains("outside") ?? false, "\(error)")
        }
        let flat = try file.createDataset("flat", type: .float32, shape: [4])
        XCTAssertNil(try flat.rowChunkCodec)
        XCTAssertThrowsError(try flat.writeEncodedRows(chunks, startingAt: 0))
    }

    func testFallbackForContiguousDatasetsGivesTheSameValues() throws {
        let dir = try makeTemporaryDirectory(self)
        let file = try HDF5File(creating: dir.appendingPathComponent("plain.h5").path)
        let plain = try file.createDataset("plain", type: .float32, shape: [3] + rowShape)
        let data = values(rows: 3)
        try plain.writeRows(data, rows: 0..<3, parallelism: 2)
        var buffer = [Float](repeating: 0, count: rowElements)
        try buffer.withUnsafeMutableBufferPointer { try plain.readRow(2, into: $0) }
        XCTAssertEqual(buffer, Array(data[(2 * rowElements)...]))
        XCTAssertThrowsError(try plain.writeRows(Array(data.dropLast()), rows: 0..<3))
    }

    func testManyThreadsReadRowsAtOnce() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("threads.h5").path
        let data = values(rows: 32)
        try makeDataset(try HDF5File(creating: path), "x", rows: 32).writeRows(data, rows: 0..<32, parallelism: 2)
        let dataset = try HDF5File(opening: path).openDataset("x", chunkCache: .disabled)
        let lock = NSLock()
        var mismatches: [String] = []
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let row = (i * 7) % 32
            var buffer = [Float](repeating: .nan, count: rowElements)
            do {
                try buffer.withUnsafeMutableBufferPointer { try dataset.readRow(row, into: $0) }
                if buffer != Array(data[(row * rowElements)..<((row + 1) * rowElements)]) {
                    lock.lock(); mismatches.append("row \(row) differs"); lock.unlock()
                }
            } catch {
                lock.lock(); mismatches.append("\(error)"); lock.unlock()
            }
        }
        XCTAssertEqual(mismatches, [])
    }

    func testCodecRoundTripsWithTrailingBytesAndRejectsCorruptInput() throws {
        let codec = HDF5ChunkCodec(elementSize: 4, shuffle: true, deflateLevel: 4)
        let input = (0..<103).map { UInt8(($0 * 37) % 256) }  // 25 elements + 3 trailing bytes
        let encoded = try input.withUnsafeBytes { try codec.encode($0) }
        var output = [UInt8](repeating: 0, count: input.count)
        try encoded.withUnsafeBytes { stored in
            try output.withUnsafeMutableBytes { try codec.decode(stored, into: $0) }
        }
        XCTAssertEqual(output, input)
        var corrupt = encoded
        corrupt[corrupt.count / 2] ^= 0xFF
        corrupt.removeLast(4)
        XCTAssertThrowsError(try corrupt.withUnsafeBytes { stored in
            try output.withUnsafeMutableBytes { try codec.decode(stored, into: $0) }
        })
        XCTAssertNil(HDF5ChunkCodec(filters: [HDF5Filter(id: 32001, name: "blosc", parameters: [])], elementSize: 4))
    }
}
