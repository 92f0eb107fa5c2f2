import Foundation
import Loader
import Shards
import TensorModule
import Train
import XCTest

/// The evaluation protocols' defaults are the reference's (docs/training-parity.md cites each source line).
final class ProtocolDefaultsTests: XCTestCase {
    /// config/release/gcn_ntu60/linear_eval/linear_eval_hiclr_xsub_joint.yaml:41-51; processor/processor.py:98
    /// (drop_last); linear_evaluation.py:20-28, 38 (fc N(0, 0.02)); no standardisation anywhere in the reference.
    func testLinearEvaluationDefaults() {
        let probe = LinearProbe()
        XCTAssertEqual(probe.epochs, 100)
        XCTAssertEqual(probe.learningRate, 3.0)
        XCTAssertEqual(probe.milestones, [80])
        XCTAssertEqual(probe.batch, 128)
        XCTAssertEqual(probe.momentum, 0.9)
        XCTAssertEqual(probe.weightDecay, 0)
        XCTAssertFalse(probe.standardise)
        XCTAssertTrue(probe.dropLast)
        XCTAssertFalse(probe.optimizer(for: Linear(inFeatures: 4, outFeatures: 2)).nesterov)
        // linear_evaluation.py:75-81: lr · 0.1^(epoch > 80), epochs 1-based.
        let schedule = StepSchedule(base: probe.learningRate, milestones: probe.milestones)
        XCTAssertEqual(schedule.learningRate(epoch: 80), 3.0)
        XCTAssertEqual(schedule.learningRate(epoch: 81), 0.3, accuracy: 1e-7)
        let fc = probe.makeClassifier(features: 256, classes: 60)
        let w = fc.weight.value.values
        let std = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
        XCTAssertEqual(std, 0.02, accuracy: 1e-3)
        XCTAssertEqual(fc.bias!.value.values, [Float](repeating: 0, count: 60))
    }

    /// config/release/gcn_ntu60/finetune/xsub_joint.yaml:41-50 (lr 0.1, warm-up 5, steps 30 and 55, batch 64,
    /// 70 epochs, weight decay 1e-4); finetune_evaluation.py:178 (Nesterov on: the config leaves the default).
    func testFinetuneDefaultsAndSchedule() {
        let tuner = Finetuner()
        XCTAssertEqual([tuner.epochs, tuner.batch, tuner.warmupEpochs], [70, 64, 5])
        XCTAssertEqual(tuner.milestones, [30, 55])
        XCTAssertEqual(tuner.learningRate, 0.1)
        XCTAssertEqual(tuner.weightDecay, 1e-4)
        XCTAssertTrue(tuner.nesterov)
        // finetune_evaluation.py:71-79: epoch < 5 → 0.1·epoch/5; then 0.1 · 0.1^(#milestones ≤ epoch).
        let expected: [(Int, Float)] = [(1, 0.02), (2, 0.04), (4, 0.08), (5, 0.1), (29, 0.1), (30, 0.01), (54, 0.01),
                                        (55, 0.001), (70, 0.001)]
        for (epoch, rate) in expected {
            XCTAssertEqual(tuner.schedule.learningRate(epoch: epoch), rate, accuracy: rate * 1e-6, "epoch \(epoch)")
        }
    }

    /// PyTorch 1.13: SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01), p = 1, grad 0.5 twice
    /// gives p = 0.9031000137329102, then 0.7650741338729858.
    func testNesterovStepMatchesPyTorch() {
        let p = Parameter(Tensor(shape: [1], values: [1]))
        let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true)
        p.gradient[flat: 0] = 0.5
        sgd.step()
        XCTAssertEqual(p.value[flat: 0], 0.9031000137329102, accuracy: 1e-7)
        sgd.step()
        XCTAssertEqual(p.value[flat: 0], 0.7650741338729858, accuracy: 1e-7)
    }

    /// Python's round halves to even (feeder/ntu_feeder.py:158): 250 samples at 1 % give 2, 350 give 4.
    func testSemiCountsRoundHalfToEvenAsPython() {
        let labels = Array(repeating: 0, count: 250) + Array(repeating: 1, count: 350) + Array(repeating: 2, count: 30)
        let chosen = SemiSupervisedSplit.indices(labels: labels, fraction: 0.01, seed: 1)
        let counts = Dictionary(grouping: chosen, by: { labels[$0] }).mapValues(\.count)
        XCTAssertEqual(counts, [0: 2, 1: 4, 2: 1])          // class 2: round(0.3) = 0 → at least one
    }

    /// Without a pipeline the finetuner reads the stored samples (no augmentation, as Feeder_finetune) in full
    /// batches and scores every test sample.
    func testFinetuneWithoutAugmentation() throws {
        let shards = try makeSyntheticShards(classes: 4, perClass: 4, valPerClass: 2)
        let train = try ShardSource.open(directory: shards, benchmark: .xsub, part: .train)
        var model = TrainConfig.ModelSettings()
        model.hiddenChannels = 4; model.hiddenDim = 8; model.featureDim = 8; model.dropout = 0
        var tuner = Finetuner()
        tuner.epochs = 2; tuner.batch = 6
        var losses: [Float] = []
        let scores = try tuner.scores(encoder: PretrainedEncoder(random: model), train: train, subset: nil, test: train,
                                      stream: .joint, classes: 4) { losses.append($1) }
        XCTAssertEqual(scores.shape, [16, 4])
        XCTAssertEqual(losses.count, 2)
        XCTAssertTrue(losses.allSatisfy(\.isFinite))
    }
}
