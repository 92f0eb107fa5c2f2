/// Every augmentation stage, in the order `hiclr stages` lists them. The pipeline decoder, `hiclr stages`,
/// `hiclr bench augment` and the schema test read this list; adding a stage is its file plus one line here
/// (docs/adding-a-stage.md).
public enum StageRegistry {
    public static let stages: [any AugmentationStage.Type] = [
        Shear.self,
        TemporalCrop.self,
        SpatialFlip.self,
        Rotation.self,
        GaussianNoise.self,
        GaussianBlur.self,
        ChannelMask.self,
        TimeFlip.self,
        JointMask.self,
        SkeleAdaIN.self,
    ]

    /// Every stage name, in registry order.
    public static let names: [String] = stages.map { $0.name }

    /// The stage type called `name` in pipeline files.
    public static func type(named name: String) -> (any AugmentationStage.Type)? {
        byName[name]
    }

    private static let byName: [String: any AugmentationStage.Type] =
        Dictionary(stages.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// One stage's documentation.
    public struct Entry: Sendable {
        public var name: String
        public var summary: String
        public var parameters: [StageParameterHelp]
        public var needsPartner: Bool
        public var producesJointMask: Bool
        public var movesFramesOrJoints: Bool
    }

    /// Every stage's documentation, for `hiclr stages`.
    public static var entries: [Entry] {
        stages.map {
            Entry(name: $0.name, summary: $0.summary, parameters: $0.parameterHelp, needsPartner: $0.needsPartner,
                  producesJointMask: $0.producesJointMask, movesFramesOrJoints: $0.movesFramesOrJoints)
        }
    }

    /// What `hiclr bench augment` times: every stage's `benchmarkVariants`, labelled.
    public static var benchmarkStages: [(label: String, stage: AnyStage)] {
        stages.flatMap { variants(of: $0) }
    }

    private static func variants<S: AugmentationStage>(of type: S.Type) -> [(label: String, stage: AnyStage)] {
        S.benchmarkVariants.map { ($0.label, AnyStage($0.stage)) }
    }
}
