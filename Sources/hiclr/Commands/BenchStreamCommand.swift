import ArgumentParser
import Augment
import Convert
import Foundation
import Loader
import Shards

/// `hiclr bench stream`: loader throughput on a replicated shard set, against a memory-copy baseline.
struct BenchStreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Measure multi-view batches/s of the loader on a replicated shard set (≥ 20,000 samples).",
        discussion: """
        Replicates the samples of one part of --shards (compressed chunks reused, new names) into a scratch \
        shard set of --samples samples, then streams one epoch of --pipeline batches with 1 worker and with \
        --workers workers. The baseline is the time to memcpy the same number of batch bytes in this run.
        """)

    @Option(help: "Shard directory to replicate.")
    var shards: String

    @Option(help: shippedHelp(.pipeline, "Pipeline"))
    var pipeline: String = "hiclr"

    @Option(help: "Samples in the replicated set.")
    var samples: Int = 20_480

    @Option(help: "Samples per batch.")
    var batch: Int = 128

    @Option(help: "Worker threads for the parallel run (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Stop each run after this many batches (default: the whole epoch).")
    var batches: Int?

    @Option(help: "Scratch folder (default: a temporary folder, removed afterwards).")
    var scratch: String?

    func run() throws {
        let fm = FileManager.default
        let root = scratch.map { URL(fileURLWithPath: $0) }
            ?? fm.temporaryDirectory.appendingPathComponent("hiclr-bench-stream-\(UUID().uuidString)")
        defer { if scratch == nil { try? fm.removeItem(at: root) } }
        let replicated = root.appendingPathComponent("shards")
        let tWrite = try measureSeconds { try replicate(into: replicated) }
        let part = try ShardSource.open(directory: replicated, verify: false)
        let runner = PipelineRunner(try PipelineLoader.load(reference: pipeline))
        let views = runner.pipeline.branches.count
        print(String(format: "bench stream: %d samples (replicated in %.1f s), %d views (%@) × %d stream(s), batch %d",
                     part.count, tWrite, views, runner.pipeline.branches.map(\.name).joined(separator: ",") as NSString,
                     runner.pipeline.streams.names.count, batch))

        func stream(_ w: Int) throws -> (Double, Int, Int) {
            let loader = try StreamingLoader(dataset: part, runner: runner,
                                             config: LoaderConfig(batchSize: batch, workers: w, prefetch: 2 * w, seed: 1))
            let s = loader.batches(epoch: 0)
            var count = 0, bytes = 0, n = 0
            let t = try measureSeconds {
                while let b = try s.next() {
                    count += b.count
                    bytes += b.views.reduce(0) { $0 + $1.data.reduce(0) { $0 + $1.count * 4 } }
                    n += 1
                    if let limit = batches, n >= limit { s.stop(); break }
                }
            }
            return (t, count, bytes)
        }
        let (t1, n1, bytes1) = try stream(1)
        let (tN, nN, _) = try stream(workers)
        // Baseline: copying the same bytes, in batch-sized blocks, once.
        let block = bytes1 / max(1, n1 / batch)
        let source = [UInt8](repeating: 1, count: block), destination = UnsafeMutableRawPointer.allocate(byteCount: block, alignment: 64)
        defer { destination.deallocate() }
        let tCopy = measureSeconds {
            for _ in 0..<max(1, n1 / batch) { source.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: block) } }
        }
        func row(_ name: String, _ t: Double, _ n: Int) -> String {
            String(format: "  %@ %7.2f s %8.0f samples/s %6.1f batches/s %9.0f views/s  %7.1f× memcpy time",
                   name.padding(toLength: 22, withPad: " ", startingAt: 0) as NSString, t, Double(n) / t,
                   Double(n) / Double(batch) / t, Double(n * views) / t, t / tCopy * Double(n1) / Double(n))
        }
        print(String(format: "  %@ %7.3f s for %.0f MB of batch data (%.1f GB/s)", "memcpy baseline".padding(toLength: 22, withPad: " ", startingAt: 0) as NSString,
                     tCopy, Double(bytes1) / 1e6, Double(bytes1) / 1e9 / tCopy))
        print(row("1 worker", t1, n1))
        print(row("\(workers) workers", tN, nN))
        print(String(format: "  per core (%d workers): %.0f samples/s (target ≥ 2,350; official feeder 235); speed-up %.2f×; peak RSS %.0f MiB",
                     workers, Double(nN) / tN / Double(workers), (Double(nN) / tN) / (Double(n1) / t1), peakRSSMiB()))
    }

    /// Writes `samples` samples by cycling through the part's encoded chunks.
    func replicate(into dir: URL) throws {
        let source = try ShardSource.open(directory: URL(fileURLWithPath: shards), verify: false)
        guard source.count > 0 else { throw ValidationError("\(shards) holds no samples") }
        var encoded: [EncodedShardSample] = []
        for i in 0..<source.count {
            let joint = try source.read(.joint, sample: i)
            encoded.append(try EncodedShardSample(ShardSample(name: source.names[i], label: source.labels[i], length: source.lengths[i],
                                                              bodies: 1, joint: joint, bone: try source.read(.bone, sample: i),
                                                              motion: try source.read(.motion, sample: i))))
        }
        let info = ShardSetInfo(dataset: source.readers[0].info.dataset, benchmark: source.benchmark, part: source.part, mode: "reference",
                                options: [:], toolVersion: ConvertVersion.tool)
        let writer = try ShardWriter(directory: dir, info: info, shardSize: 4096)
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
