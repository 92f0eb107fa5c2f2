import XCTest
@testable import TensorModule

/// Work split across threads must not change results: products are split by output blocks and
/// per-thread partial sums are added in a fixed order.
final class ThreadingTests: XCTestCase {
    func testConvolutionAndAggregationIgnoreWorkerCount() {
        let saved = Parallel.workerCount
        defer { Parallel.workerCount = saved }
        func run(workers: Int) -> [[Float]] {
            Parallel.workerCount = workers
            let conv = TemporalConvolution(inChannels: 48, outChannels: 64, kernelSize: 9, stride: 2, padding: 4)
            conv.weight.value.assign(randomTensor(conv.weight.shape, seed: 1, scale: 0.1))
            conv.bias!.value.assign(randomTensor([64], seed: 2))
            let x = randomTensor([9, 48, 40, 25], seed: 3)
            let y = conv.forward(x)
            let dx = conv.backward(randomTensor(y.shape, seed: 4), input: x)!
            let a = randomTensor([3, 25, 25], seed: 5)
            let g = GraphAggregation.forward(randomTensor([5, 3 * 16, 40, 25], seed: 6), adjacency: a)
            let da = Tensor(shape: a.shape)
            _ = GraphAggregation.backward(randomTensor(g.shape, seed: 7), input: randomTensor([5, 48, 40, 25], seed: 6),
                                          adjacency: a, adjacencyGradient: da)
            return [y.values, dx.values, conv.weight.gradient.values, conv.bias!.gradient.values, g.values, da.values]
        }
        let one = run(workers: 1), two = run(workers: 2), three = run(workers: 3)
        for (index, (a, b)) in zip(one, two).enumerated() { XCTAssertEqual(a, b, "result \(index), 1 vs 2 workers") }
        for (index, (a, b)) in zip(one, three).enumerated() { XCTAssertEqual(a, b, "result \(index), 1 vs 3 workers") }
    }

    func testPooledBuffersAreReusedAndZeroedTensorsStayZero() {
        let count = TensorStoragePool.minimumElements
        do {
            let t = Tensor(shape: [count], repeating: 7)
            XCTAssertEqual(t[flat: count - 1], 7)
        }
        XCTAssertGreaterThanOrEqual(TensorStoragePool.retainedBytes, count * 4)
        let reused = Tensor(shape: [count])
        XCTAssertEqual(reused.values.max(), 0, "a zero tensor from a reused buffer is zero")
        TensorStoragePool.drain()
        XCTAssertEqual(TensorStoragePool.retainedBytes, 0)
    }
}
