import ArgumentParser
import Augment
import CounterRandom
import Foundation
import Loader
import Shards
import SkeletonCore
import TensorModule
import Train

extension SkeletonStream: ExpressibleByArgument {}

/// `hiclr eval`: the evaluation protocols of the paper on a pretrained (or random) encoder.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a pretrained encoder: knn, linear, semi, finetune; fuse stream scores with fusion; "
            + "export pooled features with features.",
        subcommands: [EvalKNNCommand.self, EvalLinearCommand.self, EvalSemiCommand.self, EvalFinetuneCommand.self,
                      EvalFusionCommand.self, EvalFeaturesCommand.self])
}

/// Options every protocol shares.
struct EvalSource: ParsableArguments {
    @Option(help: "Checkpoint written by hiclr train (encoder_q is evaluated).")
    var checkpoint: String?

    @Flag(help: "Evaluate a randomly initialised encoder instead (the baseline).")
    var random = false

    @OptionGroup var shardSet: ShardOptions

    @Option(help: "Part whose labels train the classifier / bank: train or val.")
    var trainPart: Part = .train

    @Option(help: "Part that is scored: train or val.")
    var testPart: Part = .val

    @Option(help: "Input stream (default: the one the checkpoint was trained on).")
    var stream: SkeletonStream?

    @Option(help: "Number of classes (default: the dataset's).")
    var classes: Int?

    @Option(help: "Seed (random encoder, classifier initialisation, sample order).")
    var seed: UInt64 = 1

    @Option(help: "Write the test scores (softmax) to this HDF5 file, for `hiclr eval fusion`.")
    var scores: String?

    func validate() throws {
        guard (checkpoint == nil) != !random else { throw ValidationError("give --checkpoint FILE or --random (one of them)") }
    }

    func encoder() throws -> PretrainedEncoder {
        if let checkpoint { return try PretrainedEncoder(checkpoint: URL(fileURLWithPath: checkpoint)) }
        return PretrainedEncoder(random: .init(), stream: (stream ?? .joint).rawValue)
    }

    func inputStream(_ encoder: PretrainedEncoder) -> SkeletonStream {
        stream ?? SkeletonStream(rawValue: encoder.stream) ?? .joint
    }

    func parts() throws -> (train: ShardPart, test: ShardPart, classes: Int) {
        let dir = URL(fileURLWithPath: shardSet.shards)
        let train = try ShardSource.open(directory: dir, benchmark: shardSet.benchmark, part: trainPart)
        let test = try ShardSource.open(directory: dir, benchmark: train.benchmark, part: testPart)
        let dataset = try ShardSet(directory: dir).manifest.dataset
        let count = classes ?? dataset.classCount
        return (train, test, count)
    }

    /// Pooled features of the train and test parts under this source's frozen encoder.
    func frozenFeatures() throws -> (encoder: PretrainedEncoder, test: ShardPart, classes: Int, train: FeatureSet, scored: FeatureSet) {
        let encoder = try encoder()
        let (train, test, classes) = try parts()
        let model = try encoder.makeEncoder(head: .none, key: RandomKey(seed: seed))
        let stream = inputStream(encoder)
        return (encoder, test, classes, try FeatureExtractor.extract(model, part: train, stream: stream),
                try FeatureExtractor.extract(model, part: test, stream: stream))
    }

    /// Prints the accuracy of `tensor` on `test` and writes the scores when asked to.
    func report(_ protocolName: String, scores tensor: Tensor, test: ShardPart, encoder: PretrainedEncoder) throws {
        let accuracy = Accuracy(scores: tensor, labels: test.labels)
        print("\(protocolName) \(test.benchmark)/\(test.part) [\(encoder.source), stream \(inputStream(encoder).rawValue)]: \(accuracy)")
        if let path = scores {
            try ScoreFile(scores: tensor, labels: test.labels, names: test.names,
                          attributes: ["protocol": protocolName, "stream": inputStream(encoder).rawValue,
                                       "source": encoder.source]).write(to: URL(fileURLWithPath: path))
            print("scores written to \(path)")
        }
    }
}

func runReporting(_ body: () throws -> Void) throws {
    do { try body() } catch let exit as ExitCode { throw exit } catch {
        printError("error: \(FileProblem.sentence(for: error))")
        throw ExitCode.failure
    }
}
