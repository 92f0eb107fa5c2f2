import Foundation
import HDF5
import Shards
import SkeletonCore
import XCTest

final class ShardWriterTests: XCTestCase {
    func testFiveSamplesInShardsOfThreeReadBackExactly() throws {
        let dir = try makeTemporaryDirectory(self)
        let records = try writeShards(dir, count: 5, shardSize: 3)
        XCTAssertEqual(records.map(\.file), ["xsub_train_00000.h5", "xsub_train_00001.h5"])
        XCTAssertEqual(records.map(\.count), [3, 2])
        XCTAssertEqual(records[0].labelHistogram, ["0": 1, "1": 1, "2": 1])
        XCTAssertEqual(records[1].labelHistogram, ["3": 1, "0": 1])
        XCTAssertEqual(try listFiles(dir), ["xsub_train_00000.h5", "xsub_train_00001.h5"], "no partial files left")

        var seed = 0
        for record in records {
            let reader = try ShardReader(url: dir.appendingPathComponent(record.file))
            XCTAssertEqual(reader.count, record.count)
            XCTAssertEqual(reader.info, testInfo)
            for i in 0..<reader.count {
                let expected = makeSample(seed)
                XCTAssertEqual(try reader.sample(i), expected, "sample \(seed)")
                XCTAssertEqual(reader.names[i], expected.name)
                XCTAssertEqual(reader.labels[i], expected.label)
                XCTAssertEqual(reader.lengths[i], expected.length)
                XCTAssertEqual(reader.bodies[i], expected.bodies)
                var buffer = [Float](repeating: .nan, count: ShardFormat.sampleElements)
                try buffer.withUnsafeMutableBufferPointer { try reader.read(.motion, sample: i, into: $0) }
                XCTAssertEqual(buffer, expected.motion.values)
                seed += 1
            }
        }
        XCTAssertEqual(seed, 5)
    }

    func testSamplesEncodedOnceGoToTwoWritersAndMixWithRawOnes() throws {
        let dir = try makeTemporaryDirectory(self)
        var view = testInfo
        view.benchmark = .xview
        let sub = try ShardWriter(directory: dir, info: testInfo, shardSize: 3, blockSize: 2)
        let other = try ShardWriter(directory: dir, info: view, shardSize: 3, blockSize: 2)
        for seed in 0..<5 {
            let encoded = try EncodedShardSample(makeSample(seed))
            try sub.append(encoded)
            if seed == 2 { try other.append(makeSample(seed)) } else { try other.append(encoded) }
        }
        let records = try sub.finish() + other.finish()
        XCTAssertEqual(records.map(\.file), ["xsub_train_00000.h5", "xsub_train_00001.h5",
                                             "xview_train_00000.h5", "xview_train_00001.h5"])
        XCTAssertEqual(records[0].sha256 == records[2].sha256, false, "benchmark attribute differs")
        for benchmark in ["xsub", "xview"] {
            for (file, seeds) in [("00000", 0..<3), ("00001", 3..<5)] {
                let reader = try ShardReader(url: dir.appendingPathComponent("\(benchmark)_train_\(file).h5"))
                for (i, seed) in seeds.enumerated() { XCTAssertEqual(try reader.sample(i), makeSample(seed)) }
            }
        }
        var wrong = try EncodedShardSample(makeSample(0))
        wrong.chunks.removeLast()
        let third = try ShardWriter(directory: try makeTemporaryDirectory(self), info: testInfo)
        XCTAssertThrowsError(try third.append(wrong)) { error in
            XCTAssertEqual((error as? InputError)?.file, wrong.name)
        }
        XCTAssertThrowsError(try EncodedShardSample(ShardSample(name: "short", label: 0, length: 1, bodies: 1,
                                                                joint: SkeletonClip(frames: 10),
                                                                bone: SkeletonClip(frames: 10),
                                                                motion: SkeletonClip(frames: 10)))) { error in
            XCTAssertEqual((error as? InputError)?.file, "short")
        }
    }

    func testShardFileCarriesTheFormatAttributesAndChunking() throws {
        let dir = try makeTemporaryDirectory(self)
        let records = try writeShards(dir, count: 2, shardSize: 8)
        let file = try HDF5File(opening: dir.appendingPathComponent(records[0].file).path)
        XCTAssertEqual(try file.stringAttribute("layout"), "C,T,V,M")
        XCTAssertEqual(try file.stringAttribute("dataset"), "ntu60")
        XCTAssertEqual(try file.stringAttribute("benchmark"), "xsub")
        XCTAssertEqual(try file.stringAttribute("part"), "train")
        XCTAssertEqual(try file.stringAttribute("mode"), "reference")
        XCTAssertEqual(try file.stringAttribute("tool_version"), "0.1.0-test")
        XCTAssertEqual(try file.stringAttribute("options"), #"{"frames":"50","missing":"none"}"#)
        XCTAssertEqual(try file.int64Attribute("num_samples"), 2)
        XCTAssertEqual(try file.stringArrayAttribute("joint_names"), SkeletonLayout.jointNames)
        XCTAssertEqual(try file.int64ArrayAttribute("bone_parents").map(Int.init), SkeletonLayout.boneParents)
        XCTAssertEqual(try file.int64ArrayAttribute("flip_permutation").map(Int.init), SkeletonLayout.flipPermutation)
        for name in ["joint", "bone", "motion"] {
            let data = try file.openDataset(name)
            XCTAssertEqual(try data.shape, [2, 3, 50, 25, 2])
            XCTAssertEqual(try data.chunkShape, [1, 3, 50, 25, 2])
            XCTAssertEqual(try data.filters.map(\.id), [HDF5Filter.fletcher32ID], "default level 0: checksum only")
        }
        XCTAssertEqual(try file.openDataset("label").read(Int64.self), [0, 1])
        XCTAssertEqual(try file.openDataset("name").readStrings(), [makeSample(0).name, makeSample(1).name])
    }

    /// Every level round-trips the values exactly; 1–9 store shuffle + deflate(level), 0 stores only the
    /// Fletcher-32 checksum (not zlib's level 0), and shards written before the default changed (level 4) read
    /// the same.
    func testEveryDeflateLevelRoundTripsWithItsFilterPipeline() throws {
        for level in [0, 1, 4, 9] {
            let dir = try makeTemporaryDirectory(self)
            let record = try writeShards(dir, count: 3, shardSize: 3, deflateLevel: level)[0]
            let file = try HDF5File(opening: dir.appendingPathComponent(record.file).path)
            for name in ["joint", "bone", "motion"] {
                let filters = try file.openDataset(name).filters
                if level == 0 {
                    XCTAssertEqual(filters.map(\.id), [HDF5Filter.fletcher32ID], "level 0 \(name)")
                } else {
                    XCTAssertEqual(filters.map(\.id), [HDF5Filter.shuffleID, HDF5Filter.deflateID], "level \(level)")
                    XCTAssertEqual(filters.last?.parameters, [UInt32(level)])
                }
                XCTAssertEqual(try file.openDataset(name).rowChunkCodec, ShardFormat.codec(deflateLevel: level))
            }
            try file.close()
            let reader = try ShardReader(url: dir.appendingPathComponent(record.file))
            for i in 0..<3 { XCTAssertEqual(try reader.sample(i), makeSample(i), "level \(level) sample \(i)") }
        }
        XCTAssertEqual(ShardFormat.codec(deflateLevel: 0),
                       HDF5ChunkCodec(elementSize: 4, shuffle: false, deflateLevel: nil, fletcher32: true))
        XCTAssertEqual(ShardFormat.codec(deflateLevel: 4), HDF5ChunkCodec(elementSize: 4, shuffle: true, deflateLevel: 4))
        // Level 0 chunks are the floats' bytes as they are, then their 4-byte checksum (little-endian).
        let sample = makeSample(2)
        let plain = try EncodedShardSample(sample, deflateLevel: 0)
        let floats = sample.joint.values.withUnsafeBytes { [UInt8]($0) }
        XCTAssertEqual(Array(plain.chunks[0].dropLast(4)), floats)
        let sum = floats.withUnsafeBytes { HDF5ChunkCodec.fletcher32($0) }
        XCTAssertEqual(Array(plain.chunks[0].suffix(4)), withUnsafeBytes(of: sum.littleEndian) { [UInt8]($0) })
        XCTAssertEqual(plain.deflateLevel, 0)
    }

    func testWriterRefusesSamplesEncodedAtAnotherLevelAndLevelsOutsideZeroToNine() throws {
        let writer = try ShardWriter(directory: try makeTemporaryDirectory(self), info: testInfo, deflateLevel: 1)
        let encoded = try EncodedShardSample(makeSample(0), deflateLevel: 4)
        XCTAssertThrowsError(try writer.append(encoded)) { error in
            XCTAssertEqual((error as? InputError)?.description,
                           "\(encoded.name): encoded at deflate level 4; this writer stores level 1")
        }
        XCTAssertThrowsError(try EncodedShardSample(makeSample(0), deflateLevel: 10)) { error in
            XCTAssertEqual((error as? InputError)?.description, "\(makeSample(0).name): deflate level 10 is not in 0…9")
        }
        XCTAssertThrowsError(try ShardWriter(directory: try makeTemporaryDirectory(self), info: testInfo, deflateLevel: -1))
    }

    func testSameSamplesTwiceGiveIdenticalFiles() throws {
        let first = try writeShards(try makeTemporaryDirectory(self), count: 5, shardSize: 3)
        Thread.sleep(forTimeInterval: 1.1)  // a recorded time would now differ
        let second = try writeShards(try makeTemporaryDirectory(self), count: 5, shardSize: 3)
        XCTAssertEqual(first.map(\.sha256), second.map(\.sha256))
        XCTAssertEqual(first, second)
    }

    func testSha256MatchesTheSystemTool() throws {
        let dir = try makeTemporaryDirectory(self)
        let record = try writeShards(dir, count: 3, shardSize: 3)[0]
        let url = dir.appendingPathComponent(record.file)
        let tool = "/usr/bin/sha256sum"
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("sha256sum not installed") }
        let (status, output) = try runProcess(tool, [url.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(output.split(separator: " ").first.map(String.init), record.sha256)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
        XCTAssertEqual(size, record.bytes)
        XCTAssertEqual(try FileDigest.sha256(of: url).hex, record.sha256)
    }

    func testWriterReleasedWithoutFinishLeavesNoShardFile() throws {
        let dir = try makeTemporaryDirectory(self)
        do {
            let writer = try ShardWriter(directory: dir, info: testInfo, shardSize: 3, blockSize: 2)
            for seed in 0..<5 { try writer.append(makeSample(seed)) }  // shard 0 complete, shard 1 open
            XCTAssertTrue(try listFiles(dir).contains(".xsub_train_00000.h5.partial"))
            XCTAssertFalse(try listFiles(dir).contains("xsub_train_00000.h5"))
        }
        XCTAssertEqual(try listFiles(dir), [], "partial files are removed, no final name was ever used")
    }

    func testBadSampleFailsTheWriterAndLeavesNoShardFile() throws {
        let dir = try makeTemporaryDirectory(self)
        do {
            let writer = try ShardWriter(directory: dir, info: testInfo, shardSize: 3, blockSize: 1)
            try writer.append(makeSample(0))
            var bad = makeSample(1)
            bad.bone = SkeletonClip(frames: 40)
            XCTAssertThrowsError(try writer.append(bad)) { error in
                XCTAssertEqual((error as? InputError)?.file, bad.name)
                XCTAssertEqual((error as? InputError)?.field, "bone")
            }
        }
        XCTAssertEqual(try listFiles(dir), [])
    }

    /// The writer takes only typed names (an invalid one such as "x_sub" no longer compiles); a shard file whose
    /// `dataset`, `benchmark` or `part` attribute holds another string is refused when read, naming the attribute
    /// and listing the valid values.
    func testUnknownNameInAShardAttributeIsRejected() throws {
        let dir = try makeTemporaryDirectory(self)
        let record = try writeShards(dir, count: 2, shardSize: 2)[0]
        let url = dir.appendingPathComponent(record.file)
        let cases = [("benchmark", "x_sub", "\"x_sub\" is not a benchmark (xsub, xview or xset)"),
                     ("part", "test", "\"test\" is not a part (train or val)"),
                     ("dataset", "bench", "\"bench\" is not a dataset (ntu60, ntu120, pku1 or pku2)")]
        for (attribute, value, message) in cases {
            let original = try ShardReader(url: url).info
            do {
                let file = try HDF5File(opening: url.path, mode: .readWrite)
                try file.setAttribute(attribute, .string(value))
                try file.close()
            }
            XCTAssertThrowsError(try ShardReader(url: url), attribute) { error in
                XCTAssertEqual(error as? InputError, InputError(file: url.path, field: attribute, message))
            }
            let file = try HDF5File(opening: url.path, mode: .readWrite)
            let restored = ["benchmark": original.benchmark.rawValue, "part": original.part.rawValue,
                            "dataset": original.dataset.rawValue][attribute]!
            try file.setAttribute(attribute, .string(restored))
            try file.close()
            XCTAssertEqual(try ShardReader(url: url).info, original)
        }
    }

    func testH5pyReadsTheShard() throws {
        guard let python = findPython() else {
            return XCTFail("python3 not found on PATH: the CI installs python3 with h5py (pip install h5py)")
        }
        let dir = try makeTemporaryDirectory(self)
        let record = try writeShards(dir, count: 5, shardSize: 5)[0]
        let expected = makeSample(3)
        let script = """
        import sys, json
        try:
            import h5py
        except ImportError:
            print("h5py is not installed: pip install h5py"); sys.exit(3)
        f = h5py.File(sys.argv[1], "r")
        assert f["joint"].shape == (5, 3, 50, 25, 2), f["joint"].shape
        assert f["joint"].dtype == "float32"
        assert f["joint"].chunks == (1, 3, 50, 25, 2)
        assert f["joint"].compression is None and not f["joint"].shuffle     # level 0: checksum only
        assert f["joint"].fletcher32
        assert f.attrs["layout"] == "C,T,V,M"
        assert int(f.attrs["num_samples"]) == 5
        assert json.loads(f.attrs["options"]) == {"frames": "50", "missing": "none"}
        assert list(f["label"][:]) == [0, 1, 2, 3, 0]
        assert f["name"].asstr()[3] == sys.argv[2]
        print(repr(float(f["bone"][3, 1, 7, 4, 0])), repr(float(f["motion"][3, 2, 10, 9, 1])))
        """
        let (status, output) = try runProcess(python, ["-c", script, dir.appendingPathComponent(record.file).path,
                                                       expected.name])
        XCTAssertNotEqual(status, 3, "h5py is missing: the CI installs it (pip install h5py). \(output)")
        XCTAssertEqual(status, 0, output)
        let numbers = output.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        XCTAssertEqual(numbers, [Double(expected.bone[1, 7, 4, 0]), Double(expected.motion[2, 10, 9, 1])], output)
    }

    /// A flipped byte in a default (level 0) chunk fails that sample's read, naming file, dataset and sample,
    /// in our reader and in h5py (libhdf5's Fletcher-32 filter); the other samples still read.
    func testDamagedLevelZeroChunkIsReportedByTheReaderAndByH5py() throws {
        let dir = try makeTemporaryDirectory(self)
        let record = try writeShards(dir, count: 4, shardSize: 4)[0]
        let url = dir.appendingPathComponent(record.file)
        // Sample 2's joint chunk is its floats as they are, then the checksum: find them and flip one bit.
        var bytes = [UInt8](try Data(contentsOf: url))
        let chunk = makeSample(2).joint.values.withUnsafeBytes { [UInt8]($0) }
        let starts = (0...(bytes.count - chunk.count)).filter {
            bytes[$0] == chunk[0] && bytes[$0 + 1] == chunk[1] && Array(bytes[$0..<($0 + chunk.count)]) == chunk
        }
        XCTAssertEqual(starts.count, 1)
        bytes[try XCTUnwrap(starts.first) + chunk.count / 2] ^= 0x01
        try Data(bytes).write(to: url)

        let reader = try ShardReader(url: url)
        XCTAssertThrowsError(try reader.sample(2)) { error in
            let error = error as? InputError
            XCTAssertEqual(error?.file, url.path)
            XCTAssertEqual(error?.field, "joint[2]")
            XCTAssertTrue(error?.description.contains("Fletcher-32 checksum mismatch") ?? false, "\(String(describing: error))")
        }
        for i in [0, 1, 3] { XCTAssertEqual(try reader.sample(i), makeSample(i), "sample \(i)") }
        let output = try runH5py("""
        f = h5py.File(sys.argv[1], "r")
        assert f["joint"].fletcher32
        f["joint"][1]; f["bone"][2]
        try:
            f["joint"][2]
        except OSError as error:
            print("refused:", error)
        """, [url.path])
        XCTAssertTrue(output.contains("refused:"), output)
    }

    /// Level-0 shards written before the checksum (joint/bone/motion chunked with no filter at all) read the same.
    func testLevelZeroShardsWithoutTheChecksumStillRead() throws {
        let dir = try makeTemporaryDirectory(self)
        let record = try writeShards(dir, count: 3, shardSize: 3)[0]
        let url = dir.appendingPathComponent(record.file)
        // h5py rewrites the three sample datasets as the writer stored them before: same chunks, no filter.
        _ = try runH5py("""
        with h5py.File(sys.argv[1], "r+") as f:
            for name in ("joint", "bone", "motion"):
                values = f[name][:]
                del f[name]
                f.create_dataset(name, data=values, chunks=(1, 3, 50, 25, 2), maxshape=(None, 3, 50, 25, 2))
                assert not f[name].fletcher32 and f[name].compression is None
        """, [url.path])
        let file = try HDF5File(opening: url.path)
        XCTAssertEqual(try file.openDataset("joint").filters, [])
        XCTAssertEqual(try file.openDataset("joint").rowChunkCodec,
                       HDF5ChunkCodec(elementSize: 4, shuffle: false, deflateLevel: nil))
        try file.close()
        let reader = try ShardReader(url: url)
        for i in 0..<3 { XCTAssertEqual(try reader.sample(i), makeSample(i), "sample \(i)") }
    }
}
