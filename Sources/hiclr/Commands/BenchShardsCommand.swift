import ArgumentParser
import Dispatch
import Foundation
import HDF5
import Shards
import SkeletonCore

/// `hiclr bench shards`: shard write and read throughput, against libhdf5's own filter pipeline measured in
/// the same run (compressing inside `H5Dwrite` / decompressing inside `H5Dread`, under the library lock).
struct BenchShardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shards",
        abstract: "Measure shard writing and reading (samples/s) against libhdf5's built-in filters.",
        discussion: """
        Makes --samples synthetic 50-frame samples (smooth trajectories, one or two bodies, the three streams), \
        then times in one run: writing them through libhdf5's deflate filter (baseline), with ShardWriter \
        compressing on the calling thread, and compressed beforehand on --workers threads; reading every sample of every stream through H5Dread (baseline), and with \
        ShardPart on 1 and --workers threads. Prints samples/s (wall clock) and CPU µs per sample (all threads), each with its ratio to the baseline.
        """)

    @Option(help: "Samples to write and read.")
    var samples: Int = 2048

    @Option(help: "Samples per shard file.")
    var shardSize: Int = 1024

    @Option(help: "Threads for the parallel runs (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Scratch folder (default: a new temporary folder, removed afterwards).")
    var scratch: String?

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard shardSize >= 1 else { throw ValidationError("--shard-size must be at least 1") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        let fm = FileManager.default
        let root = scratch.map { URL(fileURLWithPath: $0) }
            ?? fm.temporaryDirectory.appendingPathComponent("hiclr-bench-shards-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if scratch == nil { try? fm.removeItem(at: root) } }

        let distinct = (0..<min(samples, 256)).map(Self.syntheticSample)
        let all = (0..<samples).map { i -> ShardSample in
            var sample = distinct[i % distinct.count]
            sample.name = "S001C001P001R001A\(i)"
            return sample
        }
        print("bench shards: \(samples) samples, shards of \(shardSize), \(workers) workers")

        let baseline = try Self.seconds { try writeWithLibraryFilters(all, to: root.appendingPathComponent("baseline")) }
        report("write: libhdf5 deflate filter (baseline)", baseline, baseline)
        let info = ShardSetInfo(dataset: .ntu60, benchmark: .xsub, part: .train, mode: "reference",
                                toolVersion: HiCLRVersion.string)
        func finish(_ writer: ShardWriter, _ dir: URL) throws {
            let records = try writer.finish()
            try Manifest(dataset: .ntu60, mode: "reference", toolVersion: HiCLRVersion.string,
                         createdBy: "hiclr bench shards", shards: records).write(to: dir)
        }
        let serialDir = root.appendingPathComponent("serial")
        let serial = try Self.seconds {
            let writer = try ShardWriter(directory: serialDir, info: info, shardSize: shardSize)
            for sample in all { try writer.append(sample) }
            try finish(writer, serialDir)
        }
        report("write: ShardWriter, compressing on the calling thread", serial, baseline)
        let parallelDir = root.appendingPathComponent("parallel")
        let parallel = try Self.seconds {
            let writer = try ShardWriter(directory: parallelDir, info: info, shardSize: shardSize)
            for start in stride(from: 0, to: all.count, by: 256) {
                let block = Array(all[start..<min(all.count, start + 256)])
                for encoded in try Self.encode(block, threads: workers) { try writer.append(encoded) }
            }
            try finish(writer, parallelDir)
        }
        report("write: EncodedShardSample on \(workers) threads + ShardWriter", parallel, baseline)
        let part: ShardPart? = try ShardSet(directory: parallelDir).samples(benchmark: .xsub, part: .train)
        guard let part else { return }

        let readBaseline = try Self.seconds { try readWithLibraryFilters(part) }
        report("read: H5Dread through libhdf5 filters (baseline)", readBaseline, readBaseline)
        for threads in Set([1, workers]).sorted() {
            let time = try Self.seconds { try read(part, threads: threads) }
            report("read: ShardPart, \(threads) thread(s)", time, readBaseline)
        }
    }

    private func report(_ label: String, _ time: (wall: Double, cpu: Double), _ baseline: (wall: Double, cpu: Double)) {
        let rate = Double(samples) / time.wall
        let padded = label.padding(toLength: 62, withPad: " ", startingAt: 0)
        print(String(format: "  %@ %8.0f samples/s %6.2fx   cpu %6.1f µs/sample %6.2fx", padded, rate,
                     baseline.wall / time.wall, time.cpu / Double(samples) * 1e6, baseline.cpu / time.cpu))
    }

    /// Baseline writer: the same datasets, rows written with `H5Dwrite` so libhdf5 compresses under its lock.
    private func writeWithLibraryFilters(_ all: [ShardSample], to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (index, start) in stride(from: 0, to: all.count, by: shardSize).enumerated() {
            let slice = all[start..<min(all.count, start + shardSize)]
            let file = try HDF5File(creating: dir.appendingPathComponent("\(index).h5").path)
            let options = HDF5DatasetOptions(chunkShape: [1] + ShardFormat.sampleShape, deflateLevel: 4, shuffle: true)
            for stream in SkeletonStream.allCases {
                let dataset = try file.createDataset(stream.rawValue, type: .float32,
                                                     shape: [slice.count] + ShardFormat.sampleShape, options: options)
                for block in stride(from: 0, to: slice.count, by: 256) {
                    let rows = block..<min(slice.count, block + 256)
                    let values = rows.flatMap { slice[slice.startIndex + $0].clip(stream).values }
                    try dataset.write(values, rows: rows)
                }
            }
            try file.close()
        }
    }

    /// Baseline reader: every sample of every stream with `H5Dread` of one row (decompressed under the lock).
    private func readWithLibraryFilters(_ part: ShardPart) throws {
        var buffer = [Float](repeating: 0, count: ShardFormat.sampleElements)
        for reader in part.readers {
            let file = try HDF5File(opening: reader.url.path)
            for stream in SkeletonStream.allCases {
                let dataset = try file.openDataset(stream.rawValue, chunkCache: .disabled)
                for row in 0..<reader.count {
                    try buffer.withUnsafeMutableBufferPointer { try dataset.read(rows: row..<(row + 1), into: $0) }
                }
            }
        }
    }

    /// Compresses `samples` on `threads` threads, keeping their order.
    private static func encode(_ samples: [ShardSample], threads: Int) throws -> [EncodedShardSample] {
        var results = [Result<EncodedShardSample, Error>?](repeating: nil, count: samples.count)
        results.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                for i in stride(from: worker, to: samples.count, by: threads) {
                    (base + i).pointee = Result { try EncodedShardSample(samples[i]) }
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    private func read(_ part: ShardPart, threads: Int) throws {
        let lock = NSLock()
        var failure: Error?
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            var buffer = [Float](repeating: 0, count: ShardFormat.sampleElements)
            for i in stride(from: worker, to: part.count, by: threads) {
                for stream in SkeletonStream.allCases {
                    do {
                        try buffer.withUnsafeMutableBufferPointer { try part.read(stream, sample: i, into: $0) }
                    } catch {
                        lock.lock(); failure = error; lock.unlock()
                    }
                }
            }
        }
        if let failure { throw failure }
    }

    /// Wall-clock and CPU (user + system, all threads) seconds of `body`.
    private static func seconds(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        func cpu() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let startCPU = cpu()
        try body()
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu() - startCPU)
    }

    /// A plausible sample: centred smooth joint trajectories (body 2 absent in odd samples) and its streams.
    static func syntheticSample(_ seed: Int) -> ShardSample {
        var joint = SkeletonClip(frames: SkeletonLayout.frames)
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
        let bodies = seed % 2 == 0 ? 2 : 1
        for m in 0..<bodies {
            for v in 0..<SkeletonLayout.joints {
                for c in 0..<SkeletonLayout.channels {
                    let base = next() * 0.8, amplitude = next() * 0.2, speed = 0.05 + abs(next()) * 0.3
                    for t in 0..<SkeletonLayout.frames {
                        joint[c, t, v, m] = base + amplitude * sin(Float(t) * speed) + next() * 0.002
                    }
                }
            }
        }
        return ShardSample(name: "", label: seed % 60, length: 50 + seed % 250, bodies: bodies,
                           joint: joint, bone: joint.bones(), motion: joint.motion())
    }
}
