/// The list of stages, for `hiclr stages`, decoding and suggestions.
public enum StageCatalog {
    /// One stage's documentation.
    public struct Entry: Sendable {
        public var name: String
        public var summary: String
        public var parameters: [StageParameterHelp]
        public var needsPartner: Bool
    }

    /// Every stage, in the order the spec introduces them.
    public static let entries: [Entry] = [
        entry(Shear.self), entry(TemporalCrop.self), entry(SpatialFlip.self), entry(Rotation.self),
        entry(GaussianNoise.self), entry(GaussianBlur.self), entry(ChannelMask.self), entry(TimeFlip.self),
        entry(JointMask.self), entry(SkeleAdaIN.self),
    ]

    /// Every stage name.
    public static var names: [String] { entries.map(\.name) }

    private static func entry<S: AugmentationStage>(_ type: S.Type) -> Entry {
        Entry(name: S.name, summary: S.summary, parameters: S.parameterHelp, needsPartner: S.needsPartner)
    }
}
