import RawData
import SkeletonCore

/// The official HiCLR/AimCLR preprocessing, step for step (docs/preprocessing.md, "Reference mode"), including its
/// quirks: bodies in file order, motion taken from the raw zero-padded positions before centring (so
/// `m[L−1] = −x[L−1]`), and the first L frames resized even when L counts frames that are not contiguous.
public struct ReferencePreprocessor: Sendable {
    /// Frames kept from the raw sequence.
    public var maxFrames = 300
    /// Output frames.
    public var outputFrames = SkeletonLayout.frames
    /// How a longer sequence is cut (NTU: first frames; PKU-MMD: centred).
    public var trim: LongClipTrim

    public init(trim: LongClipTrim = .first) {
        self.trim = trim
    }

    /// Step 1: at most 2 bodies per frame in file order, at most `maxFrames` frames, zeros where absent.
    public func padded(_ seq: RawSequence) -> SkeletonClip {
        padded(seq, frames: maxFrames)
    }

    /// The first `frames` frames of step 1's clip (those after the kept window are zero).
    func padded(_ seq: RawSequence, frames: Int) -> SkeletonClip {
        var clip = SkeletonClip(frames: frames)
        let window = keptFrames(seq.frameCount, limit: maxFrames, trim: trim)
        let V = SkeletonClip.joints, M = SkeletonClip.bodies
        let channelStride = clip.channelStride
        seq.positions.withUnsafeBufferPointer { positions in
            clip.values.withUnsafeMutableBufferPointer { out in
                for (t, f) in window.prefix(frames).enumerated() {
                    for (m, b) in seq.bodies(inFrame: f).prefix(M).enumerated() {
                        let source = b * V * 3
                        for v in 0..<V {
                            let target = t * V * M + v * M + m
                            for c in 0..<SkeletonClip.channels {
                                out[c * channelStride + target] = positions[source + v * 3 + c]
                            }
                        }
                    }
                }
            }
        }
        return clip
    }

    /// Step 2: frames where body 1 joint 1 is not all zero.
    public static func validLength(_ clip: SkeletonClip) -> Int {
        var length = 0
        for t in 0..<clip.frames where clip[0, t, 0, 0] != 0 || clip[1, t, 0, 0] != 0 || clip[2, t, 0, 0] != 0 {
            length += 1
        }
        return length
    }

    /// Step 4: subtract joint 21 of the same body and frame from every joint.
    public static func centre(_ clip: inout SkeletonClip) {
        let centre = SkeletonLayout.centerJoint
        let V = SkeletonClip.joints, M = SkeletonClip.bodies
        let frames = clip.frames
        clip.values.withUnsafeMutableBufferPointer { values in
            for ct in 0..<(SkeletonClip.channels * frames) {
                let base = ct * V * M
                for m in 0..<M {
                    let origin = values[base + centre * M + m]
                    if origin == 0 { continue }
                    for v in 0..<V { values[base + v * M + m] -= origin }
                }
            }
        }
    }

    /// Runs steps 1–7 and derives the bone stream from the aligned joints.
    public func process(_ seq: RawSequence) throws -> PreprocessedSample {
        // Only the kept frames and one zero frame after them matter: the valid frames are among them, and the
        // motion of the last kept frame is taken against that zero frame (or is 0 at the 300-frame limit), so
        // this gives the values of the 300-frame clip of step 1 with less work.
        let kept = keptFrames(seq.frameCount, limit: maxFrames, trim: trim).count
        var raw = padded(seq, frames: min(maxFrames, kept + 1))
        let length = Self.validLength(raw)
        guard length > 0 else {
            throw PreprocessError(reason: "no valid frame (body 1 joint 1 is zero in every frame)", code: "no_valid_frame")
        }
        let rawMotion = raw.motion()                      // step 3, before centring
        Self.centre(&raw)                                 // step 4
        var joint = TimeResize.resize(raw, length: length, to: outputFrames)       // step 5
        let motion = TimeResize.resize(rawMotion, length: length, to: outputFrames)
        ViewAlignment.alignY(&joint)                      // step 6
        return PreprocessedSample(joint: joint, bone: joint.bones(), motion: motion,
                                  length: length, bodies: joint.nonEmptyBodies, decisions: [:])
    }
}
