import Foundation
import HDF5
import Shards
import SkeletonCore
import XCTest

final class ShardSetTests: XCTestCase {
    /// Writes 5 train samples (shards of 3) and 2 val samples, plus the manifest.
    private func makeSet(_ dir: URL) throws -> Manifest {
        var records = try writeShards(dir, count: 5, shardSize: 3)
        var val = testInfo
        val.part = .val
        records += try writeShards(dir, count: 2, shardSize: 3, info: val)
        let manifest = Manifest(dataset: .ntu60, mode: "reference", toolVersion: "0.1.0-test",
                                createdBy: "hiclr convert --test", options: testInfo.options, shards: records,
                                report: ["samples_read": 7, "skipped_missing": 0])
        try manifest.write(to: dir)
        return manifest
    }

    func testManifestRoundTripsAndSumsParts() throws {
        let dir = try makeTemporaryDirectory(self)
        let manifest = try makeSet(dir)
        XCTAssertEqual(try Manifest.load(from: dir), manifest)
        XCTAssertEqual(manifest.format, "hiclr-shards")
        XCTAssertEqual(manifest.parts, [
            PartSummary(benchmark: .xsub, part: .train, count: 5, shards: 2,
                        labelHistogram: ["0": 2, "1": 1, "2": 1, "3": 1]),
            PartSummary(benchmark: .xsub, part: .val, count: 2, shards: 1, labelHistogram: ["0": 1, "1": 1]),
        ])
        let text = try String(contentsOf: dir.appendingPathComponent("manifest.json"), encoding: .utf8)
        XCTAssertTrue(text.contains("\n  \"createdBy\" : \"hiclr convert --test\",\n  \"dataset\""), "sorted, pretty")
        XCTAssertEqual(try listFiles(dir).filter { $0.hasPrefix(".") }, [], "no temporary files left")
    }

    func testWrittenManifestValidatesAgainstTheJSONSchema() throws {
        guard let python = findPython() else {
            return XCTFail("python3 not found on PATH: the CI installs python3 with jsonschema (pip install jsonschema)")
        }
        let dir = try makeTemporaryDirectory(self)
        _ = try makeSet(dir)
        let schema = repositoryRoot.appendingPathComponent("schemas/manifest.schema.json").path
        let script = """
        import sys, json
        try:
            import jsonschema
        except ImportError:
            print("jsonschema is not installed: pip install jsonschema"); sys.exit(3)
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        good = json.load(open(sys.argv[2]))
        validator.validate(good)
        bad = dict(good); bad["shards"] = [dict(good["shards"][0], sha256="xyz")]
        assert not validator.is_valid(bad), "a bad checksum must not validate"
        print("ok")
        """
        let (status, output) = try runProcess(python, ["-c", script, schema,
                                                       dir.appendingPathComponent("manifest.json").path])
        XCTAssertNotEqual(status, 3, "jsonschema is missing: the CI installs it (pip install jsonschema). \(output)")
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("ok"), output)
    }

    func testPartReadsSamplesAcrossShardsInOrder() throws {
        let dir = try makeTemporaryDirectory(self)
        _ = try makeSet(dir)
        let set = try ShardSet(directory: dir)
        let train = try set.samples(benchmark: .xsub, part: .train)
        XCTAssertEqual(train.count, 5)
        XCTAssertEqual(train.readers.count, 2)
        XCTAssertEqual(train.labels, [0, 1, 2, 3, 0])
        XCTAssertEqual(train.names, (0..<5).map { makeSample($0).name })
        XCTAssertTrue(train.location(of: 3)! == (1, 0))
        XCTAssertNil(train.location(of: 5))
        for i in 0..<5 {
            XCTAssertEqual(try train.read(.joint, sample: i), makeSample(i).joint, "sample \(i)")
        }
        XCTAssertThrowsError(try train.read(.joint, sample: 5))
        XCTAssertThrowsError(try set.samples(benchmark: .xview, part: .train)) { error in
            XCTAssertTrue("\(error)".contains("xsub/train"), "\(error)")
        }
        XCTAssertEqual(try set.verify(), [])
    }

    func testTruncatedShardIsAnErrorNamingTheFile() throws {
        let dir = try makeTemporaryDirectory(self)
        let manifest = try makeSet(dir)
        let url = dir.appendingPathComponent(manifest.shards[1].file)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(manifest.shards[1].bytes / 2))
        try handle.close()

        let set = try ShardSet(directory: dir)
        XCTAssertThrowsError(try set.samples(benchmark: .xsub, part: .train)) { error in
            XCTAssertEqual((error as? InputError)?.file, url.path)
            XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
        }
        XCTAssertThrowsError(try ShardReader(url: url)) { error in
            XCTAssertEqual((error as? InputError)?.file, url.path)
        }
        var seen: [String] = []
        let problems = try set.verify { _, _, file in seen.append(file) }
        XCTAssertEqual(seen, manifest.shards.map(\.file))
        XCTAssertFalse(problems.isEmpty)
        XCTAssertTrue(problems.allSatisfy { $0.file == url.path }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.message.contains("truncated") }, "\(problems)")
    }

    func testFlippedByteIsFoundByVerify() throws {
        let dir = try makeTemporaryDirectory(self)
        let manifest = try makeSet(dir)
        let url = dir.appendingPathComponent(manifest.shards[0].file)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 100] ^= 0x55
        try bytes.write(to: url)
        let problems = try ShardSet(directory: dir).verify()
        XCTAssertTrue(problems.contains { $0.file == url.path && $0.message.contains("sha256") }, "\(problems)")
    }

    func testReaderRejectsAWrongLayoutOrShapeNamingTheFile() throws {
        let dir = try makeTemporaryDirectory(self)
        let record = try writeShards(dir, count: 2, shardSize: 2)[0]
        let url = dir.appendingPathComponent(record.file)
        do {
            let file = try HDF5File(opening: url.path, mode: .readWrite)
            try file.setAttribute("layout", .string("N,T,V,C,M"))
        }
        XCTAssertThrowsError(try ShardReader(url: url)) { error in
            XCTAssertEqual((error as? InputError)?.file, url.path)
            XCTAssertEqual((error as? InputError)?.field, "layout")
        }
        let other = dir.appendingPathComponent("odd.h5")
        do {
            let file = try HDF5File(creating: other.path)
            try file.setAttribute("layout", .string("C,T,V,M"))
            for name in ["dataset", "benchmark", "part", "mode", "tool_version"] {
                try file.setAttribute(name, .string("x"))
            }
            try file.setAttribute("options", .string("{}"))
            try file.setAttribute("num_samples", .int64(1))
            try file.createDataset("joint", type: .float32, shape: [1, 3, 30, 25, 2])
        }
        XCTAssertThrowsError(try ShardReader(url: other)) { error in
            XCTAssertEqual((error as? InputError)?.file, other.path)
            XCTAssertEqual((error as? InputError)?.field, "joint")
        }
    }

    /// Parts are sorted by the benchmark and part strings as written (xset < xsub < xview), not by the order of
    /// the enum cases, so manifests stay byte-identical to the string-typed writer's.
    func testPartsAreSortedByTheirNames() throws {
        func record(_ b: Benchmark, _ p: Part) -> ShardRecord {
            ShardRecord(file: ShardFormat.fileName(benchmark: b, part: p, index: 0), benchmark: b, part: p, count: 1,
                        sha256: String(repeating: "0", count: 64), bytes: 1, labelHistogram: ["0": 1])
        }
        let parts = Manifest.summarize([record(.xview, .train), record(.xsub, .val), record(.xset, .train), record(.xsub, .train)])
        XCTAssertEqual(parts.map { "\($0.benchmark)/\($0.part)" }, ["xset/train", "xsub/train", "xsub/val", "xview/train"])
        XCTAssertEqual(ShardFormat.fileName(benchmark: .xview, part: .val, index: 12), "xview_val_00012.h5")
    }

    /// A manifest naming a benchmark, part or dataset this tool does not know is refused at the field, listing
    /// the valid values.
    func testUnknownNamesInTheManifestAreRefusedAtTheField() throws {
        let dir = try makeTemporaryDirectory(self)
        _ = try makeSet(dir)
        let url = dir.appendingPathComponent("manifest.json")
        let original = try String(contentsOf: url, encoding: .utf8)
        let cases = [("\"benchmark\" : \"xsub\"", "\"benchmark\" : \"bench\"", "shards[0].benchmark",
                      "\"bench\" is not a benchmark (xsub, xview or xset)"),
                     ("\"part\" : \"val\"", "\"part\" : \"test\"", "shards[2].part", "\"test\" is not a part (train or val)"),
                     ("\"dataset\" : \"ntu60\"", "\"dataset\" : \"ntu61\"", "dataset",
                      "\"ntu61\" is not a dataset (ntu60, ntu120, pku1 or pku2)")]
        for (from, to, field, message) in cases {
            XCTAssertTrue(original.contains(from), from)
            try Data(original.replacingOccurrences(of: from, with: to).utf8).write(to: url)
            XCTAssertThrowsError(try Manifest.load(from: dir), field) { error in
                XCTAssertEqual(error as? InputError, InputError(file: url.path, field: field, message))
            }
        }
    }

    func testMissingOrForeignManifestIsAClearError() throws {
        let dir = try makeTemporaryDirectory(self)
        XCTAssertThrowsError(try ShardSet(directory: dir)) { error in
            XCTAssertTrue((error as? InputError)?.file.hasSuffix("manifest.json") ?? false, "\(error)")
        }
        try Data(#"{"format": "other"}"#.utf8).write(to: dir.appendingPathComponent("manifest.json"))
        XCTAssertThrowsError(try Manifest.load(from: dir)) { error in
            XCTAssertNotNil((error as? InputError)?.field, "\(error)")
        }
    }
}
