import SkeletonCore

/// A sample ready for a shard: the three streams at 50 frames, the valid length before resizing and the
/// number of bodies that are not all zero.
public struct PreprocessedSample: Sendable {
    public var joint: SkeletonClip
    public var bone: SkeletonClip
    public var motion: SkeletonClip
    /// Valid frames before resizing (L).
    public var length: Int
    /// Bodies (0–2) with any non-zero value.
    public var bodies: Int
    /// Clean-mode decisions taken for this sample (empty in reference mode).
    public var decisions: [String: Int]
}

/// Which preprocessing a conversion uses; recorded in every shard.
public enum PreprocessMode: String, CaseIterable, Codable, Sendable {
    /// Reproduces the official HiCLR/AimCLR data exactly, quirks included.
    case reference
    /// PYSKL's NTU body and frame choice (tools/data/ntu_preproc.py), then the reference centring, resize and rotation.
    case clean
}

/// How a raw sequence longer than the frame limit is cut.
public enum LongClipTrim: String, Codable, Sendable {
    /// Keep the first frames (NTU).
    case first
    /// Keep the centred frames (PKU-MMD).
    case centred
}

/// Why a sample cannot be preprocessed; the converter reports it with the file name.
public struct PreprocessError: Error, CustomStringConvertible, Equatable, Sendable {
    public var reason: String
    /// A short counter key for the report, e.g. `no_valid_frame`.
    public var code: String
    public var description: String { reason }
}

/// The frame window kept from a raw sequence of `count` frames.
func keptFrames(_ count: Int, limit: Int, trim: LongClipTrim) -> Range<Int> {
    guard count > limit else { return 0..<count }
    let start = trim == .centred ? (count - limit) / 2 : 0
    return start..<(start + limit)
}

extension SkeletonClip {
    /// Number of bodies with any non-zero value.
    var nonEmptyBodies: Int {
        (0..<SkeletonClip.bodies).filter { !isEmpty(body: $0) }.count
    }
}
