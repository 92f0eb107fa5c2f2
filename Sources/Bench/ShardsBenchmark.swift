import Convert
import Dispatch
import Foundation
import HDF5
import Shards
import SkeletonCore

/// Shard write and read throughput, against libhdf5's own filter pipeline measured in the same run (compressing
/// inside `H5Dwrite` / decompressing inside `H5Dread`, under the library lock), as `hiclr bench shards` prints it.
public enum ShardsBenchmark {
    public struct Options: Sendable {
        /// Synthetic samples to write and read.
        public var samples: Int
        /// Samples per shard file.
        public var shardSize: Int
        /// Threads for the parallel runs.
        public var workers: Int
        /// Scratch folder, kept afterwards; nil: a new temporary folder, removed afterwards.
        public var scratch: URL?

        public init(samples: Int = 2048, shardSize: Int = 1024, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                    scratch: URL? = nil) {
            self.samples = samples; self.shardSize = shardSize; self.workers = workers; self.scratch = scratch
        }
    }

    /// One timed write or read of every sample, with the baseline it is compared with.
    public struct Row: Sendable {
        public var name: String
        public var time: WallAndCPU
        public var baseline: WallAndCPU
        public var samples: Int
        public var samplesPerSecond: Double { Double(samples) / time.wall }
        /// Baseline wall time over this row's (above 1: faster than the baseline).
        public var speedUp: Double { baseline.wall / time.wall }
        /// CPU time of all threads per sample, in microseconds.
        public var cpuMicrosecondsPerSample: Double { time.cpu / Double(samples) * 1e6 }
        /// Baseline CPU time over this row's.
        public var cpuSpeedUp: Double { baseline.cpu / time.cpu }
    }

    public enum Event: Sendable {
        /// Before the first timed run.
        case started(samples: Int, shardSize: Int, workers: Int)
        /// A row, as soon as it is measured.
        case row(Row)
    }

    /// The rows in order: write baseline, serial writer, parallel encoding; read baseline, ShardPart on 1 and
    /// `workers` threads (once when `workers` is 1).
    public struct Result: Sendable {
        public var rows: [Row]
    }

    /// The deflate level of every path (the libhdf5 baseline compresses, so the shard writer does too).
    public static let deflateLevel = 4

    public static func run(_ options: Options, progress: (Event) -> Void = { _ in }) throws -> Result {
        let fm = FileManager.default
        let scratch = ScratchFolder(options.scratch, prefix: "hiclr-bench-shards")
        let root = scratch.root
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        defer { scratch.cleanUp() }
        let (samples, shardSize, workers) = (options.samples, options.shardSize, options.workers)

        let distinct = (0..<min(samples, 256)).map(syntheticSample)
        let all = (0..<samples).map { i -> ShardSample in
            var sample = distinct[i % distinct.count]
            sample.name = "S001C001P001R001A\(i)"
            return sample
        }
        progress(.started(samples: samples, shardSize: shardSize, workers: workers))
        var rows: [Row] = []
        func report(_ name: String, _ time: WallAndCPU, _ baseline: WallAndCPU) {
            let row = Row(name: name, time: time, baseline: baseline, samples: samples)
            rows.append(row)
            progress(.row(row))
        }

        let baseline = try Measure.wallAndCPU {
            try writeWithLibraryFilters(all, shardSize: shardSize, to: root.appendingPathComponent("baseline"))
        }
        report("write: libhdf5 deflate filter (baseline)", baseline, baseline)
        let info = ShardSetInfo(dataset: .ntu60, benchmark: .xsub, part: .train, mode: "reference",
                                toolVersion: ConvertVersion.tool)
        func finish(_ writer: ShardWriter, _ dir: URL) throws {
            let records = try writer.finish()
            try Manifest(dataset: .ntu60, mode: "reference", toolVersion: ConvertVersion.tool,
                         createdBy: "hiclr bench shards", shards: records).write(to: dir)
        }
        let serialDir = root.appendingPathComponent("serial")
        let serial = try Measure.wallAndCPU {
            let writer = try ShardWriter(directory: serialDir, info: info, shardSize: shardSize, deflateLevel: deflateLevel)
            for sample in all { try writer.append(sample) }
            try finish(writer, serialDir)
        }
        report("write: ShardWriter, compressing on the calling thread", serial, baseline)
        let parallelDir = root.appendingPathComponent("parallel")
        let parallel = try Measure.wallAndCPU {
            let writer = try ShardWriter(directory: parallelDir, info: info, shardSize: shardSize, deflateLevel: deflateLevel)
            for start in stride(from: 0, to: all.count, by: 256) {
                let block = Array(all[start..<min(all.count, start + 256)])
                for encoded in try encode(block, threads: workers) { try writer.append(encoded) }
            }
            try finish(writer, parallelDir)
        }
        report("write: EncodedShardSample on \(workers) threads + ShardWriter", parallel, baseline)
        let part: ShardPart? = try ShardSet(directory: parallelDir).samples(benchmark: .xsub, part: .train)
        guard let part else { return Result(rows: rows) }

        let readBaseline = try Measure.wallAndCPU { try readWithLibraryFilters(part) }
        report("read: H5Dread through libhdf5 filters (baseline)", readBaseline, readBaseline)
        for threads in Set([1, workers]).sorted() {
            let time = try Measure.wallAndCPU { try read(part, threads: threads) }
            report("read: ShardPart, \(threads) thread(s)", time, readBaseline)
        }
        return Result(rows: rows)
    }

    /// Baseline writer: the same datasets, rows written with `H5Dwrite` so libhdf5 compresses under its lock.
    static func writeWithLibraryFilters(_ all: [ShardSample], shardSize: Int, to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (index, start) in stride(from: 0, to: all.count, by: shardSize).enumerated() {
            let slice = all[start..<min(all.count, start + shardSize)]
            let file = try HDF5File(creating: dir.appendingPathComponent("\(index).h5").path)
            let options = HDF5DatasetOptions(chunkShape: [1] + ShardFormat.sampleShape, deflateLevel: deflateLevel, shuffle: true)
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
    static func readWithLibraryFilters(_ part: ShardPart) throws {
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
    static func encode(_ samples: [ShardSample], threads: Int) throws -> [EncodedShardSample] {
        var results = [Swift.Result<EncodedShardSample, Error>?](repeating: nil, count: samples.count)
        results.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                for i in stride(from: worker, to: samples.count, by: threads) {
                    (base + i).pointee = Swift.Result { try EncodedShardSample(samples[i], deflateLevel: deflateLevel) }
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// Reads every sample of every stream of `part` on `threads` threads.
    static func read(_ part: ShardPart, threads: Int) throws {
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

    /// A plausible sample: centred smooth joint trajectories (body 2 absent in odd samples) and its streams.
    public static func syntheticSample(_ seed: Int) -> ShardSample {
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
