import CounterRandom
import XCTest
@testable import Models
@testable import TensorModule

/// A tiny supervised run on synthetic motions: loss must fall and accuracy rise above chance.
final class SupervisedTrainingTests: XCTestCase {
    /// Three actions on a fixed random skeleton: stand still, step sideways (whole body along x),
    /// crouch (whole body down). Each sample has its own speed and noise.
    static func sample(action: Int, id: Int, frames: Int) -> [Float] {
        let pose = RandomKey(seed: 99)
        let noise = RandomKey(seed: 7).derived(UInt64(action), UInt64(id))
        let speed = 0.7 + 0.6 * noise.uniform(at: 0)
        var x = [Float](repeating: 0, count: 3 * frames * 25)   // [C, T, V, M] with M = 1
        for t in 0..<frames {
            let s = Float(t) / Float(frames - 1)
            for v in 0..<25 {
                var p = (0..<3).map { 2 * pose.uniform(at: v * 3 + $0) - 1 }
                switch action {
                case 1: p[0] += 1.2 * speed * s
                case 2: p[1] -= 1.2 * speed * s
                default: break
                }
                for c in 0..<3 {
                    let jitter = 0.05 * (2 * noise.uniform(at: 10 + ((t * 25 + v) * 3 + c)) - 1)
                    x[(c * frames + t) * 25 + v] = p[c] + jitter
                }
            }
        }
        return x
    }

    static func batch(ids: Range<Int>, frames: Int) -> (Tensor, [Int]) {
        var values: [Float] = [], labels: [Int] = []
        for id in ids {
            for action in 0..<3 {
                values += sample(action: action, id: id, frames: frames)
                labels.append(action)
            }
        }
        return (Tensor(shape: [labels.count, 3, frames, 25, 1], values: values), labels)
    }

    func testLossFallsAndAccuracyBeatsChance() throws {
        var configuration = STGCNConfiguration()
        configuration.hiddenChannels = 4
        configuration.hiddenDim = 16
        configuration.head = .linear(classes: 3)
        configuration.dropout = 0.1
        // One body per sample: with few steps, the running statistics of an always-empty second body
        // are far from converged, which would make the evaluation-mode check depend on step count.
        configuration.bodies = 1
        let model = STGCN(configuration: configuration, key: RandomKey(seed: 21))
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        let frames = 12
        var losses: [Float] = []
        for step in 0..<60 {
            let first = (step % 5) * 4
            let (input, labels) = Self.batch(ids: first..<(first + 4), frames: frames)
            let result = model.forward(input, training: true, key: RandomKey(seed: 5).derived(UInt64(step)))
            let (loss, gradient) = CrossEntropy.loss(logits: result.output, labels: labels)
            losses.append(loss)
            optimizer.zeroGradients()
            model.backward(try XCTUnwrap(result.tape), outputGradient: gradient)
            optimizer.step()
        }
        let early = losses.prefix(5).reduce(0, +) / 5, late = losses.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(late, 0.5 * early, "losses \(losses)")

        let (test, labels) = Self.batch(ids: 100..<106, frames: frames)
        let logits = model.forward(test, training: false, recordTape: false).output
        var correct = 0
        for (i, label) in labels.enumerated() {
            let row = (0..<3).map { logits[i, $0] }
            if row.firstIndex(of: row.max()!) == label { correct += 1 }
        }
        XCTAssertGreaterThan(Double(correct) / Double(labels.count), 0.7, "accuracy \(correct)/\(labels.count)")
    }
}
