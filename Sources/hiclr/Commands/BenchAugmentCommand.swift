import ArgumentParser
import Bench
import FastKernels
import Foundation

/// `hiclr bench augment`: augmentation throughput per stage and for a whole pipeline, against a memcpy baseline
/// measured in the same run (copying the source clip into every view buffer: the least any loader must do).
struct BenchAugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Measure augmentation throughput (views/s, samples/s) against a memcpy baseline.",
        discussion: """
        Makes --clips synthetic clips of --frames frames, then times in one run: copying each clip into one \
        view buffer (baseline); every stage alone (p = 1, draw + apply, one thread); and the whole --pipeline \
        (all its branches per sample) through the in-place fast path on one thread and on --workers threads, \
        and through the allocating `views(for:)` API on one thread. Prints views/s and the time ratio to memcpy.
        """)

    @Option(help: shippedHelp(.pipeline, "Pipeline to time as a whole"))
    var pipeline: String = "hiclr"

    @Option(help: "Samples per timed run.")
    var samples: Int = 20_000

    @Option(help: "Frames per synthetic clip.")
    var frames: Int = 50

    @Option(help: "Distinct synthetic clips cycled through.")
    var clips: Int = 64

    @Option(help: "Threads for the parallel run (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard frames >= 1 else { throw ValidationError("--frames must be at least 1") }
        guard clips >= 1 else { throw ValidationError("--clips must be at least 1") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        let options = AugmentBenchmark.Options(pipeline: pipeline, samples: samples, frames: frames, clips: clips, workers: workers)
        let result = try AugmentBenchmark.run(options) { event in
            switch event {
            case let .started(samples, frames, pipeline, views, workers):
                print("bench augment: \(samples) samples of (3, \(frames), 25, 2), pipeline \(pipeline) "
                      + "(\(views) views per sample), \(workers) workers, kernels \(Kernels.name)")
            case let .row(row):
                var line = "  " + row.name.padding(toLength: 40, withPad: " ", startingAt: 0)
                line += String(format: " %10.0f views/s", row.viewsPerSecond)
                if let s = row.samplesPerSecond {
                    line += String(format: " %10.0f samples/s", s)
                } else {
                    line += String(repeating: " ", count: 21)
                }
                line += String(format: "  %8.1f× memcpy", row.memcpyRatio)
                print(line)
            }
        }
        print(String(format: "  parallel speed-up %.2f× on %d threads; per core %.0f samples/s; (checksum %g)",
                     result.speedUp, result.workers, result.perCoreSamplesPerSecond, Double(result.checksum)))
    }
}
