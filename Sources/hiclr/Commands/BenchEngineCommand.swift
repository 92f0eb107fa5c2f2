import ArgumentParser
import BLASModule
import CounterRandom
import Foundation
import Models
import TensorModule

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
        if let workers { Parallel.workerCount = workers }
        TensorStoragePool.limitBytes = Int(poolGib * Double(1 << 30))
        print("engine workers: \(Parallel.workerCount) (OpenBLAS single-threaded inside each call)")

        let model = STGCN(configuration: .hiclr, key: RandomKey(seed: 1))
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
        let inputKey = RandomKey(seed: 2)
        let input = Tensor(shape: [batch, 3, frames, 25, 2]) { inputKey.normal(at: $0) }
        let gradientKey = RandomKey(seed: 3)
        let outputGradient = Tensor(shape: [batch, 128]) { gradientKey.normal(at: $0) / Float(batch) }

        var forward: [Double] = [], backward: [Double] = [], update: [Double] = []
        for step in 0..<(warmup + steps) {
            let t0 = now()
            let result = model.forward(input, training: true, key: RandomKey(seed: 4).derived(UInt64(step)))
            let t1 = now()
            optimizer.zeroGradients()
            guard let tape = result.tape else { throw ValidationError("forward recorded no tape") }
            model.backward(tape, outputGradient: outputGradient)
            let t2 = now()
            optimizer.step()
            let t3 = now()
            if step >= warmup {
                forward.append(t1 - t0)
                backward.append(t2 - t1)
                update.append(t3 - t2)
            }
        }
        let stepSeconds = median(zip(zip(forward, backward), update).map { $0.0 + $0.1 + $1 })
        let flops = 6 * Double(model.multiplyAdds(batch: batch, frames: frames))
        let engineRate = flops / stepSeconds / 1e9
        // The baseline runs after the engine: OpenBLAS's own threads, once woken, keep spinning
        // for a while and would slow the engine down.
        let gemmRate = sgemmBaseline(columns: batch * 2 * 25, threads: Parallel.workerCount)

        print("step (batch \(batch) × [3, \(frames), 25, 2]): \(ms(stepSeconds)) ms "
            + "= forward \(ms(median(forward))) + backward \(ms(median(backward))) + SGD \(ms(median(update))) ms "
            + "(median of \(steps))")
        print(String(format: "analytic work: %.1f GFLOP per step → %.1f GFLOP/s", flops / 1e9, engineRate))
        print(String(format: "baseline cblas_sgemm 256×2304×%d, OpenBLAS %d threads: %.1f GFLOP/s",
                     batch * 50, Parallel.workerCount, gemmRate))
        print(String(format: "engine / sgemm throughput: %.2f   (a step at sgemm speed: %.0f ms)",
                     engineRate / gemmRate, flops / gemmRate / 1e6))
    }

    /// GFLOP/s of `cblas_sgemm` for block 10's temporal convolution shape, OpenBLAS using
    /// `threads` threads (restored to single-threaded afterwards, as the engine runs it).
    private func sgemmBaseline(columns: Int, threads: Int) -> Double {
        BLAS.threadCount = threads
        defer { BLAS.threadCount = 1 }
        let (m, k) = (256, 2304)
        let key = RandomKey(seed: 5)
        let a = Tensor(shape: [m, k]) { key.uniform(at: $0) }
        let b = Tensor(shape: [k, columns]) { key.uniform(at: $0 + m * k) }
        let c = Tensor(shape: [m, columns])
        func once() {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        BLAS.sgemm(MatrixView(pa, rows: m, columns: k), .none, MatrixView(pb, rows: k, columns: columns),
                                   .none, into: MutableMatrixView(pc, rows: m, columns: columns))
                    }
                }
            }
        }
        once()
        let repeats = 13
        let start = now()
        for _ in 0..<repeats { once() }
        let seconds = (now() - start) / Double(repeats)
        return 2 * Double(m * k * columns) / seconds / 1e9
    }

    private func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    private func ms(_ seconds: Double) -> String { String(format: "%.0f", seconds * 1000) }
    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
