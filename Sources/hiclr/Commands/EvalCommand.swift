import ArgumentParser
import Augment
import Foundation
import Loader
import Shards
import SkeletonCore
import Tensor
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

    @Option(help: "Shard directory (holds manifest.json).")
    var shards: String

    @Option(help: "Benchmark (default: the manifest's first).")
    var benchmark: String?

    @Option(help: "Part whose labels train the classifier / bank.")
    var trainPart: String = "train"

    @Option(help: "Part that is scored.")
    var testPart: String = "val"

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
        let dir = URL(fileURLWithPath: shards)
        let train = try ShardSource.open(directory: dir, benchmark: benchmark, part: trainPart)
        let test = try ShardSource.open(directory: dir, benchmark: train.benchmark, part: testPart)
        let dataset = try ShardSet(directory: dir).manifest.dataset
        let known = ["ntu60": 60, "ntu120": 120, "pku1": 51, "pku2": 41][dataset]
        let count = classes ?? known ?? ((train.labels + test.labels).max() ?? 0) + 1
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
        printError("error: \(error)")
        throw ExitCode.failure
    }
}

struct EvalKNNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knn", abstract: "Weighted k-nearest-neighbour accuracy of frozen pooled features (cosine).")
    @OptionGroup var source: EvalSource
    @Option(help: "Neighbours.") var k: Int = 200
    @Option(help: "Vote temperature.") var temperature: Float = 0.1

    func run() throws {
        try runReporting {
            let (encoder, test, classes, bank, queries) = try source.frozenFeatures()
            let scores = KNNClassifier(k: k, temperature: temperature).scores(train: bank, test: queries, classes: classes)
            try source.report("knn", scores: scores, test: test, encoder: encoder)
        }
    }
}

struct EvalLinearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linear",
        abstract: "Linear evaluation as the reference: frozen encoder (eval mode), fc trained by SGD + cross-entropy.",
        discussion: "Defaults: config/release/gcn_ntu60/linear_eval/linear_eval_hiclr_xsub_joint.yaml (docs/training-parity.md).")
    @OptionGroup var source: EvalSource
    @Option(help: "Epochs.") var epochs: Int = 100
    @Option(help: "Learning rate.") var lr: Float = 3.0
    @Option(parsing: .upToNextOption, help: "Epochs after which the learning rate drops ×0.1.") var milestones: [Int] = [80]
    @Option(help: "Batch size (the last partial batch of an epoch is dropped).") var batch: Int = 128
    @Option(help: "Weight decay.") var weightDecay: Float = 0
    @Flag(help: "Standardise features with the training set's mean and deviation first (not in the reference).")
    var standardise = false

    func run() throws {
        try runReporting {
            let (encoder, test, classes, train, scored) = try source.frozenFeatures()
            let probe = LinearProbe(epochs: epochs, learningRate: lr, milestones: milestones, batch: batch,
                                    weightDecay: weightDecay, standardise: standardise, seed: source.seed)
            let scores = probe.scores(train: train, test: scored, classes: classes)
            try source.report("linear", scores: scores, test: test, encoder: encoder)
        }
    }
}

/// Options of the two protocols that train the whole network (defaults: config/release/gcn_ntu60/finetune/
/// xsub_joint.yaml and processor/finetune_evaluation.py; docs/training-parity.md).
struct FinetuneOptions: ParsableArguments {
    @Option(help: "Epochs.") var epochs: Int = 70
    @Option(help: "Learning rate.") var lr: Float = 0.1
    @Option(help: "Linear warm-up epochs (lr · epoch / warmup while epoch < warmup).") var warmup: Int = 5
    @Option(parsing: .upToNextOption, help: "Epochs from which the learning rate drops ×0.1 (epoch ≥ milestone).")
    var milestones: [Int] = [30, 55]
    @Option(help: "Batch size (the last partial batch of an epoch is dropped).") var batch: Int = 64
    @Option(help: "Weight decay.") var weightDecay: Float = 1e-4
    @Flag(inversion: .prefixedNo, help: "Nesterov momentum (the reference processor's default).") var nesterov = true
    @Option(help: "Loader worker threads (with --pipeline).") var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Augmentation pipeline (its first branch augments the training samples); none by default, as the reference's finetune feeder.")
    var pipeline: String?

    func run(_ source: EvalSource, name: String, fraction: Double?) throws {
        let encoder = try source.encoder()
        let (train, test, classes) = try source.parts()
        let subset = fraction.map { SemiSupervisedSplit.indices(labels: train.labels, fraction: $0, seed: source.seed) }
        var tuner = Finetuner()
        tuner.epochs = epochs; tuner.learningRate = lr; tuner.warmupEpochs = warmup; tuner.milestones = milestones
        tuner.batch = batch; tuner.weightDecay = weightDecay; tuner.nesterov = nesterov
        tuner.workers = workers; tuner.seed = source.seed
        print("\(name): \(subset?.count ?? train.count) labelled training samples, \(epochs) epochs")
        let bar = ProgressBar(label: name, total: epochs, unit: "epochs")
        let scores = try tuner.scores(encoder: encoder, train: train, subset: subset, test: test,
                                      stream: source.inputStream(encoder), classes: classes,
                                      pipeline: try pipeline.map { try PipelineLoader.load(path: $0) }) { epoch, loss in
            bar.update(epoch, extra: String(format: "loss %.4f", loss))
        }
        bar.finish()
        try source.report(name, scores: scores, test: test, encoder: encoder)
    }
}

struct EvalSemiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semi", abstract: "Semi-supervised: finetune on a class-balanced labelled fraction (1% or 10%).")
    @OptionGroup var source: EvalSource
    @OptionGroup var options: FinetuneOptions
    @Option(help: "Labelled fraction of the training part, e.g. 0.01 or 0.1.") var fraction: Double = 0.1

    func validate() throws {
        guard fraction > 0, fraction <= 1 else { throw ValidationError("--fraction must be in (0, 1]") }
    }

    func run() throws {
        try runReporting { try options.run(source, name: "semi \(fraction)", fraction: fraction) }
    }
}

struct EvalFinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune", abstract: "Finetune the whole network with a new linear head on all labels.")
    @OptionGroup var source: EvalSource
    @OptionGroup var options: FinetuneOptions

    func run() throws {
        try runReporting { try options.run(source, name: "finetune", fraction: nil) }
    }
}

struct EvalFusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fusion", abstract: "Add the softmax scores of several streams' evaluations and report the accuracy.")
    @Argument(help: "Score files written with --scores (e.g. joint, bone and motion runs).") var files: [String]
    @Option(help: "Write the fused scores to this file.") var out: String?

    func validate() throws {
        guard files.count >= 2 else { throw ValidationError("give at least two score files") }
    }

    func run() throws {
        try runReporting {
            var loaded: [(URL, ScoreFile)] = []
            for path in files {
                let url = URL(fileURLWithPath: path)
                let file = try ScoreFile.read(url)
                print("\(path): \(file.attributes["protocol"] ?? "?") \(file.attributes["stream"] ?? "?") \(Accuracy(scores: file.scores, labels: file.labels))")
                loaded.append((url, file))
            }
            let fused = try ScoreFile.fuse(loaded)
            print("fusion of \(files.count): \(Accuracy(scores: fused.scores, labels: fused.labels))")
            if let out { try fused.write(to: URL(fileURLWithPath: out)) }
        }
    }
}
