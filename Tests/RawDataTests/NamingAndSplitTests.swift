import Foundation
import RawData
import SkeletonCore
import XCTest

final class NamingAndSplitTests: XCTestCase {
    func testParsesNTUName() throws {
        let n = try NTUSampleName(parsing: "/data/S017C003P020R002A060.skeleton")
        XCTAssertEqual([n.setup, n.camera, n.performer, n.replication, n.action], [17, 3, 20, 2, 60])
        XCTAssertEqual(n.label, 59)
        XCTAssertEqual(n.description, "S017C003P020R002A060")
        XCTAssertThrowsError(try NTUSampleName(parsing: "S017C003P020R002.skeleton"))
        XCTAssertThrowsError(try NTUSampleName(parsing: "S017X003P020R002A060"))
        XCTAssertThrowsError(try NTUSampleName(parsing: "S017C004P020R002A060"))   // camera 4
    }

    func testBenchmarks() throws {
        let a = try NTUSampleName(parsing: "S001C001P001R001A001")   // performer 1 trains, camera 1 tests
        XCTAssertEqual(NTUSplits.part(of: a, benchmark: .xsub, dataset: .ntu60), .train)
        XCTAssertEqual(NTUSplits.part(of: a, benchmark: .xview, dataset: .ntu60), .val)
        let b = try NTUSampleName(parsing: "S018C002P003R001A100")   // performer 3 tests, setup 18 even
        XCTAssertEqual(NTUSplits.part(of: b, benchmark: .xsub, dataset: .ntu120), .val)
        XCTAssertEqual(NTUSplits.part(of: b, benchmark: .xset, dataset: .ntu120), .train)
        XCTAssertFalse(NTUSplits.belongs(b, to: .ntu60))
        XCTAssertTrue(NTUSplits.belongs(a, to: .ntu120))
        let c = try NTUSampleName(parsing: "S019C002P103R001A100")
        XCTAssertEqual(NTUSplits.part(of: c, benchmark: .xsub, dataset: .ntu120), .train)
        XCTAssertEqual(NTUSplits.part(of: c, benchmark: .xset, dataset: .ntu120), .val)
        XCTAssertEqual(NTUSplits.ntu60TrainingPerformers.count, 20)
        XCTAssertEqual(NTUSplits.ntu120TrainingPerformers.count, 53)
    }

    func temporaryFile(_ text: String, name: String = "f.txt") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testPKUSplitFile() throws {
        let url = try temporaryFile("Training videos:\n0002-L, 0002-M,0002-R, ,\nValidation videos:\n 0003-L ,0003-M\n")
        let split = try PKUSplit.read(url)
        XCTAssertEqual(split.train, ["0002-L", "0002-M", "0002-R"])
        XCTAssertEqual(split.val, ["0003-L", "0003-M"])
        XCTAssertEqual(split.part(of: "0003-M"), .val)
        // In neither list: a test video, as the reference (tools/pku_part1_gendata.py:81-86).
        XCTAssertEqual(split.part(of: "0004-M"), .val)
        XCTAssertTrue(split.isUnlisted("0004-M"))
        XCTAssertFalse(split.isUnlisted("0003-M"))
        let bad = try temporaryFile("title\n0002-L\ntitle\n0002-L\n")
        XCTAssertThrowsError(try PKUSplit.read(bad)) { XCTAssertTrue("\($0)".contains("both"), "\($0)") }
    }

    func testPKULabelsAndErrors() throws {
        let url = try temporaryFile("3,10,20,1\n51,1,5,2\n")
        let labels = try PKUReader.readLabels(url, classCount: 51)
        XCTAssertEqual(labels.map(\.label), [2, 50])
        XCTAssertEqual(labels[0].start, 10)
        XCTAssertEqual(labels[1].line, 2)
        let out = try temporaryFile("3,10,20,1\n52,1,5,2\n")
        XCTAssertThrowsError(try PKUReader.readLabels(out, classCount: 51)) { e in
            XCTAssertEqual((e as? InputError)?.line, 2)
            XCTAssertTrue("\(e)".contains("label 52"), "\(e)")
        }
        let junk = try temporaryFile("3;10;20;1\n")
        XCTAssertThrowsError(try PKUReader.readLabels(junk, classCount: 51)) { XCTAssertEqual(($0 as? InputError)?.line, 1) }
    }

    func testPKUSkeletonHasTwoBodiesPerFrame() throws {
        let row1 = (0..<150).map { String(Float($0) / 10) }.joined(separator: " ")
        let row2 = (0..<150).map { $0 < 75 ? "1.5" : "0" }.joined(separator: " ")
        let url = try temporaryFile(row1 + "\n" + row2 + "\n")
        let seq = try PKUReader.readSkeleton(url)
        XCTAssertEqual(seq.frameCount, 2)
        XCTAssertEqual(seq.bodyIDs, [0, 1, 0, 1])
        XCTAssertEqual(seq.position(body: 1, joint: 0, coordinate: 1), 7.6, accuracy: 1e-6)
        XCTAssertEqual(seq.position(body: 3, joint: 5, coordinate: 0), 0)
        let short = try temporaryFile(row1 + "\n1 2 3\n")
        XCTAssertThrowsError(try PKUReader.readSkeleton(short)) { XCTAssertEqual(($0 as? InputError)?.line, 2) }
    }

    func testMissingList() throws {
        let url = try temporaryFile("S001C001P001R001A001\n\nS001C002P001R001A001.skeleton\n")
        XCTAssertEqual(try MissingList.read(url), ["S001C001P001R001A001", "S001C002P001R001A001"])
        let bad = try temporaryFile("S001C001P001R001A001\nhello\n")
        XCTAssertThrowsError(try MissingList.read(bad)) { XCTAssertEqual(($0 as? InputError)?.line, 2) }
    }
}
