import RawData
import SkeletonCore

/// Our clean preprocessing (docs/preprocessing.md, "Clean mode"): the bodies, frames and values PYSKL's NTU
/// script selects (`PYSKLDenoise`, after kennymckormick/pyskl tools/data/ntu_preproc.py), then the same
/// centring, half-pixel resize to 50 frames and view alignment as the reference mode, with bone and motion
/// derived from the final joint stream. Every decision is counted in `decisions`.
public struct CleanPreprocessor: Sendable {
    public var outputFrames = SkeletonLayout.frames
    /// Skip bodies whose values are all zero before denoising: PKU-MMD writes an absent actor as zeros, NTU lists
    /// only present bodies (and PYSKL keeps an all-zero NTU body, so NTU conversions pass false).
    public var zeroBodiesAreAbsent: Bool

    public init(zeroBodiesAreAbsent: Bool = false) {
        self.zeroBodiesAreAbsent = zeroBodiesAreAbsent
    }

    /// Decision counter keys: those of `PYSKLDenoise.Decision`.
    public typealias Decision = PYSKLDenoise.Decision

    /// PYSKL's denoised keypoints of `seq` (all frames: PYSKL keeps no frame limit, ntu_preproc.py:26).
    public func denoise(_ seq: RawSequence) throws -> DenoisedBodies {
        try PYSKLDenoise.denoise(seq, zeroBodiesAreAbsent: zeroBodiesAreAbsent)
    }

    /// Denoises `seq`, then runs `processSelected` on the result. The denoised keypoints come back in
    /// `denoised` for the shards' raw frames.
    public func processWithBodies(_ seq: RawSequence) throws -> (sample: PreprocessedSample, denoised: DenoisedBodies) {
        let denoised = try denoise(seq)
        var sample = try processSelected(denoised.clip)
        sample.decisions = denoised.decisions
        return (sample, denoised)
    }

    public func process(_ seq: RawSequence) throws -> PreprocessedSample {
        try processWithBodies(seq).sample
    }

    /// What clean mode does after its body choice, for a clip whose bodies are already chosen (slot order as
    /// given, every frame valid, e.g. a PYSKL annotation): centre on joint 21, resize all `clip.frames` frames
    /// to 50, rotate about y, then bone and motion from the rotated joints. L = `clip.frames`.
    public func processSelected(_ clip: SkeletonClip) throws -> PreprocessedSample {
        guard clip.frames > 0 else {
            throw PreprocessError(reason: "no frame to preprocess", code: "no_valid_frame")
        }
        var centred = clip
        ReferencePreprocessor.centre(&centred)
        var joint = TimeResize.resize(centred, length: clip.frames, to: outputFrames)
        ViewAlignment.alignY(&joint)
        return PreprocessedSample(joint: joint, bone: joint.bones(), motion: joint.motion(),
                                  length: clip.frames, bodies: joint.nonEmptyBodies, decisions: [:])
    }
}
