import Augment
import Dispatch
import Foundation
import SkeletonCore

/// Augmentation throughput per stage and for a whole pipeline, against a memcpy baseline measured in the same
/// run (copying the source clip into every view buffer: the least any loader must do), as `hiclr bench augment`
/// prints it.
public enum AugmentBenchmark {
    public struct Options: Sendable {
        /// A pipeline file or the name of a shipped pipeline, timed as a whole.
        public var pipeline: String
        /// Samples per timed run.
        public var samples: Int
        /// Frames per synthetic clip.
        public var frames: Int
        /// Distinct synthetic clips cycled through.
        public var clips: Int
        /// Threads for the parallel run.
        public var workers: Int

        public init(pipeline: String = "hiclr", samples: Int = 20_000, frames: Int = 50, clips: Int = 64,
                    workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
            self.pipeline = pipeline; self.samples = samples; self.frames = frames; self.clips = clips
            self.workers = workers
        }
    }

    /// One timed run.
    public struct Row: Sendable {
        public var name: String
        /// Views made and the seconds they took.
        public var views: Int
        public var seconds: Double
        /// Samples (all branches each) for the whole-pipeline rows; nil for the baseline and single stages.
        public var samples: Int?
        /// Seconds per view of the memcpy baseline.
        public var memcpySecondsPerView: Double
        public var viewsPerSecond: Double { Double(views) / seconds }
        public var samplesPerSecond: Double? { samples.map { Double($0) / seconds } }
        /// Time per view over the baseline's.
        public var memcpyRatio: Double { seconds / Double(views) / memcpySecondsPerView }
    }

    public enum Event: Sendable {
        /// Before the first timed run.
        case started(samples: Int, frames: Int, pipeline: String, views: Int, workers: Int)
        /// A row, as soon as it is measured.
        case row(Row)
    }

    public struct Result: Sendable {
        /// In order: the baseline, each registered stage variant alone, then the pipeline in place on 1 and
        /// `workers` threads and through `views(for:)` on 1 thread.
        public var rows: [Row]
        public var workers: Int
        /// 1-thread over `workers`-thread time of the in-place pipeline.
        public var speedUp: Double
        /// Samples/s of the in-place pipeline on 1 thread.
        public var perCoreSamplesPerSecond: Double
        /// A sum of output values, so that no timed work can be optimised away.
        public var checksum: Float
    }

    public static func run(_ options: Options, progress: (Event) -> Void = { _ in }) throws -> Result {
        let pipeline = try PipelineLoader.load(reference: options.pipeline)
        let runner = PipelineRunner(pipeline)
        let (samples, frames, clips, workers) = (options.samples, options.frames, options.clips, options.workers)
        let sources = (0..<clips).map { syntheticClip(frames: frames, phase: Float($0) * 0.37) }
        let count = frames * ClipBuffer.valuesPerFrame
        let views = pipeline.branches.count
        progress(.started(samples: samples, frames: frames, pipeline: pipeline.name, views: views, workers: workers))

        // Baseline: one memcpy of the clip per view.
        var output = [Float](repeating: 0, count: count)
        var scratch = [Float](repeating: 0, count: count)
        var sink: Float = 0
        let viewsTimed = samples * views
        let tCopy = Measure.seconds {
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
        var rows: [Row] = []
        func row(_ name: String, views n: Int, seconds t: Double, samples s: Int? = nil) {
            let made = Row(name: name, views: n, seconds: t, samples: s, memcpySecondsPerView: copyPerView)
            rows.append(made)
            progress(.row(made))
        }
        row("memcpy per view (baseline)", views: viewsTimed, seconds: tCopy)

        // Each registered stage alone, p = 1 (its `benchmarkVariants`).
        let stageViews = max(samples, 1)
        for (variant, stage) in StageRegistry.benchmarkStages {
            let branch = PipelineBranch(name: "s", stages: [stage])
            let single = PipelineRunner(Pipeline(name: stage.name, branches: [branch]))
            let partner = sources[0]
            let t = Measure.seconds {
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

        // The whole pipeline, fast path.
        func pipelineRun(threads: Int) -> Double {
            Measure.seconds {
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
        let tViews = Measure.seconds {
            for i in 0..<samples {
                let made = runner.views(for: sources[i % clips], sampleID: i, epoch: 0, seed: 1, partner: { _ in partner })
                sink += made[0].joint.values[i % count]
            }
        }
        row("\(pipeline.name), views(for:), 1 thread", views: viewsTimed, seconds: tViews, samples: samples)
        return Result(rows: rows, workers: workers, speedUp: t1 / tN, perCoreSamplesPerSecond: Double(samples) / t1,
                      checksum: sink)
    }

    /// Smooth synthetic trajectories, both bodies present.
    public static func syntheticClip(frames: Int, phase: Float) -> SkeletonClip {
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
