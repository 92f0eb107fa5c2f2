import CounterRandom
import Foundation
import TensorModule
import TensorTestSupport
import Train
import XCTest

final class HiCLRLossTests: XCTestCase {
    func normalisedRows(_ rows: Int, _ d: Int, seed: UInt64) -> Tensor {
        let key = RandomKey(seed: seed)
        return L2Normalize.forward(Tensor(shape: [rows, d]) { key.normal(at: $0) })
    }

    func testQueueEnqueueWrapsAndKeepsColumnsUnit() {
        let queue = KeyQueue(dimension: 4, size: 5, key: RandomKey(seed: 1))
        for column in 0..<5 {
            let norm = (0..<4).map { queue.keys[$0, column] * queue.keys[$0, column] }.reduce(0, +)
            XCTAssertEqual(norm, 1, accuracy: 1e-5)
        }
        let batch = Tensor(shape: [3, 4]) { Float($0) }
        queue.enqueue(batch)
        queue.enqueue(batch)                     // columns 3, 4, 0
        XCTAssertEqual(queue.pointer, 1)
        XCTAssertEqual((0..<4).map { queue.keys[$0, 3] }, [0, 1, 2, 3])
        XCTAssertEqual((0..<4).map { queue.keys[$0, 0] }, [8, 9, 10, 11])
        XCTAssertEqual((0..<4).map { queue.keys[$0, 2] }, [8, 9, 10, 11])
    }

    func testInfoNCEByHand() {
        // q = k = e1, queue = {e2}: logits [1/τ, 0] → loss = log(1 + e^{−1/τ}).
        let q = Tensor(shape: [1, 2], values: [1, 0]), k = q
        let queue = KeyQueue(keys: Tensor(shape: [2, 1], values: [0, 1]), pointer: 0)
        let r = HiCLRLoss(temperature: 0.5).compute(q: q, k: k, q1: nil, q2: nil, queue: queue)
        XCTAssertEqual(r.terms.infoNCE, Float(log(1 + exp(-2.0))), accuracy: 1e-6)
        XCTAssertEqual(r.terms.total, r.terms.infoNCE)
        // Consistency of a view with itself is the entropy of its distribution: p = (1, e^-2)/(1 + e^-2).
        let same = HiCLRLoss(temperature: 0.5).compute(q: q, k: k, q1: q, q2: q, queue: queue)
        let p0 = 1 / (1 + exp(-2.0)), p1 = 1 - p0
        let entropy = Float(-(p0 * log(p0) + p1 * log(p1)))
        XCTAssertEqual(same.terms.consistency1, entropy, accuracy: 1e-5)
        XCTAssertEqual(same.terms.total, same.terms.infoNCE + 0.5 * 2 * entropy, accuracy: 1e-5)
    }

    /// Central differences of each term as a function of the one feature it differentiates, with the
    /// stop-gradient targets held at their values for the unperturbed features (what "sg" means).
    func checkGradients(mining: Bool) {
        let b = 3, d = 5, tau: Float = 0.2, lambda: Float = 0.5
        let q = normalisedRows(b, d, seed: 2), k = normalisedRows(b, d, seed: 3)
        let q1 = normalisedRows(b, d, seed: 4), q2 = normalisedRows(b, d, seed: 5)
        let queue = KeyQueue(dimension: d, size: 7, key: RandomKey(seed: 6))
        let loss = HiCLRLoss(temperature: tau, lambda: lambda)
        let r = loss.compute(q: q, k: k, q1: q1, q2: q2, queue: queue, mining: mining)
        func logits(_ z: Tensor) -> Tensor { ContrastiveLogits.forward(z, key: k, queue: queue, temperature: tau) }
        let teacher1 = Softmax.forward(logits(q)), teacher2 = Softmax.forward(logits(q1))
        let cases: [(String, Tensor, Tensor, () -> Float)] = [
            ("q", q, r.dq, { loss.compute(q: q, k: k, q1: q1, q2: q2, queue: queue, mining: mining).terms.infoNCE }),
            ("q1", q1, r.dq1!, { lambda * CrossEntropy.loss(logits: logits(q1), targets: teacher1).loss }),
            ("q2", q2, r.dq2!, { lambda * CrossEntropy.loss(logits: logits(q2), targets: teacher2).loss }),
        ]
        for (name, tensor, gradient, f) in cases {
            for i in 0..<(b * d) {
                let saved = tensor[flat: i]
                let h: Float = 1e-3
                tensor[flat: i] = saved + h
                let plus = f()
                tensor[flat: i] = saved - h
                let minus = f()
                tensor[flat: i] = saved
                let numeric = (plus - minus) / (2 * h)
                XCTAssertEqual(gradient[flat: i], numeric, accuracy: 2e-3 + 1e-2 * abs(numeric), "\(name)[\(i)] mining \(mining)")
            }
        }
        XCTAssertTrue([r.terms.infoNCE, r.terms.consistency1, r.terms.consistency2].allSatisfy(\.isFinite))
        XCTAssertEqual(r.terms.total, r.terms.infoNCE + lambda * (r.terms.consistency1 + r.terms.consistency2), accuracy: 1e-5)
    }

    func testGradientsMatchFiniteDifferences() { checkGradients(mining: false) }
    func testGradientsWithNearestNeighbourMining() { checkGradients(mining: true) }

    /// By hand, τ = 1, D = 2: q = e1, k = e2, queue columns c1 = e1, c2 = e2, c3 = −e1.
    /// Logits of q: [0, 1, 0, −1], so q's top-1 queue entry is c1; q1 = e2 (logits [1, 0, 1, 0]) adds c2;
    /// q2 = e1 again adds c1 a second time, which counts once (net/hiclr.py:251-257). P = {0, 1, 2} and
    /// loss = −(Σ_P log p_j)/|P| = log Z − (0 + 1 + 0)/3 with Z = 2 + e + 1/e (processor/pretrain_hiclr.py:117).
    func testMinedLossByHand() {
        let q = Tensor(shape: [1, 2], values: [1, 0]), k = Tensor(shape: [1, 2], values: [0, 1])
        let q1 = Tensor(shape: [1, 2], values: [0, 1]), q2 = Tensor(shape: [1, 2], values: [1, 0])
        let queue = KeyQueue(keys: Tensor(shape: [2, 3], values: [1, 0, -1, 0, 1, 0]), pointer: 0)
        let loss = HiCLRLoss(temperature: 1, lambda: 0.5)
        let r = loss.compute(q: q, k: k, q1: q1, q2: q2, queue: queue, mining: true)
        XCTAssertEqual(r.positives.values, [1, 1, 1, 0])
        let e = Float(M_E), z = 2 + e + 1 / e
        XCTAssertEqual(r.terms.infoNCE, logf(z) - 1.0 / 3, accuracy: 1e-6)
        // d loss / d logits = p − 1[P]/3; dq = Σ_j g_j · (column j of [k, queue]) / τ.
        let p = [1, e, 1, 1 / e].map { $0 / z }
        let g = [p[0] - 1.0 / 3, p[1] - 1.0 / 3, p[2] - 1.0 / 3, p[3]]
        XCTAssertEqual(r.dq[0, 0], g[1] - g[3], accuracy: 1e-6)
        XCTAssertEqual(r.dq[0, 1], g[0] + g[2], accuracy: 1e-6)
        // Without mining the same q is plain InfoNCE: −log p_0.
        let plain = loss.compute(q: q, k: k, q1: q1, q2: q2, queue: queue)
        XCTAssertEqual(plain.positives.values, [1, 0, 0, 0])
        XCTAssertEqual(plain.terms.infoNCE, logf(z), accuracy: 1e-6)
        // Only q mining: P = {0, 1}, loss = log Z − 1/2 (the mean, not −log(p_0 + p_1) = log Z − log(1 + e)).
        let alone = loss.compute(q: q, k: k, q1: nil, q2: nil, queue: queue, mining: true)
        XCTAssertEqual(alone.positives.values, [1, 1, 0, 0])
        XCTAssertEqual(alone.terms.infoNCE, logf(z) - 0.5, accuracy: 1e-6)
    }
}
