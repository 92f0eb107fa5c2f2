import ArgumentParser
import Bench
import FastKernels
import Foundation
import Shards

/// `hiclr bench stream`: loader throughput on a replicated shard set, against a memory-copy baseline.
struct BenchStreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Measure multi-view batches/s of the loader on a replicated shard set (≥ 20,000 samples).",
        discussion: """
        Replicates the samples of one part of --shards (compressed chunks reused, new names) into a scratch \
        shard set of --samples samples, then streams one epoch of --pipeline batches with 1 worker and with \
        --workers workers. The baseline is the time to memcpy the same number of batch bytes in this run. Each run also prints its CPU time (every thread) and \
        samples per CPU-second, the per-core rate to compare on a loaded machine.
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

    @Option(help: "zlib level (0-9) of the replicated set's joint/bone/motion chunks; 0 stores them uncompressed with a Fletcher-32 checksum, as convert does (default: the shard writer's).")
    var deflateLevel: Int = ShardFormat.defaultDeflateLevel

    func run() throws {
        var options = StreamBenchmark.Options(shards: URL(fileURLWithPath: shards), pipeline: pipeline, samples: samples,
                                              batch: batch, workers: workers, batches: batches,
                                              scratch: scratch.map { URL(fileURLWithPath: $0) })
        options.deflateLevel = deflateLevel
        let result = try benchValidation {
            try StreamBenchmark.run(options) { p in
                print(String(format: "bench stream: %d samples (replicated in %.1f s), %d views (%@) × %d stream(s), batch %d, kernels %@",
                             p.samples, p.replicationSeconds, p.branches.count, p.branches.joined(separator: ",") as NSString,
                             p.streams, p.batch, Kernels.name as NSString))
            }
        }
        print(String(format: "  %@ %7.3f s for %.0f MB of batch data (%.1f GB/s)", "memcpy baseline".padding(toLength: 22, withPad: " ", startingAt: 0) as NSString,
                     result.memcpySeconds, Double(result.memcpyBytes) / 1e6, result.memcpyGigabytesPerSecond))
        for row in result.rows {
            print(String(format: "  %@ %7.2f s %8.0f samples/s %6.1f batches/s %9.0f views/s  %7.1f× memcpy time  cpu %7.2f s %8.0f samples/cpu-s",
                         row.name.padding(toLength: 22, withPad: " ", startingAt: 0) as NSString, row.seconds, row.samplesPerSecond,
                         row.batchesPerSecond, row.viewsPerSecond, row.memcpyTimeRatio, row.cpuSeconds, row.samplesPerCPUSecond))
        }
        print(String(format: "  per core (%d workers): %.0f samples/s; speed-up %.2f×; peak RSS %.0f MiB",
                     result.workers, result.perCoreSamplesPerSecond, result.speedUp, result.peakRSSMiB))
        print("  target: ≥ 15× the reference's Feeder_triple per core, measured in the same run by "
              + "python/benchmarks/loader_vs_reference.py --reference <HiCLR checkout> (make bench REFERENCE=DIR)")
    }
}
