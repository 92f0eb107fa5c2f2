import RawData
import SkeletonCore

extension Preprocessor {
    /// Preprocesses a sequence whose bodies were chosen already (PYSKL input, `hiclr convert pyskl`: PYSKL's
    /// denoised keypoints). Every frame holds the same M (1 or 2) bodies, body slot m being the m-th body, zeros
    /// where absent. No body is tracked, removed or reordered in either mode: reference mode reads the slots in
    /// order as it reads bodies in file order; clean mode runs only its steps after the body choice
    /// (`CleanPreprocessor.processSelected`). Also returns the given keypoints, which the shards' raw frames keep
    /// (docs/pyskl.md).
    public func processGiven(_ seq: RawSequence) throws -> (sample: PreprocessedSample, given: DenoisedBodies) {
        let frames = seq.frameCount
        let bodies = frames > 0 ? seq.bodies(inFrame: 0).count : 0
        guard frames > 0, (1...SkeletonClip.bodies).contains(bodies) else {
            throw PreprocessError(reason: "\(frames) frames of \(bodies) bodies: nothing to preprocess", code: "no_valid_frame")
        }
        var clip = SkeletonClip(frames: frames)
        for t in 0..<frames {
            let range = seq.bodies(inFrame: t)
            guard range.count == bodies else {
                throw PreprocessError(reason: "frame \(t) has \(range.count) bodies, frame 0 has \(bodies)", code: "bad_body_count")
            }
            for (m, b) in range.enumerated() {
                for v in 0..<SkeletonClip.joints {
                    for c in 0..<SkeletonClip.channels { clip[c, t, v, m] = seq.position(body: b, joint: v, coordinate: c) }
                }
            }
        }
        let given = DenoisedBodies(clip: clip, bodies: bodies, decisions: [:])
        switch mode {
        case .reference: return (try reference.process(seq), given)
        case .clean: return (try clean.processSelected(clip), given)
        }
    }
}
