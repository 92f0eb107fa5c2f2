import Foundation
import HDF5
import XCTest

/// HDF5's Fletcher-32 checksum filter (id 3) as `HDF5ChunkCodec` applies it: the checksum against a plain
/// transcription of the C loop, the codec's round trip and damage detection, and, independently, libhdf5
/// (through h5py and our own `read`) reading chunks checksummed in Swift and Swift reading chunks that h5py
/// checksummed.
final class HDF5Fletcher32Tests: XCTestCase {
    private let rowShape = [3, 5, 4]
    private var rowElements: Int { rowShape.reduce(1, *) }

    /// Distinct values, so each row's bytes occur once in a file.
    private func values(rows: Int) -> [Float] {
        (0..<(rows * rowElements)).map { i in Float(i) * 0.37 + 1 }
    }

    /// The loop of H5checksum.c (`H5_checksum_fletcher32`) transcribed as written: big-endian 16-bit words,
    /// folding both sums every 360 words, an odd last byte as a high byte, two final folds.
    private func referenceFletcher32(_ bytes: [UInt8]) -> UInt32 {
        var sum1: UInt32 = 0, sum2: UInt32 = 0
        var words = bytes.count / 2
        var at = 0
        while words > 0 {
            let block = min(words, 360)
            words -= block
            for _ in 0..<block {
                sum1 = sum1 &+ (UInt32(bytes[at]) << 8 | UInt32(bytes[at + 1]))
                sum2 = sum2 &+ sum1
                at += 2
            }
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
            sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        }
        if bytes.count % 2 == 1 {
            sum1 += UInt32(bytes[at]) << 8
            sum2 += sum1
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
            sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        }
        sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
        sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        return sum2 << 16 | sum1
    }

    private func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    func testChecksumMatchesTheCLoopOnEveryLengthAndEdgePattern() {
        // Lengths around the 8-word groups, the 16-group runs (256 bytes), the 352-group blocks (5632 bytes),
        // the C loop's 360-word folds (720 bytes) and the shard chunk (30,000).
        let lengths = Array(1...70) + [255, 256, 257, 272, 719, 720, 721, 4095, 4096, 5631, 5632, 5633, 5648,
                                       5759, 5760, 5761, 5776, 11_263, 11_264, 11_265, 11_521, 30_000, 30_001, 100_003]
        for length in lengths {
            var patterns: [(String, [UInt8])] = [
                ("random", pseudoRandomBytes(length, seed: UInt64(length))),
                ("0xFF", [UInt8](repeating: 0xFF, count: length)),  // every word ≡ 0 (mod 65535), not 0
                ("zeros", [UInt8](repeating: 0, count: length)),
            ]
            var single = [UInt8](repeating: 0, count: length)
            single[length - 1] = 1
            patterns.append(("last byte 1", single))
            var almost = [UInt8](repeating: 0xFF, count: length)
            almost[length / 2] = 0xFE
            patterns.append(("0xFF but one", almost))
            for (name, bytes) in patterns {
                let fast = bytes.withUnsafeBytes { HDF5ChunkCodec.fletcher32($0) }
                XCTAssertEqual(fast, referenceFletcher32(bytes), "\(name), \(length) bytes")
            }
        }
        XCTAssertEqual([UInt8]([0x01, 0x02]).withUnsafeBytes { HDF5ChunkCodec.fletcher32($0) }, 0x0102_0102)
        XCTAssertEqual([UInt8]([0xFF, 0xFF]).withUnsafeBytes { HDF5ChunkCodec.fletcher32($0) }, 0xFFFF_FFFF)
    }

    func testCodecAppendsVerifiesAndStripsTheChecksum() throws {
        let input = pseudoRandomBytes(30_000, seed: 7)
        var output = [UInt8](repeating: 0, count: input.count)
        func decode(_ codec: HDF5ChunkCodec, _ stored: [UInt8], mask: UInt32 = 0) throws {
            try stored.withUnsafeBytes { stored in
                try output.withUnsafeMutableBytes { try codec.decode(stored, filterMask: mask, into: $0) }
            }
        }
        let plain = HDF5ChunkCodec(elementSize: 4, shuffle: false, deflateLevel: nil, fletcher32: true)
        let encoded = try input.withUnsafeBytes { try plain.encode($0) }
        XCTAssertEqual(encoded.count, input.count + 4)
        XCTAssertEqual(Array(encoded.prefix(input.count)), input)
        let sum = referenceFletcher32(input)
        XCTAssertEqual(Array(encoded.suffix(4)), [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: sum >> $0) })
        try decode(plain, encoded)
        XCTAssertEqual(output, input)

        // H5Zfletcher32.c also accepts the checksum with each 16-bit half byte-swapped (libhdf5 < 1.6.3).
        var old = encoded
        old.swapAt(input.count, input.count + 1)
        old.swapAt(input.count + 2, input.count + 3)
        try decode(plain, old)
        XCTAssertEqual(output, input)

        // One flipped bit anywhere (data or checksum) is refused.
        for position in [0, 1, 12_345, input.count - 1, input.count, input.count + 3] {
            var damaged = encoded
            damaged[position] ^= 0x10
            XCTAssertThrowsError(try decode(plain, damaged), "byte \(position)") { error in
                XCTAssertTrue((error as? HDF5Error)?.message.contains("Fletcher-32 checksum mismatch") ?? false, "\(error)")
            }
        }
        XCTAssertThrowsError(try decode(plain, [1, 2, 3]))
        // Filter mask bit 0 set: the chunk was stored without its checksum.
        try decode(plain, input, mask: 1)
        XCTAssertEqual(output, input)

        // Shuffle + deflate + checksum: the checksum covers the compressed bytes.
        let deflated = HDF5ChunkCodec(elementSize: 4, shuffle: true, deflateLevel: 4, fletcher32: true)
        let packed = try input.withUnsafeBytes { try deflated.encode($0) }
        XCTAssertEqual(Array(packed.suffix(4)),
                       [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: referenceFletcher32(Array(packed.dropLast(4))) >> $0) })
        output = [UInt8](repeating: 0, count: input.count)
        try decode(deflated, packed)
        XCTAssertEqual(output, input)
        var damaged = packed
        damaged[packed.count / 2] ^= 0x01
        XCTAssertThrowsError(try decode(deflated, damaged)) { error in
            XCTAssertTrue((error as? HDF5Error)?.message.contains("Fletcher-32") ?? false, "\(error)")
        }
    }

    func testPipelinesTheCodecAccepts() {
        let shuffle = HDF5Filter(id: HDF5Filter.shuffleID, name: "shuffle", parameters: [4])
        let deflate = HDF5Filter(id: HDF5Filter.deflateID, name: "deflate", parameters: [4])
        let fletcher = HDF5Filter(id: HDF5Filter.fletcher32ID, name: "fletcher32", parameters: [])
        XCTAssertEqual(HDF5Filter.fletcher32ID, 3)
        XCTAssertEqual(HDF5ChunkCodec(filters: [fletcher], elementSize: 4),
                       HDF5ChunkCodec(elementSize: 4, shuffle: false, deflateLevel: nil, fletcher32: true))
        XCTAssertEqual(HDF5ChunkCodec(filters: [shuffle, deflate, fletcher], elementSize: 4),
                       HDF5ChunkCodec(elementSize: 4, shuffle: true, deflateLevel: 4, fletcher32: true))
        XCTAssertEqual(HDF5ChunkCodec(filters: [], elementSize: 4),
                       HDF5ChunkCodec(elementSize: 4, shuffle: false, deflateLevel: nil))
        XCTAssertNil(HDF5ChunkCodec(filters: [fletcher, deflate], elementSize: 4), "checksum not last")
        XCTAssertNil(HDF5ChunkCodec(filters: [fletcher, fletcher], elementSize: 4))
    }

    /// Chunked datasets without any filter (level-0 shards written before the checksum) still take the fast path.
    func testRowsWithoutAnyFilterStillRead() throws {
        let dir = try makeTemporaryDirectory(self)
        let data = values(rows: 3)
        let file = try HDF5File(creating: dir.appendingPathComponent("plain.h5").path)
        let dataset = try file.createDataset("x", type: .float32, shape: [3] + rowShape,
                                             options: HDF5DatasetOptions(chunkShape: [1] + rowShape, extendable: true))
        try dataset.writeRows(data, rows: 0..<3)
        XCTAssertEqual(try dataset.filters, [])
        XCTAssertEqual(try dataset.rowChunkCodec, HDF5ChunkCodec(elementSize: 4, shuffle: false, deflateLevel: nil))
        var row = [Float](repeating: .nan, count: rowElements)
        try row.withUnsafeMutableBufferPointer { try dataset.readRow(1, into: $0) }
        XCTAssertEqual(row, Array(data[rowElements..<(2 * rowElements)]))
    }

    func testLibhdf5AndH5pyVerifyOurChecksumsAndWeVerifyTheirs() throws {
        let dir = try makeTemporaryDirectory(self)
        let ours = dir.appendingPathComponent("ours.h5").path
        let theirs = dir.appendingPathComponent("theirs.h5").path
        let data = values(rows: 5)
        do {
            let file = try HDF5File(creating: ours)
            for (name, options) in [
                ("plain", HDF5DatasetOptions(chunkShape: [1] + rowShape, extendable: true, fletcher32: true)),
                ("deflated", HDF5DatasetOptions(chunkShape: [1] + rowShape, deflateLevel: 4, shuffle: true,
                                                fletcher32: true)),
            ] {
                let dataset = try file.createDataset(name, type: .float32, shape: [5] + rowShape, options: options)
                XCTAssertEqual(try dataset.rowChunkCodec?.fletcher32, true)
                try dataset.writeRows(data, rows: 0..<5, parallelism: 2)  // encoded by HDF5ChunkCodec
            }
            try file.createDataset("expected", type: .float32, shape: [5] + rowShape).write(data)
        }
        // libhdf5's own filter pipeline verifies the checksums computed in Swift…
        let file = try HDF5File(opening: ours)
        XCTAssertEqual(try file.openDataset("plain").filters.map(\.id), [HDF5Filter.fletcher32ID])
        XCTAssertEqual(try file.openDataset("plain").read(Float.self), data)
        XCTAssertEqual(try file.openDataset("deflated").read(Float.self), data)
        try file.close()
        // …so does h5py; and h5py writes chunks with its own checksums for us to read.
        let output = try runH5py("""
        f = h5py.File(sys.argv[1], "r")
        for name in ("plain", "deflated"):
            assert f[name].fletcher32, name
            assert numpy.array_equal(f[name][:], f["expected"][:]), name
        with h5py.File(sys.argv[2], "w") as g:
            g.create_dataset("plain", data=f["expected"][:], chunks=(1, 3, 5, 4), fletcher32=True)
            g.create_dataset("deflated", data=f["expected"][:], chunks=(1, 3, 5, 4), fletcher32=True,
                             shuffle=True, compression="gzip", compression_opts=6)
        print("ok")
        """, [ours, theirs])
        XCTAssertTrue(output.contains("ok"), output)
        let theirFile = try HDF5File(opening: theirs)
        for name in ["plain", "deflated"] {
            let dataset = try theirFile.openDataset(name)
            XCTAssertEqual(try dataset.rowChunkCodec?.fletcher32, true, name)
            for row in 0..<5 {
                var buffer = [Float](repeating: .nan, count: rowElements)
                try buffer.withUnsafeMutableBufferPointer { try dataset.readRow(row, into: $0) }
                XCTAssertEqual(buffer, Array(data[(row * rowElements)..<((row + 1) * rowElements)]), "\(name) row \(row)")
            }
        }
    }

    func testAFlippedByteInAChecksummedChunkIsReportedByUsAndByH5py() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("damaged.h5").path
        let data = values(rows: 4)
        do {
            let file = try HDF5File(creating: path)
            try file.createDataset("x", type: .float32, shape: [4] + rowShape,
                                   options: HDF5DatasetOptions(chunkShape: [1] + rowShape, fletcher32: true))
                .writeRows(data, rows: 0..<4)
        }
        // Row 2's chunk is its floats as they are (then the checksum): find them in the file and flip a byte.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let row2 = Array(data[(2 * rowElements)..<(3 * rowElements)]).withUnsafeBytes { [UInt8]($0) }
        let starts = (0...(bytes.count - row2.count)).filter { bytes[$0] == row2[0] && Array(bytes[$0..<($0 + row2.count)]) == row2 }
        XCTAssertEqual(starts.count, 1)
        let start = try XCTUnwrap(starts.first)
        bytes[start + 101] ^= 0x04
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let dataset = try HDF5File(opening: path).openDataset("x")
        var buffer = [Float](repeating: .nan, count: rowElements)
        XCTAssertThrowsError(try buffer.withUnsafeMutableBufferPointer { try dataset.readRow(2, into: $0) }) { error in
            let error = error as? HDF5Error
            XCTAssertEqual(error?.path, path)
            XCTAssertEqual(error?.object, "/x row 2")
            XCTAssertTrue(error?.message.contains("Fletcher-32 checksum mismatch") ?? false, "\(String(describing: error))")
        }
        for row in [0, 1, 3] {  // the other chunks still read
            try buffer.withUnsafeMutableBufferPointer { try dataset.readRow(row, into: $0) }
            XCTAssertEqual(buffer, Array(data[(row * rowElements)..<((row + 1) * rowElements)]), "row \(row)")
        }
        let output = try runH5py("""
        f = h5py.File(sys.argv[1], "r")
        f["x"][3]
        try:
            f["x"][2]
        except OSError as error:
            print("refused:", error)
        """, [path])
        XCTAssertTrue(output.contains("refused:"), output)
    }
}
