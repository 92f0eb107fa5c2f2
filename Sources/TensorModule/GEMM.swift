import BLASModule

/// Matrix products for the engine: OpenBLAS runs single-threaded inside each call and the engine
/// splits large products itself into blocks of output columns (or rows) that are spread over
/// `Parallel.workerCount` threads.
///
/// The blocks depend only on the product's shape, never on the number of threads, and each block
/// is one `cblas_sgemm` call, so results are bit-identical for any thread count.
///
/// Keeping OpenBLAS single-threaded avoids its worker threads spinning between calls while the
/// engine's own element-wise loops run (measured: a multi-threaded OpenBLAS lost about a third
/// of a training step to `sched_yield`).
enum GEMM {
    private static let singleThreadedBLAS: Void = { BLAS.threadCount = 1 }()

    /// Products with fewer multiply–adds than this run as one call.
    static let splitThreshold = 1 << 21
    /// Most blocks a product is split into.
    static let maximumBlocks = 8
    /// Fewest columns (or rows) in a block.
    static let minimumBlockExtent = 256

    /// Makes sure OpenBLAS runs single-threaded (done once, before the engine's first product).
    static func prepare() { _ = singleThreadedBLAS }

    /// `c = alpha · op(a) · op(b) + beta · c`, split into blocks when large enough.
    static func multiply(_ a: MatrixView, _ transposeA: BLAS.Transpose = .none,
                         _ b: MatrixView, _ transposeB: BLAS.Transpose = .none,
                         into c: MutableMatrixView, alpha: Float = 1, beta: Float = 0) {
        prepare()
        let (m, k) = a.shape(transposeA)
        let n = c.columns
        let splitColumns = n >= m
        let extent = splitColumns ? n : m
        let blocks = min(maximumBlocks, extent / minimumBlockExtent)
        if blocks <= 1 || m * n * k < splitThreshold {
            BLAS.sgemm(a, transposeA, b, transposeB, into: c, alpha: alpha, beta: beta)
            return
        }
        // Block boundaries on multiples of 16 keep the blocks aligned to the SIMD width.
        let width = ((extent + blocks - 1) / blocks + 15) / 16 * 16
        let count = (extent + width - 1) / width
        Parallel.forEach(count, minimumWork: 0) { index in
            let range = (index * width)..<min(extent, (index + 1) * width)
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
