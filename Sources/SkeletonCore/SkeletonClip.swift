/// One skeleton clip: float32 values in the axis order (C, T, V, M) = (xyz, frames, 25 joints, 2 bodies),
/// contiguous, exactly the layout of one `(3, T, 25, 2)` block in the shards and in the reference NumPy arrays.
public struct SkeletonClip: Equatable, Sendable {
    public static let channels = SkeletonLayout.channels
    public static let joints = SkeletonLayout.joints
    public static let bodies = SkeletonLayout.bodies

    /// Number of frames T.
    public let frames: Int
    /// Values, `channels * frames * joints * bodies` of them.
    public var values: [Float]

    /// A clip of `frames` frames, all zero.
    public init(frames: Int) {
        precondition(frames >= 0, "negative frame count")
        self.frames = frames
        self.values = [Float](repeating: 0, count: Self.channels * frames * Self.joints * Self.bodies)
    }

    /// A clip over existing values; `values.count` must be `3 * frames * 25 * 2`.
    public init(frames: Int, values: [Float]) {
        precondition(values.count == Self.channels * frames * Self.joints * Self.bodies,
                     "SkeletonClip: \(values.count) values do not make (3, \(frames), 25, 2)")
        self.frames = frames
        self.values = values
    }

    /// Flat offset of (c, t, v, m).
    @inline(__always)
    public func offset(_ c: Int, _ t: Int, _ v: Int, _ m: Int) -> Int {
        ((c * frames + t) * Self.joints + v) * Self.bodies + m
    }

    /// Stride between consecutive frames of one (c, v, m) series.
    public var frameStride: Int { Self.joints * Self.bodies }
    /// Stride between channels.
    public var channelStride: Int { frames * Self.joints * Self.bodies }

    @inline(__always)
    public subscript(c: Int, t: Int, v: Int, m: Int) -> Float {
        get { values[offset(c, t, v, m)] }
        set { values[offset(c, t, v, m)] = newValue }
    }

    /// True when every value of body `m` in frame `t` is zero.
    public func isEmpty(frame t: Int, body m: Int) -> Bool {
        for c in 0..<Self.channels {
            for v in 0..<Self.joints where self[c, t, v, m] != 0 { return false }
        }
        return true
    }

    /// True when every value of body `m` is zero in every frame.
    public func isEmpty(body m: Int) -> Bool {
        for t in 0..<frames where !isEmpty(frame: t, body: m) { return false }
        return true
    }
}
