import CounterRandom

/// Parameter initialisers drawing from counter-based keys (no global generator).
public enum Initialization {
    /// Fills `tensor` with `mean + std · N(0, 1)`; element `i` uses position `i` of `key`.
    public static func normal(_ tensor: Tensor, mean: Float = 0, std: Float, key: RandomKey) {
        let p = tensor.pointer
        for i in 0..<tensor.count { p[i] = mean + std * key.normal(at: i) }
    }

    /// Fills `tensor` with `U(−bound, bound)`; element `i` uses position `i` of `key`.
    public static func uniform(_ tensor: Tensor, bound: Float, key: RandomKey) {
        let p = tensor.pointer
        for i in 0..<tensor.count { p[i] = (2 * key.uniform(at: i) - 1) * bound }
    }

    /// PyTorch's default for `Linear`/`Conv` weights and biases: `U(−1/√fanIn, 1/√fanIn)`.
    public static func pytorchDefault(_ tensor: Tensor, fanIn: Int, key: RandomKey) {
        uniform(tensor, bound: 1 / Float(max(fanIn, 1)).squareRoot(), key: key)
    }
}
