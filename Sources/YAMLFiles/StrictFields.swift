/// Strict decoding helpers for the project's YAML files (pipelines, training configs): unknown keys are
/// rejected with a "did you mean" suggestion, numbers are range-checked, and every problem is a `FieldError`
/// carrying the coding path, which `YAMLFile` turns into a file + line + field message.

/// A coding key for any string or index.
public struct AnyKey: CodingKey, Hashable {
    public var stringValue: String
    public var intValue: Int?

    public init(_ string: String) {
        self.stringValue = string
        self.intValue = nil
    }

    public init?(stringValue: String) { self.init(stringValue) }

    public init?(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

/// A problem with one field of a YAML file, found while decoding.
public struct FieldError: Error, CustomStringConvertible {
    /// Where: keys and indices from the document root.
    public var codingPath: [CodingKey]
    public var message: String

    public init(codingPath: [CodingKey], _ message: String) {
        self.codingPath = codingPath
        self.message = message
    }

    /// `branches[2].stages[1].stage`
    public var fieldPath: String { Self.fieldPath(codingPath) }

    public var description: String { "\(fieldPath): \(message)" }

    /// Renders a coding path as `a.b[2].c`.
    public static func fieldPath(_ path: [CodingKey]) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }
}

/// Reads the fields of one mapping, checking names, types and ranges.
public struct StrictFields {
    public let container: KeyedDecodingContainer<AnyKey>
    public var codingPath: [CodingKey] { container.codingPath }

    /// Opens the mapping of `decoder` and rejects any key not in `allowed`.
    public init(_ decoder: Decoder, allowed: [String]) throws {
        container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            var message = "unknown key \"\(key.stringValue)\""
            if let near = EditDistance.closest(to: key.stringValue, among: allowed) {
                message += " — did you mean \"\(near)\"?"
            } else {
                message += " (allowed: \(allowed.joined(separator: ", ")))"
            }
            throw FieldError(codingPath: container.codingPath + [key], message)
        }
    }

    public func has(_ key: String) -> Bool { container.contains(AnyKey(key)) }

    public func error(_ key: String, _ message: String) -> FieldError {
        FieldError(codingPath: codingPath + [AnyKey(key)], message)
    }

    /// A required string.
    public func string(_ key: String) throws -> String {
        guard has(key) else {
            throw FieldError(codingPath: codingPath, "missing required key \"\(key)\"")
        }
        return try container.decode(String.self, forKey: AnyKey(key))
    }

    /// An optional string.
    public func optionalString(_ key: String) throws -> String? {
        try container.decodeIfPresent(String.self, forKey: AnyKey(key))
    }

    /// A finite number in `range`, or `defaultValue` when absent.
    public func double(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>) throws -> Double {
        guard has(key) else { return defaultValue }
        let value = try container.decode(Double.self, forKey: AnyKey(key))
        guard value.isFinite, range.contains(value) else {
            throw error(key, "\(value) is out of range [\(Self.format(range.lowerBound)), \(Self.format(range.upperBound))]")
        }
        return value
    }

    /// An integer in `range`, or `defaultValue` when absent.
    public func int(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard has(key) else { return defaultValue }
        let value = try container.decode(Int.self, forKey: AnyKey(key))
        guard range.contains(value) else {
            throw error(key, "\(value) is out of range [\(range.lowerBound), \(range.upperBound)]")
        }
        return value
    }

    /// A boolean, or `defaultValue` when absent.
    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        try container.decodeIfPresent(Bool.self, forKey: AnyKey(key)) ?? defaultValue
    }

    public static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
public enum EditDistance {
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The candidate nearest to `word`, if it is close enough to be a likely typo
    /// (distance at most max(2, length / 3)).
    public static func closest(to word: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        let limit = max(2, word.count / 3)
        // The distance is at least the length difference: skip the O(n·m) table when it cannot be close
        // (a hostile 45 KB key would otherwise cost seconds per candidate).
        for candidate in candidates where abs(candidate.count - word.count) <= limit {
            let d = distance(word.lowercased(), candidate.lowercased())
            if best == nil || d < best!.1 { best = (candidate, d) }
        }
        guard let (name, d) = best, d <= max(2, word.count / 3) else { return nil }
        return name
    }
}
