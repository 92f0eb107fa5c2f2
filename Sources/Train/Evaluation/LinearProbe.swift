import CounterRandom
import Foundation
import TensorModule

/// Linear evaluation as the reference runs it (processor/linear_evaluation.py, config/release/gcn_ntu60/
/// linear_eval/linear_eval_hiclr_xsub_joint.yaml; docs/training-parity.md): the encoder frozen in eval mode (so
/// its pooled features are fixed and computed once), only `fc` trained, cross-entropy, SGD momentum 0.9 without
/// Nesterov, lr 3.0 dropped ×0.1 after epoch 80, weight decay 0, 100 epochs of shuffled batches of 128 with the
/// last partial batch dropped, `fc` initialised N(0, 0.02) with zero bias, no augmentation and no feature
/// standardisation (`standardise` is an option of ours, off by default).
public struct LinearProbe: Sendable {
    public var epochs: Int = 100
    public var learningRate: Float = 3.0
    /// 1-based epochs after which the rate drops ×0.1 (`epoch > milestone`, linear_evaluation.py:75-81).
    public var milestones: [Int] = [80]
    public var batch: Int = 128
    public var momentum: Float = 0.9
    public var weightDecay: Float = 0
    /// Standardise features with the training set's mean and deviation first (not in the reference).
    public var standardise: Bool = false
    /// Drop the last partial batch of every epoch (the reference's train loader: `drop_last=True`).
    public var dropLast: Bool = true
    public var seed: UInt64 = 1

    public init(epochs: Int = 100, learningRate: Float = 3.0, milestones: [Int] = [80], batch: Int = 128,
                weightDecay: Float = 0, standardise: Bool = false, seed: UInt64 = 1) {
        self.epochs = epochs; self.learningRate = learningRate; self.milestones = milestones; self.batch = batch
        self.weightDecay = weightDecay; self.standardise = standardise; self.seed = seed
    }

    /// The optimiser of `fc`: SGD with this probe's momentum, rate and weight decay (no Nesterov).
    public func optimizer(for classifier: Linear) -> SGD {
        SGD(parameters: [classifier.weight] + (classifier.bias.map { [$0] } ?? []), learningRate: learningRate,
            momentum: momentum, weightDecay: weightDecay)
    }

    /// One step on a batch of features: zero the gradients, cross-entropy (mean over the batch), backward, SGD.
    /// Returns the loss.
    @discardableResult
    public static func step(_ classifier: Linear, optimizer: SGD, features: Tensor, labels: [Int]) -> Float {
        optimizer.zeroGradients()
        let (loss, gradient) = CrossEntropy.loss(logits: classifier.forward(features), labels: labels)
        _ = classifier.backward(gradient, input: features, needInputGradient: false)
        optimizer.step()
        return loss
    }

    /// A fresh `fc` as the reference initialises it (`weights_init`: N(0, 0.02) weights, zero bias).
    public func makeClassifier(features: Int, classes: Int) -> Linear {
        let classifier = Linear(inFeatures: features, outFeatures: classes)
        let draws = RandomKey(seed: seed).derived(1)
        classifier.weight.value.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] = 0.02 * draws.normal(at: i) }
        }
        classifier.bias?.value.fill(0)
        return classifier
    }

    /// Trains on `train` and returns the class scores (softmax probabilities) of `test`.
    public func scores(train: FeatureSet, test: FeatureSet, classes: Int) -> Tensor {
        var xTrain = train.features, xTest = test.features
        if standardise {
            let (mean, deviation) = Self.statistics(train.features)
            xTrain = Self.standardise(train.features, mean, deviation)
            xTest = Self.standardise(test.features, mean, deviation)
        }
        let classifier = makeClassifier(features: train.features.shape[1], classes: classes)
        let optimizer = optimizer(for: classifier)
        let schedule = StepSchedule(base: learningRate, milestones: milestones)
        let key = RandomKey(seed: seed)
        let n = train.count
        let size = min(batch, n)
        for epoch in 0..<epochs {
            optimizer.learningRate = schedule.learningRate(epoch: epoch + 1)
            var order = Array(0..<n)
            let shuffle = key.derived(2, UInt64(epoch))
            for i in stride(from: n - 1, to: 0, by: -1) {
                order.swapAt(i, Int(shuffle.bits(at: UInt64(i)) % UInt64(i + 1)))
            }
            for start in stride(from: 0, to: n, by: size) {
                let end = min(n, start + size)
                if dropLast && end - start < size { break }
                let rows = Array(order[start..<end])
                Self.step(classifier, optimizer: optimizer, features: Self.gather(xTrain, rows),
                          labels: rows.map { train.labels[$0] })
            }
        }
        return Softmax.forward(classifier.forward(xTest))
    }

    public func evaluate(train: FeatureSet, test: FeatureSet, classes: Int) -> Accuracy {
        Accuracy(scores: scores(train: train, test: test, classes: classes), labels: test.labels)
    }

    static func statistics(_ x: Tensor) -> ([Float], [Float]) {
        let n = x.shape[0], d = x.shape[1]
        var mean = [Float](repeating: 0, count: d), deviation = [Float](repeating: 0, count: d)
        x.withUnsafeBufferPointer { p in
            for i in 0..<n { for j in 0..<d { mean[j] += p[i * d + j] / Float(n) } }
            for i in 0..<n { for j in 0..<d { deviation[j] += (p[i * d + j] - mean[j]) * (p[i * d + j] - mean[j]) / Float(n) } }
        }
        return (mean, deviation.map { max($0.squareRoot(), 1e-6) })
    }

    static func standardise(_ x: Tensor, _ mean: [Float], _ deviation: [Float]) -> Tensor {
        let d = x.shape[1]
        return Tensor(shape: x.shape) { i in (x[flat: i] - mean[i % d]) / deviation[i % d] }
    }

    static func gather(_ x: Tensor, _ rows: [Int]) -> Tensor {
        let d = x.shape[1]
        return Tensor(shape: [rows.count, d]) { i in x[flat: rows[i / d] * d + i % d] }
    }
}
