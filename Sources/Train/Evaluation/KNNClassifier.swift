import Foundation
import TensorModule

/// Weighted k-nearest-neighbour classification on cosine similarity, the monitor used by MoCo-style skeleton
/// methods: the k most similar training features vote for their class with weight exp(similarity / t).
public struct KNNClassifier: Sendable {
    public var k: Int = 200
    public var temperature: Float = 0.1

    public init(k: Int = 200, temperature: Float = 0.1) {
        self.k = k
        self.temperature = temperature
    }

    /// Class scores `[N_test, classes]` of `test` against the bank `train`.
    public func scores(train: FeatureSet, test: FeatureSet, classes: Int) -> Tensor {
        let bank = L2Normalize.forward(train.features), query = L2Normalize.forward(test.features)
        let similarity = MatrixMultiply.forward(query, bank, transposeB: true)      // [N_test, N_train]
        let n = test.count, m = train.count, kk = min(k, m)
        let out = Tensor(shape: [n, classes])
        similarity.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    let row = Array(s[(i * m)..<((i + 1) * m)])
                    let nearest = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }.prefix(kk)
                    for j in nearest { o[i * classes + train.labels[j]] += expf(row[j] / temperature) }
                }
            }
        }
        return out
    }

    public func evaluate(train: FeatureSet, test: FeatureSet, classes: Int) -> Accuracy {
        Accuracy(scores: scores(train: train, test: test, classes: classes), labels: test.labels)
    }
}
