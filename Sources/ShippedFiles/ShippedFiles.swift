import Foundation
import ShippedConfigs
import ShippedPipelines
import SkeletonCore

/// The pipelines and training configs that ship with the tool (the repository's pipelines/ and configs/, bundled as
/// resources), so a command can name one from any folder: `--pipeline hiclr`, `--config ntu60_xsub_joint`.
///
/// A reference is resolved in this order:
/// 1. an existing file at that path (relative to the current folder, or absolute) — a path always wins;
/// 2. a shipped file, when the reference is a bare name (`hiclr`, `hiclr.yaml`) or the shipped file's path in the
///    repository (`pipelines/hiclr.yaml`, as the shipped configs write it), so those work outside the repository;
/// 3. otherwise an `InputError` naming the reference and listing the shipped names.
public enum ShippedFiles {
    public enum Kind: String, CaseIterable, Sendable {
        case pipeline, config

        /// The repository folder the files come from.
        public var folder: String { self == .pipeline ? "pipelines" : "configs" }

        var bundle: Bundle { self == .pipeline ? ShippedPipelines.bundle : ShippedConfigs.bundle }
    }

    /// The shipped files of `kind`, sorted by name.
    public static func urls(_ kind: Kind) -> [URL] {
        guard let folder = kind.bundle.resourceURL,
              let all = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) else {
            return []
        }
        return all.filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The shipped names of `kind` (file names without `.yaml`), sorted.
    public static func names(_ kind: Kind) -> [String] {
        urls(kind).map { $0.deletingPathExtension().lastPathComponent }
    }

    /// The shipped file of `kind` called `name` (without `.yaml`), or nil.
    public static func url(_ kind: Kind, named name: String) -> URL? {
        urls(kind).first { $0.deletingPathExtension().lastPathComponent == name }
    }

    /// Resolves `reference` (a path or a shipped name) to a file; see the type's documentation for the order.
    public static func resolve(_ kind: Kind, _ reference: String) throws -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: reference, isDirectory: &isDirectory), !isDirectory.boolValue {
            return URL(fileURLWithPath: reference)
        }
        if let name = shippedName(kind, reference), let url = url(kind, named: name) {
            return url
        }
        let shipped = names(kind)
        throw InputError(file: reference, "no such \(kind.rawValue) file, and not the name of a shipped \(kind.rawValue) "
                         + "(shipped: \(shipped.isEmpty ? "none found" : shipped.joined(separator: ", ")))")
    }

    /// The name a reference means when it is not an existing file: `hiclr`, `hiclr.yaml` or `pipelines/hiclr.yaml`
    /// (`./` prefixes allowed) → `hiclr`; any other path → nil.
    static func shippedName(_ kind: Kind, _ reference: String) -> String? {
        var parts = reference.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while parts.count > 1 && parts[0] == "." { parts.removeFirst() }
        if parts.count == 2 && parts[0] == kind.folder { parts.removeFirst() }
        guard parts.count == 1, var name = parts.first, !name.isEmpty else { return nil }
        for ext in [".yaml", ".yml"] where name.hasSuffix(ext) { name = String(name.dropLast(ext.count)) }
        return name.isEmpty ? nil : name
    }
}
