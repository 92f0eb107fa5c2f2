import Augment
import Convert
import Foundation
import Loader
import Shards

/// Loader throughput on a replicated shard set, against a memory-copy baseline measured in the same run, as
/// `hiclr bench stream` prints it.
public enum StreamBenchmark {
    public struct Options: Sendable {
        /// Shard directory whose first benchmark's train part is replicated.
        public var shards: URL
        /// A pipeline file or the name of a shipped pipeline.
        public var pipeline: String
        /// Samples in the replicated set.
        public var samples: Int
        public var batch: Int
        /// Worker threads for the parallel run.
        public var workers: Int
        /// Stop each run after this many batches; nil: the whole epoch.
        public var batches: Int?
        /// Scratch folder, kept afterwards; nil: a new temporary folder, removed afterwards.
        public var scratch: URL?
        /// zlib level of the replicated set's sample datasets (0: uncompressed with a Fletcher-32 checksum, nothing to inflate).
        public var deflateLevel: Int = ShardFormat.defaultDeflateLevel

        public init(shards: URL, pipeline: String = "hiclr", samples: Int = 20_480, batch: Int = 128,
                    workers: Int = ProcessInfo.processInfo.activeProcessorCount, batches: Int? = nil, scratch: URL? = nil) {
            self.shards = shards; self.pipeline = pipeline; self.samples = samples; self.batch = batch
            self.workers = workers; self.batches = batches; self.scratch = scratch
        }
    }

    /// Known once the set is replicated, before the timed runs.
    public struct Prepared: Sendable {
        public var samples: Int
        public var replicationSeconds: Double
        public var branches: [String]
        public var streams: Int
        public var batch: Int
    }

    /// One timed epoch (or `batches` batches) of the loader.
    public struct Row: Sendable {
        public var name: String
        public var workers: Int
        public var seconds: Double
        /// CPU time (user + system, every thread of the process) of the run.
        public var cpuSeconds: Double
        /// Samples streamed and the bytes of their batch data (every view, every stream, 4 bytes a value).
        public var samples: Int
        public var bytes: Int
        public var samplesPerSecond: Double
        /// Samples per CPU-second: the per-core rate, meaningful on a loaded machine too.
        public var samplesPerCPUSecond: Double
        public var batchesPerSecond: Double
        public var viewsPerSecond: Double
        /// `seconds` over the memcpy baseline's, scaled to the 1-worker run's sample count.
        public var memcpyTimeRatio: Double
    }

    public struct Result: Sendable {
        public var prepared: Prepared
        /// The baseline: copying the 1-worker run's batch bytes in batch-sized blocks.
        public var memcpySeconds: Double
        public var memcpyBytes: Int
        public var memcpyGigabytesPerSecond: Double
        /// 1 worker, then `workers` workers.
        public var rows: [Row]
        public var workers: Int
        /// Samples/s per worker of the parallel run.
        public var perCoreSamplesPerSecond: Double
        /// Parallel samples/s over 1-worker samples/s.
        public var speedUp: Double
        public var peakRSSMiB: Double
    }

    public static func run(_ options: Options, prepared: (Prepared) -> Void = { _ in }) throws -> Result {
        let scratch = ScratchFolder(options.scratch, prefix: "hiclr-bench-stream")
        defer { scratch.cleanUp() }
        let replicated = scratch.root.appendingPathComponent("shards")
        let tWrite = try Measure.seconds {
            try replicate(options.shards, samples: options.samples, into: replicated, deflateLevel: options.deflateLevel)
        }
        let part = try ShardSource.open(directory: replicated, verify: false)
        let runner = PipelineRunner(try PipelineLoader.load(reference: options.pipeline))
        let views = runner.pipeline.branches.count
        let batch = options.batch
        let header = Prepared(samples: part.count, replicationSeconds: tWrite, branches: runner.pipeline.branches.map(\.name),
                              streams: runner.pipeline.streams.names.count, batch: batch)
        prepared(header)

        func stream(_ w: Int) throws -> (WallAndCPU, Int, Int) {
            let loader = try StreamingLoader(dataset: part, runner: runner,
                                             config: LoaderConfig(batchSize: batch, workers: w, prefetch: 2 * w, seed: 1))
            var count = 0, bytes = 0, n = 0
            // From the epoch's start (the workers start here) to its last batch, as a consumer sees it.
            let t = try Measure.wallAndCPU {
                let s = loader.batches(epoch: 0)
                while let b = try s.next() {
                    count += b.count
                    bytes += b.views.reduce(0) { $0 + $1.data.reduce(0) { $0 + $1.count * 4 } }
                    n += 1
                    if let limit = options.batches, n >= limit { s.stop(); break }
                }
            }
            return (t, count, bytes)
        }
        let (t1, n1, bytes1) = try stream(1)
        let (tN, nN, bytesN) = try stream(options.workers)
        // Baseline: copying the same bytes, in batch-sized blocks, once.
        let blocks = max(1, n1 / batch)
        let block = bytes1 / blocks
        let source = [UInt8](repeating: 1, count: block), destination = UnsafeMutableRawPointer.allocate(byteCount: block, alignment: 64)
        defer { destination.deallocate() }
        let tCopy = Measure.seconds {
            for _ in 0..<blocks { source.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: block) } }
        }
        func row(_ name: String, workers: Int, _ time: WallAndCPU, _ n: Int, _ bytes: Int) -> Row {
            let t = time.wall
            return Row(name: name, workers: workers, seconds: t, cpuSeconds: time.cpu, samples: n, bytes: bytes,
                samplesPerSecond: Double(n) / t, samplesPerCPUSecond: Double(n) / max(time.cpu, 1e-9),
                batchesPerSecond: Double(n) / Double(batch) / t, viewsPerSecond: Double(n * views) / t,
                memcpyTimeRatio: t / tCopy * Double(n1) / Double(n))
        }
        return Result(prepared: header, memcpySeconds: tCopy, memcpyBytes: bytes1,
                      memcpyGigabytesPerSecond: Double(bytes1) / 1e9 / tCopy,
                      rows: [row("1 worker", workers: 1, t1, n1, bytes1),
                             row("\(options.workers) workers", workers: options.workers, tN, nN, bytesN)],
                      workers: options.workers, perCoreSamplesPerSecond: Double(nN) / tN.wall / Double(options.workers),
                      speedUp: (Double(nN) / tN.wall) / (Double(n1) / t1.wall), peakRSSMiB: Measure.peakRSSMiB())
    }

    /// Writes a shard set of `samples` samples into `dir` by cycling through the encoded samples of the first
    /// benchmark's train part of `shards` (new names `<name>#<i>`), with its manifest; the sample datasets are
    /// compressed at `deflateLevel`.
    public static func replicate(_ shards: URL, samples: Int, into dir: URL,
                                 deflateLevel: Int = ShardFormat.defaultDeflateLevel) throws {
        let source = try ShardSource.open(directory: shards, verify: false)
        guard source.count > 0 else { throw BenchError("\(shards.relativePath) holds no samples") }
        var encoded: [EncodedShardSample] = []
        for i in 0..<source.count {
            let joint = try source.read(.joint, sample: i)
            encoded.append(try EncodedShardSample(ShardSample(name: source.names[i], label: source.labels[i], length: source.lengths[i],
                                                              bodies: 1, joint: joint, bone: try source.read(.bone, sample: i),
                                                              motion: try source.read(.motion, sample: i)),
                                                 deflateLevel: deflateLevel))
        }
        let info = ShardSetInfo(dataset: source.readers[0].info.dataset, benchmark: source.benchmark, part: source.part,
                                mode: "reference",
                                options: [:], toolVersion: ConvertVersion.tool)
        let writer = try ShardWriter(directory: dir, info: info, shardSize: 4096, deflateLevel: deflateLevel)
        for i in 0..<samples {
            var sample = encoded[i % encoded.count]
            sample.name = "\(sample.name)#\(i)"
            try writer.append(sample)
        }
        let records = try writer.finish()
        try Manifest(dataset: info.dataset, mode: "reference", toolVersion: ConvertVersion.tool,
                     createdBy: "hiclr bench stream", shards: records).write(to: dir)
    }
}
