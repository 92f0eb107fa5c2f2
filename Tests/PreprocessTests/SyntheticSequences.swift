import Foundation
import RawData

/// A standing body at `origin` whose joints spread like a person (x spread < y spread), swaying by `phase`.
func personJoints(origin: (Float, Float, Float), phase: Float) -> [Float] {
    var xyz = [Float](repeating: 0, count: 75)
    for v in 0..<25 {
        let row = Float(v % 5), col = Float(v / 5)
        xyz[v * 3] = origin.0 + 0.08 * (col - 2) + 0.05 * sin(phase + Float(v))
        xyz[v * 3 + 1] = origin.1 + 0.35 * (row - 2) + 0.02 * cos(phase)
        xyz[v * 3 + 2] = origin.2 + 0.03 * sin(phase * 0.5 + Float(v))
    }
    return xyz
}

/// A wide flat blob (x spread ≫ y spread), static: what furniture detected as a body looks like.
func furnitureJoints() -> [Float] {
    var xyz = [Float](repeating: 0, count: 75)
    for v in 0..<25 {
        xyz[v * 3] = -1.5 + 0.12 * Float(v)
        xyz[v * 3 + 1] = -0.4 + 0.002 * Float(v % 3)
        xyz[v * 3 + 2] = 3.8
    }
    return xyz
}

/// Builds a RawSequence from per-frame body lists.
func sequence(_ frames: [[(UInt64, [Float])]]) -> RawSequence {
    var seq = RawSequence()
    for bodies in frames {
        for (id, xyz) in bodies { xyz.withUnsafeBufferPointer { seq.appendBody(id: id, xyz: $0) } }
        seq.endFrame()
    }
    return seq
}
