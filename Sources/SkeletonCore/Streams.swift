/// The bone and motion streams derived from a joint clip (docs/preprocessing.md, "Streams").
extension SkeletonClip {
    /// Bone stream: `b[v] = x[v] − x[parent(v)]`, per channel, frame and body.
    public func bones() -> SkeletonClip {
        var out = SkeletonClip(frames: frames)
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { Self.writeBones(from: src, frames: frames, into: $0) }
        }
        return out
    }

    /// Motion stream: `m[t] = x[t+1] − x[t]`, last frame 0.
    public func motion() -> SkeletonClip {
        var out = SkeletonClip(frames: frames)
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { Self.writeMotion(from: src, frames: frames, into: $0) }
        }
        return out
    }

    /// Writes the bone stream of the (3, `frames`, 25, 2) values in `src` into `dst` (same size, not overlapping).
    public static func writeBones(from src: UnsafeBufferPointer<Float>, frames: Int, into dst: UnsafeMutableBufferPointer<Float>) {
        let parents = SkeletonLayout.boneParents
        let M = bodies
        precondition(src.count >= channels * frames * joints * M && dst.count >= src.count)
        for ct in 0..<(channels * frames) {
            let base = ct * joints * M
            for v in 0..<joints {
                let p = parents[v]
                for m in 0..<M {
                    dst[base + v * M + m] = src[base + v * M + m] - src[base + p * M + m]
                }
            }
        }
    }

    /// Writes the motion stream of the (3, `frames`, 25, 2) values in `src` into `dst` (same size, not overlapping).
    public static func writeMotion(from src: UnsafeBufferPointer<Float>, frames: Int, into dst: UnsafeMutableBufferPointer<Float>) {
        let stride = joints * bodies
        let channelStride = frames * stride
        precondition(src.count >= channels * channelStride && dst.count >= channels * channelStride)
        for c in 0..<channels {
            let base = c * channelStride
            let last = base + max(0, frames - 1) * stride
            for i in base..<last { dst[i] = src[i + stride] - src[i] }
            for i in last..<(base + channelStride) { dst[i] = 0 }
        }
    }
}

/// Which derived stream of a clip.
public enum SkeletonStream: String, CaseIterable, Codable, Sendable {
    case joint, bone, motion

    /// This stream computed from a joint clip.
    public func derive(from joint: SkeletonClip) -> SkeletonClip {
        switch self {
        case .joint: return joint
        case .bone: return joint.bones()
        case .motion: return joint.motion()
        }
    }

    /// Writes this stream of the joint values `src` (3, `frames`, 25, 2) into `dst`.
    public func derive(from src: UnsafeBufferPointer<Float>, frames: Int, into dst: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .joint: _ = dst.update(fromContentsOf: src)
        case .bone: SkeletonClip.writeBones(from: src, frames: frames, into: dst)
        case .motion: SkeletonClip.writeMotion(from: src, frames: frames, into: dst)
        }
    }
}
