import Foundation
import Preprocess
import RawData
import SkeletonCore
import XCTest

/// Compares the Swift preprocessing with the outputs of scripts/golden_preprocess.py, an independent
/// NumPy/OpenCV implementation of the reference pipeline (Golden/README.md describes the files).
final class GoldenReferenceTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func golden(_ name: String) throws -> [String: Any] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"),
                                "missing golden file \(name).json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func floats(_ json: [String: Any], _ key: String) throws -> [Float] {
        let numbers = try XCTUnwrap(json[key] as? [NSNumber], "golden key \(key)")
        return numbers.map { Float($0.doubleValue) }
    }

    func assertClose(_ got: [Float], _ expected: [Float], relative: Float = 0, absolute: Float = 0, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, expected.count, "\(what): count", file: file, line: line)
        var worst: (Int, Float) = (-1, 0)
        for (i, (g, e)) in zip(got, expected).enumerated() {
            let allowed = absolute + relative * max(1, abs(e))
            let error = abs(g - e)
            if error > allowed && error > worst.1 { worst = (i, error) }
        }
        if worst.0 >= 0 {
            XCTFail("\(what): value \(worst.0) is \(got[worst.0]), golden \(expected[worst.0]) (|Δ| = \(worst.1))",
                    file: file, line: line)
        }
    }

    func testResizeMatchesOpenCV() throws {
        for L in [1, 7, 50, 123] {
            let g = try golden("resize_L\(L)")
            let input = SkeletonClip(frames: L, values: try floats(g, "input"))
            let out = TimeResize.resize(input, length: L, to: 50)
            // Bit-identical: the source row in float32 as OpenCV computes it (TimeResize; Golden/README.md).
            XCTAssertEqual(out.values, try floats(g, "expected"), "resize L=\(L)")
        }
    }

    func testCentreAndStreamsAreExact() throws {
        let c = try golden("centre")
        var clip = SkeletonClip(frames: 4, values: try floats(c, "input"))
        ReferencePreprocessor.centre(&clip)
        XCTAssertEqual(clip.values, try floats(c, "expected"))
        let s = try golden("streams")
        let joint = SkeletonClip(frames: 50, values: try floats(s, "input"))
        XCTAssertEqual(joint.bones().values, try floats(s, "bone"))
        XCTAssertEqual(joint.motion().values, try floats(s, "motion"))
    }

    func testYRotationSignRulePerBody() throws {
        for name in ["yrotation_pos", "yrotation_neg"] {
            let g = try golden(name)
            var clip = SkeletonClip(frames: 50, values: try floats(g, "input"))
            ViewAlignment.alignY(&clip)
            assertClose(clip.values, try floats(g, "expected"), absolute: 2e-5, name)
        }
    }

    func checkReference(_ g: [String: Any], _ sample: PreprocessedSample, _ name: String) throws {
        XCTAssertEqual(sample.length, g["L"] as? Int, "\(name): L")
        assertClose(sample.joint.values, try floats(g, "joint"), absolute: 1e-6, "\(name) joint")
        XCTAssertEqual(sample.motion.values, try floats(g, "motion"), "\(name) motion (resize is bit-exact)")
        assertClose(sample.bone.values, try floats(g, "bone"), absolute: 2e-6, "\(name) bone")
    }

    func testWholeReferencePipelineOnNTUFixtures() throws {
        for sample in ["S001C001P001R001A001", "S005C002P010R001A050", "S005C003P015R002A050", "S002C003P006R001A008"] {
            let g = try golden("reference_" + sample)
            let path = try XCTUnwrap(g["file"] as? String)
            let url = Self.repository.appendingPathComponent(path)
            let name = try NTUSampleName(parsing: url.lastPathComponent)
            XCTAssertEqual(name.label, g["label"] as? Int)
            let out = try ReferencePreprocessor(trim: .first).process(try NTUSkeletonReader.read(url))
            try checkReference(g, out, sample)
        }
    }

    func testWholeReferencePipelineOnPKUInstances() throws {
        for name in ["reference_pku1_0003-L_line1", "reference_pku1_0004-M_line1"] {
            let g = try golden(name)
            let video = try PKUReader.readSkeleton(Self.repository.appendingPathComponent(try XCTUnwrap(g["file"] as? String)))
            let labels = try PKUReader.readLabels(Self.repository.appendingPathComponent(try XCTUnwrap(g["label_file"] as? String)),
                                                  classCount: 51)
            let instance = labels[try XCTUnwrap(g["label_line"] as? Int) - 1]
            XCTAssertEqual(instance.label, g["label"] as? Int)
            let seq = video.slice(frames: (instance.start - 1)..<instance.end)
            let out = try ReferencePreprocessor(trim: .centred).process(seq)
            try checkReference(g, out, name)
        }
    }
}
