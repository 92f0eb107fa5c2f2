import Foundation
import TensorModule

/// The loss terms of one HiCLR step, each averaged over the batch.
public struct HiCLRLossTerms: Codable, Equatable, Sendable {
    /// InfoNCE of q against (k, queue); with nearest-neighbour mining, the mean over the mined positive set of
    /// −log softmax (the reference's `loss1` after `mining_epoch`).
    public var infoNCE: Float
    /// Cross-entropy of softmax(l_q1) against the stop-gradient softmax(l_q) (basic → normal augmentation).
    public var consistency1: Float
    /// Cross-entropy of softmax(l_q2) against the stop-gradient softmax(l_q1) (normal → strong augmentation).
    public var consistency2: Float
    /// infoNCE + λ (consistency1 + consistency2).
    public var total: Float
}

/// HiCLR's objective (docs/training.md): L = InfoNCE(q, k, queue) + λ [CE(sg p(q) → p(q1)) + CE(sg p(q1) → p(q2))],
/// where p(z) = softmax([z·k, z·queue] / τ). Takes L2-normalised features and returns the gradients with
/// respect to them (k and the queue get none).
public struct HiCLRLoss: Sendable {
    public var temperature: Float = 0.07
    public var lambda: Float = 0.5

    public init(temperature: Float = 0.07, lambda: Float = 0.5) {
        self.temperature = temperature
        self.lambda = lambda
    }

    public struct Result {
        public var terms: HiCLRLossTerms
        public var dq: Tensor
        /// nil when there is no q1 branch.
        public var dq1: Tensor?
        public var dq2: Tensor?
        /// The positive mask of the InfoNCE term `(B, 1 + K)`: column 0, plus the mined queue entries.
        public var positives: Tensor
    }

    /// Loss and gradients. `q1`/`q2` may be nil (ablations with fewer branches); `mining` adds the top-1
    /// queue entries of q, q1 and q2 to the positives of the InfoNCE term (AimCLR's nearest-neighbour mining).
    public func compute(q: Tensor, k: Tensor, q1: Tensor?, q2: Tensor?, queue: KeyQueue, mining: Bool = false) -> Result {
        let lq = ContrastiveLogits.forward(q, key: k, queue: queue, temperature: temperature)
        let lq1 = q1.map { ContrastiveLogits.forward($0, key: k, queue: queue, temperature: temperature) }
        let lq2 = q2.map { ContrastiveLogits.forward($0, key: k, queue: queue, temperature: temperature) }

        var positives = Tensor(shape: lq.shape)
        let columns = lq.shape[1]
        positives.withUnsafeMutableBufferPointer { p in
            for i in 0..<lq.shape[0] { p[i * columns] = 1 }
        }
        if mining {
            for logits in [lq, lq1, lq2].compactMap({ $0 }) { Self.markTopNegative(logits, into: &positives) }
        }
        let (nce, dlq) = Self.positiveSetLoss(logits: lq, positives: positives)
        var terms = HiCLRLossTerms(infoNCE: nce, consistency1: 0, consistency2: 0, total: nce)
        var result = Result(terms: terms, dq: ContrastiveLogits.backward(dlq, key: k, queue: queue, temperature: temperature),
                            dq1: nil, dq2: nil, positives: positives)
        if let lq1 {
            let (loss, grad) = CrossEntropy.loss(logits: lq1, targets: Softmax.forward(lq))
            terms.consistency1 = loss
            result.dq1 = ContrastiveLogits.backward(Elementwise.scaled(grad, by: lambda), key: k, queue: queue,
                                                    temperature: temperature)
        }
        if let lq2 {
            let teacher = lq1 ?? lq
            let (loss, grad) = CrossEntropy.loss(logits: lq2, targets: Softmax.forward(teacher))
            terms.consistency2 = loss
            result.dq2 = ContrastiveLogits.backward(Elementwise.scaled(grad, by: lambda), key: k, queue: queue,
                                                    temperature: temperature)
        }
        terms.total = terms.infoNCE + lambda * (terms.consistency1 + terms.consistency2)
        result.terms = terms
        return result
    }

    /// Marks the most similar queue entry of each row as a positive (the reference's `topk(l_neg, 1)` +
    /// `scatter_`, net/hiclr.py:247-255; a column marked by several branches stays a single positive).
    static func markTopNegative(_ logits: Tensor, into positives: inout Tensor) {
        let rows = logits.shape[0], columns = logits.shape[1]
        guard columns > 1 else { return }
        logits.withUnsafeBufferPointer { l in
            positives.withUnsafeMutableBufferPointer { p in
                for i in 0..<rows {
                    var best = 1
                    for j in 2..<columns where l[i * columns + j] > l[i * columns + best] { best = j }
                    p[i * columns + best] = 1
                }
            }
        }
    }

    /// The reference's positive-set loss (processor/pretrain_hiclr.py:117-118):
    /// `−mean_i (Σ_{j ∈ P_i} log softmax(logits_i)_j) / |P_i|`, with logit gradient `(p_j − 1[j ∈ P_i] / |P_i|) / B`.
    /// With only column 0 positive this is the usual InfoNCE cross-entropy.
    static func positiveSetLoss(logits: Tensor, positives: Tensor) -> (Float, Tensor) {
        let rows = logits.shape[0], columns = logits.shape[1]
        let logP = LogSoftmaxRows.forward(logits)
        let gradient = Tensor(shape: logits.shape)
        var total = 0.0
        logP.withUnsafeBufferPointer { lp in
            positives.withUnsafeBufferPointer { mask in
                gradient.withUnsafeMutableBufferPointer { g in
                    for i in 0..<rows {
                        let base = i * columns
                        var count: Float = 0
                        var sum = 0.0
                        for j in base..<(base + columns) where mask[j] > 0 {
                            count += 1
                            sum += Double(lp[j])
                        }
                        precondition(count > 0, "positive set of row \(i) is empty")
                        total -= sum / Double(count)
                        for j in base..<(base + columns) {
                            g[j] = (expf(lp[j]) - (mask[j] > 0 ? 1 / count : 0)) / Float(rows)
                        }
                    }
                }
            }
        }
        return (Float(total / Double(rows)), gradient)
    }
}

/// Row-wise log-softmax `l − logsumexp(l)`, computed with the row maximum subtracted.
enum LogSoftmaxRows {
    static func forward(_ logits: Tensor) -> Tensor {
        let rows = logits.shape[0], columns = logits.shape[1]
        let out = Tensor(shape: logits.shape)
        logits.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<rows {
                    let row = UnsafeBufferPointer(rebasing: l[(i * columns)..<((i + 1) * columns)])
                    let top = row.max() ?? 0
                    var sum: Float = 0
                    for v in row { sum += expf(v - top) }
                    let shift = top + logf(sum)
                    for j in 0..<columns { o[i * columns + j] = row[j] - shift }
                }
            }
        }
        return out
    }
}
