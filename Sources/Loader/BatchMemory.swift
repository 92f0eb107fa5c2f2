#if canImport(Glibc)
import Glibc
#endif

/// Keeps the batch buffers' memory in the heap between batches.
///
/// A batch's buffers are megabytes each (4 views × 128 samples × 30 KB ≈ 15 MB), allocated by a worker and freed
/// by the consumer once per batch. With glibc's default settings blocks that large are mapped afresh, or the heap
/// top is trimmed and grown again, every batch, and the kernel zero-fills each page on first touch: perf put
/// 5–10 % of a one-worker loader's CPU time in those page faults. Raising glibc's mmap threshold to its maximum
/// (32 MiB) and its trim threshold to 256 MiB lets the next batch reuse the freed blocks.
///
/// Process-wide, done once when the first loader is made (`StreamingLoader.init`). The cost: up to 256 MiB of
/// freed heap stays with the process instead of going back to the kernel. Other C libraries: nothing changes.
enum BatchMemory {
    /// glibc's `mallopt` parameters (malloc.h).
    static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3

    /// True when both settings took (glibc); false elsewhere, where nothing is changed.
    static let configured: Bool = {
        #if canImport(Glibc)
        // `mallopt` is not in Swift's Glibc module: looked up by name (absent from other C libraries).
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        return mallopt(mmapThreshold, 32 << 20) == 1 && mallopt(trimThreshold, 256 << 20) == 1
        #else
        return false
        #endif
    }()
}
