import Foundation
import RawData
import SkeletonCore
import XCTest

final class NTUSkeletonReaderTests: XCTestCase {
    func parse(_ text: String, file: String = "t.skeleton") throws -> RawSequence {
        try NTUSkeletonReader.parse(Data(text.utf8), file: file)
    }

    func testReadsBodiesInFileOrderWithExact64BitIDs() throws {
        let big: UInt64 = 72_057_594_037_931_101
        let seq = try parse(ntuText([[(big, 1)], [], [(big + 1, 2), (UInt64.max, 3), (7, 4)]]))
        XCTAssertEqual(seq.frameCount, 3)
        XCTAssertEqual(seq.bodies(inFrame: 0), 0..<1)
        XCTAssertEqual(seq.bodies(inFrame: 1).count, 0)
        XCTAssertEqual(seq.bodies(inFrame: 2), 1..<4)
        XCTAssertEqual(seq.bodyIDs, [big, big + 1, UInt64.max, 7])
        XCTAssertEqual(seq.position(body: 0, joint: 0, coordinate: 0), 1)
        XCTAssertEqual(seq.position(body: 2, joint: 24, coordinate: 0), 27)
        XCTAssertEqual(seq.position(body: 2, joint: 24, coordinate: 1), 15)
        XCTAssertEqual(seq.position(body: 3, joint: 10, coordinate: 2), 3.1, accuracy: 1e-6)
    }

    func testZeroFrameFileIsLegal() throws {
        XCTAssertEqual(try parse("0\n").frameCount, 0)
    }

    func assertError(_ text: String, line: Int?, contains fragment: String, file: StaticString = #filePath, at: UInt = #line) {
        XCTAssertThrowsError(try parse(text, file: "bad.skeleton"), file: file, line: at) { error in
            guard let e = error as? InputError else { return XCTFail("not an InputError: \(error)", file: file, line: at) }
            XCTAssertEqual(e.file, "bad.skeleton", file: file, line: at)
            XCTAssertEqual(e.line, line, "\(e)", file: file, line: at)
            XCTAssertTrue(e.description.contains(fragment), "\(e) lacks \(fragment)", file: file, line: at)
        }
    }

    func testErrorsNameTheLine() {
        assertError("", line: nil, contains: "empty")
        assertError("  \n\n", line: nil, contains: "empty")
        assertError("-3\n", line: 1, contains: "frame count -3")
        assertError("2\n1\n", line: 3, contains: "file ends early")
        let good = ntuText([[(1, 1)]])
        var lines = good.components(separatedBy: "\r\n")
        lines[3] = "24"                                           // joint count
        assertError(lines.joined(separator: "\n"), line: 4, contains: "joint count is 24")
        lines = good.components(separatedBy: "\r\n")
        lines[6] = lines[6].replacingOccurrences(of: "250.5", with: "abc")
        assertError(lines.joined(separator: "\n"), line: 7, contains: "\"abc\" is not a number")
        lines = good.components(separatedBy: "\r\n")
        lines[9] = "nan 1 2 3 4 5 6 7 8 9 10 11"
        assertError(lines.joined(separator: "\n"), line: 10, contains: "not a finite number")
        lines = good.components(separatedBy: "\r\n")
        lines[9] = "1 2 3 4 5 6 7 8 9 10 11"                          // 11 values
        assertError(lines.joined(separator: "\n"), line: 10, contains: "line ends early")
        let truncated = String(good.prefix(good.count / 2))
        XCTAssertThrowsError(try parse(truncated)) { XCTAssertTrue("\($0)".contains("ends early"), "\($0)") }
        assertError(good + "5\n", line: 30, contains: "after the 1 frames")
    }

    func testFloatParserMatchesSwiftParsing() throws {
        let tokens = ["0", "-0.5", "3.785684", "-0.2397317", "1e-05", "2.5E+3", "0.04848839", ".5", "-.25",
                      "1036.326", "123456789012345678901234", "0.000000000000000000000001234", "+7", "5.",
                      "3.4028234e38", "1.17549435e-38", "-0.9695206"]
        let text = tokens.joined(separator: " ")
        try Data(text.utf8).withUnsafeBytes { raw in
            var s = ByteScanner(bytes: raw.bindMemory(to: UInt8.self), file: "f")
            for token in tokens {
                let expected = Float(token)!
                let got = try s.readFloat("v")
                XCTAssertEqual(got, expected, "token \(token)")
            }
        }
    }

    func testFloatParserRejectsJunk() {
        for token in ["-", "1.2.3", "e5", "1e", "0x10", "inf", "NaN", "1,5"] {
            XCTAssertThrowsError(try Data((token + "\n").utf8).withUnsafeBytes { raw in
                var s = ByteScanner(bytes: raw.bindMemory(to: UInt8.self), file: "f")
                _ = try s.readFloat("v")
                try s.endLine(expecting: "v")
            }, "token \(token)")
        }
    }
}
