import Foundation
import SkeletonCore
import XCTest

/// The typed dataset, benchmark and part names (issue 12, item 4): their raw values are the strings the files
/// hold (docs/shard-format.md), so they may never change; unknown strings are refused with the valid values.
final class DatasetNamesTests: XCTestCase {
    func testRawValuesAreTheStringsInTheFiles() {
        XCTAssertEqual(DatasetKind.allCases.map(\.rawValue), ["ntu60", "ntu120", "pku1", "pku2"])
        XCTAssertEqual(Benchmark.allCases.map(\.rawValue), ["xsub", "xview", "xset"])
        XCTAssertEqual(Part.allCases.map(\.rawValue), ["train", "val"])
        XCTAssertEqual("\(Benchmark.xview)/\(Part.val) of \(DatasetKind.ntu120)", "xview/val of ntu120")
    }

    func testDatasetFacts() {
        XCTAssertEqual(DatasetKind.allCases.map(\.classCount), [60, 120, 51, 41])
        XCTAssertEqual(DatasetKind.allCases.map(\.benchmarks), [[.xsub, .xview], [.xsub, .xset], [.xsub, .xview], [.xsub, .xview]])
        XCTAssertEqual(DatasetKind.allCases.filter(\.isNTU), [.ntu60, .ntu120])
    }

    func testCodableUsesTheRawStrings() throws {
        struct Record: Codable, Equatable { var dataset: DatasetKind; var benchmark: Benchmark; var part: Part }
        let record = Record(dataset: .pku2, benchmark: .xset, part: .val)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        XCTAssertEqual(json, #"{"benchmark":"xset","dataset":"pku2","part":"val"}"#)
        XCTAssertEqual(try JSONDecoder().decode(Record.self, from: Data(json.utf8)), record)
    }

    func testUnknownStringsAreRefusedWithTheValidValues() throws {
        let json = #"{"dataset":"ntu60","benchmark":"cross-subject","part":"val"}"#
        struct Record: Codable { var dataset: DatasetKind; var benchmark: Benchmark; var part: Part }
        XCTAssertThrowsError(try JSONDecoder().decode(Record.self, from: Data(json.utf8))) { error in
            guard case let DecodingError.dataCorrupted(context)? = error as? DecodingError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["benchmark"])
            XCTAssertEqual(context.debugDescription, #""cross-subject" is not a benchmark (xsub, xview or xset)"#)
        }
        XCTAssertEqual(try DatasetNames.parse("val", as: Part.self, noun: "part", file: "f.h5"), .val)
        XCTAssertThrowsError(try DatasetNames.parse("test", as: Part.self, noun: "part", file: "f.h5", field: "part")) { error in
            XCTAssertEqual(error as? InputError, InputError(file: "f.h5", field: "part", #""test" is not a part (train or val)"#))
        }
        XCTAssertEqual(DatasetNames.choices(DatasetKind.self), "ntu60, ntu120, pku1 or pku2")
    }
}
