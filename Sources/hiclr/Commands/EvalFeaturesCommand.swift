import ArgumentParser
import CounterRandom
import Foundation
import Loader
import SkeletonCore
import TensorModule
import Train

/// `hiclr eval features`: the frozen encoder's pooled features of one part, for the user's own probes.
struct EvalFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write the frozen encoder's pooled features of one part to an HDF5 file.",
        discussion: """
        The file holds `features` (N, hidden_dim) float32, `label` (N) int64 and `name` (N) strings, rows in shard \
        order; the encoder runs in evaluation mode (running batch-norm statistics, no dropout) on the stream the \
        checkpoint was trained on unless --stream says otherwise. Read it with h5py: \
        `h5py.File("f.h5")["features"][()]`.
        """)

    @Option(help: "Checkpoint written by hiclr train (its encoder_q is used).")
    var checkpoint: String

    @OptionGroup var shardSet: ShardOptions

    @Option(help: "Part whose samples are encoded: train or val.")
    var part: Part

    @Option(help: "Input stream (default: the one the checkpoint was trained on).")
    var stream: SkeletonStream?

    @Option(help: "Output HDF5 file (written under a temporary name, renamed when complete).")
    var out: String

    @Option(help: "Samples per forward pass.")
    var batch: Int = 64

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
    }

    func run() throws {
        try runReporting {
            let encoder = try PretrainedEncoder(checkpoint: URL(fileURLWithPath: checkpoint))
            let source = try ShardSource.open(directory: URL(fileURLWithPath: shardSet.shards), benchmark: shardSet.benchmark,
                                               part: part)
            let model = try encoder.makeEncoder(head: .none, key: RandomKey(seed: 1))
            let input = stream ?? SkeletonStream(rawValue: encoder.stream) ?? .joint
            let set = try FeatureExtractor.extract(model, part: source, stream: input, batch: batch)
            try FeatureFile.write(set, attributes: ["checkpoint": checkpoint, "stream": input.rawValue,
                                                    "benchmark": source.benchmark.rawValue, "part": source.part.rawValue],
                                  to: URL(fileURLWithPath: out))
            print("\(source.benchmark)/\(source.part): \(set.count) samples × \(set.features.shape[1]) features "
                  + "[\(input.rawValue)] written to \(out)")
        }
    }
}
