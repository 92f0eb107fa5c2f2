import ArgumentParser
import Export
import Foundation

/// `hiclr export`: shards to the files other trainers read.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write shards as the data files other trainers read.",
        subcommands: [ExportReferenceCommand.self, ExportPysklCommand.self])
}

/// `hiclr export reference --shards DIR --out DIR`.
struct ExportReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Write the reference HiCLR/AimCLR/CrosSCLR data files from reference-mode shards.",
        discussion: """
        Writes, for every benchmark part of the shards, <out>/<benchmark>/<part>_data.npy (float32 \
        N×3×300×25×2) and <part>_label.pkl (names, labels) as the reference raw-data scripts do, and \
        <part>_position.npy, <part>_motion.npy (float32 N×3×50×25×2) and <part>_label.npy (int64 N×1) as its \
        50-frame step does. Samples are sorted by the reference's file names. Every file is written under a \
        temporary name and renamed when complete.
        """)

    @Option(help: "Shard directory (from `hiclr convert --mode reference`, raw frames kept).")
    var shards: String

    @Option(help: "Output folder (one sub-folder per benchmark).")
    var out: String

    @Flag(help: "Write only the 50-frame files (for shards converted with --no-keep-raw).")
    var noRawStep = false

    func run() throws {
        var exporter = ReferenceExporter(shards: URL(fileURLWithPath: shards), out: URL(fileURLWithPath: out))
        exporter.rawStep = !noRawStep
        var bar: ProgressBar?
        var label = ""
        let report: ReferenceExporter.Report
        do {
            report = try exporter.run { part, done, total in
                if part != label { bar?.finish(); bar = ProgressBar(label: part, total: total, unit: "samples"); label = part }
                bar?.update(done, extra: "")
            }
            bar?.finish()
        } catch {
            bar?.finish()
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let samples = report.samples.values.reduce(0, +)
        print(String(format: "exported %d samples (%@) into %d files, %.1f MB in %.2f s (%.1f MB/s)", samples,
                     report.samples.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
                     report.files.count, Double(report.bytes) / 1e6, report.seconds,
                     Double(report.bytes) / 1e6 / max(report.seconds, 1e-3)))
    }
}
