import Foundation
import TensorModule
import Train
import Loader
import Augment
import XCTest

final class EvaluationTests: XCTestCase {
    func features(_ rows: [[Float]], _ labels: [Int]) -> FeatureSet {
        FeatureSet(features: Tensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0 }), labels: labels,
                   names: labels.indices.map { "s\($0)" })
    }

    func testAccuracyTopOneAndFive() {
        let scores = Tensor(shape: [3, 6], values: [
            0.9, 0.1, 0, 0, 0, 0,        // label 0: rank 1
            0.6, 0.5, 0.4, 0.3, 0.2, 0.1, // label 5: rank 6
            0.1, 0.5, 0.2, 0.3, 0.4, 0,  // label 2: rank 4
        ])
        let a = Accuracy(scores: scores, labels: [0, 5, 2])
        XCTAssertEqual(a.top1, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(a.top5, 2.0 / 3, accuracy: 1e-12)
    }

    func testWeightedKNNByHand() {
        // Bank: class 0 along x, class 1 along y. Query at 30° from x: its nearest two neighbours vote.
        let bank = features([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], [0, 0, 1, 1])
        let query = features([[cos(Float.pi / 6), sin(Float.pi / 6)]], [0])
        let scores = KNNClassifier(k: 2, temperature: 0.5).scores(train: bank, test: query, classes: 2)
        let s1 = cos(Float.pi / 6), s2 = (0.9 * cos(Float.pi / 6) + 0.1 * sin(Float.pi / 6)) / (0.81 + 0.01 as Float).squareRoot()
        XCTAssertEqual(scores[0, 0], exp(s1 / 0.5) + exp(s2 / 0.5), accuracy: 1e-4)
        XCTAssertEqual(scores[0, 1], 0)
    }

    func testLinearProbeSeparatesSeparableClasses() {
        var rows: [[Float]] = [], labels: [Int] = []
        for i in 0..<40 {
            let c = i % 3
            rows.append([Float(c) + 0.1 * sin(Float(i)), Float(2 - c) + 0.1 * cos(Float(i)), 0.5])
            labels.append(c)
        }
        let set = features(rows, labels)
        XCTAssertEqual(LinearProbe(epochs: 30, learningRate: 0.1, batch: 8, standardise: true).evaluate(train: set, test: set, classes: 3).top1, 1)
    }

    func testSemiSupervisedSplitIsClassBalancedAndSeeded() {
        let labels = (0..<300).map { $0 % 3 == 0 ? 0 : ($0 % 3 == 1 ? 1 : 2) } + Array(repeating: 3, count: 5)
        let a = SemiSupervisedSplit.indices(labels: labels, fraction: 0.1, seed: 1)
        let counts = Dictionary(grouping: a, by: { labels[$0] }).mapValues(\.count)
        XCTAssertEqual(counts, [0: 10, 1: 10, 2: 10, 3: 1])         // round(0.1·5) = 0 → at least 1
        XCTAssertEqual(a, SemiSupervisedSplit.indices(labels: labels, fraction: 0.1, seed: 1))
        XCTAssertNotEqual(a, SemiSupervisedSplit.indices(labels: labels, fraction: 0.1, seed: 2))
    }

    func testFusionAddsScoresAndChecksSamples() throws {
        let dir = temporaryDirectory("fusion")
        let a = ScoreFile(scores: Tensor(shape: [2, 2], values: [0.6, 0.4, 0.6, 0.4]), labels: [0, 1], names: ["x", "y"], attributes: [:])
        let b = ScoreFile(scores: Tensor(shape: [2, 2], values: [0.45, 0.55, 0.1, 0.9]), labels: [0, 1], names: ["x", "y"], attributes: [:])
        try a.write(to: dir.appendingPathComponent("a.h5"))
        try b.write(to: dir.appendingPathComponent("b.h5"))
        let fused = try ScoreFile.fuse([(dir.appendingPathComponent("a.h5"), try ScoreFile.read(dir.appendingPathComponent("a.h5"))),
                                        (dir.appendingPathComponent("b.h5"), try ScoreFile.read(dir.appendingPathComponent("b.h5")))])
        for (got, expected) in zip(fused.scores.values, [Float(1.05), 0.95, 0.7, 1.3]) { XCTAssertEqual(got, expected, accuracy: 1e-6) }
        XCTAssertEqual(Accuracy(scores: fused.scores, labels: fused.labels).top1, 1)
        XCTAssertEqual(Accuracy(scores: a.scores, labels: a.labels).top1, 0.5)
        let other = ScoreFile(scores: a.scores, labels: [1, 1], names: ["x", "y"], attributes: [:])
        XCTAssertThrowsError(try ScoreFile.fuse([(dir, a), (dir.appendingPathComponent("c.h5"), other)])) {
            XCTAssertTrue("\($0)".contains("c.h5"), "\($0)")
        }
    }
}

final class FinetuneTests: XCTestCase {
    /// The whole-network protocol's code path: a class-balanced subset streamed through the loader with
    /// augmentation, the loss falling, softmax scores for every sample scored.
    func testSemiSupervisedFinetuneFitsTheLabelledSubset() throws {
        let shards = try makeSyntheticShards(classes: 4, perClass: 8, valPerClass: 4)
        let train = try ShardSource.open(directory: shards, benchmark: .xsub, part: .train)
        let test = try ShardSource.open(directory: shards, benchmark: .xsub, part: .val)
        var model = TrainConfig.ModelSettings()
        model.hiddenChannels = 8; model.hiddenDim = 32; model.featureDim = 8; model.dropout = 0
        var tuner = Finetuner()
        tuner.epochs = 20; tuner.learningRate = 0.02; tuner.milestones = [100]; tuner.batch = 8
        let subset = SemiSupervisedSplit.indices(labels: train.labels, fraction: 0.5, seed: 3)
        XCTAssertEqual(subset.count, 16)
        var losses: [Float] = []
        let scores = try tuner.scores(encoder: PretrainedEncoder(random: model), train: train, subset: subset, test: train,
                                      stream: .joint, classes: 4,
                                      pipeline: try PipelineLoader.load(repository.appendingPathComponent("pipelines/t0.yaml"))) {
            losses.append($1)
        }
        XCTAssertEqual(scores.shape, [32, 4])
        for i in 0..<32 { XCTAssertEqual((0..<4).map { scores[i, $0] }.reduce(0, +), 1, accuracy: 1e-5) }
        let late = losses.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(late, losses.first! * 0.75, "\(losses)")
        _ = test
    }
}
