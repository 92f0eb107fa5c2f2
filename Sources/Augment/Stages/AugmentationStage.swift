import CounterRandom
import Foundation
import SkeletonCore

/// One augmentation stage, split in two halves so that what was drawn can be recorded and replayed:
/// `draw` takes every random decision from the stage's own stream, `apply` is a pure function of the drawn
/// parameters and the clip. Stages keep the shape (3, T, 25, 2) and work for any T ≥ 0.
///
/// The stage's `probability` is decided by the runner before `draw` (first draw of the stage's stream:
/// `nextDouble() < probability`); when it does not fire, the stage is recorded as skipped and `draw` is not called.
///
/// A stage is declared in one file (its type conforming to this protocol) plus one line in `StageRegistry`;
/// docs/adding-a-stage.md walks through an example. The optional hooks below have defaults that do nothing.
public protocol AugmentationStage: Codable, Equatable, Sendable {
    /// What `draw` decides and `apply` uses; recorded in dumps.
    associatedtype Parameters: Codable, Equatable, Sendable

    /// The stage's name in pipeline files (`stage: shear`).
    static var name: String { get }
    /// One line for `hiclr stages`.
    static var summary: String { get }
    /// Settable keys (`p` first), with defaults and one line each, for `hiclr stages`. The defaults must be the
    /// ones `init(from:)` uses (a test decodes `{stage: NAME}` and compares).
    static var parameterHelp: [StageParameterHelp] { get }

    /// Probability that the stage acts at all, in [0, 1].
    var probability: Double { get }

    /// Draws the stage's parameters for a clip of `frames` frames.
    func draw(from stream: inout RandomStream, frames: Int) -> Parameters

    /// Applies `parameters` to `clip` in place.
    func apply(_ parameters: Parameters, to clip: ClipBuffer)

    // MARK: Optional hooks

    /// True for stages that move frames or joints (time crop, flips). A stage that `producesJointMask` must come
    /// after all of them in a branch, or the recorded mask would point at the wrong joints. Default false.
    static var movesFramesOrJoints: Bool { get }

    /// True when the stage consumes a second sample (its parameters then carry statistics of a partner clip
    /// that the caller supplies; see `SkeleAdaIN`). Such a stage implements `partnerNumber(in:)` and
    /// `attach(partner:to:)`. Default false.
    static var needsPartner: Bool { get }
    /// The partner number drawn into `parameters`; the caller maps it to a sample. Default nil.
    func partnerNumber(in parameters: Parameters) -> Int?
    /// Stores what `apply` needs from the partner clip in `parameters`. Default: nothing.
    func attach(partner clip: SkeletonClip, to parameters: inout Parameters)

    /// True when the stage hides joints and reports them in the view's (T × 25) joint mask through
    /// `markJointMask`. Default false.
    static var producesJointMask: Bool { get }
    /// Sets to true the mask entries (frame-major, T × 25) of the joints `parameters` hid. Default: nothing.
    func markJointMask(_ parameters: Parameters, into mask: inout [Bool], frames: Int)

    /// The settings `hiclr bench augment` times, with a label shown after the stage name ("" for none).
    /// Default: the stage's defaults with p = 1.
    static var benchmarkVariants: [(label: String, stage: Self)] { get }
}

extension AugmentationStage {
    public static var movesFramesOrJoints: Bool { false }
    public static var needsPartner: Bool { false }
    public func partnerNumber(in parameters: Parameters) -> Int? { nil }
    public func attach(partner clip: SkeletonClip, to parameters: inout Parameters) {}
    public static var producesJointMask: Bool { false }
    public func markJointMask(_ parameters: Parameters, into mask: inout [Bool], frames: Int) {}

    public static var benchmarkVariants: [(label: String, stage: Self)] {
        let json = Data("{\"stage\": \"\(name)\", \"p\": 1}".utf8)
        guard let stage = try? JSONDecoder().decode(Self.self, from: json) else { return [] }
        return [("", stage)]
    }

    /// `clip` with `parameters` applied (allocates; the runner uses the in-place form).
    public func apply(_ parameters: Parameters, to clip: SkeletonClip) -> SkeletonClip {
        var out = clip
        out.withClipBuffer { apply(parameters, to: $0) }
        return out
    }
}

/// Documentation of one settable stage key.
public struct StageParameterHelp: Sendable, Equatable {
    public var key: String
    public var defaultValue: String
    public var help: String

    public init(_ key: String, _ defaultValue: String, _ help: String) {
        self.key = key
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// Parameters of a stage that draws nothing beyond whether it fires (spatial flip, time flip).
public struct NoParameters: Codable, Equatable, Sendable {
    public init() {}
}

/// A (3, T, 25, 2) float32 clip being augmented in place, plus a scratch area of the same size that stages may
/// overwrite freely. The memory belongs to the caller (a `SkeletonClip`, or a slot of a batch buffer).
public struct ClipBuffer {
    /// Values per frame: 3 channels × 25 joints × 2 bodies.
    public static let valuesPerFrame = SkeletonLayout.channels * SkeletonLayout.joints * SkeletonLayout.bodies
    /// Values per (channel, frame): 25 joints × 2 bodies.
    public static let frameStride = SkeletonLayout.joints * SkeletonLayout.bodies

    public let frames: Int
    public let values: UnsafeMutablePointer<Float>
    public let scratch: UnsafeMutablePointer<Float>

    /// `values` and `scratch` must each hold `frames * 150` floats and must not overlap.
    public init(frames: Int, values: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        self.frames = frames
        self.values = values
        self.scratch = scratch
    }

    /// Number of floats in `values`.
    public var count: Int { frames * Self.valuesPerFrame }
    /// Floats between channels.
    public var channelStride: Int { frames * Self.frameStride }

    /// Copies `values` into `scratch` (for stages that read the input while writing the output).
    @inline(__always)
    func copyToScratch() {
        scratch.update(from: values, count: count)
    }

    /// Exchanges the `count` floats at `a` and `b` (not overlapping), sixteen, then four, then one at a time (the
    /// flips' swaps: whole frames for time_flip, runs of joints for spatial_flip).
    @inline(__always)
    static func swap(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, count: Int) {
        let x = UnsafeMutableRawPointer(a), y = UnsafeMutableRawPointer(b)
        @inline(__always) func exchange<T>(_: T.Type, at offset: Int) {
            let t = x.loadUnaligned(fromByteOffset: offset, as: T.self)
            x.storeBytes(of: y.loadUnaligned(fromByteOffset: offset, as: T.self), toByteOffset: offset, as: T.self)
            y.storeBytes(of: t, toByteOffset: offset, as: T.self)
        }
        let bytes = 4 * count
        var offset = 0
        while offset + 64 <= bytes {
            exchange(SIMD16<Float>.self, at: offset)
            offset += 64
        }
        while offset + 16 <= bytes {
            exchange(SIMD4<Float>.self, at: offset)
            offset += 16
        }
        while offset < bytes {
            exchange(Float.self, at: offset)
            offset += 4
        }
    }
}

extension SkeletonClip {
    /// Runs `body` on a `ClipBuffer` over this clip's values with a temporary scratch area.
    public mutating func withClipBuffer<R>(_ body: (ClipBuffer) throws -> R) rethrows -> R {
        let frames = self.frames
        let count = values.count
        return try withUnsafeTemporaryAllocation(of: Float.self, capacity: max(count, 1)) { scratch in
            try values.withUnsafeMutableBufferPointer { v in
                // An empty clip has no storage; its buffer is never read, so the scratch address stands in.
                let s = scratch.baseAddress!
                let base = v.baseAddress ?? s
                return try body(ClipBuffer(frames: frames, values: base, scratch: s))
            }
        }
    }
}
