import Foundation
import SkeletonCore

/// The published "samples with missing skeletons" list: one sample name per line, no extension.
public enum MissingList {
    /// Reads the list; blank lines and `#` comments are ignored; names are upper-cased.
    public static func read(_ url: URL) throws -> Set<String> {
        let text = try FileProblem.readText(url.path, kind: "missing-skeleton list")
        var names = Set<String>()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let stem = line.hasSuffix(".skeleton") ? String(line.dropLast(9)) : line
            guard (try? NTUSampleName(parsing: stem)) != nil else {
                throw InputError(file: url.path, line: i + 1, "\"\(line)\" is not an NTU sample name")
            }
            names.insert(stem.uppercased())
        }
        return names
    }
}
