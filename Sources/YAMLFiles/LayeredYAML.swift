import Foundation
import SkeletonCore
import Yams

/// A YAML file that may start from a base file: a top-level `extends: PATH` (relative to the file's own folder)
/// names a file whose mapping is read first; the file's own keys then override the base's, deeply (a mapping
/// merges key by key, anything else — scalars, lists — replaces the base's value). A base may extend another
/// base; a cycle is an error. The format is described in docs/configs.md.
///
/// Errors name the file and line where the offending key was written: a bad value inherited from a base file is
/// reported at the base file's line.
public struct LayeredYAML {
    /// One file of the chain.
    public struct Layer {
        public var file: String
        public var root: Node
    }

    /// The file itself first, then its base, the base's base, …
    public let layers: [Layer]
    /// Every layer merged, without the `extends` keys.
    public let merged: Node

    /// True when the file extends a base.
    public var extends: Bool { layers.count > 1 }

    /// Reads `path` and its bases.
    public static func load(path: String, kind: String) throws -> LayeredYAML {
        try parse(text: try read(path, kind: kind, from: nil), file: path, kind: kind)
    }

    /// Reads YAML `text` (shown in errors as `file`) and the bases it extends, relative to `file`'s folder.
    public static func parse(text: String, file: String, kind: String) throws -> LayeredYAML {
        var layers: [Layer] = []
        var seen: [String] = []
        var current = Layer(file: file, root: try compose(text, file: file, kind: kind))
        while true {
            seen.append(canonical(current.file))
            layers.append(current)
            guard let (base, line) = try extendsPath(of: current) else { break }
            let basePath = resolve(base, relativeTo: current.file)
            if seen.contains(canonical(basePath)) {
                let chain = (layers.map(\.file) + [basePath]).joined(separator: " → ")
                throw InputError(file: current.file, line: line, field: "extends", "extends cycle: \(chain)")
            }
            let text = try read(basePath, kind: kind, from: (current.file, line))
            current = Layer(file: basePath, root: try compose(text, file: basePath, kind: kind))
        }
        var merged = withoutExtends(layers.last!.root)
        for layer in layers.dropLast().reversed() {
            merged = merge(base: merged, override: withoutExtends(layer.root))
        }
        return LayeredYAML(layers: layers, merged: merged)
    }

    /// Decodes the merged document; an error names the layer that wrote the offending key.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try YAMLDecoder().decode(type, from: merged)
        } catch let error as FieldError {
            let (file, line) = place(of: error.codingPath)
            throw InputError(file: file, line: line, field: error.fieldPath.isEmpty ? nil : error.fieldPath, error.message)
        } catch let error as DecodingError {
            let (path, message) = YAMLFile.describe(error)
            let (file, line) = place(of: path)
            let field = FieldError.fieldPath(path)
            throw InputError(file: file, line: line, field: field.isEmpty ? nil : field, message)
        }
    }

    /// The merged document as YAML text (no `extends`): what a checkpoint records so it can be read alone.
    public func mergedText() throws -> String {
        try Yams.serialize(node: merged)
    }

    // MARK: - Helpers

    /// The layer that wrote the deepest part of `path` (the file itself wins ties), and that line.
    func place(of path: [CodingKey]) -> (file: String, line: Int?) {
        var best = (file: layers[0].file, line: YAMLFile.line(of: path, in: layers[0].root), depth: -1)
        for layer in layers {
            let depth = Self.depth(of: path, in: layer.root)
            if depth > best.depth {
                best = (layer.file, YAMLFile.line(of: path, in: layer.root), depth)
            }
        }
        return (best.file, best.line)
    }

    /// How many components of `path` exist in `root`.
    static func depth(of path: [CodingKey], in root: Node) -> Int {
        var node = root
        var depth = 0
        for key in path {
            if let index = key.intValue, let sequence = node.sequence, index >= 0, index < sequence.count {
                node = sequence[index]
            } else if let mapping = node.mapping, let pair = mapping.first(where: { $0.key.string == key.stringValue }) {
                node = pair.value
            } else {
                break
            }
            depth += 1
        }
        return depth
    }

    static func read(_ path: String, kind: String, from: (file: String, line: Int?)?) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            if let from {
                throw InputError(file: from.file, line: from.line, field: "extends",
                                 "cannot read base \(kind) file \(path): \(error.localizedDescription)")
            }
            throw InputError(file: path, "cannot read \(kind) file: \(error.localizedDescription)")
        }
    }

    static func compose(_ text: String, file: String, kind: String) throws -> Node {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InputError(file: file, line: YAMLFile.line(of: error), "not valid YAML: \(YAMLFile.problem(of: error))")
        } catch {
            throw InputError(file: file, "not valid YAML: \(error)")
        }
        guard let node else { throw InputError(file: file, "empty \(kind) file") }
        return node
    }

    /// The `extends` value of a layer and its line, if it has one.
    static func extendsPath(of layer: Layer) throws -> (String, Int?)? {
        guard let mapping = layer.root.mapping,
              let pair = mapping.first(where: { $0.key.string == "extends" }) else { return nil }
        let line = pair.key.mark?.line
        guard let path = pair.value.scalar?.string, !path.isEmpty else {
            throw InputError(file: layer.file, line: line, field: "extends", "expected the path of a base file")
        }
        return (path, line)
    }

    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func withoutExtends(_ node: Node) -> Node {
        guard let mapping = node.mapping else { return node }
        let pairs = mapping.filter { $0.key.string != "extends" }.map { ($0.key, $0.value) }
        return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
    }

    /// `override`'s keys on top of `base`'s: mappings merge key by key (base order first, new keys after),
    /// anything else is replaced.
    static func merge(base: Node, override: Node) -> Node {
        guard let b = base.mapping, let o = override.mapping else { return override }
        var pairs: [(Node, Node)] = []
        for (key, value) in b {
            if let replacement = o.first(where: { $0.key.string == key.string }) {
                pairs.append((replacement.key, merge(base: value, override: replacement.value)))
            } else {
                pairs.append((key, value))
            }
        }
        for (key, value) in o where !b.contains(where: { $0.key.string == key.string }) {
            pairs.append((key, value))
        }
        return .mapping(Node.Mapping(pairs, o.tag, o.style, o.mark))
    }
}
