import ArgumentParser
import Augment
import CounterRandom
import Foundation
import Loader
import Shards
import SkeletonCore
import TensorModule
import Train

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
