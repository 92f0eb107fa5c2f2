import Convert
import Export
import Foundation
import Preprocess
import RawData

/// Conversion speed on a replicated fixture set, against baselines measured in the same run (reading the bytes
/// only; parsing only; parsing + preprocessing without writing), as `hiclr bench convert` prints it.
public enum ConvertBenchmark {
    public struct Options: Sendable {
        /// Folder with NTU .skeleton files (directly or one folder down) to replicate.
        public var raw: URL
        /// Samples to convert (at least; fewer only when the names run out).
        public var samples: Int
        /// Worker threads for the parallel runs.
        public var workers: Int
        public var mode: PreprocessMode
        /// Scratch folder, kept afterwards; nil: a new temporary folder, removed afterwards.
        public var scratch: URL?

        public init(raw: URL, samples: Int = 2400, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                    mode: PreprocessMode = .reference, scratch: URL? = nil) {
            self.raw = raw; self.samples = samples; self.workers = workers; self.mode = mode; self.scratch = scratch
        }
    }

    /// One timed pass over every replicated file.
    public struct Row: Sendable {
        public var name: String
        public var seconds: Double
        public var samplesPerSecond: Double
        /// Megabytes (10^6) of .skeleton text per second.
        public var megabytesPerSecond: Double
        /// `seconds` over the byte-reading baseline's.
        public var readTimeRatio: Double
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

    /// Printed before the timed runs.
    public struct Prepared: Sendable {
        public var samples: Int
        /// Bytes of .skeleton text in the replicated set.
        public var bytes: Int
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
        let scratch = ScratchFolder(options.scratch, prefix: "hiclr-bench")
        let root = scratch.root
        let rawDir = root.appendingPathComponent("raw")
        try fm.createDirectory(at: rawDir, withIntermediateDirectories: true)
        defer { scratch.cleanUp() }

        let files = try replicate(options.raw, samples: options.samples, into: rawDir)
        let bytes = files.reduce(0) { $0 + (((try? fm.attributesOfItem(atPath: $1.path))?[.size] as? Int) ?? 0) }
        prepared(Prepared(samples: files.count, bytes: bytes))

        var sink = 0
        let tRead = try Measure.seconds { for f in files { sink &+= try Data(contentsOf: f).count } }
        let tParse = try Measure.seconds { for f in files { sink &+= try NTUSkeletonReader.read(f).frameCount } }
        let pre = Preprocessor(mode: options.mode, trim: .first)
        var rejected = 0
        let tPre = try Measure.seconds {
            for f in files {
                let seq = try NTUSkeletonReader.read(f)
                if (try? pre.process(seq)) == nil { rejected += 1 }
            }
        }
        func convert(_ w: Int, keepRaw: Bool = true) throws -> (Double, ConvertReport) {
            let out = root.appendingPathComponent("out-\(w)\(keepRaw ? "" : "-noraw")")
            var convertOptions = ConvertOptions(dataset: .ntu120, raw: rawDir, out: out, mode: options.mode, workers: w,
                                                overwrite: true)
            convertOptions.keepRaw = keepRaw
            var report = ConvertReport()
            let t = try Measure.seconds { report = try Converter(options: convertOptions).run() }
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
        func row(_ name: String, _ t: Double) -> Row {
            Row(name: name, seconds: t, samplesPerSecond: n / t, megabytesPerSecond: Double(bytes) / 1e6 / t,
                readTimeRatio: t / tRead)
        }
        return Result(
            samples: files.count, bytes: bytes, workers: workers,
            rows: [row("read bytes only (baseline)", tRead),
                   row("parse", tParse),
                   row("parse + preprocess (1 thread)", tPre),
                   row("convert end to end, 1 worker", t1),
                   row("convert end to end, \(workers) workers", tN),
                   row("convert, \(workers) workers, --no-keep-raw", tNoRaw)],
            keepRawTimeCost: tN / tNoRaw - 1,
            keepRawByteCost: Double(rN.bytesWritten) / Double(max(1, rNoRaw.bytesWritten)) - 1,
            shardBytes: rN.bytesWritten, shardBytesWithoutRaw: rNoRaw.bytesWritten,
            export: export, speedUp: t1 / tN, samplesWritten: rN.samples,
            officialPythonSpeedUp: n / tN / officialPythonSamplesPerSecond,
            peakRSSMiB: Measure.peakRSSMiB(), rejectedInPreprocessing: rejected, rejectedInConvert: r1.rejected.count,
            checksum: sink)
    }

    /// Copies the .skeleton files under `raw` (directly or one folder down) into `dir` under distinct NTU120
    /// names (setups and performers varied) until `samples` exist, or the names run out.
    public static func replicate(_ raw: URL, samples: Int, into dir: URL) throws -> [URL] {
        let sources = try FileManager.default.contentsOfDirectory(at: raw, includingPropertiesForKeys: nil)
            .flatMap { url -> [URL] in
                url.pathExtension == "skeleton" ? [url]
                    : ((try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [])
                        .filter { $0.pathExtension == "skeleton" }
            }
            .sorted { $0.path < $1.path }
        let parsed = sources.compactMap { url in (try? NTUSampleName(parsing: url.lastPathComponent)).map { (url, $0) } }
        guard !parsed.isEmpty else { throw BenchError("no NTU .skeleton files under \(raw.relativePath)") }
        var used = Set<String>()
        var out: [URL] = []
        var k = 0
        while out.count < samples {
            let (url, name) = parsed[k % parsed.count]
            let copy = k / parsed.count
            let renamed = NTUSampleName(setup: 1 + copy % 32, camera: name.camera, performer: 1 + (copy / 32 + name.performer) % 106,
                                        replication: name.replication, action: name.action)
            k += 1
            guard used.insert(renamed.description).inserted else {
                if k > samples * 4 { break }
                continue
            }
            let dest = dir.appendingPathComponent(renamed.description + ".skeleton")
            try FileManager.default.copyItem(at: url, to: dest)
            out.append(dest)
        }
        return out
    }
}
