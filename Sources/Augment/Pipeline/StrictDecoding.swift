import YAMLFiles

/// The pipeline-specific decoding helpers on top of `YAMLFiles`.
extension StrictFields {
    /// The stage probability `p` in [0, 1].
    func probability(default defaultValue: Double) throws -> Double {
        try double("p", default: defaultValue, in: 0...1)
    }

}

/// Writes stage fields: `stage` first, then `p`, then the stage's own keys.
struct StageFieldWriter {
    var container: KeyedEncodingContainer<AnyKey>

    init(_ encoder: Encoder, stage: String, probability: Double) throws {
        container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(stage, forKey: AnyKey("stage"))
        try container.encode(probability, forKey: AnyKey("p"))
    }

    mutating func encode<T: Encodable>(_ value: T, _ key: String) throws {
        try container.encode(value, forKey: AnyKey(key))
    }
}

