import Augment
import Dump
import Foundation
import SkeletonCore
import TestSupport
import XCTest

/// `views.h5` (`hiclr dump`): the layout docs/pipelines.md promises, read back by h5py, and the sample selection.
final class ViewDumpTests: XCTestCase {
    static let pipelineText = """
    name: two-views
    branches:
      - name: q
        stages:
          - {stage: shear, p: 1.0}
      - name: m
        stages:
          - {stage: joint_mask, p: 1.0}
    streams:
      names: [joint, bone]
    """

    func clip(_ phase: Float) -> SkeletonClip {
        var clip = SkeletonClip(frames: 50)
        for t in 0..<50 { for v in 0..<25 { for c in 0..<3 {
            clip[c, t, v, 0] = sin(Float(t) * 0.1 + phase + Float(v) * 0.3 + Float(c))
        } } }
        return clip
    }

    func testLayoutAttributesAndValuesReadByH5py() throws {
        let dir = try makeTemporaryDirectory(self, tag: "dump")
        let pipeline = try PipelineLoader.parse(Self.pipelineText, file: "two.yaml")
        let dump = ViewDump(pipelineText: Self.pipelineText, pipelinePath: "two.yaml", pipeline: pipeline, seed: 7,
                            epoch: 2, source: "test")
        let samples = [DumpSample(index: 3, name: "a", label: 5, joint: clip(0)),
                       DumpSample(index: 11, name: "b", label: 1, joint: clip(1))]
        let written = try dump.write(samples, to: dir, png: true, frames: 2) { _ in nil }
        XCTAssertEqual(written.map(\.lastPathComponent), ["views.h5", "sample_000003.png", "sample_000011.png"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".views.h5.partial").path))

        // What the runner makes for sample 11, branch q (the file must hold exactly these values).
        let expected = PipelineRunner(pipeline).views(for: clip(1), sampleID: 11, epoch: 2, seed: 7)
        let qJoint = expected[0].joint.values.reduce(0.0) { $0 + Double($1) }
        let masked = expected[1].mask?.filter { $0 }.count ?? -1

        guard let python = findPython() else { throw XCTSkip("python3 not found") }
        let script = """
        import sys, json, h5py, numpy as np
        with h5py.File(sys.argv[1] + '/views.h5', 'r') as f:
            a = f.attrs
            print(a['pipeline_name'], a['seed'], int(a['epoch']), a['source'], a['pipeline_file'])
            print(' '.join(sorted(f.keys())))
            g = f['sample_000011']
            print(g.attrs['name'], int(g.attrs['label']), int(g.attrs['index']), ' '.join(sorted(g.keys())))
            print(' '.join(sorted(g['q'].keys())), ' '.join(sorted(g['m'].keys())))
            print(g['q']['joint'].shape, g['q']['joint'].dtype, g['m']['mask'].shape, g['m']['mask'].dtype)
            print('%.4f' % float(g['q']['joint'][()].astype(np.float64).sum()), int(g['m']['mask'][()].sum()))
            rec = json.loads(g['q'].attrs['records'])
            print(rec[0]['stage'], 'parameters' in rec[0])
        """
        let (status, output) = try runProcess(python, ["-c", script, dir.path])
        XCTAssertEqual(status, 0, output)
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 7, output)
        guard lines.count == 7 else { return }
        XCTAssertEqual(lines[0], "two-views 7 2 test two.yaml")
        XCTAssertEqual(lines[1], "sample_000003 sample_000011")
        XCTAssertEqual(lines[2], "b 1 11 m q")
        XCTAssertEqual(lines[3], "bone joint bone joint mask")
        XCTAssertEqual(lines[4], "(3, 50, 25, 2) float32 (50, 25) uint8")
        let parts = lines[5].split(separator: " ")
        XCTAssertEqual(Double(parts[0]) ?? .nan, qJoint, accuracy: 1e-3)
        XCTAssertEqual(Int(parts[1]), masked)
        XCTAssertGreaterThan(masked, 0)
        XCTAssertEqual(lines[6], "shear True")
    }

    func testSampleSelection() {
        XCTAssertEqual(parseSampleRanges("0-3,8,10-12"), [0, 1, 2, 3, 8, 10, 11, 12])
        XCTAssertEqual(parseSampleRanges("7"), [7])
        XCTAssertEqual(parseSampleRanges("5,5,2-3"), [2, 3, 5])
        XCTAssertNil(parseSampleRanges("3-1"))
        XCTAssertNil(parseSampleRanges("a"))
        XCTAssertNil(parseSampleRanges("1-2-3"))
        XCTAssertNil(parseSampleRanges("-1"))
        XCTAssertEqual(defaultDumpSamples(partSize: 8), Array(0..<8))
        XCTAssertEqual(defaultDumpSamples(partSize: 100), Array(0..<16))
        XCTAssertEqual(defaultDumpSamples(partSize: 0), [])
    }
}
