import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the reference HiCLR raw-data script (`tools/ntu_gendata.py` of a JHang2020/HiCLR checkout) on a folder
/// of `.skeleton` files, as a child process, and measures its wall-clock and CPU time. The reference code is
/// run where it is, never copied: the checkout is the user's.
///
/// The script reads every file once per benchmark (xsub, xview), writes `<benchmark>/<part>_data.npy` and
/// `_label.pkl` under its output folder, and takes no file list: it converts the whole folder it is given.
public struct ReferenceScriptRun: Sendable {
    /// The checkout (the folder holding `tools/ntu_gendata.py`).
    public var checkout: URL
    /// The Python interpreter (it needs NumPy).
    public var python: String

    public init(checkout: URL, python: String = "/usr/bin/python3") {
        self.checkout = checkout
        self.python = python
    }

    /// The script, relative to the checkout.
    public static let scriptPath = "tools/ntu_gendata.py"

    public var script: URL { checkout.appendingPathComponent(Self.scriptPath) }

    /// Checks that the checkout has the script, before anything is timed.
    public func check() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: script.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw BenchError("\(checkout.path): no \(Self.scriptPath) here; --reference takes a JHang2020/HiCLR checkout")
        }
    }

    /// Runs the script on `raw` (every file in it), writing into `out`; `ignored` is the (possibly empty)
    /// list of samples to skip. Returns the child's wall-clock and CPU (user + system) seconds.
    public func run(raw: URL, ignored: URL, out: URL) throws -> WallAndCPU {
        try check()
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, "--data_path", raw.path, "--ignored_sample_path", ignored.path,
                             "--out_folder", out.path]
        process.currentDirectoryURL = out
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = out.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer { try? errorHandle.close() }
        process.standardError = errorHandle
        let startCPU = Self.childrenCPUSeconds()
        let time = try Measure.wallAndCPU {
            do { try process.run() } catch {
                throw BenchError("cannot start \(python): \(error.localizedDescription)")
            }
            process.waitUntilExit()
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let tail = ((try? String(contentsOf: errors, encoding: .utf8)) ?? "").split(separator: "\n").suffix(3)
                .joined(separator: " | ")
            throw BenchError("\(Self.scriptPath) of \(checkout.path) failed (status \(process.terminationStatus)): \(tail)")
        }
        return WallAndCPU(wall: time.wall, cpu: Self.childrenCPUSeconds() - startCPU)
    }

    /// User + system CPU seconds of this process's waited-for children so far (getrusage).
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
