import Convert
import Foundation
import RawData
import Shards
import XCTest

/// PKU-MMD videos that a split file does not list: the reference (JHang2020/HiCLR tools/pku_part1_gendata.py:81-86,
/// tools/pku_part2_gendata.py:88-93) sets `istraining = name in training_set` and its `val` part takes every
/// `not istraining` video, so a video in neither list is a test video — not a dropped one.
final class PKUSplitTests: XCTestCase {
    func splits(xsubTrain: [String], xsubTest: [String], xviewTrain: [String], xviewTest: [String],
                names: (String, String) = ("cross-subject.txt", "cross-view.txt")) throws -> URL {
        let dir = temporaryDirectory()
        try "Training videos:\n\(xsubTrain.joined(separator: ", "))\nValidation videos:\n\(xsubTest.joined(separator: ", "))\n"
            .write(to: dir.appendingPathComponent(names.0), atomically: true, encoding: .utf8)
        try "Training videos:\n\(xviewTrain.joined(separator: ", "))\nValidation videos:\n\(xviewTest.joined(separator: ", "))\n"
            .write(to: dir.appendingPathComponent(names.1), atomically: true, encoding: .utf8)
        return dir
    }

    func testUnlistedVideosGoToTheTestPartAndAreCounted() throws {
        // The fixture's xsub split lists all 7 videos; here xview leaves out 0004-M (train) and 0003-L (test).
        let dir = try splits(xsubTrain: ["0002-L", "0002-M", "0002-R", "0004-M"], xsubTest: ["0003-L", "0003-M", "0003-R"],
                             xviewTrain: ["0002-M", "0002-R", "0003-M", "0003-R"], xviewTest: ["0002-L"])
        let out = temporaryDirectory()
        let report = try Converter(options: ConvertOptions(dataset: .pku1, raw: fixtures.appendingPathComponent("pku1"),
                                                           out: out, splits: dir)).run()
        XCTAssertEqual(report.rejected, [])
        XCTAssertEqual(report.videosNotInSplit, ["xview": 2])
        let set = try ShardSet(directory: out)
        let xviewTest = try set.samples(benchmark: .xview, part: .val).names
        let xsubAll = try set.samples(benchmark: .xsub, part: .train).names + set.samples(benchmark: .xsub, part: .val).names
        let xviewAll = try xviewTest + set.samples(benchmark: .xview, part: .train).names
        XCTAssertEqual(Set(xviewAll), Set(xsubAll), "every video is in both benchmarks")
        for video in ["0004-M", "0003-L"] {
            XCTAssertTrue(xviewTest.contains { $0.hasPrefix(video + "_") }, "\(video) must be in xview/val: \(xviewTest)")
        }
        let manifest = try Manifest.load(from: out)
        XCTAssertEqual(manifest.report["videos_not_in_split.xview"], 2)
        XCTAssertNil(manifest.report["videos_not_in_split.xsub"])
    }

    func testPhase2SplitFileNamesOfTheReference() throws {
        // tools/pku_part2_gendata.py:41-44 reads cross_view_v2.txt and cross_subject_v2.txt.
        let dir = try splits(xsubTrain: ["A01N01-L", "A01N01-M", "A01N01-R"], xsubTest: ["A02N03-L"],
                             xviewTrain: ["A01N01-M", "A01N01-R"], xviewTest: ["A01N01-L", "A02N03-L"],
                             names: ("cross_subject_v2.txt", "cross_view_v2.txt"))
        let out = temporaryDirectory()
        let report = try Converter(options: ConvertOptions(dataset: .pku2, raw: fixtures.appendingPathComponent("pku2"),
                                                           out: out, splits: dir)).run()
        XCTAssertEqual(report.videosNotInSplit, ["xsub": 2, "xview": 2])   // A02N03-M and A02N03-R
        let test = try ShardSet(directory: out).samples(benchmark: .xsub, part: .val).names
        XCTAssertTrue(test.contains { $0.hasPrefix("A02N03-R_") }, "\(test)")
    }
}
