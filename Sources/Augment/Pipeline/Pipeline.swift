import SkeletonCore

/// An augmentation pipeline: named branches (views per sample), each an ordered list of stages, plus which
/// streams the loader produces from each view. Read from a YAML file with `PipelineLoader`; the format is
/// described in schemas/pipeline.schema.json and by `hiclr stages`.
///
/// ```yaml
/// name: hiclr
/// description: HiCLR growing augmentations
/// streams: {names: [joint], derive: after_augmentation}
/// branches:
///   - name: q
///     stages:
///       - {stage: temporal_crop, padding_ratio: 6}
///       - {stage: shear, r: 0.5}
///   - name: k
///     extends: q              # q's stages, drawn independently
///   - name: q1
///     extends: q              # q's stages, then these
///     stages:
///       - {stage: spatial_flip, p: 0.5}
/// ```
public struct Pipeline: Equatable, Sendable {
    public var name: String
    public var description: String
    public var streams: StreamSettings
    public var branches: [PipelineBranch]

    public init(name: String, description: String = "", streams: StreamSettings = StreamSettings(),
                branches: [PipelineBranch]) {
        self.name = name
        self.description = description
        self.streams = streams
        self.branches = branches
    }

    /// The index of the branch called `name`.
    public func branchIndex(named name: String) -> Int? {
        branches.firstIndex { $0.name == name }
    }
}

/// One branch: the stages that make one view of a sample, already resolved (an `extends` branch holds the
/// extended branch's stages followed by its own).
public struct PipelineBranch: Equatable, Sendable {
    public var name: String
    /// The branch this one extends, as written in the file (nil when none).
    public var extends: String?
    /// Every stage of the branch, inherited ones first.
    public var stages: [AnyStage]
    /// How many of `stages` come from `extends`.
    public var inheritedCount: Int

    public init(name: String, stages: [AnyStage], extends: String? = nil, inheritedCount: Int = 0) {
        self.name = name
        self.stages = stages
        self.extends = extends
        self.inheritedCount = inheritedCount
    }

    /// True when the branch's views carry a joint mask.
    public var hasJointMask: Bool {
        stages.contains(where: \.producesJointMask)
    }

    /// True when a stage of the branch needs a partner sample.
    public var needsPartner: Bool { stages.contains(where: \.needsPartner) }
}

/// Which streams the loader produces for each view, and how the bone and motion streams are obtained.
public struct StreamSettings: Equatable, Sendable {
    public var names: [SkeletonStream]
    public var derive: StreamDerivation

    public init(names: [SkeletonStream] = [.joint], derive: StreamDerivation = .afterAugmentation) {
        self.names = names
        self.derive = derive
    }
}

/// Where the bone and motion streams of a view come from.
public enum StreamDerivation: String, Codable, Sendable, CaseIterable {
    /// Computed from the augmented joint view (the paper's choice; the streams of one view agree).
    case afterAugmentation = "after_augmentation"
    /// Read from the shard and augmented with the same drawn parameters as the joint view.
    case fromShard = "from_shard"
}
