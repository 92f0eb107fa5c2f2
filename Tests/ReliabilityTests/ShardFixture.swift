import Foundation
import Shards
import SkeletonCore
import TestSupport
import XCTest

/// `count` samples of NTU60 xsub/train (names S001C001P001R001A001…, 2 per shard file), each joint stream filled
/// by `value(sample, index)` and with `label(sample)`, written with their manifest into a new temporary folder
/// `<folder>-…` (removed when `test` ends); `writer` names the tool version and creator recorded. Written by our
/// writer, as `convert` would: the damage and fuzz suites start from it.
func makeShardFixture(_ test: XCTestCase, folder: String, writer tag: String, count: Int, label: (Int) -> Int,
                      value: (_ sample: Int, _ index: Int) -> Float) throws -> (URL, Manifest) {
    let dir = try makeTemporaryDirectory(test, tag: folder)
    let info = ShardSetInfo(dataset: .ntu60, benchmark: .xsub, part: .train, mode: "reference",
                            options: [:], toolVersion: tag)
    let writer = try ShardWriter(directory: dir, info: info, shardSize: 2)
    for i in 0..<count {
        var clip = SkeletonClip(frames: SkeletonLayout.frames)
        for k in 0..<clip.values.count { clip.values[k] = value(i, k) }
        try writer.append(ShardSample(name: "S001C001P001R001A00\(i + 1)", label: label(i), length: 50, bodies: 1,
                                      joint: clip, bone: clip.bones(), motion: clip.motion()))
    }
    let manifest = Manifest(dataset: .ntu60, mode: "reference", toolVersion: tag, createdBy: tag,
                            shards: try writer.finish())
    try manifest.write(to: dir)
    return (dir, manifest)
}
