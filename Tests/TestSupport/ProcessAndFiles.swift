import Foundation
import XCTest

/// A fresh temporary directory named `<tag>-<uuid>`, removed when the test ends.
public func makeTemporaryDirectory(_ test: XCTestCase, tag: String = "tests") throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(tag)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Runs an executable (in `directory` when given), returning (exit status, stdout + stderr).
public func runProcess(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The python3 on PATH, or nil.
public func findPython() -> String? {
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
    for dir in paths where FileManager.default.isExecutableFile(atPath: "\(dir)/python3") {
        return "\(dir)/python3"
    }
    return nil
}

/// Runs `script` (with `arguments` in sys.argv) under python3 with h5py and NumPy imported, returning its output;
/// fails the calling test when the script fails, and skips it when python3 or h5py is missing (the script exits 3).
public func runH5py(_ script: String, _ arguments: [String],
                    file: StaticString = #filePath, line: UInt = #line) throws -> String {
    guard let python = findPython() else { throw XCTSkip("python3 not found: the h5py checks need it") }
    let (status, output) = try runProcess(python, ["-c", "import sys\ntry:\n    import h5py, numpy\n"
                                                   + "except ImportError:\n    sys.exit(3)\n" + script] + arguments)
    if status == 3 { throw XCTSkip("h5py is not installed: pip install h5py") }
    XCTAssertEqual(status, 0, output, file: file, line: line)
    return output
}
