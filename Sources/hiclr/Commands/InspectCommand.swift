import ArgumentParser
import Foundation
import SkeletonCore
import Shards

/// `hiclr inspect`: what a shard directory holds, and with --verify whether it is intact.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise a shard directory (manifest.json) and optionally verify every file.",
        discussion: """
        Prints the dataset, mode, conversion options and counters, and per benchmark part the sample count, \
        shard files and label histogram. --verify re-hashes every shard (sha256 against the manifest), reopens \
        it and checks shapes, sample counts, labels and that every stored float is finite; it exits with status 1 when anything is wrong.
        """)

    @Argument(help: "Shard directory (holds manifest.json).")
    var directory: String

    @Flag(help: "Check every shard's sha256, shapes, counts and labels against the manifest.")
    var verify = false

    @Flag(help: "Print the manifest's conversion counters too.")
    var counters = false

    func run() throws {
        let set: ShardSet
        do { set = try ShardSet(directory: URL(fileURLWithPath: directory)) } catch {
            printError("error: \(FileProblem.sentence(for: error))")
            throw ExitCode.failure
        }
        let m = set.manifest
        print("\(directory): \(m.format) v\(m.formatVersion), dataset \(m.dataset), mode \(m.mode), written by \(m.toolVersion)")
        let options = m.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        print("  options: \(options)")
        let totalBytes = m.shards.reduce(0) { $0 + $1.bytes }
        print(String(format: "  %d shard files, %.1f MB", m.shards.count, Double(totalBytes) / 1e6))
        for part in m.parts {
            let classes = part.labelHistogram.count
            let top = part.labelHistogram.sorted { Int($0.key)! < Int($1.key)! }
                .map { "\($0.key):\($0.value)" }.joined(separator: " ")
            print("  \(part.benchmark)/\(part.part): \(part.count) samples in \(part.shards) shard(s), \(classes) classes")
            print("    labels \(top)")
        }
        if counters {
            for (k, v) in m.report.sorted(by: { $0.key < $1.key }) { print("  \(k): \(v)") }
        }
        guard verify else { return }
        let bar = ProgressBar(label: "verify", total: m.shards.count, unit: "files")
        let problems = try set.verify { done, _, _ in bar.update(done) }
        bar.finish()
        if problems.isEmpty {
            print("  verified: every sha256, shape, count and label histogram matches the manifest, every value is finite")
        } else {
            for p in problems { printError("  problem: \(p)") }
            printError("verify failed: \(problems.count) problem(s)")
            throw ExitCode.failure
        }
    }
}
