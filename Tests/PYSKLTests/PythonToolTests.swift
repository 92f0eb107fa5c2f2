import Foundation
import PYSKL
import TestSupport
import XCTest

/// How `hiclr export/convert pyskl` choose the Python interpreter and find the package (docs/pyskl.md).
final class PythonToolTests: XCTestCase {
    func testInterpreterChoiceOrder() {
        let everything: PythonTool.Probe = { _, _, _ in true }
        let nothing: PythonTool.Probe = { _, _, _ in false }
        XCTAssertEqual(PythonTool.choose(explicit: "/opt/py/bin/python", environment: ["HICLR_PYTHON": "/e/python"],
                                         probe: everything), "/opt/py/bin/python")
        XCTAssertEqual(PythonTool.choose(explicit: nil, environment: ["HICLR_PYTHON": "/e/python"], probe: everything),
                       "/e/python")
        XCTAssertEqual(PythonTool.choose(explicit: nil, environment: [:], probe: everything), "/usr/bin/python3")
        XCTAssertEqual(PythonTool.choose(explicit: nil, environment: [:], probe: nothing), "python3")
    }

    func testPackageFolderOnlyWhenNotInstalled() throws {
        let dir = try makeTemporaryDirectory(self, tag: "pytool")
        let package = dir.appendingPathComponent("python")
        try FileManager.default.createDirectory(at: package.appendingPathComponent("hiclr"), withIntermediateDirectories: true)
        try Data().write(to: package.appendingPathComponent("hiclr/pyskl.py"))
        let missing = dir.appendingPathComponent("nowhere")
        // Installed: no folder added.
        let installed = try PythonTool.resolve(explicit: "py", environment: [:], probe: { _, _, _ in true },
                                               candidates: [missing, package])
        XCTAssertNil(installed.packageFolder)
        // Not installed: the first candidate holding hiclr/pyskl.py goes on PYTHONPATH.
        let fromFolder = try PythonTool.resolve(explicit: "py", environment: [:], probe: { _, code, path in
            code.contains("numpy") || path == package.path
        }, candidates: [missing, package])
        XCTAssertEqual(fromFolder.packageFolder, package.path)
        // No numpy/h5py, or no package anywhere: an error naming the interpreter and what to do.
        XCTAssertThrowsError(try PythonTool.resolve(explicit: "py", environment: [:], probe: { _, _, _ in false },
                                                    candidates: [package])) { error in
            XCTAssertTrue("\(error)".contains("py: cannot import numpy and h5py"), "\(error)")
            XCTAssertTrue("\(error)".contains("--python"), "\(error)")
        }
        XCTAssertThrowsError(try PythonTool.resolve(explicit: "py", environment: [:], probe: { _, code, _ in code.contains("numpy") },
                                                    candidates: [missing])) { error in
            XCTAssertTrue("\(error)".contains("pip install ./python"), "\(error)")
        }
    }

    /// The real interpreter and package of this checkout: a failing module run reports its exit status.
    func testRunModuleReportsFailure() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        guard PythonTool.probe("/usr/bin/python3", "import numpy, h5py", nil) else {
            throw XCTSkip("/usr/bin/python3 lacks numpy or h5py")
        }
        let tool = try PythonTool.resolve(explicit: "/usr/bin/python3", environment: [:],
                                          candidates: [repository.appendingPathComponent("python")])
        let dir = try makeTemporaryDirectory(self, tag: "pytool")
        XCTAssertThrowsError(try tool.runModule(["check", "--pkl", dir.appendingPathComponent("none.pkl").path])) { error in
            XCTAssertTrue("\(error)".contains("exit status 1"), "\(error)")
        }
    }
}
