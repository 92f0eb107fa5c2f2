import CounterRandom
import TensorTestSupport
import XCTest
@testable import TensorModule

/// A fixed pseudo-random tensor (values in ±scale, optionally kept at least `gap` away from 0).
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1, gap: Float = 0) -> Tensor {
    let key = RandomKey(seed: seed)
    return Tensor(shape: shape) { i in
        let u = 2 * key.uniform(at: i) - 1
        return u >= 0 ? gap + (scale - gap) * u : -gap + (scale - gap) * u
    }
}

/// Projects an output onto fixed random weights: `L = Σ y·r`, so that `dL/dy = r`.
struct Projection {
    let weights: Tensor

    init(like shape: [Int], seed: UInt64) {
        weights = randomTensor(shape, seed: seed)
    }

    func loss(_ y: Tensor) -> Double { Elementwise.dot(y, weights) }
}

/// Compares an analytic gradient with central differences on every element (or the first
/// `limit` elements spread over the tensor).
func assertGradient(_ analytic: Tensor, of tensor: Tensor, loss: () -> Double, step: Float = 1e-2,
                    absolute: Double = 2e-3, relative: Double = 1e-2, limit: Int = 400, _ name: String,
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(analytic.shape, tensor.shape, "\(name) gradient shape", file: file, line: line)
    let stride = max(1, tensor.count / limit)
    let indices = Array(Swift.stride(from: 0, to: tensor.count, by: stride))
    let numeric = FiniteDifference.gradient(of: loss, wrt: tensor, indices: indices, step: step)
    for (i, value) in zip(indices, numeric) {
        let a = Double(analytic[flat: i])
        if abs(a - value) > absolute + relative * max(abs(a), abs(value)) {
            XCTFail("\(name)[\(i)]: analytic \(a), numeric \(value)", file: file, line: line)
            return
        }
    }
}
