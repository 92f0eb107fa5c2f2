import ArgumentParser
import Bench
import Foundation
import Preprocess

/// `hiclr bench convert`: conversion speed on a replicated fixture set, against baselines measured in the
/// same run (reading the bytes only; parsing only; parsing + preprocessing without writing).
struct BenchConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Measure convert throughput (samples/s, MB/s, peak memory) on replicated NTU fixtures.",
        discussion: """
        Copies the .skeleton files under --raw under new sample names until there are at least --samples of \
        them (as NTU120 names, so setups and performers can vary), each with --frames frames (the source's \
        frames repeated; only sources with 1-2 bodies per frame), then times, in one run: reading the bytes, \
        parsing, parsing + preprocessing, the full conversion with 1 and --workers workers (raw frames kept) \
        and with --workers workers without raw frames (the cost of --keep-raw), `export reference` of the \
        result, and with --reference the reference raw-data script (tools/ntu_gendata.py of that HiCLR \
        checkout, run with --python) on the same files. Prints wall-clock and CPU time, samples/s, MB/s of \
        text, and ratios against the byte-reading baseline and the reference script.
        """)

    @Option(help: "Folder with NTU .skeleton files to replicate.")
    var raw: String = "fixtures/ntu60"

    @Option(help: "Samples to convert (at least).")
    var samples: Int = 2400

    @Option(help: "Worker threads for the parallel run (default: all cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Preprocessing mode.")
    var mode: PreprocessMode = .reference

    @Option(help: "Frames of every replicated file (the source's frames repeated in order); 0: the files as they are.")
    var frames: Int = ConvertBenchmark.representativeFrames

    @Option(help: "A JHang2020/HiCLR checkout: time its tools/ntu_gendata.py on the same files.")
    var reference: String?

    @Option(help: "Python interpreter for --reference (needs NumPy).")
    var python: String = "/usr/bin/python3"

    @Option(help: "Scratch folder (default: a new temporary folder, removed afterwards).")
    var scratch: String?

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard frames >= 0 else { throw ValidationError("--frames must be 0 (files as they are) or more") }
    }

    func run() throws {
        let options = ConvertBenchmark.Options(
            raw: URL(fileURLWithPath: raw), samples: samples, workers: workers, mode: mode,
            frames: frames == 0 ? nil : frames,
            reference: reference.map { ReferenceScriptRun(checkout: URL(fileURLWithPath: $0), python: python) },
            scratch: scratch.map { URL(fileURLWithPath: $0) })
        let result = try benchValidation {
            try ConvertBenchmark.run(options) { prepared in
                let shape = prepared.frames.map { "\($0) frames each, from \(prepared.sources) source files with 1–2 bodies" }
                    ?? "from \(prepared.sources) source files as they are"
                print("bench convert: \(prepared.samples) samples (\(shape)), "
                      + String(format: "%.1f MB of .skeleton text, %.0f KB per file", Double(prepared.bytes) / 1e6,
                               Double(prepared.bytes) / 1e3 / Double(max(1, prepared.samples))))
            }
        }
        print("  (wall s; samples/s and MB/s of text by wall clock; CPU s of all threads; samples per CPU second)")
        for row in result.rows {
            print(String(format: "  %@ %8.3f s %8.0f samples/s %7.1f MB/s %6.2f× read time  CPU %7.3f s %6.0f samples/CPU-s",
                         row.name.padding(toLength: 34, withPad: " ", startingAt: 0) as NSString, row.seconds,
                         row.samplesPerSecond, row.megabytesPerSecond, row.readTimeRatio, row.time.cpu,
                         row.samplesPerCPUSecond))
        }
        print(String(format: "  --keep-raw costs %+.1f%% time and %+.1f%% shard bytes (%.1f MB vs %.1f MB)",
                     result.keepRawTimeCost * 100, result.keepRawByteCost * 100,
                     Double(result.shardBytes) / 1e6, Double(result.shardBytesWithoutRaw) / 1e6))
        if let e = result.export {
            print(String(format: "  export reference (1 thread)         %8.3f s %9.0f samples/s %8.1f MB/s written (%d files, %.1f MB)",
                         e.seconds, e.samplesPerSecond, e.megabytesPerSecond, e.files, Double(e.bytes) / 1e6))
        }
        print(String(format: "  speed-up %d workers vs 1: %.2f×; shards %.1f MB; %d samples written per benchmark side",
                     result.workers, result.speedUp, Double(result.shardBytes) / 1e6, result.samplesWritten))
        if let r = result.reference {
            print(String(format: "  reference tools/ntu_gendata.py (1 process)  %8.3f s %8.1f samples/s  CPU %7.3f s",
                         r.time.wall, r.samplesPerSecond, r.time.cpu))
            print(String(format: "  convert with %d workers vs the reference script on the same files: %.1f× by wall clock, %.1f× by CPU time (target ≥ 20×)",
                         result.workers, r.speedUp, r.cpuSpeedUp))
        }
        print(String(format: "  official Python pipeline on this machine: about 50 samples/s → %.0f× faster; target ≥ 1,000 samples/s and ≥ 250 MB/s",
                     result.officialPythonSpeedUp))
        print(String(format: "  peak RSS %.0f MiB; rejected in preprocessing: %d (%d in convert); bytes+frames read %d",
                     result.peakRSSMiB, result.rejectedInPreprocessing, result.rejectedInConvert, result.checksum))
    }
}
