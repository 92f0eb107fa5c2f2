import ArgumentParser
import Augment
import CounterRandom
import Foundation
import Loader
import Shards
import SkeletonCore
import TensorModule
import Train

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

struct EvalFinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune", abstract: "Finetune the whole network with a new linear head on all labels.")
    @OptionGroup var source: EvalSource
    @OptionGroup var options: FinetuneOptions

    func run() throws {
        try runReporting { try options.run(source, name: "finetune", fraction: nil) }
    }
}
