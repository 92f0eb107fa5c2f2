import CounterRandom
import TensorModule

/// HiCLR's dropping/adding of graph edges ("DAE") applied to the adjacency before each block.
///
/// Dropping follows the reference `drop_graph`: `r ~ U(0, dropProbability)`, then `nn.Dropout(r)`
/// on `A` (each entry zeroed with probability `r`, survivors scaled by `1/(1 − r)`). Adding follows
/// `randadd`: `r ~ U(0, addProbability)`, every zero entry becomes 1 with probability `r`, and the
/// result is rescaled to keep `Σ A`. All draws come from the given key (no global generator).
/// Both probabilities are 0 in the released HiCLR configuration.
public struct GraphAugmentation: Sendable, Equatable {
    public var dropProbability: Float = 0
    public var addProbability: Float = 0

    public init(dropProbability: Float = 0, addProbability: Float = 0) {
        self.dropProbability = dropProbability
        self.addProbability = addProbability
    }

    /// True when neither edges are dropped nor added.
    public var isIdentity: Bool { dropProbability == 0 && addProbability == 0 }

    /// The augmented copy of `adjacency` for one block, drawn from `key`.
    public func apply(to adjacency: Tensor, key: RandomKey) -> Tensor {
        var a = adjacency
        if dropProbability > 0 {
            let rate = dropProbability * key.derived(1).uniform(at: 0)
            a = Dropout.forward(a, probability: rate, key: key.derived(2))
        }
        if addProbability > 0 {
            let rate = addProbability * key.derived(3).uniform(at: 0)
            let mask = key.derived(4)
            let added = a.copy()
            var originalSum = 0.0, addedCount = 0.0
            for i in 0..<a.count {
                originalSum += Double(a[flat: i])
                if a[flat: i] == 0 && mask.uniform(at: i) < rate {
                    added[flat: i] = 1
                    addedCount += 1
                }
            }
            let ratio = Float(originalSum / (originalSum + addedCount))
            a = Elementwise.scaled(added, by: ratio)
        }
        return a
    }
}
