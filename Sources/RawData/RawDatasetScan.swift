import Foundation
import SkeletonCore

/// One unit of conversion work: one raw file (NTU: one sample; PKU-MMD: one video, one sample per label line).
public struct RawWorkItem: Sendable {
    public enum Source: Sendable {
        case ntu(URL, NTUSampleName)
        case pku(skeleton: URL, labels: URL, video: String)
        /// A sample given as a sequence (PYSKL input, `hiclr convert pyskl`): its bodies are already chosen, in
        /// slot order in every frame, and are used as given. `sequence` is nil until the input loads it.
        case sequence(name: String, label: Int, sequence: RawSequence?)
    }
    public var source: Source
    /// The part of this item under each benchmark it belongs to.
    public var parts: [Benchmark: Part]

    public init(source: Source, parts: [Benchmark: Part]) {
        self.source = source
        self.parts = parts
    }

    /// Name used for ordering and reports (sample name or video id).
    public var name: String {
        switch source {
        case .ntu(_, let n): return n.description
        case .pku(_, _, let video): return video
        case .sequence(let name, _, _): return name
        }
    }
}

/// The result of listing a raw dataset folder: work items in name order, plus what was left out and why.
public struct RawDatasetScan: Sendable {
    public var items: [RawWorkItem] = []
    /// Sample names skipped because the missing-skeleton list names them.
    public var skippedMissing: [String] = []
    /// Files left out, each with a one-line reason naming the file.
    public var rejected: [InputError] = []
    /// NTU samples of the other NTU dataset (NTU120-only setups or classes when converting NTU60), left out.
    public var notInDataset: [String] = []
    /// PKU-MMD videos in neither list of a benchmark's split file, per benchmark; they go to its test part.
    public var unlisted: [Benchmark: [String]] = [:]

    public init() {}

    /// Lists `raw` for `dataset`. `missing` names NTU samples to skip; `splits` is the PKU-MMD split folder
    /// (default: a sub-folder of `raw` whose name contains "split").
    public static func scan(dataset: DatasetKind, raw: URL, missing: Set<String> = [],
                            splits: URL? = nil) throws -> RawDatasetScan {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: raw.path, isDirectory: &isDir), isDir.boolValue else {
            throw InputError(file: raw.path, "raw dataset folder does not exist or is not a folder")
        }
        return dataset.isNTU ? try scanNTU(dataset, raw, missing) : try scanPKU(dataset, raw, splits)
    }

    /// Regular files under `dir` (recursively) whose extension is one of `extensions`, sorted by path. A
    /// sub-folder that cannot be read, and a matching entry that is not a regular file (a folder named
    /// `X.skeleton`, a FIFO, a symlink loop), are added to `rejected`, never skipped silently.
    static func files(under dir: URL, extensions: Set<String>, rejected: inout [InputError]) throws -> [URL] {
        var unreadable: [InputError] = []
        guard let walker = FileManager.default.enumerator(
            at: dir, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles],
            errorHandler: { url, error in
                unreadable.append(InputError(file: url.path, "folder cannot be read (\(FileProblem.describe(error, path: url.path))); its files were not converted"))
                return true
            }) else {
            throw InputError(file: dir.path, "cannot list folder")
        }
        var out: [URL] = []
        for case let url as URL in walker {
            guard extensions.contains(url.pathExtension.lowercased()) else {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue,
                   !FileManager.default.isReadableFile(atPath: url.path)
                    || !FileManager.default.isExecutableFile(atPath: url.path),
                   !unreadable.contains(where: { $0.file == url.path }) {
                    unreadable.append(InputError(file: url.path, "folder cannot be read (permission denied); "
                                                 + "its files were not converted"))
                }
                continue
            }
            if let problem = FileProblem.notRegularFile(url.path) {
                if problem.hasPrefix("is a folder") { walker.skipDescendants() }
                rejected.append(InputError(file: url.path, problem + "; not converted"))
                continue
            }
            out.append(url)
        }
        if FileManager.default.isReadableFile(atPath: dir.path) == false {
            throw InputError(file: dir.path, "folder is not readable")
        }
        var seen = Set<String>()
        rejected += unreadable.filter { seen.insert($0.file).inserted }
        return out.sorted { $0.path < $1.path }
    }

    static func files(under dir: URL, extensions: Set<String>) throws -> [URL] {
        var ignored: [InputError] = []
        return try files(under: dir, extensions: extensions, rejected: &ignored)
    }

    private static func key(_ name: NTUSampleName) -> String { name.description }

    static func scanNTU(_ dataset: DatasetKind, _ raw: URL, _ missing: Set<String>) throws -> RawDatasetScan {
        var scan = RawDatasetScan()
        var seen = Set<String>()
        for url in try files(under: raw, extensions: ["skeleton"], rejected: &scan.rejected) {
            let name: NTUSampleName
            do { name = try NTUSampleName(parsing: url.lastPathComponent) } catch let e as InputError {
                scan.rejected.append(InputError(file: url.path, e.message))
                continue
            }
            guard NTUSplits.belongs(name, to: dataset) else { scan.notInDataset.append(key(name)); continue }
            let key = name.description
            if missing.contains(key) { scan.skippedMissing.append(key); continue }
            guard seen.insert(key).inserted else {
                scan.rejected.append(InputError(file: url.path, "duplicate sample \(key) (another file has the same name)"))
                continue
            }
            var parts: [Benchmark: Part] = [:]
            for b in dataset.benchmarks { parts[b] = NTUSplits.part(of: name, benchmark: b, dataset: dataset) }
            scan.items.append(RawWorkItem(source: .ntu(url, name), parts: parts))
        }
        scan.items.sort { $0.name < $1.name }
        if scan.items.isEmpty && scan.rejected.isEmpty {
            throw InputError(file: raw.path, "no \(dataset.rawValue) .skeleton files found")
        }
        return scan
    }

    static func subfolder(of dir: URL, containing word: String) -> URL? {
        let children = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        return children.sorted { $0.path < $1.path }.first { url in
            var isDir: ObjCBool = false
            return url.lastPathComponent.lowercased().contains(word)
                && FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
        }
    }

    static func scanPKU(_ dataset: DatasetKind, _ raw: URL, _ splitsDir: URL?) throws -> RawDatasetScan {
        guard let skeletonDir = subfolder(of: raw, containing: "skel") else {
            throw InputError(file: raw.path, "no skeleton folder (a sub-folder whose name contains \"skeleton\")")
        }
        guard let labelDir = subfolder(of: raw, containing: "label") else {
            throw InputError(file: raw.path, "no label folder (a sub-folder whose name contains \"label\")")
        }
        let phase2 = dataset == .pku2
        let wanted = [Benchmark.xsub, .xview].flatMap { PKUSplit.fileNames(for: $0, phase2: phase2).prefix(1) }
        guard let splitDir = splitsDir ?? subfolder(of: raw, containing: "split") else {
            throw InputError(file: raw.path, "no split folder: pass --splits DIR holding \(wanted.joined(separator: " and "))")
        }
        let splits: [(Benchmark, PKUSplit)] = try [Benchmark.xsub, .xview].map { b in
            let names = PKUSplit.fileNames(for: b, phase2: phase2)
            let found = names.map { splitDir.appendingPathComponent($0) }
                .first { FileManager.default.fileExists(atPath: $0.path) }
            return (b, try PKUSplit.read(found ?? splitDir.appendingPathComponent(names[0])))
        }
        var scan = RawDatasetScan()
        var labelFiles: [String: URL] = [:]
        for url in try files(under: labelDir, extensions: ["txt", "label"], rejected: &scan.rejected) {
            labelFiles[url.deletingPathExtension().lastPathComponent] = url
        }
        for url in try files(under: skeletonDir, extensions: ["txt", "skeleton"], rejected: &scan.rejected) {
            let video = url.deletingPathExtension().lastPathComponent
            guard let labels = labelFiles[video] else {
                scan.rejected.append(InputError(file: url.path, "no label file \(video).txt or \(video).label in \(labelDir.path)"))
                continue
            }
            var parts: [Benchmark: Part] = [:]
            for (b, split) in splits {
                parts[b] = split.part(of: video)
                if split.isUnlisted(video) { scan.unlisted[b, default: []].append(video) }
            }
            scan.items.append(RawWorkItem(source: .pku(skeleton: url, labels: labels, video: video), parts: parts))
        }
        if scan.items.isEmpty && scan.rejected.isEmpty {
            throw InputError(file: skeletonDir.path, "no PKU-MMD skeleton files found")
        }
        return scan
    }
}
