import Augment
import Foundation
import SkeletonCore
import Train
import XCTest
import YAMLFiles
import Yams

/// Issue 13 defect 1: alias bombs and deep nesting are refused at once, naming the file and line.
final class YAMLLimitsTests: XCTestCase {
    /// Nine levels of ten aliases each of the level below: 10^9 nodes once expanded, 557 bytes of text.
    static func bomb(tail: String) -> String {
        var text = "a0: &a0 [\"lol\"]\n"
        for level in 1...9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ",") + "]\n"
        }
        return text + tail
    }

    func decodeError(_ text: String, file: String = "bomb.yaml") -> InputError? {
        do {
            _ = try YAMLFile.decode([String: String].self, text: text, file: file, kind: "test")
            return nil
        } catch let error as InputError {
            return error
        } catch {
            XCTFail("not an InputError: \(error)")
            return nil
        }
    }

    func testAnAliasUsedAsAKeyIsRefusedBeforeComposing() throws {
        let error = try XCTUnwrap(decodeError(Self.bomb(tail: "? *a9\n: x\n")))
        XCTAssertEqual(error.file, "bomb.yaml")
        XCTAssertEqual(error.line, 11)
        XCTAssertTrue(error.message.contains("alias"), error.message)
        let inline = try XCTUnwrap(decodeError(Self.bomb(tail: "*a9 : x\n")))
        XCTAssertEqual(inline.line, 11)
        let flowKey = try XCTUnwrap(decodeError(Self.bomb(tail: "[*a9, *a9]: x\n")))
        XCTAssertEqual(flowKey.line, 11, flowKey.description)
    }

    func testExpansionIsBoundedWhenTheAliasIsAValue() throws {
        let error = try XCTUnwrap(decodeError(Self.bomb(tail: "b: *a9\n")))
        XCTAssertTrue(error.message.contains("aliases are expanded"), error.message)
        // The same bomb in a training config and a pipeline file.
        XCTAssertThrowsError(try TrainConfig.parse(Self.bomb(tail: "? *a9\n: x\n"), file: "train.yaml")) {
            XCTAssertTrue("\($0)".hasPrefix("train.yaml:11: "), "\($0)")
        }
        XCTAssertThrowsError(try PipelineLoader.parse(Self.bomb(tail: "branches: *a9\n"), file: "p.yaml")) {
            XCTAssertTrue("\($0)".contains("p.yaml:"), "\($0)")
        }
    }

    func testTooManyAliasesAndDeepNestingAreRefused() throws {
        let many = "a: &a 1\nb: [" + Array(repeating: "*a", count: 300).joined(separator: ", ") + "]\n"
        XCTAssertTrue(try XCTUnwrap(decodeError(many)).message.contains("more than 256 aliases"))
        let flow = "a: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"
        let flowError = try XCTUnwrap(decodeError(flow))
        XCTAssertEqual(flowError.line, 1)
        XCTAssertTrue(flowError.message.contains("nested"), flowError.message)
        let block = "a:\n" + String(repeating: "- ", count: 3000) + "x\n"
        let blockError = try XCTUnwrap(decodeError(block))
        XCTAssertEqual(blockError.line, 2)
        XCTAssertTrue(blockError.message.contains("nested"), blockError.message)
    }

    func testOrdinaryFilesAndHarmlessAliasesStillDecode() throws {
        let text = """
        # a comment with *star and &amp and ? marks
        a: 'it''s *not an alias'
        b: "quoted *x: y"
        c: &c hello
        d: *c
        e: |
          literal *text: here
          ? also: text
        f: [1, 2, {g: h}]
        """
        XCTAssertNoThrow(try YAMLLimits.preflight(text, file: "ok.yaml"))
        let decoded = try YAMLFile.decode([String: AnyValue].self, text: text, file: "ok.yaml", kind: "test")
        XCTAssertEqual(decoded["d"]?.text, "hello")
        XCTAssertEqual(decoded["e"]?.text, "literal *text: here\n? also: text\n")
        // Every bundled pipeline and config still loads.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for folder in ["pipelines", "configs"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            where name.hasSuffix(".yaml") {
                let text = try String(contentsOf: root.appendingPathComponent("\(folder)/\(name)"), encoding: .utf8)
                XCTAssertNoThrow(try YAMLLimits.preflight(text, file: name))
            }
        }
    }
}

/// A scalar as text, or nil for a collection.
struct AnyValue: Decodable {
    var text: String?
    init(from decoder: Decoder) throws {
        text = try? decoder.singleValueContainer().decode(String.self)
    }
}
