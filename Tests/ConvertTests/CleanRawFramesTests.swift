@testable import Convert
import Foundation
import Preprocess
import Shards
import SkeletonCore
import TestSupport
import XCTest

/// Clean-mode shards keep PYSKL's denoised keypoints as their raw frames, with `raw_bodies` and the manifest's
/// `raw_body_choice` (docs/shard-format.md), checked against scripts/golden_pyskl_denoise.py's goldens.
final class CleanRawFramesTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PreprocessTests/Golden")

    /// name → golden sample of the dedicated inputs.
    func goldens() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: Self.golden.appendingPathComponent("pyskl_denoise.json"))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        var out: [String: [String: Any]] = [:]
        for s in try XCTUnwrap(root["samples"] as? [[String: Any]]) where (s["file"] as! String).contains("pyskl_inputs") {
            out[s["name"] as! String] = s
        }
        return out
    }

    func convertInputs(_ mode: PreprocessMode) throws -> URL {
        let out = temporaryDirectory()
        let options = ConvertOptions(dataset: .ntu60, raw: Self.golden.appendingPathComponent("pyskl_inputs"), out: out,
                                     benchmarks: [.xsub], mode: mode, shardSize: 5)
        _ = try Converter(options: options).run()
        return out
    }

    func testCleanShardsHoldTheDenoisedKeypoints() throws {
        let goldens = try goldens()
        let out = try convertInputs(.clean)
        let manifest = try Manifest.load(from: out)
        XCTAssertEqual(manifest.options["raw_body_choice"], "pyskl-denoise")
        XCTAssertEqual(ShardFormat.RawBodyChoice.of(manifest.options), "pyskl-denoise")
        XCTAssertEqual(manifest.report["rejected.no_body"], 1)
        XCTAssertEqual(manifest.report["rejected.no_body_after_cleaning"], 2)
        XCTAssertEqual(manifest.report["rejected.all_zero_keypoints"], 1)
        XCTAssertEqual(manifest.report["clean.swapped_body_slots"], 1)
        var seen = 0
        for part in [Part.train, .val] {
            for record in manifest.shards(benchmark: .xsub, part: part) {
                let reader = try ShardReader(url: out.appendingPathComponent(record.file))
                XCTAssertEqual(reader.info.options["raw_body_choice"], "pyskl-denoise")
                XCTAssertNotNil(reader.rawBodies)
                for i in 0..<reader.count {
                    let g = try XCTUnwrap(goldens[reader.names[i]], reader.names[i])
                    let M = (g["M"] as! NSNumber).intValue, T = (g["T"] as! NSNumber).intValue
                    let keypoint = (g["keypoint"] as! [NSNumber]).map(\.doubleValue)
                    let raw = try XCTUnwrap(try reader.readRaw(sample: i))
                    XCTAssertEqual(raw.bodies, M, reader.names[i])
                    XCTAssertEqual(raw.frames, T, reader.names[i])
                    XCTAssertEqual(reader.lengths[i], T, reader.names[i])
                    var worst = 0.0
                    for t in 0..<T {
                        for v in 0..<25 {
                            for c in 0..<3 {
                                for m in 0..<2 {
                                    let expected = m < M ? keypoint[((m * T + t) * 25 + v) * 3 + c] : 0
                                    worst = max(worst, abs(Double(raw[t, c, v, m]) - expected))
                                }
                            }
                        }
                    }
                    XCTAssertLessThanOrEqual(worst, 1e-5, reader.names[i])
                    seen += 1
                }
            }
        }
        XCTAssertEqual(seen, 11)
    }

    /// The Python side reads the names fixed in docs/shard-format.md: `raw`, `raw_frames`, `raw_bodies`, and the
    /// `options` attribute's `raw_body_choice`, and rebuilds PYSKL's (M, T, 25, 3) keypoint.
    func testH5pyRebuildsPYSKLKeypoints() throws {
        guard let python = findPython() else { return XCTFail("python3 not found") }
        let out = try convertInputs(.clean)
        let manifest = try Manifest.load(from: out)
        let file = out.appendingPathComponent(manifest.shards(benchmark: .xsub, part: .train)[0].file).path
        let script = """
        import json, sys, h5py, numpy as np
        f = h5py.File(sys.argv[1], "r")
        assert json.loads(f.attrs["options"])["raw_body_choice"] == "pyskl-denoise"
        n, m = f["raw_frames"][:], f["raw_bodies"][:]
        assert n.dtype == np.int64 and m.dtype == np.int64 and len(n) == len(m) == len(f["name"])
        starts = np.concatenate([[0], np.cumsum(n)])
        for i in range(len(n)):
            kp = f["raw"][starts[i]:starts[i + 1]].transpose(3, 0, 2, 1)[:m[i]]
            assert kp.shape == (m[i], n[i], 25, 3) and kp.dtype == np.float32
            print(f["name"][i].decode(), kp.shape[0], kp.shape[1], repr(float(kp[-1, n[i] // 2, 7, 1])))
        """
        let (status, output) = try runProcess(python, ["-c", script, file])
        XCTAssertEqual(status, 0, output)
        let goldens = try goldens()
        let lines = output.split(separator: "\n")
        XCTAssertFalse(lines.isEmpty)
        for line in lines {
            let parts = line.split(separator: " ").map(String.init)
            let g = try XCTUnwrap(goldens[parts[0]], parts[0])
            let M = (g["M"] as! NSNumber).intValue, T = (g["T"] as! NSNumber).intValue
            XCTAssertEqual(Int(parts[1]), M)
            XCTAssertEqual(Int(parts[2]), T)
            let keypoint = (g["keypoint"] as! [NSNumber]).map(\.doubleValue)
            XCTAssertEqual(try XCTUnwrap(Double(parts[3])), keypoint[(((M - 1) * T + T / 2) * 25 + 7) * 3 + 1], accuracy: 1e-6)
        }
    }

    /// Reference mode writes neither `raw_bodies` nor the option (absent = the reference reader's bodies).
    func testReferenceShardsKeepTheReaderBodies() throws {
        let out = try convertInputs(.reference)
        let manifest = try Manifest.load(from: out)
        XCTAssertNil(manifest.options["raw_body_choice"])
        XCTAssertEqual(ShardFormat.RawBodyChoice.of(manifest.options), "reference-reader")
        let reader = try ShardReader(url: out.appendingPathComponent(manifest.shards[0].file))
        XCTAssertNotNil(reader.rawFrames)
        XCTAssertNil(reader.rawBodies)
        XCTAssertNil(try reader.readRaw(sample: 0)?.bodies)
    }
}
