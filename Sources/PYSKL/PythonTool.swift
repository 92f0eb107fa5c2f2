import Foundation
import SkeletonCore

/// Why a run of the Python side failed.
public enum PythonToolError: Error, CustomStringConvertible {
    /// The interpreter could not be started (named).
    case cannotStart(String, String)
    /// The interpreter lacks NumPy or h5py, or cannot import the hiclr package.
    case unusable(String, String)
    /// `python -m hiclr.pyskl ...` exited with `status`; its own message went to stderr.
    case failed(command: String, status: Int32)

    public var description: String {
        switch self {
        case .cannotStart(let python, let why):
            return "\(python): cannot run this Python interpreter (\(why)); pass --python PATH or set HICLR_PYTHON"
        case .unusable(let python, let why):
            return "\(python): \(why); pass --python PATH (an interpreter with numpy and h5py) or set HICLR_PYTHON"
        case .failed(let command, let status):
            return "`\(command)` failed (exit status \(status)); its message is above"
        }
    }
}

/// A Python interpreter that has NumPy and h5py, with the `hiclr` package importable (its folder put on
/// PYTHONPATH when it is not installed). Chosen as the CLI documents: `--python PATH`, else `$HICLR_PYTHON`,
/// else /usr/bin/python3 if it imports numpy and h5py, else `python3` from PATH.
public struct PythonTool: Sendable {
    public var interpreter: String
    /// Folder prepended to PYTHONPATH (the repository's `python/` folder), nil when `hiclr` is installed.
    public var packageFolder: String?

    /// Runs `python -c code`; true when it exits 0. stdout and stderr are discarded.
    public typealias Probe = @Sendable (_ interpreter: String, _ code: String, _ pythonPath: String?) -> Bool

    /// The interpreter to use (see the type's description). `probe` is injectable for tests.
    public static func choose(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              probe: Probe = PythonTool.probe) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["HICLR_PYTHON"], !fromEnvironment.isEmpty { return fromEnvironment }
        if probe("/usr/bin/python3", "import numpy, h5py", nil) { return "/usr/bin/python3" }
        return "python3"
    }

    /// Folders that may hold the package (`<folder>/hiclr/pyskl.py`): `python/` above the running executable
    /// (a build folder inside the repository), then the `python/` folder of the source tree this was built from.
    public static func packageCandidates(executable: URL? = Bundle.main.executableURL) -> [URL] {
        var out: [URL] = []
        if var dir = executable?.resolvingSymlinksInPath().deletingLastPathComponent() {
            for _ in 0..<6 {
                out.append(dir.appendingPathComponent("python"))
                dir.deleteLastPathComponent()
            }
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        out.append(source.appendingPathComponent("python"))
        return out
    }

    /// Chooses the interpreter, checks it has numpy and h5py, and finds the package.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               probe: Probe = PythonTool.probe,
                               candidates: [URL] = PythonTool.packageCandidates()) throws -> PythonTool {
        let python = choose(explicit: explicit, environment: environment, probe: probe)
        guard probe(python, "import numpy, h5py", nil) else {
            throw PythonToolError.unusable(python, "cannot import numpy and h5py (or cannot be run)")
        }
        if probe(python, "import hiclr.pyskl", nil) { return PythonTool(interpreter: python, packageFolder: nil) }
        let fm = FileManager.default
        guard let folder = candidates.first(where: { fm.fileExists(atPath: $0.appendingPathComponent("hiclr/pyskl.py").path) }) else {
            throw PythonToolError.unusable(python, "cannot import the hiclr package (install it with `pip install ./python` "
                                           + "from the hiclr-swift repository)")
        }
        guard probe(python, "import hiclr.pyskl", folder.path) else {
            throw PythonToolError.unusable(python, "cannot import hiclr.pyskl from \(folder.path)")
        }
        return PythonTool(interpreter: python, packageFolder: folder.path)
    }

    /// Runs `python -c code` silently; true on exit status 0.
    public static let probe: Probe = { interpreter, code, pythonPath in
        let process = makeProcess(interpreter, ["-c", code], pythonPath: pythonPath)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static func makeProcess(_ interpreter: String, _ arguments: [String], pythonPath: String?) -> Process {
        let process = Process()
        if interpreter.contains("/") {
            process.executableURL = URL(fileURLWithPath: interpreter)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [interpreter] + arguments
        }
        var environment = ProcessInfo.processInfo.environment
        if let pythonPath {
            environment["PYTHONPATH"] = [pythonPath, environment["PYTHONPATH"]].compactMap { $0 }
                .filter { !$0.isEmpty }.joined(separator: ":")
        }
        process.environment = environment
        return process
    }

    /// Runs `python -m hiclr.pyskl arguments…`. Its stderr (progress, error messages) passes through to ours;
    /// its stdout is returned. Throws `PythonToolError.failed` on a non-zero exit.
    public func runModule(_ arguments: [String]) throws -> String {
        let process = Self.makeProcess(interpreter, ["-m", "hiclr.pyskl"] + arguments, pythonPath: packageFolder)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        do { try process.run() } catch {
            throw PythonToolError.cannotStart(interpreter, "\(error)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonToolError.failed(command: "\(interpreter) -m hiclr.pyskl \(arguments.first ?? "")",
                                         status: process.terminationStatus)
        }
        return String(decoding: output, as: UTF8.self)
    }
}
