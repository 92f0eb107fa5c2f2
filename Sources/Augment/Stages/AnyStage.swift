import CounterRandom
import SkeletonCore
import YAMLFiles

/// Any registered stage: what a pipeline branch holds. The stage's traits are read once, when the value is made,
/// and the per-sample work (`run`) opens the existential once per stage and view, then runs the stage's own
/// concrete `draw` and `apply`; `hiclr bench augment` shows no cost over the former closed enum.
public struct AnyStage: Equatable, Sendable {
    /// The stage itself.
    public let base: any AugmentationStage
    /// The stage's name in pipeline files.
    public let name: String
    /// True for stages that consume a partner sample (`AugmentationStage.needsPartner`).
    public let needsPartner: Bool
    /// True for stages that move frames or joints (a joint mask must not come before them).
    public let movesFramesOrJoints: Bool
    /// True for stages that report hidden joints in the view's joint mask.
    public let producesJointMask: Bool

    public init<S: AugmentationStage>(_ stage: S) {
        base = stage
        name = S.name
        needsPartner = S.needsPartner
        movesFramesOrJoints = S.movesFramesOrJoints
        producesJointMask = S.producesJointMask
    }

    /// Probability that the stage acts.
    public var probability: Double { base.probability }

    /// The stage as its own type, if it is one.
    public func `as`<S: AugmentationStage>(_ type: S.Type) -> S? { base as? S }

    /// Draws this stage's parameters.
    public func draw(from stream: inout RandomStream, frames: Int) -> StageParameters {
        base.drawErased(from: &stream, frames: frames)
    }

    /// Applies `parameters` in place. Returns false (and leaves the clip alone) when the parameters belong to
    /// another stage.
    @discardableResult
    public func apply(_ parameters: StageParameters, to clip: ClipBuffer) -> Bool {
        base.applyErased(parameters, to: clip)
    }

    /// The partner number in `parameters` (two-sample stages), or nil.
    public func partnerNumber(in parameters: StageParameters) -> Int? {
        base.partnerNumberErased(in: parameters)
    }

    /// `parameters` with the partner clip's statistics attached (two-sample stages); nil when they belong to
    /// another stage.
    public func attach(partner clip: SkeletonClip, to parameters: StageParameters) -> StageParameters? {
        base.attachErased(partner: clip, to: parameters)
    }

    /// One stage on one view, the runner's hot path: draws from `stream` (its probability draw already taken),
    /// fetches and attaches the partner for two-sample stages, applies, and marks `mask` for joint-mask stages.
    /// Returns what was drawn when `record` is true, or nil when a two-sample stage got no partner (the stage
    /// counts as skipped); always nil when `record` is false (nothing is boxed).
    @inline(__always)
    func run(stream: inout RandomStream, buffer: ClipBuffer, partner: (Int) -> SkeletonClip?,
             mask: inout [Bool], record: Bool = true) -> StageParameters? {
        base.runErased(stream: &stream, buffer: buffer, partner: partner, mask: &mask, record: record)
    }

    public static func == (a: AnyStage, b: AnyStage) -> Bool {
        a.name == b.name && a.base.isEqual(to: b.base)
    }

    /// Wraps a stage whose type is only known at run time.
    static func erasing(_ stage: any AugmentationStage) -> AnyStage { wrap(stage) }
    private static func wrap<S: AugmentationStage>(_ stage: S) -> AnyStage { AnyStage(stage) }
}

/// The generic bodies behind `AnyStage`: each is compiled against the concrete stage once the existential is
/// opened, so `draw` and `apply` are direct calls into the stage's code.
extension AugmentationStage {
    func runErased(stream: inout RandomStream, buffer: ClipBuffer, partner: (Int) -> SkeletonClip?,
                   mask: inout [Bool], record: Bool) -> StageParameters? {
        var parameters = draw(from: &stream, frames: buffer.frames)
        if Self.needsPartner {
            guard let number = partnerNumber(in: parameters), let other = partner(number) else { return nil }
            attach(partner: other, to: &parameters)
        }
        apply(parameters, to: buffer)
        if Self.producesJointMask { markJointMask(parameters, into: &mask, frames: buffer.frames) }
        return record ? StageParameters(parameters) : nil
    }

    func drawErased(from stream: inout RandomStream, frames: Int) -> StageParameters {
        StageParameters(draw(from: &stream, frames: frames))
    }

    func applyErased(_ parameters: StageParameters, to clip: ClipBuffer) -> Bool {
        guard let typed = parameters.as(Parameters.self) else { return false }
        apply(typed, to: clip)
        return true
    }

    func partnerNumberErased(in parameters: StageParameters) -> Int? {
        parameters.as(Parameters.self).flatMap { partnerNumber(in: $0) }
    }

    func attachErased(partner clip: SkeletonClip, to parameters: StageParameters) -> StageParameters? {
        guard var typed = parameters.as(Parameters.self) else { return nil }
        attach(partner: clip, to: &typed)
        return StageParameters(typed)
    }

    func isEqual(to other: any AugmentationStage) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}

extension AnyStage: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        guard container.contains(AnyKey("stage")) else {
            throw FieldError(codingPath: container.codingPath,
                             "missing required key \"stage\" (one of: \(StageRegistry.names.joined(separator: ", ")))")
        }
        let name = try container.decode(String.self, forKey: AnyKey("stage"))
        guard let type = StageRegistry.type(named: name) else {
            var message = "unknown stage \"\(name)\""
            if let near = EditDistance.closest(to: name, among: StageRegistry.names) {
                message += " — did you mean \"\(near)\"?"
            } else {
                message += " (known: \(StageRegistry.names.joined(separator: ", ")))"
            }
            throw FieldError(codingPath: container.codingPath + [AnyKey("stage")], message)
        }
        self = try Self.decode(type, from: decoder)
    }

    private static func decode<S: AugmentationStage>(_ type: S.Type, from decoder: Decoder) throws -> AnyStage {
        AnyStage(try S(from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        try base.encode(to: encoder)
    }
}

/// The parameters one stage drew (the stage's own `Parameters` value).
public struct StageParameters: Equatable, Sendable {
    /// The stage's `Parameters`.
    public let value: any Codable & Equatable & Sendable

    public init<P: Codable & Equatable & Sendable>(_ value: P) {
        self.value = value
    }

    /// The value as the stage's own parameter type, if it is one.
    public func `as`<P>(_ type: P.Type) -> P? { value as? P }

    public static func == (a: StageParameters, b: StageParameters) -> Bool {
        equal(a.value, b.value)
    }

    private static func equal<P: Equatable>(_ a: P, _ b: Any) -> Bool {
        guard let b = b as? P else { return false }
        return a == b
    }

    func encodePayload(to encoder: Encoder) throws {
        try value.encode(to: encoder)
    }

    static func decodePayload(stage: String, from decoder: Decoder) throws -> StageParameters? {
        guard let type = StageRegistry.type(named: stage) else { return nil }
        return try decodeParameters(type, from: decoder)
    }

    private static func decodeParameters<S: AugmentationStage>(_ type: S.Type, from decoder: Decoder) throws
        -> StageParameters {
        StageParameters(try S.Parameters(from: decoder))
    }
}

/// What one stage did to one view: skipped (its probability did not fire), or applied with these parameters.
/// JSON: `{"stage": "shear", "skipped": false, "parameters": {...}}`.
public struct StageRecord: Equatable, Sendable, Codable {
    public var stage: String
    /// nil when the stage was skipped.
    public var parameters: StageParameters?

    public init(stage: String, parameters: StageParameters?) {
        self.stage = stage
        self.parameters = parameters
    }

    public var skipped: Bool { parameters == nil }

    private struct Payload: Codable {
        let parameters: StageParameters
        init(_ p: StageParameters) { parameters = p }
        func encode(to encoder: Encoder) throws { try parameters.encodePayload(to: encoder) }
        init(from decoder: Decoder) throws {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "use StageRecord"))
        }
    }

    private enum CodingKeys: String, CodingKey { case stage, skipped, parameters }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stage = try c.decode(String.self, forKey: .stage)
        if try c.decodeIfPresent(Bool.self, forKey: .skipped) ?? false {
            parameters = nil
            return
        }
        let payload = try c.superDecoder(forKey: .parameters)
        guard let p = try StageParameters.decodePayload(stage: stage, from: payload) else {
            throw DecodingError.dataCorruptedError(forKey: .stage, in: c, debugDescription: "unknown stage \"\(stage)\"")
        }
        parameters = p
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stage, forKey: .stage)
        try c.encode(skipped, forKey: .skipped)
        if let parameters { try c.encode(Payload(parameters), forKey: .parameters) }
    }
}
