import CounterRandom
import Foundation
import Loader
import Models
import Shards
import TensorModule
import Train
import XCTest

/// HiCLR pretraining must give features that classify the synthetic actions better than random encoders'.
/// The synthetic clips vary by a per-sample shear of the kind T0 draws, so what pretraining has to learn is
/// exactly the invariance the paper's augmentations teach.
final class PretrainingTests: XCTestCase {
    func accuracies(_ encoder: PretrainedEncoder, shards: URL, seed: UInt64) throws -> (knn: Double, linear: Double) {
        let train = try ShardSource.open(directory: shards, benchmark: .xsub, part: .train)
        let test = try ShardSource.open(directory: shards, benchmark: .xsub, part: .val)
        let model = try encoder.makeEncoder(head: .none, key: RandomKey(seed: seed))
        let a = try FeatureExtractor.extract(model, part: train, stream: .joint)
        let b = try FeatureExtractor.extract(model, part: test, stream: .joint)
        let knn = KNNClassifier(k: 10).evaluate(train: a, test: b, classes: 4).top1
        let linear = LinearProbe(epochs: 50, learningRate: 0.05, batch: 16, standardise: true, seed: seed).evaluate(train: a, test: b, classes: 4).top1
        return (knn, linear)
    }

    func testPretrainedEncoderBeatsRandomOnes() throws {
        let env = ProcessInfo.processInfo.environment
        let epochs = Int(env["HICLR_TEST_EPOCHS"] ?? "") ?? 20
        let shards = try makeSyntheticShards(classes: 4, perClass: 16, valPerClass: 8)
        var pretrained: [(knn: Double, linear: Double)] = []
        var random: [(knn: Double, linear: Double)] = []
        for seed in [1, 2] {
            let out = temporaryDirectory("pretrain")
            let text = tinyConfig(shards: shards, output: out, seed: seed, epochs: epochs, hidden: 16)
                .replacingOccurrences(of: "hidden_dim: 16", with: "hidden_dim: 64")
                .replacingOccurrences(of: "momentum: 0.9\n", with: "momentum: 0.999\n")
                .replacingOccurrences(of: "lr: 0.05", with: "lr: 0.03")
                .replacingOccurrences(of: "milestones: [1]", with: "milestones: [100]")
                .replacingOccurrences(of: "pipelines/hiclr.yaml", with: "pipelines/\(env["HICLR_TEST_PIPELINE"] ?? "t0").yaml")
            let trainer = try Trainer(config: try TrainConfig.parse(text, file: "t.yaml"), configText: text)
            var logs: [EpochLog] = []
            for _ in 0..<epochs { logs.append(try trainer.runEpoch()) }
            XCTAssertTrue(logs.allSatisfy { [$0.infoNCE, $0.consistency1, $0.consistency2].allSatisfy(\.isFinite) })
            let checkpoint = out.appendingPathComponent("final.h5")
            try trainer.saveCheckpoint(to: checkpoint)
            pretrained.append(try accuracies(try PretrainedEncoder(checkpoint: checkpoint), shards: shards, seed: UInt64(seed)))
            var model = TrainConfig.ModelSettings()
            model.hiddenChannels = 16; model.hiddenDim = 64; model.featureDim = 8
            random.append(try accuracies(PretrainedEncoder(random: model), shards: shards, seed: UInt64(seed)))
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let (pk, pl) = (mean(pretrained.map(\.knn)), mean(pretrained.map(\.linear)))
        let (rk, rl) = (mean(random.map(\.knn)), mean(random.map(\.linear)))
        print("pretrained knn \(pretrained.map(\.knn)) linear \(pretrained.map(\.linear)); random knn \(random.map(\.knn)) linear \(random.map(\.linear))")
        // KNN only has to beat the random encoders: since data_bn follows the reference (one BatchNorm1d over V·C
        // whose rows are both bodies, net/st_gcn.py lines 106-108), the absent second body of these one-body clips
        // is normalised with the first body's statistics into a constant input, whose (sample-independent) feature
        // is averaged into every pooled feature and compresses cosine similarities. With the old per-body
        // normalisation the KNN margin was 0.2; now it is about 0.05 (0.69 vs 0.64), too close to the 2-seed noise
        // for a fixed margin. The linear probe is not affected (0.95 vs 0.56).
        XCTAssertGreaterThan(pk, rk, "KNN: pretrained \(pk) vs random \(rk)")
        XCTAssertGreaterThanOrEqual(pl, rl + 0.15, "linear: pretrained \(pl) vs random \(rl)")
    }
}
