import Foundation
import RawData
import SkeletonCore
import XCTest

/// `convert --missing` takes the published missing-skeleton lists as they are distributed: the NTU files open with
/// lines of prose (the 60-class one: a count of affected samples and a request to ignore them; quotes, `+` and
/// digits included) and a blank line before the names. The header below has that shape, in our own words.
final class MissingListTests: XCTestCase {
    func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString).txt")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    let header = "3 of the recorded samples in the \"NTU RGB+D\" example have skeleton data that is missing or cut short.\n"
        + "Skeleton-based work should leave these files out of training and testing.\n"
        + "(This header has the shape of the published lists: prose lines, then a blank line.)\n"
        + "\n"

    func testPublishedFormWithAProseHeader() throws {
        let url = try file(header + "S001C002P005R002A008\nS001C002P006R001A008\ns001c003p002r001a055\n")
        XCTAssertEqual(try MissingList.read(url), ["S001C002P005R002A008", "S001C002P006R001A008", "S001C003P002R001A055"])
        // Windows line ends and a missing final newline change nothing.
        let crlf = try file(header.replacingOccurrences(of: "\n", with: "\r\n") + "S001C002P005R002A008\r\nS001C002P006R001A008")
        XCTAssertEqual(try MissingList.read(crlf), ["S001C002P005R002A008", "S001C002P006R001A008"])
    }

    func testMalformedNamesInTheBodyAreStillRejected() throws {
        let typo = try file(header + "S001C002P005R002A008\nS001C002P006R001A08\n")
        XCTAssertThrowsError(try MissingList.read(typo)) { error in
            XCTAssertEqual((error as? InputError)?.line, 6)
            XCTAssertTrue("\(error)".contains("S001C002P006R001A08"), "\(error)")
        }
        // Prose after the first name is not a header.
        let prose = try file("S001C002P005R002A008\nsome words here\n")
        XCTAssertThrowsError(try MissingList.read(prose)) { XCTAssertEqual(($0 as? InputError)?.line, 2) }
        // A single malformed word before any name is a typo, not a header.
        let first = try file("S001C002P005R002A0O8\nS001C002P006R001A008\n")
        XCTAssertThrowsError(try MissingList.read(first)) { XCTAssertEqual(($0 as? InputError)?.line, 1) }
    }
}
