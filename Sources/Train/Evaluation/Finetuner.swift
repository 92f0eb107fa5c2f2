import Augment
import CounterRandom
import Foundation
import Loader
import Models
import Shards
import SkeletonCore
import TensorModule

/// The finetuning learning rate as processor/finetune_evaluation.py:71-82 sets it for 1-based `epoch`: a linear
/// warm-up `base · epoch / warmup` while `epoch < warmup`, then `base · 0.1^(number of milestones m with
/// epoch ≥ m)` (note ≥, where pretraining and linear evaluation drop after the milestone: `epoch > m`).
public struct FinetuneSchedule: Sendable, Equatable {
    public var base: Float
    public var warmupEpochs: Int
    public var milestones: [Int]

    public init(base: Float, warmupEpochs: Int, milestones: [Int]) {
        self.base = base; self.warmupEpochs = warmupEpochs; self.milestones = milestones
    }

    public func learningRate(epoch: Int) -> Float {
        if epoch < warmupEpochs { return base * Float(epoch) / Float(warmupEpochs) }
        var rate = base
        for m in milestones where epoch >= m { rate *= 0.1 }
        return rate
    }
}

/// Supervised training of the whole network (encoder initialised from pretraining, new linear head): the
/// `finetune` protocol on all labels and the `semi` protocol on a labelled subset. Defaults are the reference's
/// (config/release/gcn_ntu60/finetune/xsub_joint.yaml, processor/finetune_evaluation.py; docs/training-parity.md):
/// 70 epochs, batch 64 with the last partial batch dropped, SGD momentum 0.9 with Nesterov (the processor's
/// default, not overridden by the config), lr 0.1 with 5 warm-up epochs and ×0.1 at epochs 30 and 55, weight
/// decay 1e-4, dropout as pretrained (0.5), the new `fc` with PyTorch's default initialisation, and no
/// augmentation (Feeder_finetune's `use_aug` is off). A `pipeline` (its first branch) adds augmentation.
public struct Finetuner {
    public var epochs: Int = 70
    public var learningRate: Float = 0.1
    public var warmupEpochs: Int = 5
    public var milestones: [Int] = [30, 55]
    public var batch: Int = 64
    public var workers: Int = 2
    public var weightDecay: Float = 1e-4
    public var nesterov: Bool = true
    public var seed: UInt64 = 1

    public init() {}

    public var schedule: FinetuneSchedule {
        FinetuneSchedule(base: learningRate, warmupEpochs: warmupEpochs, milestones: milestones)
    }

    /// Trains on `train` (or its `subset`) and returns the softmax scores of every sample of `test`.
    public func scores(encoder: PretrainedEncoder, train: ShardPart, subset: [Int]?, test: ShardPart,
                       stream inputStream: SkeletonStream, classes: Int, pipeline: Pipeline? = nil,
                       progress: (Int, Float) -> Void = { _, _ in }) throws -> Tensor {
        let key = RandomKey(seed: seed)
        let model = try encoder.makeEncoder(head: .linear(classes: classes), key: key.derived(1),
                                            headInitialization: .pytorchDefault)
        let optimizer = SGD(parameters: model.parameters, learningRate: learningRate, momentum: 0.9,
                            weightDecay: weightDecay, nesterov: nesterov)
        let members = subset ?? Array(0..<train.count)
        let size = min(batch, members.count)
        let loader = try pipeline.map {
            try StreamingLoader(dataset: train, runner: PipelineRunner($0),
                                config: LoaderConfig(batchSize: size, workers: workers, prefetch: 2, seed: seed,
                                                     shuffle: true, policy: .dropLast),
                                subset: subset)
        }
        for epoch in 0..<epochs {
            optimizer.learningRate = schedule.learningRate(epoch: epoch + 1)
            var total: Float = 0, steps = 0
            func step(_ x: Tensor, _ labels: [Int], _ index: Int) {
                optimizer.zeroGradients()
                let pass = model.forward(x, training: true, key: key.derived(2, UInt64(epoch), UInt64(index)))
                let (loss, gradient) = CrossEntropy.loss(logits: pass.output, labels: labels)
                model.backward(pass.tape!, outputGradient: gradient)
                optimizer.step()
                total += loss
                steps += 1
            }
            if let loader {
                let batches = loader.batches(epoch: epoch)
                while let b = try batches.next() { step(try ViewTensors.tensor(b.views[0], stream: inputStream), b.labels, b.index) }
            } else {
                // No augmentation: the stored samples in a seeded shuffle, full batches only.
                var order = members
                let shuffle = key.derived(3, UInt64(epoch))
                for i in stride(from: order.count - 1, to: 0, by: -1) {
                    order.swapAt(i, Int(shuffle.bits(at: UInt64(i)) % UInt64(i + 1)))
                }
                for (index, start) in stride(from: 0, through: order.count - size, by: size).enumerated() {
                    let rows = order[start..<(start + size)]
                    step(try FeatureExtractor.input(train, indices: rows, stream: inputStream), rows.map { train.labels[$0] }, index)
                }
            }
            progress(epoch + 1, total / Float(max(steps, 1)))
        }
        var rows: [Float] = []
        for start in stride(from: 0, to: test.count, by: batch) {
            let indices = Array(start..<min(test.count, start + batch))
            let out = model.forward(try FeatureExtractor.input(test, indices: indices[...], stream: inputStream),
                                    training: false, recordTape: false)
            rows += Softmax.forward(out.output).values
        }
        return Tensor(shape: [test.count, classes], values: rows)
    }
}

/// Class-balanced labelled subsets for semi-supervised evaluation.
public enum SemiSupervisedSplit {
    /// From every class, `max(1, round(fraction · n_c))` of its samples (round half to even, as Python's `round`
    /// in the reference family's Feeder_semi, feeder/ntu_feeder.py:155-160), chosen by a permutation drawn from
    /// `seed`; indices returned in ascending order. The reference draws the members with Python's global
    /// `random.sample` (seeded 0 in main.py:12-13); this draw is ours (docs/training-parity.md).
    public static func indices(labels: [Int], fraction: Double, seed: UInt64) -> [Int] {
        precondition(fraction > 0 && fraction <= 1, "fraction must be in (0, 1]")
        let key = RandomKey(seed: seed).derived(0x7365_6D69)   // "semi"
        var byClass: [Int: [Int]] = [:]
        for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
        var chosen: [Int] = []
        for label in byClass.keys.sorted() {
            var members = byClass[label]!
            let stream = key.derived(UInt64(label))
            for i in stride(from: members.count - 1, to: 0, by: -1) {
                members.swapAt(i, Int(stream.bits(at: UInt64(i)) % UInt64(i + 1)))
            }
            let take = max(1, Int((fraction * Double(members.count)).rounded(.toNearestOrEven)))
            chosen += members.prefix(take)
        }
        return chosen.sorted()
    }
}
