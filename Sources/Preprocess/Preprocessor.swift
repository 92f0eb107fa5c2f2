import RawData
import SkeletonCore

/// A preprocessing mode bound to its settings.
public struct Preprocessor: Sendable {
    public let mode: PreprocessMode
    let reference: ReferencePreprocessor
    let clean: CleanPreprocessor

    public init(mode: PreprocessMode, trim: LongClipTrim) {
        self.mode = mode
        self.reference = ReferencePreprocessor(trim: trim)
        self.clean = CleanPreprocessor(trim: trim)
    }

    /// With `bodiesAsGiven` the sequence's bodies were chosen already (PYSKL input: body slot m is the m-th body of
    /// every frame, zeros where absent): reference mode reads them in that order as always, and clean mode skips
    /// its own body choice (`CleanPreprocessor.processGiven`).
    public func process(_ seq: RawSequence, bodiesAsGiven: Bool) throws -> PreprocessedSample {
        guard bodiesAsGiven else { return try process(seq) }
        switch mode {
        case .reference: return try reference.process(seq)
        case .clean: return try clean.processGiven(seq)
        }
    }

    public func process(_ seq: RawSequence) throws -> PreprocessedSample {
        switch mode {
        case .reference: return try reference.process(seq)
        case .clean: return try clean.process(seq)
        }
    }
}
