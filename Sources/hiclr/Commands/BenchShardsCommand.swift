import ArgumentParser
import Bench
import Foundation

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
        let options = ShardsBenchmark.Options(samples: samples, shardSize: shardSize, workers: workers,
                                              scratch: scratch.map { URL(fileURLWithPath: $0) })
        _ = try ShardsBenchmark.run(options) { event in
            switch event {
            case let .started(samples, shardSize, workers):
                print("bench shards: \(samples) samples, shards of \(shardSize), \(workers) workers")
            case let .row(row):
                let padded = row.name.padding(toLength: 62, withPad: " ", startingAt: 0)
                print(String(format: "  %@ %8.0f samples/s %6.2fx   cpu %6.1f µs/sample %6.2fx", padded, row.samplesPerSecond,
                             row.speedUp, row.cpuMicrosecondsPerSample, row.cpuSpeedUp))
            }
        }
    }
}
