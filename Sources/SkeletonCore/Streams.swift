/// The bone and motion streams derived from a joint clip (preprocessing.md, "Streams").
extension SkeletonClip {
    /// Bone stream: `b[v] = x[v] − x[parent(v)]`, per channel, frame and body.
    public func bones() -> SkeletonClip {
        var out = SkeletonClip(frames: frames)
        let parents = SkeletonLayout.boneParents
        let M = Self.bodies
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for ct in 0..<(Self.channels * frames) {
                    let base = ct * Self.joints * M
                    for v in 0..<Self.joints {
                        let p = parents[v]
                        for m in 0..<M {
                            dst[base + v * M + m] = src[base + v * M + m] - src[base + p * M + m]
                        }
                    }
                }
            }
        }
        return out
    }

    /// Motion stream: `m[t] = x[t+1] − x[t]`, last frame 0.
    public func motion() -> SkeletonClip {
        var out = SkeletonClip(frames: frames)
        guard frames > 1 else { return out }
        let stride = frameStride
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for c in 0..<Self.channels {
                    let base = c * channelStride
                    for i in base..<(base + (frames - 1) * stride) {
                        dst[i] = src[i + stride] - src[i]
                    }
                }
            }
        }
        return out
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
}
