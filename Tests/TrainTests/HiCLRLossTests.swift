import CounterRandom
import Foundation
import Tensor
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

    func testMiningAddsPositivesAndLowersTheLoss() {
        let q = normalisedRows(4, 6, seed: 7), k = normalisedRows(4, 6, seed: 8)
        let queue = KeyQueue(dimension: 6, size: 9, key: RandomKey(seed: 9))
        let plain = HiCLRLoss().compute(q: q, k: k, q1: nil, q2: nil, queue: queue)
        let mined = HiCLRLoss().compute(q: q, k: k, q1: nil, q2: nil, queue: queue, mining: true)
        XCTAssertLessThan(mined.terms.infoNCE, plain.terms.infoNCE)
    }
}
