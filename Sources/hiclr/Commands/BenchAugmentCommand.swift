import Augment
import ArgumentParser
import Dispatch
import Foundation
import SkeletonCore

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
        let pipeline = try PipelineLoader.load(reference: self.pipeline)
        let runner = PipelineRunner(pipeline)
        let sources = (0..<clips).map { Self.syntheticClip(frames: frames, phase: Float($0) * 0.37) }
        let count = frames * ClipBuffer.valuesPerFrame
        let views = pipeline.branches.count
        print("bench augment: \(samples) samples of (3, \(frames), 25, 2), pipeline \(pipeline.name) "
              + "(\(views) views per sample), \(workers) workers")

        // Baseline: one memcpy of the clip per view.
        var output = [Float](repeating: 0, count: count)
        var scratch = [Float](repeating: 0, count: count)
        var sink: Float = 0
        let viewsTimed = samples * views
        let tCopy = measureSeconds {
            output.withUnsafeMutableBufferPointer { out in
                for i in 0..<viewsTimed {
                    sources[i % clips].values.withUnsafeBufferPointer { src in
                        out.baseAddress!.update(from: src.baseAddress!, count: count)
                    }
                    sink += out[i % count]
                }
            }
        }
        let copyPerView = tCopy / Double(viewsTimed)
        func row(_ name: String, views n: Int, seconds t: Double, samples s: Int? = nil) {
            let perView = t / Double(n)
            var line = "  " + name.padding(toLength: 40, withPad: " ", startingAt: 0)
            line += String(format: " %10.0f views/s", Double(n) / t)
            if let s { line += String(format: " %10.0f samples/s", Double(s) / t) } else { line += String(repeating: " ", count: 21) }
            line += String(format: "  %8.1f× memcpy", perView / copyPerView)
            print(line)
        }
        row("memcpy per view (baseline)", views: viewsTimed, seconds: tCopy)

        // Each registered stage alone, p = 1 (its `benchmarkVariants`).
        let stageViews = max(samples, 1)
        for (variant, stage) in StageRegistry.benchmarkStages {
            let branch = PipelineBranch(name: "s", stages: [stage])
            let single = PipelineRunner(Pipeline(name: stage.name, branches: [branch]))
            let partner = sources[0]
            let t = measureSeconds {
                output.withUnsafeMutableBufferPointer { out in
                    scratch.withUnsafeMutableBufferPointer { tmp in
                        for i in 0..<stageViews {
                            sources[i % clips].values.withUnsafeBufferPointer { out.baseAddress!.update(from: $0.baseAddress!, count: count) }
                            _ = single.augment(branch: 0, frames: frames, output: out, scratch: tmp, sampleID: i,
                                               epoch: 0, seed: 1, partner: { _ in partner })
                        }
                    }
                }
            }
            row("stage \(stage.name)" + (variant.isEmpty ? "" : " (\(variant))"), views: stageViews, seconds: t)
        }

        // The whole pipeline, fast path, one thread.
        func pipelineRun(threads: Int) -> Double {
            measureSeconds {
                DispatchQueue.concurrentPerform(iterations: threads) { worker in
                    var out = [Float](repeating: 0, count: count)
                    var tmp = [Float](repeating: 0, count: count)
                    let partner = sources[0]
                    out.withUnsafeMutableBufferPointer { out in
                        tmp.withUnsafeMutableBufferPointer { tmp in
                            for i in stride(from: worker, to: samples, by: threads) {
                                for b in 0..<views {
                                    sources[i % clips].values.withUnsafeBufferPointer {
                                        out.baseAddress!.update(from: $0.baseAddress!, count: count)
                                    }
                                    _ = runner.augment(branch: b, frames: frames, output: out, scratch: tmp,
                                                       sampleID: i, epoch: 0, seed: 1, partner: { _ in partner })
                                }
                            }
                        }
                    }
                }
            }
        }
        let t1 = pipelineRun(threads: 1)
        row("\(pipeline.name), in place, 1 thread", views: viewsTimed, seconds: t1, samples: samples)
        let tN = pipelineRun(threads: workers)
        row("\(pipeline.name), in place, \(workers) threads", views: viewsTimed, seconds: tN, samples: samples)
        let partner = sources[0]
        let tViews = measureSeconds {
            for i in 0..<samples {
                let made = runner.views(for: sources[i % clips], sampleID: i, epoch: 0, seed: 1, partner: { _ in partner })
                sink += made[0].joint.values[i % count]
            }
        }
        row("\(pipeline.name), views(for:), 1 thread", views: viewsTimed, seconds: tViews, samples: samples)
        print(String(format: "  parallel speed-up %.2f× on %d threads; per core %.0f samples/s; (checksum %g)",
                     t1 / tN, workers, Double(samples) / t1, Double(sink)))
    }

    /// Smooth synthetic trajectories, both bodies present.
    static func syntheticClip(frames: Int, phase: Float) -> SkeletonClip {
        var clip = SkeletonClip(frames: frames)
        for c in 0..<3 {
            for t in 0..<frames {
                for v in 0..<25 {
                    for m in 0..<2 {
                        let x = Float(c) * 1.1 + Float(t) * 0.13 + Float(v) * 0.37 + Float(m) * 0.7 + phase
                        clip[c, t, v, m] = sin(x) * (1 + Float(v) / 50)
                    }
                }
            }
        }
        return clip
    }
}
