import TensorModule

/// MoCo logits of L2-normalised features `z` (B, D): column 0 is the similarity with the sample's own key,
/// columns 1…K the similarities with the queue; all divided by the temperature.
public enum ContrastiveLogits {
    /// `[z·k, z·queue] / τ`, shape (B, 1 + K).
    public static func forward(_ z: Tensor, key k: Tensor, queue: KeyQueue, temperature: Float) -> Tensor {
        let b = z.shape[0], d = z.shape[1], kk = queue.size
        precondition(k.shape == z.shape && queue.dimension == d, "logits: z \(z.shape), k \(k.shape), queue \(queue.keys.shape)")
        let negatives = MatrixMultiply.forward(z, queue.keys)            // (B, K)
        let logits = Tensor(shape: [b, 1 + kk])
        let inverse = 1 / temperature
        z.withUnsafeBufferPointer { zp in
            k.withUnsafeBufferPointer { kp in
                negatives.withUnsafeBufferPointer { np in
                    logits.withUnsafeMutableBufferPointer { out in
                        for i in 0..<b {
                            var positive: Float = 0
                            for j in 0..<d { positive += zp[i * d + j] * kp[i * d + j] }
                            out[i * (1 + kk)] = positive * inverse
                            for j in 0..<kk { out[i * (1 + kk) + 1 + j] = np[i * kk + j] * inverse }
                        }
                    }
                }
            }
        }
        return logits
    }

    /// The gradient with respect to `z` given the gradient of the logits (keys and queue are constants).
    public static func backward(_ dLogits: Tensor, key k: Tensor, queue: KeyQueue, temperature: Float) -> Tensor {
        let b = k.shape[0], d = k.shape[1], kk = queue.size
        let dNegatives = Tensor(shape: [b, kk])
        let dz = Tensor(shape: [b, d])
        dLogits.withUnsafeBufferPointer { g in
            dNegatives.withUnsafeMutableBufferPointer { dn in
                for i in 0..<b { for j in 0..<kk { dn[i * kk + j] = g[i * (1 + kk) + 1 + j] / temperature } }
            }
        }
        let fromQueue = MatrixMultiply.forward(dNegatives, queue.keys, transposeB: true)   // (B, D)
        dLogits.withUnsafeBufferPointer { g in
            k.withUnsafeBufferPointer { kp in
                fromQueue.withUnsafeBufferPointer { fq in
                    dz.withUnsafeMutableBufferPointer { out in
                        for i in 0..<b {
                            let gp = g[i * (1 + kk)] / temperature
                            for j in 0..<d { out[i * d + j] = fq[i * d + j] + gp * kp[i * d + j] }
                        }
                    }
                }
            }
        }
        return dz
    }
}
