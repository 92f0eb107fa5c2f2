import Foundation
import SkeletonCore
import XCTest
import YAMLFiles

/// Strict YAML decoding: every problem is one error naming the file, the line and the field path.
final class YAMLFileTests: XCTestCase {
    struct Run: Decodable, Equatable {
        var name: String
        var lr: Double
        var steps: Int
        var items: [Item]
        init(from decoder: Decoder) throws {
            let f = try StrictFields(decoder, allowed: ["name", "lr", "steps", "items"])
            name = try f.string("name")
            lr = try f.double("lr", default: 0.1, in: 0...10)
            steps = try f.int("steps", default: 5, in: 1...100)
            items = try f.container.decodeIfPresent([Item].self, forKey: AnyKey("items")) ?? []
        }
    }
    struct Item: Decodable, Equatable {
        var size: Int
        init(from decoder: Decoder) throws {
            let f = try StrictFields(decoder, allowed: ["size"])
            size = try f.int("size", default: 1, in: 1...9)
        }
    }

    func decode(_ text: String) throws -> Run { try YAMLFile.decode(Run.self, text: text, file: "run.yaml", kind: "run") }

    func message(_ text: String) -> String {
        do { _ = try decode(text); return "decoded" } catch { return "\(error)" }
    }

    func testDefaultsAndValues() throws {
        let run = try decode("name: a\nitems:\n  - size: 3\n  - {}\n")
        XCTAssertEqual(run.name, "a")
        XCTAssertEqual(run.lr, 0.1)
        XCTAssertEqual(run.steps, 5)
        XCTAssertEqual(run.items.map(\.size), [3, 1])
    }

    func testUnknownKeyNamesLineFieldAndSuggestion() {
        let m = message("name: a\nsteps: 3\nlearning_rat: 2\n")
        XCTAssertTrue(m.hasPrefix("run.yaml:3"), m)
        XCTAssertTrue(m.contains("learning_rat"), m)
        let near = message("name: a\nstep: 3\n")
        XCTAssertTrue(near.contains("did you mean \"steps\""), near)
    }

    func testOutOfRangeAndWrongTypeInNestedItems() {
        let range = message("name: a\nitems:\n  - size: 2\n  - size: 12\n")
        XCTAssertTrue(range.hasPrefix("run.yaml:4"), range)
        XCTAssertTrue(range.contains("items[1].size"), range)
        let type = message("name: a\nlr: fast\n")
        XCTAssertTrue(type.hasPrefix("run.yaml:2"), type)
        XCTAssertTrue(type.contains("lr"), type)
    }

    func testMissingRequiredEmptyAndInvalidFiles() {
        XCTAssertTrue(message("lr: 1\n").contains("name"), message("lr: 1\n"))
        XCTAssertTrue(message("").contains("empty run file"), message(""))
        let bad = message("name: a\nitems: [1, 2\n")
        XCTAssertTrue(bad.hasPrefix("run.yaml:"), bad)
        XCTAssertTrue(bad.contains("not valid YAML"), bad)
    }

    func testLoadNamesAMissingFile() {
        let path = "/nonexistent-\(UUID().uuidString).yaml"
        XCTAssertThrowsError(try YAMLFile.load(Run.self, path: path, kind: "run")) {
            XCTAssertTrue("\($0)".contains(path), "\($0)")
        }
    }

    func testEditDistance() {
        XCTAssertEqual(EditDistance.distance("kitten", "sitting"), 3)
        XCTAssertEqual(EditDistance.closest(to: "rotaton", among: ["shear", "rotation"]), "rotation")
        XCTAssertNil(EditDistance.closest(to: "zzzzzzzz", among: ["shear", "rotation"]))
    }
}
