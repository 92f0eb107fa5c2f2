import ArgumentParser
import Convert
import Export
import Foundation
import Preprocess
import RawData

/// `hiclr bench convert`: conversion speed on a replicated fixture set, against baselines measured in the
/// same run (reading the bytes only; parsing only; parsing + preprocessing without writing).
struct BenchConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Measure convert throughput (samples/s, MB/s, peak memory) on replicated NTU fixtures.",
        discussion: """
        Copies the .skeleton files under --raw under new sample names until there are at least --samples of \
        them (as NTU120 names, so setups and performers can vary), then times, in one run: reading the bytes, \
        parsing, parsing + preprocessing, the full conversion with 1 and --workers workers (raw frames kept) \
        and with --workers workers without raw frames (the cost of --keep-raw), and `export reference` of the \
        result. Prints ratios against the byte-reading baseline.
        """)

    @Option(help: "Folder with NTU .skeleton files to replicate.")
    var raw: String = "fixtures/ntu60"

    @Option(help: "Samples to convert (at least).")
    var samples: Int = 2400

    @Option(help: "Worker threads for the parallel run (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Preprocessing mode.")
    var mode: PreprocessMode = .reference

    @Option(help: "Scratch folder (default: a new temporary folder, removed afterwards).")
    var scratch: String?

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        let fm = FileManager.default
        let root = scratch.map { URL(fileURLWithPath: $0) }
            ?? fm.temporaryDirectory.appendingPathComponent("hiclr-bench-\(UUID().uuidString)")
        let rawDir = root.appendingPathComponent("raw")
        try fm.createDirectory(at: rawDir, withIntermediateDirectories: true)
        defer { if scratch == nil { try? fm.removeItem(at: root) } }

        let files = try replicate(into: rawDir)
        let bytes = files.reduce(0) { $0 + (((try? fm.attributesOfItem(atPath: $1.path))?[.size] as? Int) ?? 0) }
        print("bench convert: \(files.count) samples, \(String(format: "%.1f", Double(bytes) / 1e6)) MB of .skeleton text")

        var sink = 0
        let tRead = try measureSeconds { for f in files { sink &+= try Data(contentsOf: f).count } }
        let tParse = try measureSeconds { for f in files { sink &+= try NTUSkeletonReader.read(f).frameCount } }
        let pre = Preprocessor(mode: mode, trim: .first)
        var rejected = 0
        let tPre = try measureSeconds {
            for f in files {
                let seq = try NTUSkeletonReader.read(f)
                if (try? pre.process(seq)) == nil { rejected += 1 }
            }
        }
        func convert(_ w: Int, keepRaw: Bool = true) throws -> (Double, ConvertReport) {
            let out = root.appendingPathComponent("out-\(w)\(keepRaw ? "" : "-noraw")")
            var options = ConvertOptions(dataset: .ntu120, raw: rawDir, out: out, mode: mode, workers: w, overwrite: true)
            options.keepRaw = keepRaw
            var report = ConvertReport()
            let t = try measureSeconds { report = try Converter(options: options).run() }
            return (t, report)
        }
        let (t1, r1) = try convert(1)
        let (tN, rN) = try convert(workers)
        let (tNoRaw, rNoRaw) = try convert(workers, keepRaw: false)
        var exportReport: ReferenceExporter.Report?
        let tExport = mode == .reference ? try measureSeconds {
            exportReport = try ReferenceExporter(shards: root.appendingPathComponent("out-\(workers)"),
                                                 out: root.appendingPathComponent("export")).run()
        } : 0
        let n = Double(files.count)
        func row(_ name: String, _ t: Double) -> String {
            String(format: "  %@ %8.3f s %9.0f samples/s %8.1f MB/s  %6.2f× read time", name.padding(toLength: 34, withPad: " ", startingAt: 0) as NSString, t, n / t,
                   Double(bytes) / 1e6 / t, t / tRead)
        }
        print(row("read bytes only (baseline)", tRead))
        print(row("parse", tParse))
        print(row("parse + preprocess (1 thread)", tPre))
        print(row("convert end to end, 1 worker", t1))
        print(row("convert end to end, \(workers) workers", tN))
        print(row("convert, \(workers) workers, --no-keep-raw", tNoRaw))
        print(String(format: "  --keep-raw costs %+.1f%% time and %+.1f%% shard bytes (%.1f MB vs %.1f MB)",
                     (tN / tNoRaw - 1) * 100, (Double(rN.bytesWritten) / Double(max(1, rNoRaw.bytesWritten)) - 1) * 100,
                     Double(rN.bytesWritten) / 1e6, Double(rNoRaw.bytesWritten) / 1e6))
        if let e = exportReport {
            print(String(format: "  export reference (1 thread)         %8.3f s %9.0f samples/s %8.1f MB/s written (%d files, %.1f MB)",
                         tExport, Double(e.samples.values.reduce(0, +)) / tExport, Double(e.bytes) / 1e6 / tExport,
                         e.files.count, Double(e.bytes) / 1e6))
        }
        print(String(format: "  speed-up %d workers vs 1: %.2f×; shards %.1f MB; %d samples written per benchmark side",
                     workers, t1 / tN, Double(rN.bytesWritten) / 1e6, rN.samples))
        print(String(format: "  official Python pipeline on this machine: about 50 samples/s → %.0f× faster; target ≥ 1,000 samples/s and ≥ 250 MB/s",
                     n / tN / 50))
        print(String(format: "  peak RSS %.0f MiB; rejected in preprocessing: %d (%d in convert); bytes+frames read %d",
                     peakRSSMiB(), rejected, r1.rejected.count, sink))
    }

    /// Copies the source files under distinct NTU120 names until `samples` exist.
    func replicate(into dir: URL) throws -> [URL] {
        let sources = try FileManager.default.contentsOfDirectory(at: URL(fileURLWithPath: raw), includingPropertiesForKeys: nil)
            .flatMap { url -> [URL] in
                url.pathExtension == "skeleton" ? [url]
                    : ((try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [])
                        .filter { $0.pathExtension == "skeleton" }
            }
            .sorted { $0.path < $1.path }
        let parsed = sources.compactMap { url in (try? NTUSampleName(parsing: url.lastPathComponent)).map { (url, $0) } }
        guard !parsed.isEmpty else { throw ValidationError("no NTU .skeleton files under \(raw)") }
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
