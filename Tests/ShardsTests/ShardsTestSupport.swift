import Foundation
import Shards
import SkeletonCore
@_exported import TestSupport
import XCTest

/// A fresh temporary directory for shard tests, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> URL {
    try TestSupport.makeTemporaryDirectory(test, tag: "shardtests")
}

/// The repository root (for schemas/).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A deterministic sample whose every value depends on (seed, position), with body 2 empty when seed is odd.
func makeSample(_ seed: Int) -> ShardSample {
    var joint = SkeletonClip(frames: SkeletonLayout.frames)
    for c in 0..<3 {
        for t in 0..<SkeletonLayout.frames {
            for v in 0..<25 {
                for m in 0..<2 where !(m == 1 && seed % 2 == 1) {
                    let phase = Float(seed * 13 + c * 7 + v * 3 + m)
                    joint[c, t, v, m] = 0.4 * sin(phase + Float(t) * 0.1) + Float(v) * 0.01
                }
            }
        }
    }
    return ShardSample(name: String(format: "S001C001P%03dR001A%03d", seed, seed % 60 + 1), label: seed % 4,
                       length: 30 + seed, bodies: seed % 2 == 1 ? 1 : 2,
                       joint: joint, bone: joint.bones(), motion: joint.motion())
}

let testInfo = ShardSetInfo(dataset: .ntu60, benchmark: .xsub, part: .train, mode: "reference",
                            options: ["frames": "50", "missing": "none"], toolVersion: "0.1.0-test")

/// Writes `count` samples (seeds 0..<count) with shards of `shardSize`; returns the records.
@discardableResult
func writeShards(_ directory: URL, count: Int, shardSize: Int, blockSize: Int = 2,
                 info: ShardSetInfo = testInfo, deflateLevel: Int = ShardFormat.defaultDeflateLevel) throws -> [ShardRecord] {
    let writer = try ShardWriter(directory: directory, info: info, shardSize: shardSize, blockSize: blockSize,
                                 deflateLevel: deflateLevel)
    for seed in 0..<count { try writer.append(makeSample(seed)) }
    return try writer.finish()
}

/// Files in `directory`, sorted, hidden ones included.
func listFiles(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}
