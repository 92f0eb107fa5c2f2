import Foundation
import SkeletonCore

/// Per-frame rotation about the y axis that turns the shoulder line of each body parallel to x
/// (docs/preprocessing.md, reference step 6). Acts in place on positions; an all-zero body stays all zero.
public enum ViewAlignment {
    /// Rotates every frame of every body: v = right shoulder − left shoulder with v.y = 0,
    /// θ_t = degrees(arccos(v.x / (‖v‖ + 1e−4))), negated for all frames when Σ_t v.z ≥ 0;
    /// p' = R(θ_t)·p with R = [[cos, 0, −sin], [0, 1, 0], [sin, 0, cos]].
    public static func alignY(_ clip: inout SkeletonClip) {
        let T = clip.frames
        let left = SkeletonLayout.leftShoulder, right = SkeletonLayout.rightShoulder
        let V = SkeletonClip.joints, M = SkeletonClip.bodies
        let xs = 0, zs = 2 * clip.channelStride          // offsets of channels x and z
        var angles = [Double](repeating: 0, count: T)
        clip.values.withUnsafeMutableBufferPointer { values in
            for m in 0..<M {
                var sumZ = 0.0
                for t in 0..<T {
                    let r = t * V * M + right * M + m, l = t * V * M + left * M + m
                    let vx = Double(values[xs + r]) - Double(values[xs + l])
                    let vz = Double(values[zs + r]) - Double(values[zs + l])
                    let norm = (vx * vx + vz * vz).squareRoot()
                    angles[t] = acos(vx / (norm + 1e-4)) * 180 / Double.pi
                    sumZ += vz
                }
                let sign = sumZ >= 0 ? -1.0 : 1.0
                for t in 0..<T {
                    let theta = sign * angles[t] * Double.pi / 180
                    let c = cos(theta), s = sin(theta)
                    for v in 0..<V {
                        let k = t * V * M + v * M + m
                        let x = Double(values[xs + k]), z = Double(values[zs + k])
                        values[xs + k] = Float(c * x - s * z)
                        values[zs + k] = Float(s * x + c * z)
                    }
                }
            }
        }
    }
}
