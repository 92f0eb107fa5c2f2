import Augment
import Bench
import Foundation
import Loader
import RawData
import Shards
import SkeletonCore
import TensorModule
import TestSupport
import XCTest

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The benchmarks on tiny inputs: what they count, write and compute is consistent. No timing is asserted
/// (speed is what `hiclr bench` reports); only that times are positive and the ratios are the ratios of the times.
final class BenchTests: XCTestCase {
    /// A shard set of `count` synthetic samples (benchmark xsub, part train), in shards of 3.
    func makeShards(count: Int) throws -> URL {
        let dir = try makeTemporaryDirectory(self, tag: "bench-source").appendingPathComponent("shards")
        let info = ShardSetInfo(dataset: .ntu60, benchmark: .xsub, part: .train, mode: "reference", options: [:],
                                toolVersion: "test")
        let writer = try ShardWriter(directory: dir, info: info, shardSize: 3)
        for i in 0..<count {
            var sample = ShardsBenchmark.syntheticSample(i)
            sample.name = "S001C001P001R001A\(i + 1)"
            try writer.append(sample)
        }
        try Manifest(dataset: .ntu60, mode: "reference", toolVersion: "test", createdBy: "test",
                     shards: try writer.finish()).write(to: dir)
        return dir
    }

    func testConvertReplicatesFixturesUnderDistinctNamesAndConvertsThem() throws {
        let scratch = try makeTemporaryDirectory(self, tag: "bench-convert")
        var prepared: ConvertBenchmark.Prepared?
        let result = try ConvertBenchmark.run(
            ConvertBenchmark.Options(raw: repository.appendingPathComponent("fixtures/ntu60"), samples: 40, workers: 2,
                                     mode: .reference, frames: nil, scratch: scratch)) { prepared = $0 }
        // 24 fixture files, replicated to 40 under distinct NTU120 names; the byte count is theirs.
        let files = try FileManager.default.contentsOfDirectory(at: scratch.appendingPathComponent("raw"), includingPropertiesForKeys: nil)
        XCTAssertEqual(files.count, 40)
        XCTAssertEqual(Set(files.map(\.lastPathComponent)).count, 40)
        XCTAssertEqual(result.samples, 40)
        XCTAssertEqual(prepared?.samples, 40)
        let bytes = try files.reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: $1.path)[.size] as! Int) }
        XCTAssertEqual(result.bytes, bytes)
        XCTAssertEqual(prepared?.bytes, bytes)

        XCTAssertEqual(result.rows.map(\.name), ["read bytes only (baseline)", "parse", "parse + preprocess (1 thread)",
                                                 "convert end to end, 1 worker", "convert end to end, 2 workers",
                                                 "convert, 2 workers, --no-keep-raw"])
        let read = result.rows[0].seconds
        for row in result.rows {
            XCTAssertGreaterThan(row.seconds, 0, row.name)
            XCTAssertEqual(row.samplesPerSecond * row.seconds, 40, accuracy: 1e-6, row.name)
            XCTAssertEqual(row.megabytesPerSecond * row.seconds, Double(bytes) / 1e6, accuracy: 1e-9, row.name)
            XCTAssertEqual(row.readTimeRatio, row.seconds / read, accuracy: 1e-12, row.name)
            XCTAssertGreaterThan(row.time.cpu, 0, row.name)
            XCTAssertEqual(row.samplesPerCPUSecond * row.time.cpu, 40, accuracy: 1e-6, row.name)
        }
        XCTAssertEqual(prepared?.sources, 24)
        XCTAssertNil(prepared?.frames)
        XCTAssertNil(result.reference)
        XCTAssertEqual(result.speedUp, result.rows[3].seconds / result.rows[4].seconds, accuracy: 1e-12)
        XCTAssertEqual(result.keepRawTimeCost, result.rows[4].seconds / result.rows[5].seconds - 1, accuracy: 1e-12)
        // Raw frames cost shard bytes; every file is either written or rejected.
        XCTAssertGreaterThan(result.shardBytesWithoutRaw, 0)
        XCTAssertGreaterThan(result.shardBytes, result.shardBytesWithoutRaw)
        XCTAssertEqual(result.keepRawByteCost, Double(result.shardBytes) / Double(result.shardBytesWithoutRaw) - 1, accuracy: 1e-12)
        XCTAssertGreaterThan(result.samplesWritten, 0)
        XCTAssertEqual(result.samplesWritten + result.rejectedInConvert, 40)
        XCTAssertEqual(result.rejectedInPreprocessing, result.rejectedInConvert)
        XCTAssertEqual(result.officialPythonSpeedUp, 40 / result.rows[4].seconds / 50, accuracy: 1e-9)
        let export = try XCTUnwrap(result.export)
        XCTAssertGreaterThan(export.files, 0)
        XCTAssertGreaterThan(export.bytes, 0)
        XCTAssertEqual(export.megabytesPerSecond * export.seconds, Double(export.bytes) / 1e6, accuracy: 1e-9)
        XCTAssertGreaterThan(result.peakRSSMiB, 0)
        // The given scratch folder is kept, with the parallel run's shards.
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("out-2/manifest.json").path))
    }

    /// The default replicated set: 100-frame files made from the fixtures with 1–2 bodies per frame, each
    /// frame a byte copy of its source frame `t mod source frames` (checked through the parser).
    func testConvertReplicatesRepresentativeHundredFrameFiles() throws {
        let scratch = try makeTemporaryDirectory(self, tag: "bench-convert-frames")
        let raw = repository.appendingPathComponent("fixtures/ntu60")
        let dir = scratch.appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let (files, sources) = try ConvertBenchmark.replicate(raw, samples: 30, frames: 100, into: dir)
        XCTAssertEqual(files.count, 30)
        // 24 fixtures less the one with no body in any frame and the one with a third (furniture) body.
        XCTAssertEqual(sources, 22)
        let sourceDir = raw.appendingPathComponent("nturgb+d_skeletons")
        for file in files {
            let copy = try NTUSkeletonReader.read(file)
            XCTAssertEqual(copy.frameCount, 100, file.lastPathComponent)
            XCTAssertTrue((0..<100).allSatisfy { copy.bodies(inFrame: $0).count <= 2 }, file.lastPathComponent)
        }
        // S002C003P006R001A008 has 320 frames: its copy keeps the first 100. S001C001P001R001A001 (20 frames)
        // is repeated five times. Copy i (i < 22) comes from the i-th source in name order.
        let used = try FileManager.default.contentsOfDirectory(atPath: sourceDir.path).sorted()
            .filter { $0 != "S004C003P020R002A027.skeleton" && $0 != "S005C003P015R002A050.skeleton" }
        XCTAssertEqual(used.count, 22)
        for (name, sourceFrames) in [("S002C003P006R001A008", 320), ("S001C001P001R001A001", 20)] {
            let source = try NTUSkeletonReader.read(sourceDir.appendingPathComponent(name + ".skeleton"))
            XCTAssertEqual(source.frameCount, sourceFrames)
            let copy = try NTUSkeletonReader.read(files[try XCTUnwrap(used.firstIndex(of: name + ".skeleton"))])
            for t in [0, 19, 20, 57, 99] {
                let s = t % sourceFrames
                XCTAssertEqual(copy.bodies(inFrame: t).count, source.bodies(inFrame: s).count, "\(name) frame \(t)")
                for (b, sb) in zip(copy.bodies(inFrame: t), source.bodies(inFrame: s)) {
                    XCTAssertEqual(copy.bodyIDs[b], source.bodyIDs[sb])
                    XCTAssertEqual(copy.positions[(b * 75)..<(b * 75 + 75)], source.positions[(sb * 75)..<(sb * 75 + 75)])
                }
            }
        }
    }

    func testFrameTilingKeepsLineEndingsAndRefusesMalformedText() throws {
        let body = "72057594037931101 0 1 1 1 1 0 0.1 0.2 2\r\n25\r\n"
            + String(repeating: "0.1 0.2 3.0 1 2 3 4 1 0 0 0 2\r\n", count: 25)
        let text = Array("2\r\n1\r\n\(body)0\r\n".utf8)
        let frames = try XCTUnwrap(NTUFrameTiling.frames(of: text))
        XCTAssertEqual(frames.frames.count, 2)
        XCTAssertEqual(frames.maxBodies, 1)
        XCTAssertEqual(frames.lineEnding, [0x0D, 0x0A])
        let tiled = NTUFrameTiling.tiled(text, frames, to: 5)
        XCTAssertEqual(String(decoding: tiled, as: UTF8.self),
                       "5\r\n1\r\n\(body)0\r\n1\r\n\(body)0\r\n1\r\n\(body)")
        let parsed = try NTUSkeletonReader.parse(Data(tiled), file: "tiled")
        XCTAssertEqual(parsed.frameCount, 5)
        XCTAssertEqual((0..<5).map { parsed.bodies(inFrame: $0).count }, [1, 0, 1, 0, 1])
        // A body count announcing more lines than there are, or a header that is not a number: nil.
        XCTAssertNil(NTUFrameTiling.frames(of: Array("1\n2\n\(body)".utf8)))
        XCTAssertNil(NTUFrameTiling.frames(of: Array("x\n".utf8)))
    }

    /// `--reference`: the script is run once on the replicated folder with the reference's arguments, and
    /// its time gives the ratios. A stand-in checkout records its arguments (the real script is run by
    /// `make bench` against a HiCLR checkout).
    func testConvertRunsTheReferenceScriptOnTheSameFiles() throws {
        let scratch = try makeTemporaryDirectory(self, tag: "bench-convert-ref")
        let checkout = scratch.appendingPathComponent("HiCLR")
        try FileManager.default.createDirectory(at: checkout.appendingPathComponent("tools"), withIntermediateDirectories: true)
        try """
        import os, sys
        args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
        names = sorted(os.listdir(args['--data_path']))
        with open(os.path.join(args['--out_folder'], 'seen.txt'), 'w') as f:
            f.write(open(args['--ignored_sample_path']).read() + '|' + ','.join(names))
        """.write(to: checkout.appendingPathComponent("tools/ntu_gendata.py"), atomically: true, encoding: .utf8)
        let work = scratch.appendingPathComponent("work")
        let result = try ConvertBenchmark.run(
            ConvertBenchmark.Options(raw: repository.appendingPathComponent("fixtures/ntu60"), samples: 6, workers: 2,
                                     mode: .clean, frames: 30, reference: ReferenceScriptRun(checkout: checkout),
                                     scratch: work))
        let seen = try String(contentsOf: work.appendingPathComponent("reference-out/seen.txt"), encoding: .utf8)
        let names = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("raw").path).sorted()
        XCTAssertEqual(names.count, 6)
        XCTAssertEqual(seen, "|" + names.joined(separator: ","))
        let reference = try XCTUnwrap(result.reference)
        XCTAssertGreaterThan(reference.time.wall, 0)
        XCTAssertEqual(reference.samplesPerSecond, 6 / reference.time.wall, accuracy: 1e-9)
        XCTAssertEqual(reference.speedUp, reference.time.wall / result.rows[4].time.wall, accuracy: 1e-12)
        XCTAssertEqual(reference.cpuSpeedUp, reference.time.cpu / result.rows[4].time.cpu, accuracy: 1e-12)
    }

    func testConvertReferenceErrorsNameTheCheckoutAndTheFailure() throws {
        let scratch = try makeTemporaryDirectory(self, tag: "bench-convert-ref-bad")
        let raw = repository.appendingPathComponent("fixtures/ntu60")
        // No script: refused before anything runs.
        XCTAssertThrowsError(try ConvertBenchmark.run(ConvertBenchmark.Options(
            raw: raw, samples: 2, workers: 1, reference: ReferenceScriptRun(checkout: scratch)))) { error in
            XCTAssertEqual((error as? BenchError)?.description,
                           "\(scratch.path): no tools/ntu_gendata.py here; --reference takes a JHang2020/HiCLR checkout")
        }
        // A script that fails: its status and the end of its stderr.
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("tools"), withIntermediateDirectories: true)
        try "import sys\nsys.stderr.write('no numpy here\\n')\nsys.exit(3)\n"
            .write(to: scratch.appendingPathComponent("tools/ntu_gendata.py"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConvertBenchmark.run(ConvertBenchmark.Options(
            raw: raw, samples: 2, workers: 1, mode: .clean, reference: ReferenceScriptRun(checkout: scratch)))) { error in
            XCTAssertEqual((error as? BenchError)?.description,
                           "tools/ntu_gendata.py of \(scratch.path) failed (status 3): no numpy here")
        }
    }

    func testConvertWithoutSkeletonFilesNamesTheFolder() throws {
        let empty = try makeTemporaryDirectory(self, tag: "bench-empty")
        XCTAssertThrowsError(try ConvertBenchmark.run(ConvertBenchmark.Options(raw: empty, samples: 4, workers: 1, frames: nil))) { error in
            XCTAssertEqual((error as? BenchError)?.description, "no NTU .skeleton files under \(empty.path)")
        }
        XCTAssertThrowsError(try ConvertBenchmark.run(ConvertBenchmark.Options(raw: empty, samples: 4, workers: 1))) { error in
            XCTAssertEqual((error as? BenchError)?.description, "no NTU .skeleton files with 1–2 bodies per frame under \(empty.path)")
        }
    }

    func testStreamReplicatesToSixtyFourSamplesAndStreamsThemAll() throws {
        let source = try makeShards(count: 5)
        let scratch = try makeTemporaryDirectory(self, tag: "bench-stream")
        var prepared: StreamBenchmark.Prepared?
        let result = try StreamBenchmark.run(StreamBenchmark.Options(shards: source, pipeline: "hiclr", samples: 64, batch: 16,
                                                                     workers: 2, scratch: scratch)) { prepared = $0 }
        let header = try XCTUnwrap(prepared)
        XCTAssertEqual(header.samples, 64)
        XCTAssertEqual(header.branches, ["q", "k", "q1", "q2"])
        XCTAssertEqual(header.streams, 1)
        XCTAssertGreaterThan(header.replicationSeconds, 0)

        // The replicated set: 64 samples cycling through the 5 sources, renamed <name>#<i>, labels kept.
        let replicated = try ShardSource.open(directory: scratch.appendingPathComponent("shards"))
        XCTAssertEqual(replicated.count, 64)
        XCTAssertEqual(replicated.benchmark, .xsub)
        XCTAssertEqual(replicated.names[7], "S001C001P001R001A3#7")
        XCTAssertEqual(replicated.labels[7], ShardsBenchmark.syntheticSample(2).label)
        XCTAssertEqual(try replicated.read(.joint, sample: 7).values, ShardsBenchmark.syntheticSample(2).joint.values)

        // Both runs stream the whole epoch: 4 views × 1 stream × 50 frames × 150 values × 4 bytes per sample.
        let bytesPerSample = 4 * 1 * SkeletonLayout.frames * ClipBuffer.valuesPerFrame * 4
        XCTAssertEqual(result.rows.map(\.name), ["1 worker", "2 workers"])
        for row in result.rows {
            XCTAssertEqual(row.samples, 64, row.name)
            XCTAssertEqual(row.bytes, 64 * bytesPerSample, row.name)
            XCTAssertGreaterThan(row.seconds, 0, row.name)
            XCTAssertEqual(row.samplesPerSecond * row.seconds, 64, accuracy: 1e-6)
            XCTAssertEqual(row.batchesPerSecond * row.seconds, 4, accuracy: 1e-6)
            XCTAssertEqual(row.viewsPerSecond * row.seconds, 256, accuracy: 1e-6)
            XCTAssertEqual(row.memcpyTimeRatio, row.seconds / result.memcpySeconds, accuracy: 1e-9)
            XCTAssertGreaterThan(row.cpuSeconds, 0, row.name)
            XCTAssertEqual(row.samplesPerCPUSecond * row.cpuSeconds, 64, accuracy: 1e-6)
        }
        XCTAssertEqual(result.memcpyBytes, 64 * bytesPerSample)
        XCTAssertGreaterThan(result.memcpySeconds, 0)
        XCTAssertEqual(result.speedUp, result.rows[0].seconds / result.rows[1].seconds, accuracy: 1e-9)
        XCTAssertEqual(result.perCoreSamplesPerSecond, result.rows[1].samplesPerSecond / 2, accuracy: 1e-9)
    }

    /// `--deflate-level 0` replicates the same values, stored: larger files than at level 4.
    func testStreamReplicatesAtTheGivenDeflateLevel() throws {
        let source = try makeShards(count: 3)
        let root = try makeTemporaryDirectory(self, tag: "bench-deflate")
        var sizes: [Int: Int] = [:]
        var values: [Int: [[Float]]] = [:]
        for level in [0, 4] {
            let dir = root.appendingPathComponent("level\(level)")
            try StreamBenchmark.replicate(source, samples: 6, into: dir, deflateLevel: level)
            let part = try ShardSource.open(directory: dir)
            values[level] = try (0..<6).map { try part.read(.joint, sample: $0).values }
            let file = dir.appendingPathComponent(ShardFormat.fileName(benchmark: .xsub, part: .train, index: 0))
            sizes[level] = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        }
        XCTAssertEqual(values[0], values[4])
        XCTAssertGreaterThan(try XCTUnwrap(sizes[0]), try XCTUnwrap(sizes[4]))
    }

    func testStreamStopsAfterTheGivenBatches() throws {
        let result = try StreamBenchmark.run(StreamBenchmark.Options(shards: try makeShards(count: 5), samples: 64, batch: 16,
                                                                     workers: 2, batches: 1))
        XCTAssertEqual(result.rows.map(\.samples), [16, 16])
        XCTAssertEqual(result.rows[0].memcpyTimeRatio, result.rows[0].seconds / result.memcpySeconds, accuracy: 1e-9)
    }

    func testShardsWritesAndReadsEverySampleOnEachPath() throws {
        let scratch = try makeTemporaryDirectory(self, tag: "bench-shards")
        var events: [String] = []
        let result = try ShardsBenchmark.run(ShardsBenchmark.Options(samples: 20, shardSize: 8, workers: 2, scratch: scratch)) {
            switch $0 {
            case let .started(samples, shardSize, workers): events.append("started \(samples) \(shardSize) \(workers)")
            case let .row(row): events.append(row.name)
            }
        }
        XCTAssertEqual(events, ["started 20 8 2"] + result.rows.map(\.name))
        XCTAssertEqual(result.rows.map(\.name), [
            "write: libhdf5 deflate filter (baseline)", "write: ShardWriter, compressing on the calling thread",
            "write: EncodedShardSample on 2 threads + ShardWriter", "read: H5Dread through libhdf5 filters (baseline)",
            "read: ShardPart, 1 thread(s)", "read: ShardPart, 2 thread(s)"])
        for row in result.rows {
            XCTAssertEqual(row.samples, 20)
            XCTAssertGreaterThan(row.time.wall, 0, row.name)
            XCTAssertGreaterThanOrEqual(row.time.cpu, 0, row.name)
            XCTAssertEqual(row.samplesPerSecond * row.time.wall, 20, accuracy: 1e-6)
            XCTAssertEqual(row.speedUp, row.baseline.wall / row.time.wall, accuracy: 1e-12)
        }
        XCTAssertEqual(result.rows[0].speedUp, 1)
        XCTAssertEqual(result.rows[3].speedUp, 1)
        XCTAssertEqual(result.rows[1].baseline, result.rows[0].time)
        XCTAssertEqual(result.rows[5].baseline, result.rows[3].time)
        // The writers' outputs hold the same 20 samples: 3 files of at most 8 for the baseline, a readable set for the others.
        let baselineFiles = try FileManager.default.contentsOfDirectory(atPath: scratch.appendingPathComponent("baseline").path)
        XCTAssertEqual(baselineFiles.sorted(), ["0.h5", "1.h5", "2.h5"])
        for folder in ["serial", "parallel"] {
            let part = try XCTUnwrap(try ShardSet(directory: scratch.appendingPathComponent(folder)).samples(benchmark: .xsub, part: .train))
            XCTAssertEqual(part.count, 20, folder)
            XCTAssertEqual(part.names[13], "S001C001P001R001A13", folder)
            XCTAssertEqual(try part.read(.motion, sample: 13).values, ShardsBenchmark.syntheticSample(13).motion.values, folder)
        }
        // One worker: the read on 1 thread is timed once.
        let single = try ShardsBenchmark.run(ShardsBenchmark.Options(samples: 4, shardSize: 8, workers: 1))
        XCTAssertEqual(single.rows.count, 5)
    }

    func testSyntheticShardSamplesAreDeterministicWithOneOrTwoBodies() {
        let even = ShardsBenchmark.syntheticSample(6), odd = ShardsBenchmark.syntheticSample(7)
        XCTAssertEqual(even.joint.values, ShardsBenchmark.syntheticSample(6).joint.values)
        XCTAssertNotEqual(even.joint.values, ShardsBenchmark.syntheticSample(8).joint.values)
        XCTAssertEqual(even.bodies, 2)
        XCTAssertEqual(odd.bodies, 1)
        XCTAssertEqual(odd.length, 57)
        XCTAssertEqual(odd.label, 7)
        // Body 2 of an odd sample is all zero; body 2 of an even one is not.
        func body2(_ s: ShardSample) -> [Float] {
            var out: [Float] = []
            for c in 0..<3 { for t in 0..<SkeletonLayout.frames { for v in 0..<25 { out.append(s.joint[c, t, v, 1]) } } }
            return out
        }
        XCTAssertTrue(body2(odd).allSatisfy { $0 == 0 })
        XCTAssertFalse(body2(even).allSatisfy { $0 == 0 })
        XCTAssertEqual(even.bone.values, even.joint.bones().values)
    }

    func testEngineOneStepAtBatchTwoFramesEight() throws {
        // The benchmark sets the engine's process-wide worker count and pool limit: restored for the tests after.
        let (workers, poolLimit) = (Parallel.workerCount, TensorStoragePool.limitBytes)
        addTeardownBlock {
            Parallel.workerCount = workers
            TensorStoragePool.limitBytes = poolLimit
            TensorStoragePool.drain()
        }
        var announced: Int?
        let r = try EngineBenchmark.run(EngineBenchmark.Options(batch: 2, frames: 8, steps: 1, warmup: 0, workers: 2, poolGiB: 0)) {
            announced = $0
        }
        XCTAssertEqual(announced, 2)
        XCTAssertEqual(Parallel.workerCount, 2)
        XCTAssertEqual(TensorStoragePool.limitBytes, 0)
        XCTAssertEqual(r.workers, 2)
        XCTAssertEqual(r.batch, 2)
        XCTAssertEqual(r.frames, 8)
        XCTAssertEqual(r.steps, 1)
        // One timed step: its time is the sum of its parts.
        XCTAssertGreaterThan(r.forwardSeconds, 0)
        XCTAssertGreaterThan(r.backwardSeconds, 0)
        XCTAssertGreaterThan(r.updateSeconds, 0)
        XCTAssertEqual(r.stepSeconds, r.forwardSeconds + r.backwardSeconds + r.updateSeconds, accuracy: 1e-12)
        XCTAssertGreaterThan(r.flops, 0)
        XCTAssertEqual(r.engineGFLOPS * r.stepSeconds * 1e9, r.flops, accuracy: r.flops * 1e-9)
        XCTAssertEqual(r.sgemmColumns, 2 * 2 * 25)
        XCTAssertGreaterThan(r.sgemmGFLOPS, 0)
        XCTAssertEqual(r.engineToSgemm, r.engineGFLOPS / r.sgemmGFLOPS, accuracy: 1e-12)
        XCTAssertEqual(r.stepSecondsAtSgemmSpeed, r.flops / (r.sgemmGFLOPS * 1e9), accuracy: 1e-12)
        // The analytic count is linear in the batch.
        let twice = try EngineBenchmark.run(EngineBenchmark.Options(batch: 4, frames: 8, steps: 1, warmup: 0, workers: 2, poolGiB: 0))
        XCTAssertEqual(twice.flops, 2 * r.flops)
        XCTAssertEqual(twice.sgemmColumns, 200)
    }

    func testAugmentTimesTheBaselineEveryStageAndThePipeline() throws {
        let options = AugmentBenchmark.Options(pipeline: "hiclr", samples: 8, frames: 20, clips: 3, workers: 2)
        var started: String?
        var streamed: [String] = []
        let result = try AugmentBenchmark.run(options) {
            switch $0 {
            case let .started(samples, frames, pipeline, views, workers): started = "\(samples) \(frames) \(pipeline) \(views) \(workers)"
            case let .row(row): streamed.append(row.name)
            }
        }
        XCTAssertEqual(started, "8 20 hiclr 4 2")
        XCTAssertEqual(streamed, result.rows.map(\.name))
        let stages = StageRegistry.benchmarkStages
        XCTAssertEqual(result.rows.count, 1 + stages.count + 3)
        XCTAssertEqual(result.rows[0].name, "memcpy per view (baseline)")
        XCTAssertEqual(result.rows[0].views, 32)
        XCTAssertEqual(result.rows[0].memcpyRatio, 1, accuracy: 1e-12)
        for (row, (variant, stage)) in zip(result.rows[1...], stages) {
            XCTAssertEqual(row.name, "stage \(stage.name)" + (variant.isEmpty ? "" : " (\(variant))"))
            XCTAssertEqual(row.views, 8)
            XCTAssertNil(row.samples)
        }
        XCTAssertEqual(result.rows.suffix(3).map(\.name), ["hiclr, in place, 1 thread", "hiclr, in place, 2 threads",
                                                          "hiclr, views(for:), 1 thread"])
        for row in result.rows {
            XCTAssertGreaterThan(row.seconds, 0, row.name)
            XCTAssertEqual(row.viewsPerSecond * row.seconds, Double(row.views), accuracy: 1e-6)
            XCTAssertEqual(row.memcpyRatio, row.seconds / Double(row.views) / row.memcpySecondsPerView, accuracy: 1e-9)
        }
        for row in result.rows.suffix(3) {
            XCTAssertEqual(row.samples, 8)
            XCTAssertEqual(row.views, 32)
        }
        let inPlace = result.rows.suffix(3).map(\.seconds)
        XCTAssertEqual(result.speedUp, inPlace[0] / inPlace[1], accuracy: 1e-12)
        XCTAssertEqual(result.perCoreSamplesPerSecond, 8 / inPlace[0], accuracy: 1e-9)
        // The checksum reads seeded outputs: the same options give the same value.
        XCTAssertTrue(result.checksum.isFinite)
        XCTAssertEqual(try AugmentBenchmark.run(options).checksum, result.checksum)
    }

    func testSyntheticClipsAreSmoothAndBothBodiesPresent() {
        let clip = AugmentBenchmark.syntheticClip(frames: 10, phase: 0.37)
        XCTAssertEqual(clip.frames, 10)
        XCTAssertEqual(clip[1, 2, 3, 1], sin(Float(1.1 + 0.26 + 1.11 + 0.7 + 0.37)) * (1 + 3 / 50), accuracy: 1e-5)
        XCTAssertNotEqual(clip[0, 0, 0, 1], 0)
    }
}
