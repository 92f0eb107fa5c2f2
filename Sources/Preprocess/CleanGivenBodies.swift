import RawData
import SkeletonCore

extension CleanPreprocessor {
    /// Clean mode for a sequence whose bodies were chosen already (PYSKL input, whose keypoints are PYSKL's
    /// denoised bodies): body slot m of every frame is the m-th body of that frame, zeros where absent. No
    /// body is tracked, removed or reordered; the rest is clean mode's: the kept frame window, leading and
    /// trailing empty frames cut, centring, half-pixel resize and view alignment (docs/pyskl.md).
    public func processGiven(_ seq: RawSequence) throws -> PreprocessedSample {
        let window = keptFrames(seq.frameCount, limit: maxFrames, trim: trim)
        var clip = SkeletonClip(frames: window.count)
        var first = Int.max, last = -1
        for (t, f) in window.enumerated() {
            for (m, b) in seq.bodies(inFrame: f).prefix(SkeletonClip.bodies).enumerated() where !isAllZero(seq, body: b) {
                first = min(first, t); last = max(last, t)
                for v in 0..<SkeletonClip.joints {
                    for c in 0..<SkeletonClip.channels { clip[c, t, v, m] = seq.position(body: b, joint: v, coordinate: c) }
                }
            }
        }
        guard last >= first else {
            throw PreprocessError(reason: "every frame is empty (all keypoints zero)", code: "no_valid_frame")
        }
        let length = last - first + 1
        var trimmed = SkeletonClip(frames: length)
        for c in 0..<SkeletonClip.channels {
            for t in 0..<length {
                for k in 0..<clip.frameStride {
                    trimmed.values[c * trimmed.channelStride + t * clip.frameStride + k] =
                        clip.values[c * clip.channelStride + (first + t) * clip.frameStride + k]
                }
            }
        }
        ReferencePreprocessor.centre(&trimmed)
        var joint = TimeResize.resize(trimmed, length: length, to: outputFrames)
        ViewAlignment.alignY(&joint)
        return PreprocessedSample(joint: joint, bone: joint.bones(), motion: joint.motion(), length: length,
                                  bodies: joint.nonEmptyBodies,
                                  decisions: [Decision.trimmedFrames: window.count - length])
    }
}
