import Foundation
import HDF5
import Shards
import SkeletonCore
import XCTest

/// Raw frames in shards (`convert --keep-raw`): variable length per sample, across shard and block
/// boundaries, zero-frame samples, the h5py view, and shards without them.
final class RawFramesTests: XCTestCase {
    func raw(_ seed: Int) -> RawFrames {
        let frames = seed % 3 == 2 ? 0 : 5 + seed * 7
        let values = (0..<(frames * ShardFormat.rawFrameElements)).map { Float(seed) + Float($0) * 0.001 }
        return RawFrames(frames: frames, values: values)
    }

    func testRawFramesRoundTrip() throws {
        let dir = try makeTemporaryDirectory(self)
        let writer = try ShardWriter(directory: dir, info: testInfo, shardSize: 4, blockSize: 3, keepRaw: true)
        for seed in 0..<10 {
            var sample = makeSample(seed)
            sample.raw = raw(seed)
            try writer.append(sample)
        }
        let records = try writer.finish()
        XCTAssertEqual(records.map(\.count), [4, 4, 2])
        var seed = 0
        for record in records {
            let reader = try ShardReader(url: dir.appendingPathComponent(record.file))
            XCTAssertEqual(reader.rawFrames, (seed..<(seed + record.count)).map { raw($0).frames })
            for i in 0..<reader.count {
                XCTAssertEqual(try reader.readRaw(sample: i), raw(seed))
                XCTAssertEqual(try reader.sample(i).raw, raw(seed))
                seed += 1
            }
            XCTAssertThrowsError(try reader.readRaw(sample: reader.count))
        }
        // A value: frame 3, y, joint 7, body 2 of sample 4 (second shard, row 0).
        let reader = try ShardReader(url: dir.appendingPathComponent(records[1].file))
        let r = try XCTUnwrap(try reader.readRaw(sample: 0))
        XCTAssertEqual(r[3, 1, 7, 1], 4 + Float(((3 * 3 + 1) * 25 + 7) * 2 + 1) * 0.001)
    }

    func testWriterRefusesMixedRaw() throws {
        let dir = try makeTemporaryDirectory(self)
        let keeping = try ShardWriter(directory: dir, info: testInfo, keepRaw: true)
        XCTAssertThrowsError(try keeping.append(makeSample(0))) { XCTAssertTrue("\($0)".contains("no raw frames"), "\($0)") }
        let other = try makeTemporaryDirectory(self)
        let plain = try ShardWriter(directory: other, info: testInfo)
        var sample = makeSample(0)
        sample.raw = raw(0)
        XCTAssertThrowsError(try plain.append(sample))
    }

    /// Shards without raw frames (format version 1 as before) read as before, with `rawFrames == nil`.
    func testShardsWithoutRaw() throws {
        let dir = try makeTemporaryDirectory(self)
        let record = try writeShards(dir, count: 3, shardSize: 3)[0]
        let reader = try ShardReader(url: dir.appendingPathComponent(record.file))
        XCTAssertNil(reader.rawFrames)
        XCTAssertNil(try reader.readRaw(sample: 0))
        XCTAssertEqual(try reader.sample(1), makeSample(1))
    }

    func testH5pyReadsRawFrames() throws {
        guard let python = findPython() else { return XCTFail("python3 not found") }
        let dir = try makeTemporaryDirectory(self)
        let writer = try ShardWriter(directory: dir, info: testInfo, shardSize: 8, keepRaw: true)
        for seed in 0..<4 {
            var sample = makeSample(seed)
            sample.raw = raw(seed)
            try writer.append(sample)
        }
        let record = try writer.finish()[0]
        let script = """
        import sys, h5py
        f = h5py.File(sys.argv[1], "r")
        n = [int(x) for x in f["raw_frames"][:]]
        assert f["raw"].shape == (sum(n), 3, 25, 2) and f["raw"].dtype == "float32", f["raw"].shape
        start = n[0] + n[1] + n[2]
        print(n, repr(float(f["raw"][start + 2, 2, 24, 0])))
        """
        let (status, output) = try runProcess(python, ["-c", script, dir.appendingPathComponent(record.file).path])
        XCTAssertEqual(status, 0, output)
        let expected = raw(3)[2, 2, 24, 0]
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines),
                       "[5, 12, 0, 26] \(Double(expected))", output)
    }

    /// Clean-mode raw frames carry PYSKL's body slots M: written as `raw_bodies`, read back per sample; the writer
    /// refuses M outside 1...2 and a mix of samples with and without M; the reader names a damaged entry.
    func testRawBodiesRoundTripAndErrors() throws {
        let dir = try makeTemporaryDirectory(self)
        let writer = try ShardWriter(directory: dir, info: testInfo, shardSize: 3, blockSize: 2, keepRaw: true)
        for seed in 0..<5 {
            var sample = makeSample(seed)
            var r = raw(seed)
            r.bodies = 1 + seed % 2
            sample.raw = r
            try writer.append(sample)
        }
        let records = try writer.finish()
        var seed = 0
        for record in records {
            let reader = try ShardReader(url: dir.appendingPathComponent(record.file))
            XCTAssertEqual(reader.rawBodies, (seed..<(seed + record.count)).map { 1 + $0 % 2 })
            for i in 0..<reader.count {
                XCTAssertEqual(try reader.readRaw(sample: i)?.bodies, 1 + seed % 2)
                seed += 1
            }
        }
        XCTAssertEqual(seed, 5)

        let other = try ShardWriter(directory: try makeTemporaryDirectory(self), info: testInfo, keepRaw: true)
        var sample = makeSample(0)
        var r = raw(0)
        r.bodies = 3
        sample.raw = r
        XCTAssertThrowsError(try other.append(sample)) { XCTAssertTrue("\($0)".contains("raw_bodies"), "\($0)") }
        r.bodies = 2
        sample.raw = r
        let mixed = try ShardWriter(directory: try makeTemporaryDirectory(self), info: testInfo, keepRaw: true)
        try mixed.append(sample)
        var plain = makeSample(1)
        plain.raw = raw(1)
        XCTAssertThrowsError(try mixed.append(plain)) { XCTAssertTrue("\($0)".contains("no body count"), "\($0)") }

        // A damaged entry (h5py writes 7) is refused when the shard is opened, naming the dataset and index.
        guard let python = findPython() else { return XCTFail("python3 not found") }
        let file = dir.appendingPathComponent(records[0].file).path
        let (status, output) = try runProcess(python, ["-c", "import sys, h5py; f = h5py.File(sys.argv[1], 'r+'); "
                                                       + "f['raw_bodies'][1] = 7; f.close()", file])
        XCTAssertEqual(status, 0, output)
        XCTAssertThrowsError(try ShardReader(url: URL(fileURLWithPath: file))) {
            XCTAssertTrue("\($0)".contains("raw_bodies[1]") && "\($0)".contains("7 bodies"), "\($0)")
        }
    }
}
