import CounterRandom
import XCTest
@testable import TensorModule

/// Every backward pass against central finite differences of `L = Σ y·r`.
final class GradientCheckTests: XCTestCase {
    func testLinear() {
        let layer = Linear(inFeatures: 5, outFeatures: 4)
        layer.weight.value.assign(randomTensor([4, 5], seed: 1))
        layer.bias!.value.assign(randomTensor([4], seed: 2))
        let x = randomTensor([3, 5], seed: 3)
        let r = Projection(like: [3, 4], seed: 4)
        let dx = layer.backward(r.weights, input: x)!
        let loss = { r.loss(layer.forward(x)) }
        assertGradient(dx, of: x, loss: loss, "linear dx")
        assertGradient(layer.weight.gradient, of: layer.weight.value, loss: loss, "linear dW")
        assertGradient(layer.bias!.gradient, of: layer.bias!.value, loss: loss, "linear db")
    }

    func testMatrixMultiplyAllTransposes() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = randomTensor(ta ? [4, 3] : [3, 4], seed: 5)
            let b = randomTensor(tb ? [2, 4] : [4, 2], seed: 6)
            let r = Projection(like: [3, 2], seed: 7)
            let (da, db) = MatrixMultiply.backward(r.weights, a, b, transposeA: ta, transposeB: tb)
            let loss = { r.loss(MatrixMultiply.forward(a, b, transposeA: ta, transposeB: tb)) }
            assertGradient(da, of: a, loss: loss, "matmul da (\(ta), \(tb))")
            assertGradient(db, of: b, loss: loss, "matmul db (\(ta), \(tb))")
        }
    }

    func testTemporalConvolutionGeometries() {
        for (kernel, stride, padding, frames) in [(9, 1, 4, 7), (9, 2, 4, 7), (1, 2, 0, 5), (3, 1, 1, 4), (1, 1, 0, 3)] {
            let conv = TemporalConvolution(inChannels: 3, outChannels: 2, kernelSize: kernel, stride: stride,
                                           padding: padding)
            conv.weight.value.assign(randomTensor(conv.weight.shape, seed: 8))
            conv.bias!.value.assign(randomTensor([2], seed: 9))
            let x = randomTensor([frames, 3, 2, 4], seed: 10)
            let outShape = [conv.outputLength(frames), 2, 2, 4]
            let r = Projection(like: outShape, seed: 11)
            let dx = conv.backward(r.weights, input: x)!
            let loss = { r.loss(conv.forward(x)) }
            let name = "conv k\(kernel) s\(stride) p\(padding)"
            assertGradient(dx, of: x, loss: loss, "\(name) dx")
            assertGradient(conv.weight.gradient, of: conv.weight.value, loss: loss, "\(name) dW")
            assertGradient(conv.bias!.gradient, of: conv.bias!.value, loss: loss, "\(name) db")
        }
    }

    func testGraphAggregation() {
        let x = randomTensor([3, 6, 2, 5], seed: 12)
        let a = randomTensor([3, 5, 4], seed: 13)
        let r = Projection(like: [3, 2, 2, 4], seed: 14)
        let da = Tensor(shape: a.shape)
        let dx = GraphAggregation.backward(r.weights, input: x, adjacency: a, adjacencyGradient: da)!
        let loss = { r.loss(GraphAggregation.forward(x, adjacency: a)) }
        assertGradient(dx, of: x, loss: loss, "aggregation dx")
        assertGradient(da, of: a, loss: loss, "aggregation dA")
    }

    func testBatchNormTrainingAndEvaluation() {
        for training in [true, false] {
            let bn = BatchNorm(channels: 3)
            bn.weight.value.assign(randomTensor([3], seed: 15, scale: 2))
            bn.bias.value.assign(randomTensor([3], seed: 16))
            bn.runningVariance.fill(0.7)
            let x = randomTensor([4, 3, 2, 5], seed: 17, scale: 3)
            let r = Projection(like: x.shape, seed: 18)
            let (_, cache) = bn.forward(x, channelAxis: 1, training: training)
            let dx = bn.backward(r.weights, cache: cache)
            let loss = { r.loss(bn.forward(x, channelAxis: 1, training: training).output) }
            assertGradient(dx, of: x, loss: loss, "batchnorm dx (training \(training))")
            assertGradient(bn.weight.gradient, of: bn.weight.value, loss: loss, "batchnorm dγ")
            assertGradient(bn.bias.gradient, of: bn.bias.value, loss: loss, "batchnorm dβ")
        }
    }

    func testReLUDropoutAndAdd() {
        let x = randomTensor([4, 6], seed: 19, gap: 0.1)
        let r = Projection(like: x.shape, seed: 20)
        assertGradient(ReLU.backward(r.weights, output: ReLU.forward(x)), of: x,
                       loss: { r.loss(ReLU.forward(x)) }, "relu dx")
        let key = RandomKey(seed: 21)
        assertGradient(Dropout.backward(r.weights, probability: 0.3, key: key), of: x,
                       loss: { r.loss(Dropout.forward(x, probability: 0.3, key: key)) }, "dropout dx")
        let other = randomTensor(x.shape, seed: 22)
        assertGradient(r.weights, of: x, loss: { r.loss(Elementwise.add(x, other)) }, "add dx")
    }

    func testPoolingAndGroupMean() {
        let x = randomTensor([3, 2, 4, 5], seed: 23)
        let r = Projection(like: [4, 2], seed: 24)
        assertGradient(GlobalAveragePool.backward(r.weights, inputShape: x.shape), of: x,
                       loss: { r.loss(GlobalAveragePool.forward(x)) }, "pool dx")
        let rows = randomTensor([4, 3], seed: 25)
        let rg = Projection(like: [2, 3], seed: 26)
        assertGradient(GroupMean.backward(rg.weights, groupSize: 2), of: rows,
                       loss: { rg.loss(GroupMean.forward(rows, groupSize: 2)) }, "group mean dx")
    }

    func testSoftmaxFamily() {
        let x = randomTensor([3, 5], seed: 27, scale: 2)
        let r = Projection(like: x.shape, seed: 28)
        assertGradient(Softmax.backward(r.weights, output: Softmax.forward(x)), of: x,
                       loss: { r.loss(Softmax.forward(x)) }, "softmax dx")
        assertGradient(LogSoftmax.backward(r.weights, output: LogSoftmax.forward(x)), of: x,
                       loss: { r.loss(LogSoftmax.forward(x)) }, "log-softmax dx")
        let labels = [4, 0, 2]
        assertGradient(CrossEntropy.loss(logits: x, labels: labels).gradient, of: x,
                       loss: { Double(CrossEntropy.loss(logits: x, labels: labels).loss) }, "CE dx (labels)")
        let targets = Softmax.forward(randomTensor(x.shape, seed: 29))
        assertGradient(CrossEntropy.loss(logits: x, targets: targets).gradient, of: x,
                       loss: { Double(CrossEntropy.loss(logits: x, targets: targets).loss) }, "CE dx (soft)")
    }

    func testL2NormalizeAndPermute() {
        let x = randomTensor([3, 4], seed: 30)
        let r = Projection(like: x.shape, seed: 31)
        assertGradient(L2Normalize.backward(r.weights, input: x), of: x,
                       loss: { r.loss(L2Normalize.forward(x)) }, "normalize dx")
        let y = randomTensor([2, 3, 4], seed: 32)
        let rp = Projection(like: [4, 2, 3], seed: 33)
        assertGradient(Permute.backward(rp.weights, axes: [2, 0, 1]), of: y,
                       loss: { rp.loss(Permute.forward(y, axes: [2, 0, 1])) }, "permute dx")
    }

    func testGradientsAccumulateAcrossBackwardCalls() {
        let layer = Linear(inFeatures: 2, outFeatures: 2)
        layer.weight.value.assign(randomTensor([2, 2], seed: 34))
        let x = randomTensor([3, 2], seed: 35)
        let dy = randomTensor([3, 2], seed: 36)
        layer.backward(dy, input: x, needInputGradient: false)
        let once = layer.weight.gradient.copy()
        layer.backward(dy, input: x, needInputGradient: false)
        assertClose(layer.weight.gradient, Elementwise.scaled(once, by: 2), "second backward adds")
        layer.weight.zeroGradient()
        XCTAssertEqual(layer.weight.gradient.values, [0, 0, 0, 0])
    }
}
