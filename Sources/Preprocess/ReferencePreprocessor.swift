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
        var clip = SkeletonClip(frames: maxFrames)
        let window = keptFrames(seq.frameCount, limit: maxFrames, trim: trim)
        for (t, f) in window.enumerated() {
            for (m, b) in seq.bodies(inFrame: f).prefix(SkeletonClip.bodies).enumerated() {
                for v in 0..<SkeletonClip.joints {
                    for c in 0..<SkeletonClip.channels {
                        clip[c, t, v, m] = seq.position(body: b, joint: v, coordinate: c)
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
        for c in 0..<SkeletonClip.channels {
            for t in 0..<clip.frames {
                for m in 0..<SkeletonClip.bodies {
                    let origin = clip[c, t, centre, m]
                    if origin == 0 { continue }
                    for v in 0..<SkeletonClip.joints { clip[c, t, v, m] -= origin }
                }
            }
        }
    }

    /// Runs steps 1–7 and derives the bone stream from the aligned joints.
    public func process(_ seq: RawSequence) throws -> PreprocessedSample {
        var raw = padded(seq)
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
