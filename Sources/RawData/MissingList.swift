import Foundation
import SkeletonCore

/// The published "samples with missing skeletons" list: one sample name per line, no extension.
///
/// The official files (NTU_RGBD_samples_with_missing_skeletons.txt, NTU_RGBD120_…) open with a few lines of prose
/// and a blank line before the first name; that header is accepted as it is. A header line is a blank line or a line
/// of several words; a single word that is not a sample name (a typo such as `S001C002P005R002A08`) is an error
/// even before the first name, and after the first name every non-blank line must be a name.
public enum MissingList {
    /// Reads the list; blank lines, `#` comments and the leading prose header are ignored; names are upper-cased.
    public static func read(_ url: URL) throws -> Set<String> {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw InputError(file: url.path, "cannot read missing-skeleton list: \(error.localizedDescription)")
        }
        var names = Set<String>()
        var inHeader = true
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let stem = line.hasSuffix(".skeleton") ? String(line.dropLast(9)) : line
            guard (try? NTUSampleName(parsing: stem)) != nil else {
                let isProse = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).count > 1
                if inHeader && isProse { continue }
                let context = inHeader ? "" : " (every line after the first name must be a sample name)"
                throw InputError(file: url.path, line: i + 1, "\"\(line)\" is not an NTU sample name\(context)")
            }
            inHeader = false
            names.insert(stem.uppercased())
        }
        return names
    }
}
