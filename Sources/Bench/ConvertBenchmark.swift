import Convert
import Export
import Foundation
import Preprocess
import RawData

/// Conversion speed on a replicated fixture set, against baselines measured in the same run (reading the bytes
/// only; parsing only; parsing + preprocessing without writing) and, when a HiCLR checkout is given, against
/// the reference raw-data script run on the same files, as `hiclr bench convert` prints it.
public enum ConvertBenchmark {
    public struct Options: Sendable {
        /// Folder with NTU .skeleton files (directly or one folder down) to replicate.
        public var raw: URL
        /// Samples to convert (at least; fewer only when the names run out).
        public var samples: Int
        /// Worker threads for the parallel runs.
        public var workers: Int
        public var mode: PreprocessMode
        /// Frames of every replicated file: each source file's frames repeated in order up to this count
        /// (`NTUFrameTiling`), and only files with 1–2 bodies per frame used. nil: the files as they are.
        public var frames: Int?
        /// A JHang2020/HiCLR checkout: its `tools/ntu_gendata.py` is run on the same files in the same run.
        public var reference: ReferenceScriptRun?
        /// Scratch folder, kept afterwards; nil: a new temporary folder, removed afterwards.
        public var scratch: URL?

        public init(raw: URL, samples: Int = 2400, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                    mode: PreprocessMode = .reference, frames: Int? = ConvertBenchmark.representativeFrames,
                    reference: ReferenceScriptRun? = nil, scratch: URL? = nil) {
            self.raw = raw; self.samples = samples; self.workers = workers; self.mode = mode
            self.frames = frames; self.reference = reference; self.scratch = scratch
        }
    }

    /// Frames per replicated file by default: about the length of an NTU clip.
    public static let representativeFrames = 100

    /// One timed pass over every replicated file.
    public struct Row: Sendable {
        public var name: String
        public var time: WallAndCPU
        public var seconds: Double { time.wall }
        public var samplesPerSecond: Double
        /// Megabytes (10^6) of .skeleton text per second.
        public var megabytesPerSecond: Double
        /// `seconds` over the byte-reading baseline's.
        public var readTimeRatio: Double
        /// Samples per CPU second (all threads): the rate per busy core, whatever the machine's load.
        public var samplesPerCPUSecond: Double
    }

    /// `export reference` of the parallel run's shards.
    public struct ExportTiming: Sendable {
        public var seconds: Double
        public var samplesPerSecond: Double
        /// Megabytes (10^6) written per second.
        public var megabytesPerSecond: Double
        public var files: Int
        public var bytes: Int
    }

    /// The reference raw-data script on the same files.
    public struct ReferenceTiming: Sendable {
        public var time: WallAndCPU
        public var samplesPerSecond: Double
        /// Samples/s of the parallel conversion (wall clock) over the script's.
        public var speedUp: Double
        /// The script's CPU seconds over the parallel conversion's: the ratio per busy core.
        public var cpuSpeedUp: Double
    }

    /// Printed before the timed runs.
    public struct Prepared: Sendable {
        public var samples: Int
        /// Bytes of .skeleton text in the replicated set.
        public var bytes: Int
        /// Source files used, and how many frames each replicated file has (nil: as they are).
        public var sources: Int
        public var frames: Int?
    }

    public struct Result: Sendable {
        public var samples: Int
        public var bytes: Int
        public var workers: Int
        /// In order: read bytes (baseline), parse, parse + preprocess, convert with 1 worker, with `workers`
        /// workers, with `workers` workers without raw frames.
        public var rows: [Row]
        /// Fractions: `--keep-raw` time over `--no-keep-raw` time − 1, and the same for shard bytes.
        public var keepRawTimeCost: Double
        public var keepRawByteCost: Double
        /// Shard bytes written with and without raw frames (`workers` workers).
        public var shardBytes: Int
        public var shardBytesWithoutRaw: Int
        /// Present in reference mode.
        public var export: ExportTiming?
        /// Present with `Options.reference`.
        public var reference: ReferenceTiming?
        /// 1-worker time over `workers`-worker time.
        public var speedUp: Double
        /// Samples the parallel conversion wrote per benchmark side.
        public var samplesWritten: Int
        /// Samples/s of the parallel conversion over the official Python pipeline's (about 50 samples/s).
        public var officialPythonSpeedUp: Double
        public var peakRSSMiB: Double
        /// Samples the preprocessing pass rejected, and those the 1-worker conversion rejected.
        public var rejectedInPreprocessing: Int
        public var rejectedInConvert: Int
        /// The checksum of the baselines (bytes and frames read), so their work cannot be optimised away.
        public var checksum: Int
    }

    /// Samples/s of the official Python preprocessing on the machine the targets were set on.
    public static let officialPythonSamplesPerSecond = 50.0

    public static func run(_ options: Options, prepared: (Prepared) -> Void = { _ in }) throws -> Result {
        let fm = FileManager.default
        try options.reference?.check()
        let scratch = ScratchFolder(options.scratch, prefix: "hiclr-bench")
        let root = scratch.root
        let rawDir = root.appendingPathComponent("raw")
        try fm.createDirectory(at: rawDir, withIntermediateDirectories: true)
        defer { scratch.cleanUp() }

        let (files, sources) = try replicate(options.raw, samples: options.samples, frames: options.frames, into: rawDir)
        let bytes = files.reduce(0) { $0 + (((try? fm.attributesOfItem(atPath: $1.path))?[.size] as? Int) ?? 0) }
        prepared(Prepared(samples: files.count, bytes: bytes, sources: sources, frames: options.frames))

        var sink = 0
        let tRead = try Measure.wallAndCPU { for f in files { sink &+= try Data(contentsOf: f).count } }
        let tParse = try Measure.wallAndCPU { for f in files { sink &+= try NTUSkeletonReader.read(f).frameCount } }
        let pre = Preprocessor(mode: options.mode, trim: .first)
        var rejected = 0
        let tPre = try Measure.wallAndCPU {
            for f in files {
                let seq = try NTUSkeletonReader.read(f)
                if (try? pre.process(seq)) == nil { rejected += 1 }
            }
        }
        func convert(_ w: Int, keepRaw: Bool = true) throws -> (WallAndCPU, ConvertReport) {
            let out = root.appendingPathComponent("out-\(w)\(keepRaw ? "" : "-noraw")")
            var convertOptions = ConvertOptions(dataset: .ntu120, raw: rawDir, out: out, mode: options.mode, workers: w,
                                                overwrite: true)
            convertOptions.keepRaw = keepRaw
            var report = ConvertReport()
            let t = try Measure.wallAndCPU { report = try Converter(options: convertOptions).run() }
            return (t, report)
        }
        let workers = options.workers
        let (t1, r1) = try convert(1)
        let (tN, rN) = try convert(workers)
        let (tNoRaw, rNoRaw) = try convert(workers, keepRaw: false)
        var export: ExportTiming?
        if options.mode == .reference {
            var written: ReferenceExporter.Report?
            let t = try Measure.seconds {
                written = try ReferenceExporter(shards: root.appendingPathComponent("out-\(workers)"),
                                                out: root.appendingPathComponent("export")).run()
            }
            let report = written!
            export = ExportTiming(seconds: t, samplesPerSecond: Double(report.samples.values.reduce(0, +)) / t,
                                  megabytesPerSecond: Double(report.bytes) / 1e6 / t, files: report.files.count,
                                  bytes: report.bytes)
        }
        let n = Double(files.count)
        var reference: ReferenceTiming?
        if let script = options.reference {
            let ignored = root.appendingPathComponent("reference-ignored.txt")
            _ = fm.createFile(atPath: ignored.path, contents: Data())
            let t = try script.run(raw: rawDir, ignored: ignored, out: root.appendingPathComponent("reference-out"))
            reference = ReferenceTiming(time: t, samplesPerSecond: n / t.wall, speedUp: t.wall / tN.wall,
                                        cpuSpeedUp: t.cpu / tN.cpu)
        }
        func row(_ name: String, _ t: WallAndCPU) -> Row {
            Row(name: name, time: t, samplesPerSecond: n / t.wall, megabytesPerSecond: Double(bytes) / 1e6 / t.wall,
                readTimeRatio: t.wall / tRead.wall, samplesPerCPUSecond: n / t.cpu)
        }
        return Result(
            samples: files.count, bytes: bytes, workers: workers,
            rows: [row("read bytes only (baseline)", tRead),
                   row("parse", tParse),
                   row("parse + preprocess (1 thread)", tPre),
                   row("convert end to end, 1 worker", t1),
                   row("convert end to end, \(workers) workers", tN),
                   row("convert, \(workers) workers, --no-keep-raw", tNoRaw)],
            keepRawTimeCost: tN.wall / tNoRaw.wall - 1,
            keepRawByteCost: Double(rN.bytesWritten) / Double(max(1, rNoRaw.bytesWritten)) - 1,
            shardBytes: rN.bytesWritten, shardBytesWithoutRaw: rNoRaw.bytesWritten,
            export: export, reference: reference, speedUp: t1.wall / tN.wall, samplesWritten: rN.samples,
            officialPythonSpeedUp: n / tN.wall / officialPythonSamplesPerSecond,
            peakRSSMiB: Measure.peakRSSMiB(), rejectedInPreprocessing: rejected, rejectedInConvert: r1.rejected.count,
            checksum: sink)
    }

    /// Copies the .skeleton files under `raw` (directly or one folder down) into `dir` under distinct NTU120
    /// names (setups and performers varied) until `samples` exist, or the names run out. With `frames`, each
    /// copy has that many frames (`NTUFrameTiling`) and only sources with 1–2 bodies in every frame that has
    /// bodies are used. Returns the copies and the number of sources used.
    public static func replicate(_ raw: URL, samples: Int, frames: Int? = nil, into dir: URL) throws -> ([URL], Int) {
        let sources = try FileManager.default.contentsOfDirectory(at: raw, includingPropertiesForKeys: nil)
            .flatMap { url -> [URL] in
                url.pathExtension == "skeleton" ? [url]
                    : ((try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [])
                        .filter { $0.pathExtension == "skeleton" }
            }
            .sorted { $0.path < $1.path }
        var parsed: [(name: NTUSampleName, text: [UInt8])] = []
        for url in sources {
            guard let name = try? NTUSampleName(parsing: url.lastPathComponent) else { continue }
            let text = [UInt8](try Data(contentsOf: url))
            if let frames {
                guard let blocks = NTUFrameTiling.frames(of: text), (1...2).contains(blocks.maxBodies) else { continue }
                parsed.append((name, NTUFrameTiling.tiled(text, blocks, to: frames)))
            } else {
                parsed.append((name, text))
            }
        }
        guard !parsed.isEmpty else {
            throw BenchError(frames == nil ? "no NTU .skeleton files under \(raw.relativePath)"
                             : "no NTU .skeleton files with 1–2 bodies per frame under \(raw.relativePath)")
        }
        var used = Set<String>()
        var out: [URL] = []
        var k = 0
        while out.count < samples {
            let (name, text) = parsed[k % parsed.count]
            let copy = k / parsed.count
            let renamed = NTUSampleName(setup: 1 + copy % 32, camera: name.camera, performer: 1 + (copy / 32 + name.performer) % 106,
                                        replication: name.replication, action: name.action)
            k += 1
            guard used.insert(renamed.description).inserted else {
                if k > samples * 4 { break }
                continue
            }
            let dest = dir.appendingPathComponent(renamed.description + ".skeleton")
            try Data(text).write(to: dest)
            out.append(dest)
        }
        return (out, parsed.count)
    }
}
