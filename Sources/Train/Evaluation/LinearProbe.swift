import CounterRandom
import Foundation
import Tensor

/// Linear evaluation: a linear classifier trained on frozen features (standardised with the training set's
/// mean and deviation) by SGD with momentum and cross-entropy, in seeded mini-batches.
public struct LinearProbe: Sendable {
    public var epochs: Int = 100
    public var learningRate: Float = 0.1
    public var batch: Int = 256
    public var weightDecay: Float = 0
    public var seed: UInt64 = 1

    public init(epochs: Int = 100, learningRate: Float = 0.1, batch: Int = 256, weightDecay: Float = 0, seed: UInt64 = 1) {
        self.epochs = epochs; self.learningRate = learningRate; self.batch = batch
        self.weightDecay = weightDecay; self.seed = seed
    }

    /// Trains on `train` and returns the class scores (softmax probabilities) of `test`.
    public func scores(train: FeatureSet, test: FeatureSet, classes: Int) -> Tensor {
        let d = train.features.shape[1]
        let (mean, deviation) = Self.statistics(train.features)
        let xTrain = Self.standardise(train.features, mean, deviation)
        let xTest = Self.standardise(test.features, mean, deviation)
        let classifier = Linear(inFeatures: d, outFeatures: classes)
        let key = RandomKey(seed: seed)
        classifier.weight.value.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] = 0.01 * key.derived(1).normal(at: i) }
        }
        classifier.bias?.value.fill(0)
        let parameters = [classifier.weight] + (classifier.bias.map { [$0] } ?? [])
        let optimizer = SGD(parameters: parameters, learningRate: learningRate, momentum: 0.9, weightDecay: weightDecay)
        let n = train.count
        for epoch in 0..<epochs {
            var order = Array(0..<n)
            let shuffle = key.derived(2, UInt64(epoch))
            for i in stride(from: n - 1, to: 0, by: -1) {
                order.swapAt(i, Int(shuffle.bits(at: UInt64(i)) % UInt64(i + 1)))
            }
            for start in stride(from: 0, to: n, by: batch) {
                let rows = Array(order[start..<min(n, start + batch)])
                let x = Self.gather(xTrain, rows)
                optimizer.zeroGradients()
                let logits = classifier.forward(x)
                let (_, gradient) = CrossEntropy.loss(logits: logits, labels: rows.map { train.labels[$0] })
                _ = classifier.backward(gradient, input: x, needInputGradient: false)
                optimizer.step()
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
