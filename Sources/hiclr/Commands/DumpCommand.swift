import Augment
import Dump
import ArgumentParser
import Foundation
import Shards
import SkeletonCore

/// `hiclr dump`: augment a few samples of a shard set with a pipeline and write the views (HDF5, optional PNG),
/// with every drawn parameter recorded, to look at what a pipeline does.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Write the augmented views of some samples (HDF5 + optional PNG) with their drawn parameters.",
        discussion: """
        Reads the selected samples of one benchmark part of --shards, applies every branch of --pipeline with \
        the random streams of (--seed, --epoch, sample index), and writes OUT/views.h5: the pipeline text, seed \
        and epoch as root attributes; per sample and branch the view's streams, the joint mask if any, and a \
        `records` attribute (JSON) with what every stage drew. --png adds OUT/sample_<index>.png: one row per \
        view (the source first), hidden joints ringed in red. A two-sample stage's partner is sample \
        (partner number mod part size) of the same part.
        """)

    @OptionGroup var shardSet: ShardOptions

    @Option(help: shippedHelp(.pipeline, "Pipeline"))
    var pipeline: String

    @Option(help: "Run seed (unsigned 64-bit).")
    var seed: UInt64

    @Option(help: "Epoch whose draws to show.")
    var epoch: Int = 0

    @Option(help: "Sample indices within the part: e.g. 0-15, 7 or 0-3,8 (default: the first 16, or all if fewer).")
    var samples: String?

    @Option(help: "Part: train or val (default: the manifest's first part).")
    var part: Part?

    @Option(help: "Output folder (created if needed).")
    var out: String

    @Flag(help: "Skip re-hashing the part's shards against the manifest (structural checks still run).")
    var noVerify = false

    @Flag(help: "Also render each sample's views as a PNG contact sheet.")
    var png = false

    @Option(help: "Frames per PNG row.")
    var pngFrames: Int = 8

    func validate() throws {
        if let samples, parseSampleRanges(samples) == nil {
            throw ValidationError("--samples \"\(samples)\": expected indices and ranges like 0-15 or 0-3,8")
        }
        guard epoch >= 0 else { throw ValidationError("--epoch must be at least 0") }
        guard pngFrames >= 1, pngFrames <= 64 else { throw ValidationError("--png-frames must be in 1...64") }
    }

    func run() throws {
        do {
            try dump()
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(FileProblem.sentence(for: error))\n".utf8))
            throw ExitCode.failure
        }
    }

    private func dump() throws {
        let pipelineURL = try PipelineLoader.locate(pipeline)
        let pipelineText = try FileProblem.readText(pipelineURL.path, kind: "pipeline file")
        let parsed = try PipelineLoader.parse(pipelineText, file: pipelineURL.path)
        let shards = shardSet.shards
        let set = try ShardSet(directory: URL(fileURLWithPath: shards))
        guard let first = set.parts.first else {
            throw InputError(file: shards, "the manifest lists no benchmark parts")
        }
        let benchmark = shardSet.benchmark ?? first.benchmark
        let part = self.part ?? first.part
        if !noVerify {
            for record in set.manifest.shards(benchmark: benchmark, part: part) {
                if let problem = try set.checksumProblems(of: record).first {
                    throw InputError(file: problem.file, "checksum mismatch: \(problem.message) (corrupted or replaced; re-run convert)")
                }
            }
        }
        let data = try set.samples(benchmark: benchmark, part: part)
        let indices = samples.flatMap(parseSampleRanges) ?? defaultDumpSamples(partSize: data.count)
        if let bad = indices.first(where: { $0 >= data.count }) {
            throw InputError(file: shards, field: "\(benchmark)/\(part)",
                             "sample \(bad) is outside 0..<\(data.count); choose --samples within it")
        }
        let needsShardStreams = parsed.streams.derive == .fromShard
        var chosen: [DumpSample] = []
        for i in indices {
            var streams: [SkeletonStream: SkeletonClip] = [:]
            if needsShardStreams {
                for stream in parsed.streams.names where stream != .joint {
                    streams[stream] = try data.read(stream, sample: i)
                }
            }
            chosen.append(DumpSample(index: i, name: data.names[i], label: data.labels[i],
                                     joint: try data.read(.joint, sample: i), shardStreams: streams))
        }
        let dump = ViewDump(pipelineText: pipelineText, pipelinePath: pipeline, pipeline: parsed, seed: seed,
                            epoch: epoch, source: "\(shards) \(benchmark)/\(part)")
        let written = try dump.write(chosen, to: URL(fileURLWithPath: out), png: png, frames: pngFrames) { number in
            try? data.read(.joint, sample: number % data.count)
        }
        print("dump: \(chosen.count) samples × \(parsed.branches.count) views (\(parsed.branches.map(\.name).joined(separator: ", "))) "
              + "from \(benchmark)/\(part), seed \(seed), epoch \(epoch)")
        for url in written.prefix(5) { print("  \(url.path)") }
        if written.count > 5 { print("  … and \(written.count - 5) more") }
    }
}
