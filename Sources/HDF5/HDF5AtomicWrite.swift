import Foundation

extension HDF5File {
    /// Writes a whole new file at `path` without ever leaving a half-written one under that name: `body` fills a
    /// file created as `.<name>.partial` beside it, which is closed and renamed over `path` only when `body`
    /// returns. On any error the partial file is removed and the error rethrown; an existing file at `path` is
    /// untouched until the rename.
    public static func writeAtomically(to path: String, _ body: (HDF5File) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let partial = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".partial")
        do {
            let file = try HDF5File(creating: partial.path)
            try body(file)
            try file.close()
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        guard rename(partial.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            throw HDF5Error(operation: "rename the finished file into place", path: path, message: reason)
        }
    }
}
