import Foundation
@testable import Preprocess
import RawData
import SkeletonCore
import XCTest

/// Clean mode's body choice against Golden/pyskl_denoise.json, written by scripts/golden_pyskl_denoise.py (an
/// independent NumPy implementation of kennymckormick/pyskl tools/data/ntu_preproc.py, checked against the real
/// functions; Golden/README.md) for the shipped NTU fixtures and the dedicated inputs in Golden/pyskl_inputs.
final class PYSKLDenoiseGoldenTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Sample {
        var json: [String: Any]
        var file: String { json["file"] as! String }
        var status: String { json["status"] as! String }
        func ints(_ key: String) -> [Int] { (json[key] as? [NSNumber] ?? []).map(\.intValue) }
        func doubles(_ key: String) -> [Double] { (json[key] as? [NSNumber] ?? []).map(\.doubleValue) }
        func int(_ key: String) -> Int { (json[key] as! NSNumber).intValue }
        var decisions: [String: Int] { (json["decisions"] as! [String: NSNumber]).mapValues(\.intValue) }
    }

    static let samples: [Sample] = {
        guard let url = Bundle.module.url(forResource: "pyskl_denoise", withExtension: "json", subdirectory: "Golden"),
              let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = root["samples"] as? [[String: Any]] else { return [] }
        return list.map(Sample.init)
    }()

    func read(_ sample: Sample) throws -> RawSequence {
        try NTUSkeletonReader.read(Self.repository.appendingPathComponent(sample.file))
    }

    /// The golden set covers every branch (the generator and the check against PYSKL count on it).
    func testGoldenCoversEveryBranch() throws {
        let s = Self.samples
        XCTAssertEqual(s.count, 51)
        func count(_ key: String) -> Int { s.filter { ($0.decisions[key] ?? 0) > 0 }.count }
        XCTAssertGreaterThan(s.filter { $0.status == "ok" && $0.int("M") == 1 }.count, 0)
        XCTAssertGreaterThan(s.filter { $0.status == "ok" && $0.int("M") == 2 }.count, 0)
        for key in ["skipped_empty_frames", "removed_short_body", "removed_spread_body", "spread_motion_lowered",
                    "packed_body_into_used_slot", "dropped_overlapping_body", "trimmed_empty_frames", "swapped_body_slots"] {
            XCTAssertGreaterThan(count(key), 0, key)
        }
        for code in ["no_body", "no_body_after_cleaning", "all_zero_keypoints"] {
            XCTAssertTrue(s.contains { $0.json["code"] as? String == code }, code)
        }
    }

    func testBodiesFramesAndValuesMatchPYSKL() throws {
        XCTAssertFalse(Self.samples.isEmpty, "Golden/pyskl_denoise.json missing or unreadable")
        for sample in Self.samples {
            let seq = try read(sample)
            if sample.status == "rejected" {
                XCTAssertThrowsError(try PYSKLDenoise.denoise(seq), sample.file) {
                    XCTAssertEqual(($0 as? PreprocessError)?.code, sample.json["code"] as? String, sample.file)
                }
                continue
            }
            let got = try PYSKLDenoise.denoise(seq)
            let M = sample.int("M"), T = sample.int("T")
            XCTAssertEqual(got.bodies, M, sample.file)
            XCTAssertEqual(got.clip.frames, T, sample.file)
            XCTAssertEqual(got.decisions, sample.decisions, sample.file)
            guard got.bodies == M, got.clip.frames == T else { continue }
            // Selection: each slot frame is the raw body the golden names (exact), or zero.
            let origin = sample.ints("origin")
            for m in 0..<2 {
                for t in 0..<T {
                    let f = m < M ? origin[(m * T + t) * 2] : -1, p = m < M ? origin[(m * T + t) * 2 + 1] : 0
                    for v in 0..<25 {
                        for c in 0..<3 {
                            let expected = f < 0 ? 0 : seq.position(body: seq.bodies(inFrame: f).lowerBound + p, joint: v, coordinate: c)
                            if got.clip[c, t, v, m] != expected {
                                XCTFail("\(sample.file): slot \(m) frame \(t) joint \(v) coordinate \(c) is "
                                        + "\(got.clip[c, t, v, m]), expected \(expected) (file frame \(f), body \(p))")
                                return
                            }
                        }
                    }
                }
            }
            // Values: per-frame sums over joints (all samples), every value (dedicated inputs), within 1e-5.
            let sums = sample.doubles("frame_sums")
            XCTAssertEqual(sums.count, M * T * 3, sample.file)
            for m in 0..<M {
                for t in 0..<T {
                    for c in 0..<3 {
                        var s = 0.0
                        for v in 0..<25 { s += Double(got.clip[c, t, v, m]) }
                        XCTAssertEqual(s, sums[(m * T + t) * 3 + c], accuracy: 1e-5, "\(sample.file) slot \(m) frame \(t)")
                    }
                }
            }
            let keypoint = sample.doubles("keypoint")
            if !keypoint.isEmpty {
                XCTAssertEqual(keypoint.count, M * T * 75, sample.file)
                var worst = 0.0
                for m in 0..<M {
                    for t in 0..<T {
                        for v in 0..<25 {
                            for c in 0..<3 { worst = max(worst, abs(Double(got.clip[c, t, v, m]) - keypoint[((m * T + t) * 25 + v) * 3 + c])) }
                        }
                    }
                }
                XCTAssertLessThanOrEqual(worst, 1e-5, sample.file)
            }
        }
    }

    /// Motions are float32 as NumPy computes them: equal to the golden's bit for bit (they order the bodies).
    func testMotionsAreNumPysFloat32() throws {
        var checked = 0
        for sample in Self.samples where sample.status == "ok" {
            let (bodies, _) = PYSKLDenoise.parse(try read(sample), zeroBodiesAreAbsent: false)
            let golden = sample.json["bodies"] as! [[String: Any]]
            XCTAssertEqual(bodies.count, golden.count, sample.file)
            for (b, g) in zip(bodies, golden) {
                XCTAssertEqual(String(b.id), g["id"] as? String, sample.file)
                XCTAssertEqual(b.start, (g["start"] as! NSNumber).intValue, sample.file)
                XCTAssertEqual(b.frames, (g["frames"] as! NSNumber).intValue, sample.file)
                XCTAssertEqual(b.motion, Float((g["motion"] as! NSNumber).doubleValue), "\(sample.file) body \(b.id)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 60)
    }

    /// Equal motions keep the order of first appearance (Python's stable sort): the tie input's body 300, seen
    /// first, takes slot 1 although body 100 has the smaller ID.
    func testTiesKeepFirstAppearance() throws {
        let sample = try XCTUnwrap(Self.samples.first { $0.file.hasSuffix("S017C001P001R001A010.skeleton") })
        let seq = try read(sample)
        let (bodies, _) = PYSKLDenoise.parse(seq, zeroBodiesAreAbsent: false)
        XCTAssertEqual(bodies[0].motion, bodies[1].motion)
        XCTAssertEqual(bodies.map { $0.id - 72_057_594_037_927_936 }, [300, 100, 200])   // the generator's ID base
        let got = try PYSKLDenoise.denoise(seq)
        XCTAssertEqual(got.clip[0, 0, 0, 0], seq.position(body: 0, joint: 0, coordinate: 0))     // body 300's frame 0
        XCTAssertEqual(got.clip[0, 0, 0, 1], seq.position(body: 1, joint: 0, coordinate: 0))     // body 100's frame 0
        XCTAssertNotEqual(got.clip[0, 0, 0, 0], got.clip[0, 0, 0, 1])
    }

    /// The whole clean-mode joint stream of two inputs (M = 1, and M = 2 with the slot swap) against the golden,
    /// which runs scripts/golden_preprocess.py's NumPy/OpenCV centring, resize and y-rotation on PYSKL's keypoints.
    func testCleanJointStreamMatchesGolden() throws {
        var checked = 0
        for sample in Self.samples where sample.json["joint"] != nil {
            let processed = try CleanPreprocessor().process(try read(sample))
            let expected = sample.doubles("joint")
            XCTAssertEqual(processed.joint.values.count, expected.count, sample.file)
            var worst = 0.0
            for (g, e) in zip(processed.joint.values, expected) { worst = max(worst, abs(Double(g) - e)) }
            XCTAssertLessThanOrEqual(worst, 1e-5, sample.file)
            XCTAssertEqual(processed.length, sample.int("T"), sample.file)
            checked += 1
        }
        XCTAssertEqual(checked, 2)
    }

    /// Clean mode = the denoised keypoints through centring, resize of all T frames to 50, view alignment.
    func testCleanModeConsumesTheDenoisedKeypoints() throws {
        let sample = try XCTUnwrap(Self.samples.first { $0.file.hasSuffix("S017C001P001R001A009.skeleton") })
        let seq = try read(sample)
        let (processed, denoised) = try CleanPreprocessor().processWithBodies(seq)
        XCTAssertEqual(processed.length, sample.int("T"))
        XCTAssertEqual(processed.decisions, sample.decisions)
        var centred = denoised.clip
        ReferencePreprocessor.centre(&centred)
        var joint = TimeResize.resize(centred, length: centred.frames, to: 50)
        ViewAlignment.alignY(&joint)
        XCTAssertEqual(processed.joint, joint)
        XCTAssertEqual(processed.bone, joint.bones())
        XCTAssertEqual(processed.motion, joint.motion())
        XCTAssertEqual(try CleanPreprocessor().processSelected(denoised.clip).joint, joint)
        XCTAssertEqual(processed.bodies, 2)
    }
}
