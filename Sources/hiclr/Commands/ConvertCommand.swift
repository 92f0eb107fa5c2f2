import ArgumentParser
import Convert
import Foundation
import Preprocess
import SkeletonCore

extension PreprocessMode: ExpressibleByArgument {}

/// `hiclr convert`: a raw dataset folder (`hiclr convert <dataset> --raw DIR`, the default subcommand) or a PYSKL
/// annotation file (`hiclr convert pyskl --pkl FILE`) → HDF5 shards + manifest.json.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a raw NTU RGB+D 60/120 or PKU-MMD dataset folder, or a PYSKL annotation file, into HDF5 shards.",
        discussion: """
        hiclr convert <dataset> --raw DIR --out DIR     (ntu60, ntu120, pku1, pku2; options: hiclr convert raw --help)
        hiclr convert pyskl --pkl FILE.pkl --out DIR    (options: hiclr convert pyskl --help)
        """,
        subcommands: [ConvertRawCommand.self, ConvertPysklCommand.self],
        defaultSubcommand: ConvertRawCommand.self)
}

/// `hiclr convert <dataset> --raw DIR --out DIR` (also `hiclr convert raw <dataset> ...`).
struct ConvertRawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raw",
        abstract: "Convert a raw NTU RGB+D 60/120 or PKU-MMD dataset folder into HDF5 shards (the default: `hiclr convert <dataset> ...`).",
        discussion: """
        Reads every raw file under --raw (NTU: *.skeleton files, any depth; PKU-MMD: sub-folders whose names \
        contain "skeleton", "label" and "split"), preprocesses each sample to (3, 50, 25, 2) joint, bone and \
        motion streams, and writes <benchmark>_<part>_NNNNN.h5 shards and manifest.json into --out. \
        Bad files are reported and skipped (--strict stops at the first one). Output is byte-identical for any \
        --workers.
        """)

    @Argument(help: "Dataset: ntu60, ntu120, pku1 or pku2.")
    var dataset: DatasetKind

    @Option(help: "Folder holding the raw files.")
    var raw: String

    @Option(parsing: .upToNextOption,
            help: "Benchmarks to write (default: all of the dataset's: NTU60 xsub xview, NTU120 xsub xset, PKU-MMD xsub xview).")
    var benchmark: [Benchmark] = []

    @Option(help: "NTU list of samples with missing skeletons to skip: the published file as it is (prose header, then one name per line).")
    var missing: String?

    @Option(help: "PKU-MMD folder with cross-subject.txt and cross-view.txt (phase 2: cross_subject_v2.txt, cross_view_v2.txt) (default: a 'split' sub-folder of --raw). A video not in a training list is a test video, as the reference.")
    var splits: String?

    @OptionGroup var output: ConvertOutputOptions

    @Option(help: "Also write the full report (every rejection) as JSON to this file.")
    var report: String?

    func validate() throws {
        for b in benchmark where !dataset.benchmarks.contains(b) {
            throw ValidationError("benchmark \(b.rawValue) is not defined for \(dataset.rawValue) (use \(dataset.benchmarks.map(\.rawValue).joined(separator: " or ")))")
        }
        if missing != nil && !dataset.isNTU { throw ValidationError("--missing applies to NTU datasets only") }
        if splits != nil && dataset.isNTU { throw ValidationError("--splits applies to PKU-MMD only") }
    }

    func run() throws {
        let options = output.options(dataset: dataset, raw: URL(fileURLWithPath: raw), benchmarks: benchmark,
                                     missing: missing.map { URL(fileURLWithPath: $0) },
                                     splits: splits.map { URL(fileURLWithPath: $0) })
        var bar: ProgressBar?
        let result: ConvertReport
        do {
            result = try Converter(options: options).run { p in
                if bar == nil { bar = ProgressBar(label: "convert", total: p.filesTotal, unit: "files") }
                bar?.update(p.filesDone, extra: "\(p.samplesWritten) samples")
            }
            bar?.finish()
        } catch {
            bar?.finish()
            if case ConvertError.nothingWritten(let partial) = error { print(Self.summary(partial, out: output.out)) }
            printError("error: \(FileProblem.sentence(for: error))")
            throw ExitCode.failure
        }
        print(Self.summary(result, out: output.out))
        if let path = report {
            // The conversion is complete at this point: a report that cannot be written is a warning.
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(result).write(to: URL(fileURLWithPath: path))
            } catch {
                printError("warning: \(Printable.escaped(path)): cannot write the report "
                           + "(\(FileProblem.describe(error, path: path))); the conversion itself is complete")
            }
        }
    }

    static func summary(_ r: ConvertReport, out: String) -> String {
        var lines = r.notes.map { "note: " + Printable.escaped($0) }
        lines += [String(format: "read %d files, %d samples in %.2f s (%.0f samples/s, %.1f MB/s read)",
                            r.filesRead, r.samples, r.seconds, r.samplesPerSecond,
                            Double(r.bytesRead) / 1e6 / max(r.seconds, 1e-3))]
        for key in r.written.keys.sorted() { lines.append("  wrote \(key): \(r.written[key]!) samples") }
        lines.append("  skipped (missing-skeleton list): \(r.skippedMissing)")
        if r.skippedOtherDataset > 0 {
            lines.append("  skipped (samples of the other NTU dataset): \(r.skippedOtherDataset)")
        }
        for key in r.videosNotInSplit.keys.sorted() {
            lines.append("  \(key): \(r.videosNotInSplit[key]!) videos in neither list of the split file, put in the test part as the reference does")
        }
        lines.append("  rejected: \(r.rejected.count)" + (r.rejectedByReason.isEmpty ? "" : " (" +
            r.rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"))
        for line in r.rejected.prefix(20) { lines.append("    " + Printable.escaped(line)) }
        if r.rejected.count > 20 { lines.append("    … \(r.rejected.count - 20) more (use --report FILE for all)") }
        if !r.decisions.isEmpty {
            lines.append("  clean-mode decisions: " + r.decisions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        lines.append(String(format: "  %.1f MB of shards in %@", Double(r.bytesWritten) / 1e6, out))
        return lines.joined(separator: "\n")
    }
}
