import BLASModule
import CounterRandom
import Foundation
import Models
import TensorModule

/// One training step of the HiCLR encoder (forward, backward, SGD) on random data, against raw `sgemm`
/// throughput on the encoder's dominant GEMM shape, as `hiclr bench engine` prints it.
///
/// FLOPs are counted analytically: 2 × the multiply–adds of the forward pass, times 3 for forward + backward.
/// The baseline is `cblas_sgemm` with OpenBLAS on `workers` threads, on block 10's 9×1 convolution shape
/// (256 × 2304 × B·M·V).
public enum EngineBenchmark {
    public struct Options: Sendable {
        /// Samples per step.
        public var batch: Int
        /// Frames per sample.
        public var frames: Int
        /// Timed steps (the medians are reported) and untimed steps run first.
        public var steps: Int
        public var warmup: Int
        /// Engine worker threads (also OpenBLAS threads for the baseline); nil: leave `Parallel.workerCount` as is.
        public var workers: Int?
        /// GiB of freed tensor buffers kept for reuse (`TensorStoragePool.limitBytes`).
        public var poolGiB: Double

        public init(batch: Int = 128, frames: Int = 50, steps: Int = 3, warmup: Int = 1, workers: Int? = nil,
                    poolGiB: Double = 4) {
            self.batch = batch; self.frames = frames; self.steps = steps; self.warmup = warmup
            self.workers = workers; self.poolGiB = poolGiB
        }
    }

    public struct Result: Sendable {
        public var batch: Int
        public var frames: Int
        public var steps: Int
        /// Engine workers used (OpenBLAS single-threaded inside each call); also the baseline's OpenBLAS threads.
        public var workers: Int
        /// Medians over the timed steps, in seconds: the whole step (median of the sums) and its parts.
        public var stepSeconds: Double
        public var forwardSeconds: Double
        public var backwardSeconds: Double
        public var updateSeconds: Double
        /// Analytic floating-point operations of one step (forward + backward).
        public var flops: Double
        public var engineGFLOPS: Double
        /// The baseline product is 256 × 2304 × `sgemmColumns`.
        public var sgemmColumns: Int
        public var sgemmGFLOPS: Double
        /// Engine throughput over sgemm throughput.
        public var engineToSgemm: Double { engineGFLOPS / sgemmGFLOPS }
        /// Seconds a step would take at the baseline's speed.
        public var stepSecondsAtSgemmSpeed: Double { flops / sgemmGFLOPS / 1e9 }
    }

    /// Sets the engine's worker count and buffer pool limit (process-wide), tells `started` the worker count,
    /// then runs `warmup + steps` steps and the baseline.
    public static func run(_ options: Options, started: (Int) -> Void = { _ in }) throws -> Result {
        if let workers = options.workers { Parallel.workerCount = workers }
        TensorStoragePool.limitBytes = Int(options.poolGiB * Double(1 << 30))
        started(Parallel.workerCount)
        let (batch, frames) = (options.batch, options.frames)

        let model = STGCN(configuration: .hiclr, key: RandomKey(seed: 1))
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
        let inputKey = RandomKey(seed: 2)
        let input = Tensor(shape: [batch, 3, frames, 25, 2]) { inputKey.normal(at: $0) }
        let gradientKey = RandomKey(seed: 3)
        let outputGradient = Tensor(shape: [batch, 128]) { gradientKey.normal(at: $0) / Float(batch) }

        var forward: [Double] = [], backward: [Double] = [], update: [Double] = []
        for step in 0..<(options.warmup + options.steps) {
            let t0 = Measure.now()
            let result = model.forward(input, training: true, key: RandomKey(seed: 4).derived(UInt64(step)))
            let t1 = Measure.now()
            optimizer.zeroGradients()
            guard let tape = result.tape else { throw BenchError("forward recorded no tape") }
            model.backward(tape, outputGradient: outputGradient)
            let t2 = Measure.now()
            optimizer.step()
            let t3 = Measure.now()
            if step >= options.warmup {
                forward.append(t1 - t0)
                backward.append(t2 - t1)
                update.append(t3 - t2)
            }
        }
        let stepSeconds = Measure.median(zip(zip(forward, backward), update).map { $0.0 + $0.1 + $1 })
        let flops = 6 * Double(model.multiplyAdds(batch: batch, frames: frames))
        // The baseline runs after the engine: OpenBLAS's own threads, once woken, keep spinning
        // for a while and would slow the engine down.
        let columns = batch * 2 * 25
        let gemmRate = sgemmBaseline(columns: columns, threads: Parallel.workerCount)
        return Result(batch: batch, frames: frames, steps: options.steps, workers: Parallel.workerCount,
                      stepSeconds: stepSeconds, forwardSeconds: Measure.median(forward),
                      backwardSeconds: Measure.median(backward), updateSeconds: Measure.median(update),
                      flops: flops, engineGFLOPS: flops / stepSeconds / 1e9, sgemmColumns: columns, sgemmGFLOPS: gemmRate)
    }

    /// GFLOP/s of `cblas_sgemm` for block 10's temporal convolution shape, OpenBLAS using
    /// `threads` threads (restored to single-threaded afterwards, as the engine runs it).
    public static func sgemmBaseline(columns: Int, threads: Int) -> Double {
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
        let start = Measure.now()
        for _ in 0..<repeats { once() }
        let seconds = (Measure.now() - start) / Double(repeats)
        return 2 * Double(m * k * columns) / seconds / 1e9
    }
}
