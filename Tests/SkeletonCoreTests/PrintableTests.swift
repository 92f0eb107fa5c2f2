import Foundation
import SkeletonCore
import XCTest

/// Issue 13 defect 11: text echoed from files and paths cannot reach the terminal raw.
final class PrintableTests: XCTestCase {
    func testControlCharactersAndInvisibleMarksAreEscaped() {
        XCTAssertEqual(Printable.escaped("plain/path.skeleton"), "plain/path.skeleton")
        XCTAssertEqual(Printable.escaped("a\nb\rc\td"), "a\\nb\\rc\\td")
        XCTAssertEqual(Printable.escaped("x\u{1B}[2Jy\u{7}"), "x\\u{1B}[2Jy\\u{07}")
        XCTAssertEqual(Printable.escaped("\u{FEFF}name: x"), "U+FEFFname: x")
        XCTAssertEqual(Printable.escaped("über ✓"), "über ✓")
        let error = InputError(file: "bad\nfile.yaml", line: 3, "\u{FEFF}\"na\u{1B}me\" is unknown")
        XCTAssertEqual(error.description, "bad\\nfile.yaml:3: U+FEFF\"na\\u{1B}me\" is unknown")
    }

    func testFileProblemsAreSentences() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("printable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertEqual(FileProblem.notRegularFile(dir.path), "is a folder, not a file")
        let loop = dir.appendingPathComponent("loop")
        try FileManager.default.createSymbolicLink(atPath: loop.path, withDestinationPath: loop.path)
        XCTAssertEqual(FileProblem.notRegularFile(loop.path), "too many levels of symbolic links (a symlink loop)")
        XCTAssertEqual(FileProblem.notRegularFile(dir.appendingPathComponent("none").path), "no such file or folder")
        let latin1 = dir.appendingPathComponent("latin1.yaml")
        try Data([0x61, 0x3A, 0x20, 0x0A, 0x62, 0x3A, 0x20, 0xE9, 0x0A]).write(to: latin1)
        XCTAssertThrowsError(try FileProblem.readText(latin1.path, kind: "pipeline file")) {
            XCTAssertEqual("\($0)", "\(latin1.path):2: the pipeline file is not UTF-8 text (byte 7)")
        }
        XCTAssertThrowsError(try FileProblem.readText(dir.path, kind: "pipeline file")) {
            XCTAssertEqual("\($0)", "\(dir.path): cannot read pipeline file: is a folder, not a file")
        }
        let bom = dir.appendingPathComponent("bom.yaml")
        try Data([0xEF, 0xBB, 0xBF, 0x61]).write(to: bom)
        XCTAssertEqual(try FileProblem.readText(bom.path, kind: "x"), "a")
        do {
            _ = try Data(contentsOf: dir.appendingPathComponent("none"))
        } catch {
            XCTAssertEqual(FileProblem.describe(error, path: dir.appendingPathComponent("none").path), "no such file or folder")
        }
    }
}
