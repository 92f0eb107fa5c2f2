import Foundation
import Shards
import SkeletonCore
#if canImport(Glibc)
import Glibc
#endif

/// The `--out` folder of a conversion and its two hidden siblings.
///
/// A conversion is written into `.<name>.converting` next to `out` and swapped in only when it is complete:
/// a fresh `out` is one rename; an earlier conversion is first renamed to `.<name>.replaced`, the new one
/// renamed to `out`, then the files the old manifest lists are deleted. Nothing in `out` is touched before the
/// new conversion is complete, and only files a manifest lists (or that carry the shard naming pattern, when
/// the manifest is missing) are ever deleted. `recover()` cleans up after a run killed at any point.
struct OutputFolder {
    let out: URL
    let fm = FileManager.default

    init(_ out: URL) { self.out = out.standardizedFileURL }

    var parent: URL { out.deletingLastPathComponent() }
    /// Where the new conversion is written.
    var staging: URL { parent.appendingPathComponent(".\(out.lastPathComponent).converting") }
    /// Where the previous conversion waits while the new one is swapped in.
    var retired: URL { parent.appendingPathComponent(".\(out.lastPathComponent).replaced") }

    /// What committing the new conversion does to `out`.
    enum Plan: Equatable {
        /// `out` is missing or empty.
        case fresh
        /// `out` holds an earlier conversion made of these files (all ours), replaced by the new one.
        case replace([String])
    }

    // MARK: names

    /// `<benchmark>_<part>_NNNNN.h5`, as `ShardFormat.fileName` makes them.
    static func isShardName(_ name: String) -> Bool {
        name.range(of: #"^[A-Za-z0-9-]+_[A-Za-z0-9-]+_[0-9]{5,}\.h5$"#, options: .regularExpression) != nil
    }

    /// `.<shard name>.partial` or `.manifest.json.partial`, as `ShardFormat.partialName` makes them.
    static func isPartialName(_ name: String) -> Bool {
        guard name.hasPrefix(".") && name.hasSuffix(".partial") else { return false }
        let base = String(name.dropFirst().dropLast(".partial".count))
        return isShardName(base) || base == Manifest.fileName
    }

    /// Every entry of `dir` (hidden ones too), sorted; nil when `dir` does not exist.
    func entries(_ dir: URL) throws -> [String]? {
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isDir) else { return nil }
        guard isDir.boolValue else {
            throw InputError(file: dir.path, "--out is a file, not a folder")
        }
        do {
            return try fm.contentsOfDirectory(atPath: dir.path).sorted()
        } catch {
            throw InputError(file: dir.path, "cannot list the folder: \(FileProblem.describe(error, path: dir.path))")
        }
    }

    func size(_ url: URL) -> Int {
        ((try? fm.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
    }

    func remove(_ url: URL) throws {
        do { try fm.removeItem(at: url) } catch {
            throw InputError(file: url.path, "cannot delete: \(FileProblem.describe(error, path: url.path))")
        }
    }

    func rename(_ from: URL, _ to: URL) throws {
        guard Glibc.rename(from.path, to.path) == 0 else {
            let cause = String(cString: strerror(errno))
            throw InputError(file: from.path, "cannot rename to \(to.path): \(cause)")
        }
    }

    /// Names every entry of a folder of ours that is not a shard, partial shard or manifest; empty when all are ours.
    /// Refuses a leftover folder of ours that holds anything hiclr did not write, naming those entries.
    func refuseForeign(_ names: [String], listed: Set<String>? = nil, in folder: URL) throws {
        let foreign = foreignEntries(names, listed: listed)
        guard foreign.isEmpty else {
            throw InputError(file: folder.path, "holds files hiclr did not write (\(Self.list(foreign))); "
                             + "move them away and delete the folder")
        }
    }

    func foreignEntries(_ names: [String], listed: Set<String>? = nil) -> [String] {
        names.filter { name in
            if name == Manifest.fileName || Self.isPartialName(name) { return false }
            if let listed { return !listed.contains(name) }
            return !Self.isShardName(name)
        }
    }

    /// Deletes the listed `names` of `dir` (and its partials), then the folder itself if it is empty.
    /// Returns the bytes deleted.
    @discardableResult
    func removeOurFiles(_ names: [String], in dir: URL) throws -> (files: Int, bytes: Int) {
        var files = 0, bytes = 0
        for name in names {
            let url = dir.appendingPathComponent(name)
            guard fm.fileExists(atPath: url.path) else { continue }
            bytes += size(url)
            try remove(url)
            files += 1
        }
        if let left = try entries(dir), left.isEmpty { try remove(dir) }
        return (files, bytes)
    }

    // MARK: recovery

    /// Cleans up after an earlier run that was killed: a half-written `.converting` folder is deleted, a
    /// previous conversion left in `.replaced` is put back (killed between the two renames of the swap) or
    /// deleted (killed after the swap), and our own `.partial` files in `out` are deleted. Returns one line per
    /// action for the report. Refuses (without deleting anything) when a sibling holds files we did not write.
    func recover() throws -> [String] {
        var notes: [String] = []
        if let names = try entries(retired) {
            let outNames = try entries(out)
            if outNames == nil || outNames == [] {
                if outNames != nil { try remove(out) }
                try rename(retired, out)
                notes.append("restored the previous conversion from \(retired.lastPathComponent) "
                             + "(an earlier run was stopped while swapping in its result)")
            } else {
                try refuseForeign(names, listed: listedNames(in: retired), in: retired)
                let removed = try removeOurFiles(names, in: retired)
                notes.append("deleted \(removed.files) file(s) (\(Self.megabytes(removed.bytes))) of a replaced "
                             + "conversion left in \(retired.lastPathComponent) by an interrupted run")
            }
        }
        if let names = try entries(staging) {
            try refuseForeign(names, in: staging)
            let removed = try removeOurFiles(names, in: staging)
            notes.append("deleted \(removed.files) file(s) (\(Self.megabytes(removed.bytes))) of an interrupted "
                         + "conversion in \(staging.lastPathComponent)")
        }
        if let names = try entries(out) {
            let partials = names.filter(Self.isPartialName)
            if !partials.isEmpty {
                let bytes = partials.reduce(0) { $0 + size(out.appendingPathComponent($1)) }
                for name in partials { try remove(out.appendingPathComponent(name)) }
                notes.append("deleted \(partials.count) stale .partial file(s) (\(Self.megabytes(bytes))) "
                             + "left in \(out.path) by an interrupted run")
            }
        }
        return notes
    }

    /// The files a folder's manifest lists, with the manifest itself; nil when it has no readable manifest.
    func listedNames(in dir: URL) -> Set<String>? {
        guard let manifest = try? Manifest.load(from: dir) else { return nil }
        return Set(manifest.shards.map(\.file) + [Manifest.fileName])
    }

    // MARK: plan and commit

    /// Decides what committing will do to `out`, refusing (before any work) a folder that holds files hiclr did
    /// not write, an earlier conversion without `overwrite`, or an incomplete one (shards, no manifest).
    func plan(overwrite: Bool) throws -> Plan {
        guard let names = try entries(out), !names.isEmpty else { return .fresh }
        let hasManifest = names.contains(Manifest.fileName)
        var listed: Set<String>?
        if hasManifest {
            do {
                let manifest = try Manifest.load(from: out)
                listed = Set(manifest.shards.map(\.file) + [Manifest.fileName])
            } catch {
                throw InputError(file: out.appendingPathComponent(Manifest.fileName).path,
                                 "cannot tell which files an earlier conversion wrote (\(error)); nothing was "
                                 + "deleted: choose another --out or empty the folder yourself")
            }
        }
        let foreign = foreignEntries(names, listed: listed)
        guard foreign.isEmpty else {
            throw ConvertError.foreignFiles(out.path, foreign)
        }
        let ours = names.filter { $0 != Manifest.fileName }
        guard overwrite else {
            if hasManifest { throw ConvertError.outputNotEmpty(out.path) }
            throw ConvertError.incomplete(out.path)
        }
        return .replace(ours + (hasManifest ? [Manifest.fileName] : []))
    }

    /// Creates an empty `.converting` folder (after `recover()`, none is left).
    func makeStaging() throws {
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw InputError(file: staging.path, "cannot create the output folder: "
                             + FileProblem.describe(error, path: staging.path))
        }
    }

    /// Deletes the staging folder after a failed conversion (only our own files in it).
    func discardStaging() {
        guard let names = try? entries(staging) else { return }
        _ = try? removeOurFiles(names.filter { foreignEntries([$0]).isEmpty }, in: staging)
    }

    /// Swaps the complete conversion in `.converting` into `out` as `plan` says. `hook` (tests) is called with
    /// "swap" before the first rename, "mid-swap" between the two and "retire" before the old files go.
    func commit(_ plan: Plan, hook: ((String) -> Void)? = nil) throws {
        switch plan {
        case .fresh:
            if let names = try entries(out) {
                guard names.isEmpty else { throw ConvertError.foreignFiles(out.path, names) }
                try remove(out)
            }
            hook?("swap")
            FaultPoint.reached("convert.swap")
            try rename(staging, out)
        case .replace(let names):
            hook?("swap")
            FaultPoint.reached("convert.swap")
            try rename(out, retired)
            hook?("mid-swap")
            FaultPoint.reached("convert.mid-swap")
            try rename(staging, out)
            hook?("retire")
            FaultPoint.reached("convert.retire")
            try removeOurFiles(names, in: retired)
        }
    }

    static func list(_ names: [String]) -> String {
        let shown = names.prefix(5).map { "'\(Printable.escaped($0))'" }.joined(separator: ", ")
        return names.count > 5 ? shown + " and \(names.count - 5) more" : shown
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
