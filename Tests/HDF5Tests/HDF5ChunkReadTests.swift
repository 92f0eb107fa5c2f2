import Dispatch
import Foundation
import HDF5
import XCTest

/// `readRow` on chunks stored with only the Fletcher-32 filter (the shards' default), none, or shuffle + deflate:
/// read into reused buffers (`ChunkBufferPool`), the row count remembered when the file is open read-only; values
/// and errors are the same for read-only and read-write files, and as the chunks' writers (ours, h5py) meant.
final class HDF5ChunkReadTests: XCTestCase {
    private let rowShape = [3, 5, 4]
    private var rowElements: Int { rowShape.reduce(1, *) }

    /// Distinct values, so each row's bytes occur once in a file.
    private func values(rows: Int) -> [Float] {
        (0..<(rows * rowElements)).map { i in Float(i) * 0.37 + 1 }
    }

    private func row(_ data: [Float], _ row: Int) -> [Float] {
        Array(data[(row * rowElements)..<((row + 1) * rowElements)])
    }

    /// Reads row `row` into a fresh buffer, or returns the error.
    private func read(_ dataset: HDF5Dataset, _ row: Int) -> Result<[Float], HDF5Error> {
        var buffer = [Float](repeating: .nan, count: rowElements)
        do {
            try buffer.withUnsafeMutableBufferPointer { try dataset.readRow(row, into: $0) }
            return .success(buffer)
        } catch {
            return .failure(error as! HDF5Error)
        }
    }

    /// A file with dataset "x" of `rows` rows (one per chunk, checksum only), `written` of them stored.
    private func makeFile(_ path: String, rows: Int, written: Int? = nil) throws -> [Float] {
        let data = values(rows: rows)
        let file = try HDF5File(creating: path)
        let dataset = try file.createDataset("x", type: .float32, shape: [rows] + rowShape,
                                             options: HDF5DatasetOptions(chunkShape: [1] + rowShape, extendable: true,
                                                                         fletcher32: true))
        let stored = written ?? rows
        try dataset.writeRows(Array(data[0..<(stored * rowElements)]), rows: 0..<stored)
        return data
    }

    func testReadOnlyAndReadWriteFilesReadTheSameRowsAndErrors() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("rows.h5").path
        let data = try makeFile(path, rows: 6)
        let dataset = try HDF5File(opening: path).openDataset("x")
        for r in [4, 0, 5, 2, 1, 3, 4, 0] {  // out of order, some twice
            XCTAssertEqual(try read(dataset, r).get(), row(data, r), "row \(r)")
        }
        // Out of range and closed: the same errors as before.
        XCTAssertEqual(read(dataset, 6).failure?.message, "row 6 outside 0..<6")
        XCTAssertEqual(read(dataset, -1).failure?.message, "row -1 outside 0..<6")
        try dataset.close()
        XCTAssertEqual(read(dataset, 0).failure?.message, "the object was closed already")
        // The ordinary path, which a read-write open takes, reads the same.
        let writable = try HDF5File(opening: path, mode: .readWrite).openDataset("x")
        for r in 0..<6 { XCTAssertEqual(try read(writable, r).get(), row(data, r), "row \(r)") }
        XCTAssertEqual(read(writable, 6).failure?.message, "row 6 outside 0..<6")
        // Rows grown in a writable file are seen at once.
        try writable.extend(rows: 7)
        XCTAssertEqual(try read(writable, 6).get(), [Float](repeating: 0, count: rowElements))
    }

    /// Chunks of different sizes (a bigger deflated dataset beside the checksummed one) read alternately: the
    /// reused buffers grow as needed.
    func testRowsOfDifferentSizesReadAlternately() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("sizes.h5").path
        let data = try makeFile(path, rows: 3)
        let bigShape = [7, 11, 13]
        let big = (0..<(3 * 1001)).map { Float($0 % 97) * 0.5 }
        do {
            let file = try HDF5File(opening: path, mode: .readWrite)
            try file.createDataset("big", type: .float32, shape: [3] + bigShape,
                                   options: HDF5DatasetOptions(chunkShape: [1] + bigShape, deflateLevel: 4, shuffle: true))
                .writeRows(big, rows: 0..<3)
        }
        let file = try HDF5File(opening: path)
        let small = try file.openDataset("x"), large = try file.openDataset("big")
        for r in [0, 1, 2, 1, 0] {
            XCTAssertEqual(try read(small, r).get(), row(data, r), "x row \(r)")
            var buffer = [Float](repeating: .nan, count: 1001)
            try buffer.withUnsafeMutableBufferPointer { try large.readRow(r, into: $0) }
            XCTAssertEqual(buffer, Array(big[(r * 1001)..<((r + 1) * 1001)]), "big row \(r)")
        }
    }

    func testManyThreadsReadTheSameDatasetAtOnce() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("threads.h5").path
        let rows = 64
        let data = try makeFile(path, rows: rows)
        let dataset = try HDF5File(opening: path).openDataset("x")
        let lock = NSLock()
        var wrong: [Int] = []
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for pass in 0..<3 {
                for i in 0..<rows {
                    let r = (i * 7 + worker * 13 + pass * 5) % rows
                    guard case .success(let values) = read(dataset, r), values == row(data, r) else {
                        lock.lock(); wrong.append(r); lock.unlock()
                        continue
                    }
                }
            }
        }
        XCTAssertEqual(wrong, [])
    }

    /// A flipped byte in a chunk's data and one in its checksum are each refused with the error the ordinary
    /// path gives (naming file, dataset and row); the other rows still read.
    func testDamagedDataOrChecksumIsRefusedAsBefore() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("damaged.h5").path
        let data = try makeFile(path, rows: 4)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func start(of r: Int) throws -> Int {
            let needle = row(data, r).withUnsafeBytes { [UInt8]($0) }
            let starts = (0...(bytes.count - needle.count)).filter {
                bytes[$0] == needle[0] && Array(bytes[$0..<($0 + needle.count)]) == needle
            }
            XCTAssertEqual(starts.count, 1, "row \(r)")
            return try XCTUnwrap(starts.first)
        }
        let rowBytes = rowElements * 4
        bytes[try start(of: 1) + 37] ^= 0x20           // data
        bytes[try start(of: 2) + rowBytes + 1] ^= 0x01  // checksum
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // libhdf5 opens a file once per process, read-only or read-write: the ordinary path reads a copy.
        let copy = path + ".copy.h5"
        try Data(bytes).write(to: URL(fileURLWithPath: copy))

        let readOnly = try HDF5File(opening: path).openDataset("x")
        let ordinary = try HDF5File(opening: copy, mode: .readWrite).openDataset("x")
        for r in [1, 2] {
            let error = try XCTUnwrap(read(readOnly, r).failure, "row \(r)")
            XCTAssertEqual(error.path, path)
            XCTAssertEqual(error.object, "/x row \(r)")
            XCTAssertEqual(error.operation, "read row chunk")
            XCTAssertTrue(error.message.hasPrefix("Fletcher-32 checksum mismatch"), error.message)
            var same = try XCTUnwrap(read(ordinary, r).failure, "row \(r)")
            same.path = path
            XCTAssertEqual(error, same, "row \(r): the same error as the ordinary path")
            XCTAssertNotNil(read(readOnly, r).failure, "row \(r) is refused every time")
        }
        for r in [0, 3] { XCTAssertEqual(try read(readOnly, r).get(), row(data, r), "row \(r)") }
    }

    /// Chunks without any filter (level-0 shards written before the checksum) of a read-only file.
    func testRowsWithoutAnyFilterRead() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("plain.h5").path
        let data = values(rows: 3)
        do {
            let file = try HDF5File(creating: path)
            try file.createDataset("x", type: .float32, shape: [3] + rowShape,
                                   options: HDF5DatasetOptions(chunkShape: [1] + rowShape, extendable: true))
                .writeRows(data, rows: 0..<3)
        }
        let dataset = try HDF5File(opening: path).openDataset("x")
        XCTAssertEqual(try dataset.filters, [])
        for r in [2, 0, 1] { XCTAssertEqual(try read(dataset, r).get(), row(data, r), "row \(r)") }
    }

    /// Rows never written read as the fill value (zeros), through the ordinary path.
    func testUnwrittenRowsReadAsTheFillValue() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("partial.h5").path
        let data = try makeFile(path, rows: 5, written: 3)
        let dataset = try HDF5File(opening: path).openDataset("x")
        for r in 0..<3 { XCTAssertEqual(try read(dataset, r).get(), row(data, r)) }
        for r in 3..<5 { XCTAssertEqual(try read(dataset, r).get(), [Float](repeating: 0, count: rowElements)) }
    }

    /// Chunks written by h5py (libhdf5's own Fletcher-32 filter) read, also a chunk stored with the checksum
    /// skipped (filter mask 1), and in a file with a user block.
    func testChunksWrittenByH5pyRead() throws {
        let dir = try makeTemporaryDirectory(self)
        let data = values(rows: 5)
        let expected = dir.appendingPathComponent("expected.h5").path
        try HDF5File(creating: expected).createDataset("x", type: .float32, shape: [5] + rowShape).write(data)
        let plain = dir.appendingPathComponent("plain.h5").path
        let userBlock = dir.appendingPathComponent("userblock.h5").path
        let output = try runH5py("""
        data = h5py.File(sys.argv[1], "r")["x"][:]
        for path, block in ((sys.argv[2], 0), (sys.argv[3], 512)):
            with h5py.File(path, "w", userblock_size=block) as f:
                x = f.create_dataset("x", data=data, chunks=(1, 3, 5, 4), fletcher32=True, maxshape=(None, 3, 5, 4))
                # Row 4 stored as its bytes alone, the checksum filter skipped (mask bit 0).
                x.id.write_direct_chunk((4, 0, 0, 0), data[4].tobytes(), filter_mask=1)
                assert x.id.get_chunk_info_by_coord((4, 0, 0, 0)).filter_mask == 1
                assert (x[:] == data).all()
        print("ok")
        """, [expected, plain, userBlock])
        XCTAssertTrue(output.contains("ok"), output)
        for path in [plain, userBlock] {
            let dataset = try HDF5File(opening: path).openDataset("x")
            XCTAssertEqual(try dataset.rowChunkCodec, HDF5ChunkCodec(elementSize: 4, shuffle: false, deflateLevel: nil,
                                                                     fletcher32: true))
            for r in 0..<5 { XCTAssertEqual(try read(dataset, r).get(), row(data, r), "\(path) row \(r)") }
        }
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
