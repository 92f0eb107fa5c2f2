import RawData
import SkeletonCore

/// A preprocessing mode bound to its settings.
public struct Preprocessor: Sendable {
    public let mode: PreprocessMode
    let reference: ReferencePreprocessor
    let clean: CleanPreprocessor

    /// - Parameter trim: how reference mode cuts a sequence longer than 300 frames (clean mode keeps all frames,
    ///   as PYSKL does); PKU-MMD's `.centred` also tells clean mode that all-zero bodies are absent actors.
    public init(mode: PreprocessMode, trim: LongClipTrim) {
        self.mode = mode
        self.reference = ReferencePreprocessor(trim: trim)
        self.clean = CleanPreprocessor(zeroBodiesAreAbsent: trim == .centred)
    }

    public func process(_ seq: RawSequence) throws -> PreprocessedSample {
        switch mode {
        case .reference: return try reference.process(seq)
        case .clean: return try clean.process(seq)
        }
    }

    /// The sample and, in clean mode, PYSKL's denoised keypoints (nil in reference mode).
    public func processWithBodies(_ seq: RawSequence) throws -> (sample: PreprocessedSample, denoised: DenoisedBodies?) {
        switch mode {
        case .reference: return (try reference.process(seq), nil)
        case .clean:
            let (sample, denoised) = try clean.processWithBodies(seq)
            return (sample, denoised)
        }
    }
}
