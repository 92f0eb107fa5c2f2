import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whole files written so that no reader ever sees one half-written: the bytes go to `.<name>.partial` beside the
/// final name, which is renamed over it when complete. That temporary name is ours and fixed (unlike Foundation's
/// `.atomic` option, whose random temporary name a killed run would leave as a file no recovery can tell from a
/// user's), so cleanup after a kill can recognise and delete it.
public enum AtomicFile {
    /// The temporary name a file is written under until complete: `.<name>.partial`.
    public static func partialName(for fileName: String) -> String {
        ".\(fileName).partial"
    }

    /// Writes `data` to `url` under its partial name, then renames it into place; on failure the partial file is
    /// removed and an error names `url` (as `what`, e.g. "the manifest") with the cause.
    public static func write(_ data: Data, to url: URL, describing what: String = "the file") throws {
        let partial = url.deletingLastPathComponent().appendingPathComponent(partialName(for: url.lastPathComponent))
        do {
            try data.write(to: partial)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw InputError(file: url.path, "cannot write \(what): \(FileProblem.describe(error, path: url.path))")
        }
        guard rename(partial.path, url.path) == 0 else {
            let cause = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            throw InputError(file: url.path, "cannot rename \(partial.lastPathComponent): \(cause)")
        }
    }
}
