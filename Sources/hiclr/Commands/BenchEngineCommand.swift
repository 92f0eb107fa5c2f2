import ArgumentParser
import Bench
import Foundation

/// `hiclr bench engine`: one training step of the HiCLR encoder (forward, backward, SGD) on
/// random data, against raw `sgemm` throughput on the encoder's dominant GEMM shape.
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Time forward+backward+SGD of the 1/4-width ST-GCN and compare with raw sgemm.",
        discussion: """
        FLOPs are counted analytically: 2 × the multiply–adds of the convolutions, graph \
        aggregations and head in the forward pass (taps on zero padding excluded), times 3 for \
        forward + backward (input and weight gradients). The baseline is cblas_sgemm, with \
        OpenBLAS using every core, on the shape of the largest layer (block 10's 9×1 convolution: \
        256 × 2304 × B·V per output frame). The engine itself runs OpenBLAS single-threaded per \
        call and splits products across its own workers.
        """
    )

    @Option(help: "Samples per step (the reference trains with 128).")
    var batch = 128

    @Option(help: "Frames per sample.")
    var frames = 50

    @Option(help: "Timed steps (the median is reported).")
    var steps = 3

    @Option(help: "Untimed steps run first.")
    var warmup = 1

    @Option(help: "Engine worker threads (default: all cores); also OpenBLAS threads for the baseline.")
    var workers: Int?

    @Option(help: "GiB of freed tensor buffers kept for reuse.")
    var poolGib = 4.0

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        guard frames >= 1 else { throw ValidationError("--frames must be at least 1") }
        guard steps > 0, warmup >= 0 else { throw ValidationError("--steps must be positive, --warmup not negative") }
        guard poolGib >= 0 else { throw ValidationError("--pool-gib must not be negative") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        let options = EngineBenchmark.Options(batch: batch, frames: frames, steps: steps, warmup: warmup, workers: workers,
                                              poolGiB: poolGib)
        let r = try benchValidation {
            try EngineBenchmark.run(options) { workers in
                print("engine workers: \(workers) (OpenBLAS single-threaded inside each call)")
            }
        }
        print("step (batch \(r.batch) × [3, \(r.frames), 25, 2]): \(ms(r.stepSeconds)) ms "
            + "= forward \(ms(r.forwardSeconds)) + backward \(ms(r.backwardSeconds)) + SGD \(ms(r.updateSeconds)) ms "
            + "(median of \(r.steps))")
        print(String(format: "analytic work: %.1f GFLOP per step → %.1f GFLOP/s", r.flops / 1e9, r.engineGFLOPS))
        print(String(format: "baseline cblas_sgemm 256×2304×%d, OpenBLAS %d threads: %.1f GFLOP/s",
                     r.sgemmColumns, r.workers, r.sgemmGFLOPS))
        print(String(format: "engine / sgemm throughput: %.2f   (a step at sgemm speed: %.0f ms)",
                     r.engineToSgemm, r.stepSecondsAtSgemmSpeed * 1000))
    }

    private func ms(_ seconds: Double) -> String { String(format: "%.0f", seconds * 1000) }
}
