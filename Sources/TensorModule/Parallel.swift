import Dispatch

/// Splits loops over independent items across CPU cores.
///
/// Work items must write disjoint memory. Callers compute every item the same way whatever range
/// it falls in, so results do not depend on the number of workers.
public enum Parallel {
    /// Number of workers loops are split into (default: active processor count).
    /// Set it once at start-up, before work runs.
    nonisolated(unsafe) public static var workerCount: Int = ProcessInfoCores.active

    /// Runs `body(range)` over contiguous ranges that cover `0..<count`, in parallel when there is
    /// enough work (`count * costPerItem` elements of work ≥ `minimumWork`).
    public static func forEachChunk(_ count: Int, costPerItem: Int = 1, minimumWork: Int = 32_768,
                                    _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let workers = min(workerCount, count)
        if workers <= 1 || count * max(costPerItem, 1) < minimumWork {
            body(0..<count)
            return
        }
        let chunks = workers
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            if start < end { body(start..<end) }
        }
    }

    /// Runs `body(i)` for every `i` in `0..<count`, in parallel when worthwhile.
    public static func forEach(_ count: Int, costPerItem: Int = 1, minimumWork: Int = 32_768,
                               _ body: (Int) -> Void) {
        forEachChunk(count, costPerItem: costPerItem, minimumWork: minimumWork) { range in
            for i in range { body(i) }
        }
    }
}

/// Number of active processors, read once.
enum ProcessInfoCores {
    static let active: Int = {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#endif
