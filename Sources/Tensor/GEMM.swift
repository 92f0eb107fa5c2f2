import BLAS
import Dispatch

/// Matrix products for the engine: OpenBLAS runs single-threaded inside each call and the engine
/// splits large products across `Parallel.workerCount` threads itself, by blocks of output rows
/// or columns (disjoint writes, so results do not depend on the number of threads).
///
/// Keeping OpenBLAS single-threaded avoids its worker threads spinning between calls while the
/// engine's own element-wise loops run (measured: a multi-threaded OpenBLAS lost about a third
/// of a training step to `sched_yield`).
enum GEMM {
    private static let singleThreadedBLAS: Void = { BLAS.threadCount = 1 }()

    /// Makes sure OpenBLAS runs single-threaded (done once, before the engine's first product).
    static func prepare() { _ = singleThreadedBLAS }

    /// `c = alpha · op(a) · op(b) + beta · c`, split across workers when large enough.
    static func multiply(_ a: MatrixView, _ transposeA: BLAS.Transpose = .none,
                         _ b: MatrixView, _ transposeB: BLAS.Transpose = .none,
                         into c: MutableMatrixView, alpha: Float = 1, beta: Float = 0) {
        prepare()
        let (m, k) = a.shape(transposeA)
        let n = c.columns
        let workers = min(Parallel.workerCount, max(m, n) / 32)
        if workers <= 1 || m * n * k < 1 << 21 {
            BLAS.sgemm(a, transposeA, b, transposeB, into: c, alpha: alpha, beta: beta)
            return
        }
        let splitColumns = n >= m
        let extent = splitColumns ? n : m
        // Chunk boundaries on multiples of 16 keep the blocks aligned to the SIMD width.
        let chunk = ((extent + workers - 1) / workers + 15) / 16 * 16
        let chunks = (extent + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = (index * chunk)..<min(extent, (index + 1) * chunk)
            if splitColumns {
                let bPart = transposeB == .none ? b.columns(range) : b.rows(range)
                BLAS.sgemm(a, transposeA, bPart, transposeB, into: c.columns(range), alpha: alpha, beta: beta)
            } else {
                let aPart = transposeA == .none ? a.rows(range) : a.columns(range)
                BLAS.sgemm(aPart, transposeA, b, transposeB, into: c.rows(range), alpha: alpha, beta: beta)
            }
        }
    }
}
