import YAMLFiles
/// Any of the stages, as a closed enum: what a pipeline branch holds. Switch dispatch keeps the hot path free of
/// existential boxes; `StageCatalog` lists the same stages for help and decoding.
public enum AnyStage: Equatable, Sendable {
    case shear(Shear)
    case temporalCrop(TemporalCrop)
    case spatialFlip(SpatialFlip)
    case rotation(Rotation)
    case gaussianNoise(GaussianNoise)
    case gaussianBlur(GaussianBlur)
    case channelMask(ChannelMask)
    case timeFlip(TimeFlip)
    case jointMask(JointMask)
    case skeleAdaIN(SkeleAdaIN)

    /// The stage's name in pipeline files.
    public var name: String {
        switch self {
        case .shear: return Shear.name
        case .temporalCrop: return TemporalCrop.name
        case .spatialFlip: return SpatialFlip.name
        case .rotation: return Rotation.name
        case .gaussianNoise: return GaussianNoise.name
        case .gaussianBlur: return GaussianBlur.name
        case .channelMask: return ChannelMask.name
        case .timeFlip: return TimeFlip.name
        case .jointMask: return JointMask.name
        case .skeleAdaIN: return SkeleAdaIN.name
        }
    }

    /// Probability that the stage acts.
    public var probability: Double {
        switch self {
        case .shear(let s): return s.probability
        case .temporalCrop(let s): return s.probability
        case .spatialFlip(let s): return s.probability
        case .rotation(let s): return s.probability
        case .gaussianNoise(let s): return s.probability
        case .gaussianBlur(let s): return s.probability
        case .channelMask(let s): return s.probability
        case .timeFlip(let s): return s.probability
        case .jointMask(let s): return s.probability
        case .skeleAdaIN(let s): return s.probability
        }
    }

    /// True for stages that consume a partner sample.
    public var needsPartner: Bool {
        if case .skeleAdaIN = self { return true }
        return false
    }

    /// True for stages that move frames or joints (a joint mask must not come before them).
    public var movesFramesOrJoints: Bool {
        switch self {
        case .temporalCrop, .spatialFlip, .timeFlip: return true
        default: return false
        }
    }

    /// Draws this stage's parameters.
    public func draw(from stream: inout RandomStream, frames: Int) -> StageParameters {
        switch self {
        case .shear(let s): return .shear(s.draw(from: &stream, frames: frames))
        case .temporalCrop(let s): return .temporalCrop(s.draw(from: &stream, frames: frames))
        case .spatialFlip(let s): return .spatialFlip(s.draw(from: &stream, frames: frames))
        case .rotation(let s): return .rotation(s.draw(from: &stream, frames: frames))
        case .gaussianNoise(let s): return .gaussianNoise(s.draw(from: &stream, frames: frames))
        case .gaussianBlur(let s): return .gaussianBlur(s.draw(from: &stream, frames: frames))
        case .channelMask(let s): return .channelMask(s.draw(from: &stream, frames: frames))
        case .timeFlip(let s): return .timeFlip(s.draw(from: &stream, frames: frames))
        case .jointMask(let s): return .jointMask(s.draw(from: &stream, frames: frames))
        case .skeleAdaIN(let s): return .skeleAdaIN(s.draw(from: &stream, frames: frames))
        }
    }

    /// Applies `parameters` in place. Returns false (and leaves the clip alone) when the parameters belong to
    /// another stage.
    @discardableResult
    public func apply(_ parameters: StageParameters, to clip: ClipBuffer) -> Bool {
        switch (self, parameters) {
        case let (.shear(s), .shear(p)): s.apply(p, to: clip)
        case let (.temporalCrop(s), .temporalCrop(p)): s.apply(p, to: clip)
        case let (.spatialFlip(s), .spatialFlip(p)): s.apply(p, to: clip)
        case let (.rotation(s), .rotation(p)): s.apply(p, to: clip)
        case let (.gaussianNoise(s), .gaussianNoise(p)): s.apply(p, to: clip)
        case let (.gaussianBlur(s), .gaussianBlur(p)): s.apply(p, to: clip)
        case let (.channelMask(s), .channelMask(p)): s.apply(p, to: clip)
        case let (.timeFlip(s), .timeFlip(p)): s.apply(p, to: clip)
        case let (.jointMask(s), .jointMask(p)): s.apply(p, to: clip)
        case let (.skeleAdaIN(s), .skeleAdaIN(p)): s.apply(p, to: clip)
        default: return false
        }
        return true
    }
}

extension AnyStage: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        guard container.contains(AnyKey("stage")) else {
            throw FieldError(codingPath: container.codingPath,
                                     "missing required key \"stage\" (one of: \(StageCatalog.names.joined(separator: ", ")))")
        }
        let name = try container.decode(String.self, forKey: AnyKey("stage"))
        switch name {
        case Shear.name: self = .shear(try Shear(from: decoder))
        case TemporalCrop.name: self = .temporalCrop(try TemporalCrop(from: decoder))
        case SpatialFlip.name: self = .spatialFlip(try SpatialFlip(from: decoder))
        case Rotation.name: self = .rotation(try Rotation(from: decoder))
        case GaussianNoise.name: self = .gaussianNoise(try GaussianNoise(from: decoder))
        case GaussianBlur.name: self = .gaussianBlur(try GaussianBlur(from: decoder))
        case ChannelMask.name: self = .channelMask(try ChannelMask(from: decoder))
        case TimeFlip.name: self = .timeFlip(try TimeFlip(from: decoder))
        case JointMask.name: self = .jointMask(try JointMask(from: decoder))
        case SkeleAdaIN.name: self = .skeleAdaIN(try SkeleAdaIN(from: decoder))
        default:
            var message = "unknown stage \"\(name)\""
            if let near = EditDistance.closest(to: name, among: StageCatalog.names) {
                message += " — did you mean \"\(near)\"?"
            } else {
                message += " (known: \(StageCatalog.names.joined(separator: ", ")))"
            }
            throw FieldError(codingPath: container.codingPath + [AnyKey("stage")], message)
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .shear(let s): try s.encode(to: encoder)
        case .temporalCrop(let s): try s.encode(to: encoder)
        case .spatialFlip(let s): try s.encode(to: encoder)
        case .rotation(let s): try s.encode(to: encoder)
        case .gaussianNoise(let s): try s.encode(to: encoder)
        case .gaussianBlur(let s): try s.encode(to: encoder)
        case .channelMask(let s): try s.encode(to: encoder)
        case .timeFlip(let s): try s.encode(to: encoder)
        case .jointMask(let s): try s.encode(to: encoder)
        case .skeleAdaIN(let s): try s.encode(to: encoder)
        }
    }
}

/// The parameters one stage drew, tagged by stage.
public enum StageParameters: Equatable, Sendable {
    case shear(Shear.Parameters)
    case temporalCrop(TemporalCrop.Parameters)
    case spatialFlip(NoParameters)
    case rotation(Rotation.Parameters)
    case gaussianNoise(GaussianNoise.Parameters)
    case gaussianBlur(GaussianBlur.Parameters)
    case channelMask(ChannelMask.Parameters)
    case timeFlip(NoParameters)
    case jointMask(JointMask.Parameters)
    case skeleAdaIN(SkeleAdaIN.Parameters)

    func encodePayload(to encoder: Encoder) throws {
        switch self {
        case .shear(let p): try p.encode(to: encoder)
        case .temporalCrop(let p): try p.encode(to: encoder)
        case .spatialFlip(let p): try p.encode(to: encoder)
        case .rotation(let p): try p.encode(to: encoder)
        case .gaussianNoise(let p): try p.encode(to: encoder)
        case .gaussianBlur(let p): try p.encode(to: encoder)
        case .channelMask(let p): try p.encode(to: encoder)
        case .timeFlip(let p): try p.encode(to: encoder)
        case .jointMask(let p): try p.encode(to: encoder)
        case .skeleAdaIN(let p): try p.encode(to: encoder)
        }
    }

    static func decodePayload(stage: String, from decoder: Decoder) throws -> StageParameters? {
        switch stage {
        case Shear.name: return .shear(try .init(from: decoder))
        case TemporalCrop.name: return .temporalCrop(try .init(from: decoder))
        case SpatialFlip.name: return .spatialFlip(try .init(from: decoder))
        case Rotation.name: return .rotation(try .init(from: decoder))
        case GaussianNoise.name: return .gaussianNoise(try .init(from: decoder))
        case GaussianBlur.name: return .gaussianBlur(try .init(from: decoder))
        case ChannelMask.name: return .channelMask(try .init(from: decoder))
        case TimeFlip.name: return .timeFlip(try .init(from: decoder))
        case JointMask.name: return .jointMask(try .init(from: decoder))
        case SkeleAdaIN.name: return .skeleAdaIN(try .init(from: decoder))
        default: return nil
        }
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
