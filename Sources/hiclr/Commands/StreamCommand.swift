import ArgumentParser
import Augment
import Bench
import Foundation
import SkeletonCore
import Loader
import Shards

extension PartitionPolicy: ExpressibleByArgument {}

/// `hiclr stream`: run the loader over shards with a pipeline and report how fast batches arrive.
struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Stream augmented multi-view batches from shards; print throughput and optional batch digests.",
        discussion: """
        Builds the batches a trainer would get: per epoch a permutation drawn from (--seed, epoch), dealt \
        round-robin to --world ranks (this process is --rank), cut into --batch samples, each sample augmented by \
        every branch of --pipeline (HiCLR: q, k, q1, q2). --workers threads build batches ahead of the consumer, \
        at most --prefetch finished ones waiting. Batches are identical for any worker count; --hash prints a \
        SHA-256 per batch to check that. --start-batch resumes inside the first epoch.
        """)

    @OptionGroup var shardSet: ShardOptions

    @Option(help: shippedHelp(.pipeline, "Pipeline"))
    var pipeline: String

    @Option(help: "Part to read: train or val.")
    var part: Part = .train

    @Option(help: "Samples per batch.")
    var batch: Int = 128

    @Option(help: "Worker threads building batches (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Finished batches allowed to wait for the consumer.")
    var prefetch: Int = 2

    @Option(help: "Epochs to stream.")
    var epochs: Int = 1

    @Option(help: "First epoch.")
    var epoch: Int = 0

    @Option(help: "Batch index to start the first epoch at (exact resume).")
    var startBatch: Int = 0

    @Option(help: "Run seed.")
    var seed: UInt64 = 0

    @Option(help: "This process's rank.")
    var rank: Int = 0

    @Option(help: "Number of ranks sharing the epoch.")
    var world: Int = 1

    @Option(help: "Leftover policy: drop_last (equal full batches) or pad (every sample seen).")
    var policy: PartitionPolicy = .dropLast

    @Flag(help: "Do not shuffle (manifest order).")
    var noShuffle = false

    @Flag(help: "Skip re-hashing the shards against the manifest before streaming (the manifest's own consistency and every file's size, sample count, labels and part are still checked).")
    var noVerify = false

    @Flag(help: "Print a SHA-256 digest of every batch (epoch, batch index, digest).")
    var hash = false

    func validate() throws {
        let config = loaderConfig
        if let problem = config.problem { throw ValidationError(problem) }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard startBatch >= 0 else { throw ValidationError("--start-batch must be at least 0") }
    }

    var loaderConfig: LoaderConfig {
        LoaderConfig(batchSize: batch, workers: workers, prefetch: prefetch, seed: seed, shuffle: !noShuffle,
                     rank: rank, world: world, policy: policy)
    }

    func run() throws {
        let loader: StreamingLoader
        do {
            let source = try ShardSource.open(directory: URL(fileURLWithPath: shardSet.shards), benchmark: shardSet.benchmark,
                                              part: part, verify: !noVerify)
            let runner = PipelineRunner(try PipelineLoader.load(reference: pipeline))
            loader = try StreamingLoader(dataset: source, runner: runner, config: loaderConfig)
            if loader.plan(epoch: epoch).batchCount == 0 {
                throw ValidationError("\(source.benchmark)/\(source.part) has \(source.count) sample(s): "
                    + "not one batch of \(batch) for rank \(rank) of \(world) with --policy \(policy.rawValue); "
                    + "lower --batch or use --policy pad")
            }
        } catch {
            printError("error: \(FileProblem.sentence(for: error))")
            throw ExitCode.failure
        }
        let branches = loader.runner.pipeline.branches.map(\.name)
        let streams = loader.runner.pipeline.streams.names.map(\.rawValue)
        print("stream: \(loader.dataset.count) samples of \(loader.dataset.benchmark)/\(loader.dataset.part), "
              + "views \(branches.joined(separator: ",")) × streams \(streams.joined(separator: ",")), "
              + "batch \(batch), \(workers) worker(s), rank \(rank)/\(world)")
        var samples = 0, bytes = 0
        let seconds = try Measure.seconds {
            for e in epoch..<(epoch + epochs) {
                let stream = loader.batches(epoch: e, startingAt: e == epoch ? startBatch : 0)
                let bar = hash ? nil : ProgressBar(label: "epoch \(e)", total: stream.plan.batchCount, unit: "batches")
                var done = 0
                do {
                    while let b = try stream.next() {
                        samples += b.count
                        bytes += b.views.reduce(0) { $0 + $1.data.reduce(0) { $0 + $1.count * 4 } }
                        done += 1
                        if hash { print("epoch \(e) batch \(b.index) \(b.digest())") }
                        bar?.update(done)
                    }
                } catch {
                    bar?.finish()
                    printError("error: \(FileProblem.sentence(for: error))")
                    throw ExitCode.failure
                }
                bar?.finish()
            }
        }
        let views = samples * branches.count
        print(String(format: "%d samples, %d views in %.2f s: %.0f samples/s, %.0f views/s, %.1f MB/s of batch data",
                     samples, views, seconds, Double(samples) / seconds, Double(views) / seconds,
                     Double(bytes) / 1e6 / seconds))
    }
}
