import SkeletonCore

/// One view of a sample made by one pipeline branch.
public struct AugmentedView: Sendable, Equatable {
    /// The branch name (q, k, q1, q2, …).
    public var branch: String
    /// The augmented joint stream.
    public var joint: SkeletonClip
    /// Every stream the pipeline asks for (joint included), in `StreamSettings.names` order.
    public var streams: [(stream: SkeletonStream, clip: SkeletonClip)]
    /// (T × 25) frame-major, true where a joint mask hid the joint; nil when the branch has no joint mask.
    public var mask: [Bool]?
    /// What every stage of the branch drew, in order.
    public var records: [StageRecord]

    public init(branch: String, joint: SkeletonClip, streams: [(stream: SkeletonStream, clip: SkeletonClip)],
                mask: [Bool]?, records: [StageRecord]) {
        self.branch = branch
        self.joint = joint
        self.streams = streams
        self.mask = mask
        self.records = records
    }

    /// The clip of `stream`, if the pipeline produced it.
    public func clip(_ stream: SkeletonStream) -> SkeletonClip? {
        streams.first { $0.stream == stream }?.clip
    }

    public static func == (a: AugmentedView, b: AugmentedView) -> Bool {
        a.branch == b.branch && a.joint == b.joint && a.mask == b.mask && a.records == b.records
            && a.streams.map(\.stream) == b.streams.map(\.stream) && a.streams.map(\.clip) == b.streams.map(\.clip)
    }
}

/// What one branch drew for one sample: the stage records and the joint mask, if any.
public struct BranchOutcome: Sendable, Equatable {
    public var records: [StageRecord]
    /// (T × 25) frame-major, true where hidden; nil when the branch has no joint mask stage.
    public var mask: [Bool]?
}
