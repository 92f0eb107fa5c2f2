/// The names that say which data a shard set holds: the dataset, the benchmark (a train/test split rule) and
/// the part of the benchmark. Every layer passes them typed; the files keep their strings (the raw values are
/// the `dataset`, `benchmark` and `part` attributes and manifest fields, docs/shard-format.md).

/// The raw datasets the converter reads.
public enum DatasetKind: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case ntu60, ntu120, pku1, pku2

    /// Benchmarks defined for the dataset, in the order they are written.
    public var benchmarks: [Benchmark] {
        switch self {
        case .ntu60: return [.xsub, .xview]
        case .ntu120: return [.xsub, .xset]
        case .pku1, .pku2: return [.xsub, .xview]
        }
    }

    /// Number of action classes.
    public var classCount: Int {
        switch self {
        case .ntu60: return 60
        case .ntu120: return 120
        case .pku1: return 51
        case .pku2: return 41
        }
    }

    public var isNTU: Bool { self == .ntu60 || self == .ntu120 }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws { self = try DatasetNames.decode(decoder, noun: "dataset") }
}

/// An evaluation benchmark (train/test split rule).
public enum Benchmark: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case xsub, xview, xset

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws { self = try DatasetNames.decode(decoder, noun: "benchmark") }
}

/// Which side of a benchmark a sample belongs to: the training part or the validation (test) part.
public enum Part: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case train, val

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws { self = try DatasetNames.decode(decoder, noun: "part") }
}

/// Parsing of the names from text (file attributes, config fields), with errors that list the valid values.
public enum DatasetNames {
    /// "xsub, xview or xset": the valid values of `T`, for error messages.
    public static func choices<T: CaseIterable & RawRepresentable>(_: T.Type) -> String where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        guard let last = names.last, names.count > 1 else { return names.joined() }
        return names.dropLast().joined(separator: ", ") + " or " + last
    }

    /// Why `text` is not a `T`: e.g. `"xsubb" is not a benchmark (xsub, xview or xset)`.
    public static func problem<T: CaseIterable & RawRepresentable>(_ text: String, _ type: T.Type, noun: String) -> String
    where T.RawValue == String {
        "\"\(text)\" is not a \(noun) (\(choices(type)))"
    }

    /// `text` as a `T`, or an `InputError` naming `file` and `field` and listing the valid values.
    public static func parse<T: CaseIterable & RawRepresentable>(_ text: String, as type: T.Type, noun: String,
                                                                 file: String, field: String? = nil) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text) else { throw InputError(file: file, field: field, problem(text, type, noun: noun)) }
        return value
    }

    /// Decodes the raw value; an unknown one is `dataCorrupted` at the value's coding path, listing the valid values.
    static func decode<T: CaseIterable & RawRepresentable>(_ decoder: Decoder, noun: String) throws -> T
    where T.RawValue == String {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = T(rawValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: problem(text, T.self, noun: noun))
        }
        return value
    }
}
