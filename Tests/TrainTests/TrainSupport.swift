import Foundation
import Shards
import SkeletonCore
import Train

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func temporaryDirectory(_ tag: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A synthetic action of class `label`: one body whose limbs move with a class-specific pattern, seen through
/// a per-sample random shear of the kind the T0 augmentation draws (rows [1, a, b], [c, 1, d], [e, f, 1] with
/// entries up to ±`nuisance`) and with a per-sample phase. The shear is a nuisance a contrastively trained
/// encoder learns to ignore and a random encoder does not.
func syntheticClip(label: Int, variant: Int, nuisance: Float = 0.5) -> SkeletonClip {
    var clip = SkeletonClip(frames: 50)
    var state = UInt64(variant &* 2_654_435_761 &+ 97)
    func uniform() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(state >> 40) / Float(1 << 24) * 2 - 1
    }
    let shear = (0..<6).map { _ in nuisance * uniform() }
    let phase = Float(variant) * 0.7
    for t in 0..<50 {
        let time = Float(t) / 50 * 2 * Float.pi
        for v in 0..<25 {
            let row = Float(v % 5), column = Float(v / 5)
            var x = 0.1 * (column - 2), y = 0.3 * (row - 2), z: Float = 0
            switch label {
            case 0: y += 0.2 * sin(time * 2 + phase) * (column > 2 ? 1 : 0)            // raise one side
            case 1: x += 0.2 * sin(time * 3 + phase) * (row > 2 ? 1 : -1)              // wave
            case 2: y += 0.15 * sin(time + phase); z += 0.1 * cos(time + phase)         // bob
            default: x += 0.1 * sin(time * 5 + phase) * Float(v % 2 == 0 ? 1 : -1)     // shiver
            }
            clip[0, t, v, 0] = x + shear[0] * y + shear[1] * z
            clip[1, t, v, 0] = shear[2] * x + y + shear[3] * z
            clip[2, t, v, 0] = shear[4] * x + shear[5] * y + z
        }
    }
    return clip
}

/// A shard directory with `perClass` samples of each of `classes` synthetic actions (benchmark xsub, parts
/// train and val).
func makeSyntheticShards(classes: Int = 4, perClass: Int = 8, valPerClass: Int = 4) throws -> URL {
    let dir = temporaryDirectory("train-shards")
    var records: [ShardRecord] = []
    for (part, count, offset) in [(Part.train, perClass, 0), (Part.val, valPerClass, 1000)] {
        let info = ShardSetInfo(dataset: .ntu60, benchmark: .xsub, part: part, mode: "reference", options: [:],
                                toolVersion: "test")
        let writer = try ShardWriter(directory: dir, info: info, shardSize: 64)
        for i in 0..<(classes * count) {
            let joint = syntheticClip(label: i % classes, variant: offset + i / classes)
            try writer.append(ShardSample(name: "\(part)\(i)", label: i % classes, length: 50, bodies: 1, joint: joint,
                                          bone: joint.bones(), motion: joint.motion()))
        }
        records += try writer.finish()
    }
    try Manifest(dataset: .ntu60, mode: "reference", toolVersion: "test", createdBy: "test", shards: records).write(to: dir)
    return dir
}

/// A small but complete config over `shards`.
func tinyConfig(shards: URL, output: URL, seed: Int = 1, epochs: Int = 2, hidden: Int = 4, mining: Int? = nil) -> String {
    """
    name: test-run
    shards: \(shards.path)
    benchmark: xsub
    pipeline: \(repository.appendingPathComponent("pipelines/hiclr.yaml").path)
    seed: \(seed)
    output: \(output.path)
    model:
      hidden_channels: \(hidden)
      hidden_dim: 16
      feature_dim: 8
    moco:
      queue: 16
      momentum: 0.9
      mining_epoch: \(mining.map(String.init) ?? "null")
    optimizer:
      lr: 0.05
      milestones: [1]
    schedule:
      epochs: \(epochs)
      batch: 8
      workers: 2
    """
}
