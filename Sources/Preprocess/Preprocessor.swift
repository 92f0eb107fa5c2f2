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

    public func process(_ seq: RawSequence) throws -> PreprocessedSample {
        switch mode {
        case .reference: return try reference.process(seq)
        case .clean: return try clean.process(seq)
        }
    }
}
