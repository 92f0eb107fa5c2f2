import Foundation
import TensorModule

/// Top-1 and top-5 accuracy (fractions in [0, 1]).
public struct Accuracy: Codable, Equatable, Sendable, CustomStringConvertible {
    public var top1: Double
    public var top5: Double
    public var count: Int

    /// Accuracy of `scores` `[N, K]` (higher = more likely) against `labels`.
    public init(scores: Tensor, labels: [Int]) {
        let n = scores.shape[0], k = scores.shape[1]
        var hit1 = 0, hit5 = 0
        scores.withUnsafeBufferPointer { s in
            for i in 0..<n {
                let row = UnsafeBufferPointer(rebasing: s[(i * k)..<((i + 1) * k)])
                let truth = row[labels[i]]
                // Rank = classes scoring strictly higher (ties favour the true class, as topk does on equal values).
                let above = row.filter { $0 > truth }.count
                if above == 0 { hit1 += 1 }
                if above < 5 { hit5 += 1 }
            }
        }
        top1 = n > 0 ? Double(hit1) / Double(n) : 0
        top5 = n > 0 ? Double(hit5) / Double(n) : 0
        count = n
    }

    public var description: String {
        String(format: "top-1 %.2f %%, top-5 %.2f %% (%d samples)", top1 * 100, top5 * 100, count)
    }
}
