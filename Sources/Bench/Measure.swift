import Dispatch
import Foundation

/// The clocks every benchmark reads: wall-clock time, CPU time of all threads, and peak memory.
public enum Measure {
    /// Wall-clock seconds of `body`.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Wall-clock and CPU (user + system, all threads of this process) seconds of `body`.
    public static func wallAndCPU(_ body: () throws -> Void) rethrows -> WallAndCPU {
        let start = DispatchTime.now().uptimeNanoseconds
        let startCPU = cpuSeconds()
        try body()
        return WallAndCPU(wall: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu: cpuSeconds() - startCPU)
    }

    /// User + system CPU seconds of this process so far (getrusage).
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Peak resident set size of this process so far, in MiB (getrusage's ru_maxrss).
    public static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// A monotonic clock in seconds (for timing the parts of one loop iteration).
    public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The median of `values` (the upper one of the two middle values for an even count); `values` must not be empty.
    public static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}

/// Wall-clock and CPU seconds of one timed run.
public struct WallAndCPU: Sendable, Equatable {
    public var wall: Double
    public var cpu: Double
    public init(wall: Double, cpu: Double) { self.wall = wall; self.cpu = cpu }
}

/// A benchmark that cannot run on its input (no usable files, an empty shard set).
public struct BenchError: Error, CustomStringConvertible, LocalizedError {
    public var description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}

/// A scratch folder: the one given (kept afterwards) or a new temporary folder (removed by `cleanUp`).
struct ScratchFolder {
    let root: URL
    let temporary: Bool

    init(_ given: URL?, prefix: String) {
        if let given {
            root = given
            temporary = false
        } else {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
            temporary = true
        }
    }

    func cleanUp() { if temporary { try? FileManager.default.removeItem(at: root) } }
}
