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
        let options = ConvertBenchmark.Options(raw: URL(fileURLWithPath: raw), samples: samples, workers: workers, mode: mode,
                                               scratch: scratch.map { URL(fileURLWithPath: $0) })
        let result = try benchValidation {
            try ConvertBenchmark.run(options) { prepared in
                print("bench convert: \(prepared.samples) samples, \(String(format: "%.1f", Double(prepared.bytes) / 1e6)) MB of .skeleton text")
            }
        }
        for row in result.rows {
            print(String(format: "  %@ %8.3f s %9.0f samples/s %8.1f MB/s  %6.2f× read time",
                         row.name.padding(toLength: 34, withPad: " ", startingAt: 0) as NSString, row.seconds,
                         row.samplesPerSecond, row.megabytesPerSecond, row.readTimeRatio))
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
        print(String(format: "  official Python pipeline on this machine: about 50 samples/s → %.0f× faster; target ≥ 1,000 samples/s and ≥ 250 MB/s",
                     result.officialPythonSpeedUp))
        print(String(format: "  peak RSS %.0f MiB; rejected in preprocessing: %d (%d in convert); bytes+frames read %d",
                     result.peakRSSMiB, result.rejectedInPreprocessing, result.rejectedInConvert, result.checksum))
    }
}
