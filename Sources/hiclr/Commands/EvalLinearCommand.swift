import ArgumentParser
import Augment
import CounterRandom
import Foundation
import Loader
import Shards
import SkeletonCore
import TensorModule
import Train

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
