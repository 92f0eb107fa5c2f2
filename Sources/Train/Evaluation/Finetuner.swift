import Augment
import CounterRandom
import Foundation
import Loader
import Models
import Shards
import SkeletonCore
import Tensor

/// Supervised training of the whole network (encoder initialised from pretraining, new linear head): the
/// `finetune` protocol on all labels and the `semi` protocol on a labelled subset. Training samples are
/// augmented by the first branch of a pipeline and streamed by the loader.
public struct Finetuner {
    public var epochs: Int = 100
    public var learningRate: Float = 0.1
    public var milestones: [Int] = [80]
    public var batch: Int = 64
    public var workers: Int = 2
    public var weightDecay: Float = 1e-4
    public var seed: UInt64 = 1

    public init() {}

    /// Trains on `train` (or its `subset`) and returns the softmax scores of every sample of `test`.
    public func scores(encoder: PretrainedEncoder, train: ShardPart, subset: [Int]?, test: ShardPart,
                       stream inputStream: SkeletonStream, classes: Int, pipeline: Pipeline,
                       progress: (Int, Float) -> Void = { _, _ in }) throws -> Tensor {
        let key = RandomKey(seed: seed)
        let model = try encoder.makeEncoder(head: .linear(classes: classes), key: key.derived(1))
        let optimizer = SGD(parameters: model.parameters, learningRate: learningRate, momentum: 0.9, weightDecay: weightDecay)
        let schedule = StepSchedule(base: learningRate, milestones: milestones)
        let count = subset?.count ?? train.count
        let loader = try StreamingLoader(dataset: train, runner: PipelineRunner(pipeline),
                                         config: LoaderConfig(batchSize: min(batch, count), workers: workers, prefetch: 2,
                                                              seed: seed, shuffle: true, policy: .pad),
                                         subset: subset)
        for epoch in 0..<epochs {
            optimizer.learningRate = schedule.learningRate(epoch: epoch + 1)
            let batches = loader.batches(epoch: epoch)
            var total: Float = 0, steps = 0
            while let b = try batches.next() {
                let x = try ViewTensors.tensor(b.views[0], stream: inputStream)
                optimizer.zeroGradients()
                let pass = model.forward(x, training: true, key: key.derived(2, UInt64(epoch), UInt64(b.index)))
                let (loss, gradient) = CrossEntropy.loss(logits: pass.output, labels: b.labels)
                model.backward(pass.tape!, outputGradient: gradient)
                optimizer.step()
                total += loss
                steps += 1
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
    /// From every class, `max(1, round(fraction · n_c))` of its samples, chosen by a permutation drawn from
    /// `seed`; indices returned in ascending order.
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
            let take = max(1, Int((fraction * Double(members.count)).rounded()))
            chosen += members.prefix(take)
        }
        return chosen.sorted()
    }
}
