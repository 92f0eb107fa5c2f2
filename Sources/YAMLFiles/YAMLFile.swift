import Foundation
import SkeletonCore
import Yams

/// Reads the project's YAML files into Codable types. Every problem becomes one `InputError` naming the file,
/// the line and the field path, e.g. `configs/x.yaml:14 [optimizer.lr]: expected a number`.
public enum YAMLFile {
    /// Reads and decodes the file at `path` (shown in errors as given); `kind` names the file in messages.
    public static func load<T: Decodable>(_ type: T.Type, path: String, kind: String) throws -> T {
        let text = try FileProblem.readText(path, kind: "\(kind) file")
        return try decode(type, text: text, file: path, kind: kind)
    }

    /// Decodes YAML `text`; `file` names it in errors.
    public static func decode<T: Decodable>(_ type: T.Type, text: String, file: String, kind: String) throws -> T {
        let root: Node
        try YAMLLimits.preflight(text, file: file)
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InputError(file: file, "empty \(kind) file")
            }
            root = node
        } catch let error as InputError {
            throw error
        } catch let error as YamlError {
            throw InputError(file: file, line: line(of: error, in: text), "not valid YAML: \(problem(of: error))")
        } catch {
            throw InputError(file: file, "not valid YAML: \(error)")
        }
        try YAMLLimits.checkExpansion(root, file: file)
        do {
            return try YAMLDecoder().decode(type, from: root)
        } catch let error as FieldError {
            throw InputError(file: file, line: line(of: error.codingPath, in: root), field: nonEmpty(error.fieldPath),
                             error.message)
        } catch let error as DecodingError {
            let (path, message) = describe(error)
            throw InputError(file: file, line: line(of: path, in: root),
                             field: nonEmpty(FieldError.fieldPath(path)), message)
        }
    }

    private static func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }

    /// The line of the node at `path` (for a mapping key: the key's own line); the deepest node found otherwise.
    static func line(of path: [CodingKey], in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        for key in path {
            if let index = key.intValue, let sequence = node.sequence {
                guard index >= 0, index < sequence.count else { break }
                node = sequence[index]
                line = node.mark?.line ?? line
            } else if let mapping = node.mapping,
                      let pair = mapping.first(where: { $0.key.string == key.stringValue }) {
                line = pair.key.mark?.line ?? line
                node = pair.value
            } else {
                break
            }
        }
        return line
    }

    /// Field path and message for a decoding error raised by Yams itself (wrong type, missing value).
    static func describe(_ error: DecodingError) -> ([CodingKey], String) {
        switch error {
        case .typeMismatch(let type, let context):
            return (context.codingPath, "expected \(expectation(type))")
        case .valueNotFound(let type, let context):
            return (context.codingPath, "missing value: expected \(expectation(type))")
        case .keyNotFound(let key, let context):
            return (context.codingPath, "missing required key \"\(key.stringValue)\"")
        case .dataCorrupted(let context):
            return (context.codingPath, context.debugDescription)
        @unknown default:
            return ([], "\(error)")
        }
    }

    static func expectation(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: return "a number"
        case is Int.Type, is UInt64.Type, is UInt32.Type: return "an integer"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Node.Mapping.Type: return "a mapping (key: value)"
        case is Node.Sequence.Type: return "a list"
        case is Node.Scalar.Type: return "a single value"
        default: return "\(type)"
        }
    }

    static func line(of error: YamlError, in text: String) -> Int? {
        switch error {
        case .reader(_, let offset, _, _):
            // libyaml's reader reports a byte offset (bad encoding, control characters): count the lines to it.
            let end = min(max(offset ?? 0, 0), text.utf8.count)
            return 1 + text.utf8.prefix(end).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        case .duplicatedKeysInMapping(_, let context):
            return context.mark.line
        default:
            return nil
        }
    }

    static func problem(of error: YamlError) -> String {
        switch error {
        case .reader(let problem, _, let value, _):
            return value >= 0 ? problem + String(format: " (U+%04X)", value) : problem
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", "))"
        default:
            return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }
}
