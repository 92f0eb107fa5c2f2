import Foundation
import Shards
import SkeletonCore

/// `hiclr export reference`: from a shard directory converted in reference mode with raw frames kept, the
/// files the reference HiCLR/AimCLR/CrosSCLR data scripts write, per benchmark and part, in
/// `<out>/<benchmark>/`:
/// - raw-data step (HiCLR tools/ntu_gendata.py lines 80–96, tools/pku_part1_gendata.py lines 94–110):
///   `<part>_label.pkl` = `(names with .skeleton, 0-based labels)` and `<part>_data.npy` float32
///   `(N, 3, 300, 25, 2)`, each sample's first two bodies per frame in file order, at most 300 frames (NTU:
///   the first — more would not fit the reference's array; PKU-MMD: the centred 300, tools/utils/
///   pku_read_skeleton.py lines 59–63), zeros beyond;
/// - 50-frame step (feeder/preprocess_ntu.py lines 55–84): `<part>_position.npy` and `<part>_motion.npy`
///   float32 `(N, 3, 50, 25, 2)` (the shards' joint and motion streams, which reference mode computes as
///   NTUMotionProcessor does) and `<part>_label.npy` int64 `(N, 1)`.
///
/// Samples are in the reference's order: file names sorted (tools/ntu_gendata.py lines 50–52; the PKU-MMD
/// scripts iterate `os.listdir` unsorted, lines 67, so any order is theirs; we use sorted names too). File
/// names are the reference's: NTU `S001C001P001R001A001.skeleton`; PKU-MMD phase 1 `F002V001C017L003.skeleton`
/// (tools/pku_part1_skeleton.py line 81), phase 2 `A001N001V001C017L003.skeleton` (pku_part2_skeleton.py line
/// 82), from our names `0002-L_003` / `A01N01-L_003` (video, label-file line).
public struct ReferenceExporter {
    public let shards: URL
    public let out: URL
    /// Also write the raw-data step (`_data.npy`, `_label.pkl`); needs shards with raw frames.
    public var rawStep = true

    public init(shards: URL, out: URL) {
        self.shards = shards
        self.out = out
    }

    /// What one export wrote.
    public struct Report: Sendable {
        public var files: [String] = []
        public var samples: [String: Int] = [:]
        public var bytes = 0
        public var seconds = 0.0
    }

    public static let rawFrames = 300

    public func run(progress: (String, Int, Int) -> Void = { _, _, _ in }) throws -> Report {
        let start = Date()
        let set = try ShardSet(directory: shards)
        let manifest = set.manifest
        guard manifest.mode == "reference" else {
            throw InputError(file: shards.appendingPathComponent(Manifest.fileName).path, field: "mode",
                             "'\(manifest.mode)': the reference files come from reference-mode shards "
                             + "(hiclr convert --mode reference)")
        }
        let dataset = manifest.dataset
        var report = Report()
        for summary in manifest.parts {
            let part = try set.samples(benchmark: summary.benchmark, part: summary.part)
            if rawStep && !part.hasRaw {
                throw InputError(file: shards.path, field: "\(summary.benchmark)/\(summary.part)",
                                 "the shards keep no raw frames (converted with --no-keep-raw); reconvert, or pass "
                                 + "--no-raw-step to write only the 50-frame files")
            }
            let dir = out.appendingPathComponent(summary.benchmark.rawValue, isDirectory: true)
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            } catch {
                throw InputError(file: dir.path, "cannot create: \(error.localizedDescription)")
            }
            let names = try zip(part.names, part.labels).map { try Self.referenceName(dataset: dataset, name: $0, label: $1) }
            let order = names.indices.sorted { names[$0] < names[$1] }
            let n = order.count
            let p = summary.part
            func url(_ suffix: String) -> URL { dir.appendingPathComponent("\(p)_\(suffix)") }
            let position = try NpyWriter(url: url("position.npy"), dtype: .float32, shape: [n] + ShardFormat.sampleShape)
            let motion = try NpyWriter(url: url("motion.npy"), dtype: .float32, shape: [n] + ShardFormat.sampleShape)
            let labels = try NpyWriter(url: url("label.npy"), dtype: .int64, shape: [n, 1])
            let data = rawStep ? try NpyWriter(url: url("data.npy"), dtype: .float32,
                                               shape: [n, 3, Self.rawFrames, SkeletonLayout.joints, SkeletonLayout.bodies])
                : nil
            var clip = [Float](repeating: 0, count: ShardFormat.sampleElements)
            var padded = [Float](repeating: 0, count: 3 * Self.rawFrames * SkeletonLayout.joints * SkeletonLayout.bodies)
            for (k, i) in order.enumerated() {
                try clip.withUnsafeMutableBufferPointer { buffer in
                    try part.read(.joint, sample: i, into: buffer)
                    try position.write(UnsafeBufferPointer(buffer))
                    try part.read(.motion, sample: i, into: buffer)
                    try motion.write(UnsafeBufferPointer(buffer))
                }
                if let data {
                    guard let raw = try part.readRaw(sample: i) else {
                        throw InputError(file: shards.path, field: "\(summary.benchmark)/\(summary.part)[\(i)]", "no raw frames")
                    }
                    Self.pad(raw, trimCentred: !dataset.isNTU, into: &padded)
                    try data.write(padded)
                }
                if k % 256 == 0 { progress("\(summary.benchmark)/\(p)", k, n) }
            }
            try labels.write(order.map { Int64(part.labels[$0]) })
            if let data {
                try data.finish()
                try LabelPickle.write(names: order.map { names[$0] }, labels: order.map { part.labels[$0] },
                                      to: url("label.pkl"))
                report.files += [url("data.npy").path, url("label.pkl").path]
            }
            try position.finish()
            try motion.finish()
            try labels.finish()
            report.files += [url("position.npy").path, url("motion.npy").path, url("label.npy").path]
            report.samples["\(summary.benchmark)/\(p)"] = n
            progress("\(summary.benchmark)/\(p)", n, n)
        }
        report.bytes = report.files.reduce(0) {
            $0 + (((try? FileManager.default.attributesOfItem(atPath: $1))?[.size] as? Int) ?? 0)
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// `raw` as the reference's `(3, 300, 25, 2)` array: at most 300 frames (the first, or the centred ones
    /// for PKU-MMD: start = (T − 300) / 2), zeros beyond.
    static func pad(_ raw: RawFrames, trimCentred: Bool, into out: inout [Float]) {
        let T = rawFrames, V = SkeletonLayout.joints, M = SkeletonLayout.bodies
        for k in out.indices { out[k] = 0 }
        let kept = min(raw.frames, T)
        let first = raw.frames > T && trimCentred ? (raw.frames - T) / 2 : 0
        raw.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for t in 0..<kept {
                    let row = (first + t) * ShardFormat.rawFrameElements
                    for c in 0..<3 {
                        let from = row + c * V * M
                        let to = (c * T + t) * V * M
                        for k in 0..<(V * M) { dst[to + k] = src[from + k] }
                    }
                }
            }
        }
    }

    /// The reference's file name of our sample `name` (0-based `label`) in `dataset`.
    public static func referenceName(dataset: DatasetKind, name: String, label: Int) throws -> String {
        switch dataset {
        case .ntu60, .ntu120:
            return name + ".skeleton"
        case .pku1, .pku2:
            // "<video>-<view>_<line>", video "0002" (phase 1) or "A01N01" (phase 2).
            let parts = name.split(separator: "_")
            let pieces = parts.first?.split(separator: "-") ?? []
            let views = ["L": "001", "M": "002", "R": "003"]
            guard parts.count == 2, pieces.count == 2, let view = views[String(pieces[1])], let line = Int(parts[1]) else {
                throw InputError(file: name, "not a PKU-MMD sample name <video>-<L|M|R>_<line>")
            }
            let video = String(pieces[0])
            func three(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)" }
            if dataset == .pku1 {
                guard video.count == 4, let id = Int(video) else { throw InputError(file: name, "not a phase-1 video id") }
                return "F\(three(id))V\(view)C\(three(label + 1))L\(three(line)).skeleton"
            }
            guard video.count == 6, video.first == "A", let n = video.firstIndex(of: "N"),
                  let a = Int(video[video.index(after: video.startIndex)..<n]),
                  let p = Int(video[video.index(after: n)...]) else {
                throw InputError(file: name, "not a phase-2 video id AxxNxx")
            }
            return "A\(three(a))N\(three(p))V\(view)C\(three(label + 1))L\(three(line)).skeleton"
        }
    }
}
