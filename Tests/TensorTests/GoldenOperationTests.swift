import CounterRandom
import XCTest
@testable import TensorModule

/// Forward values of every operation against scripts/golden_tensor.py (NumPy, float64).
final class GoldenOperationTests: XCTestCase {
    func testLinear() throws {
        let g = try GoldenFile.load("linear")
        let layer = Linear(inFeatures: 5, outFeatures: 3)
        layer.weight.value.assign(try g.tensor("weight"))
        layer.bias!.value.assign(try g.tensor("bias"))
        assertClose(layer.forward(try g.tensor("x")), try g.tensor("y"), "linear")
    }

    func testMatrixProductsWithTransposes() throws {
        let b = try GoldenFile.load("matmul_transpose_b")
        assertClose(MatrixMultiply.forward(try b.tensor("a"), try b.tensor("b"), transposeB: true),
                    try b.tensor("y"), "a·bᵀ")
        let a = try GoldenFile.load("matmul_transpose_a")
        assertClose(MatrixMultiply.forward(try a.tensor("a"), try a.tensor("b"), transposeA: true),
                    try a.tensor("y"), "aᵀ·b")
    }

    func testTemporalConvolutions() throws {
        for name in ["conv_k9_s1", "conv_k9_s2", "conv_k1_s1", "conv_k1_s2", "conv_k3_s2_p1_short"] {
            let g = try GoldenFile.load(name)
            let weight = try g.tensor("weight")
            let conv = TemporalConvolution(inChannels: weight.shape[1], outChannels: weight.shape[0],
                                           kernelSize: Int(try g.scalar("kernel")), stride: Int(try g.scalar("stride")),
                                           padding: Int(try g.scalar("padding")))
            conv.weight.value.assign(weight)
            conv.bias!.value.assign(try g.tensor("bias"))
            let y = conv.forward(try g.tensor("x"))
            XCTAssertEqual(y.shape[0], conv.outputLength(try g.tensor("x").shape[0]), name)
            assertClose(y, try g.tensor("y"), name)
        }
    }

    func testGraphAggregation() throws {
        let g = try GoldenFile.load("graph_aggregation")
        assertClose(GraphAggregation.forward(try g.tensor("x"), adjacency: try g.tensor("adjacency")),
                    try g.tensor("y"), "einsum nkctv,kvw->nctw")
    }

    func testBatchNormTrainingUpdatesRunningStatistics() throws {
        for name in ["batchnorm2d_train", "batchnorm1d_train"] {
            let g = try GoldenFile.load(name)
            let x = try g.tensor("x")
            let axis = Int(try g.scalar("channel_axis"))
            let bn = BatchNorm(channels: x.shape[axis])
            bn.weight.value.assign(try g.tensor("weight"))
            bn.bias.value.assign(try g.tensor("bias"))
            bn.runningMean.assign(try g.tensor("running_mean"))
            bn.runningVariance.assign(try g.tensor("running_var"))
            let (y, _) = bn.forward(x, channelAxis: axis, training: true)
            assertClose(y, try g.tensor("y"), absolute: 1e-5, relative: 1e-4, name)
            assertClose(bn.runningMean, try g.tensor("new_running_mean"), "\(name) running mean")
            assertClose(bn.runningVariance, try g.tensor("new_running_var"), "\(name) running var (unbiased)")
            XCTAssertEqual(bn.batchesTracked[flat: 0], 1)
        }
    }

    func testBatchNormEvaluationUsesRunningStatistics() throws {
        let g = try GoldenFile.load("batchnorm2d_eval")
        let bn = BatchNorm(channels: 4)
        bn.weight.value.assign(try g.tensor("weight"))
        bn.bias.value.assign(try g.tensor("bias"))
        bn.runningMean.assign(try g.tensor("running_mean"))
        bn.runningVariance.assign(try g.tensor("running_var"))
        let (y, _) = bn.forward(try g.tensor("x"), channelAxis: 1, training: false)
        assertClose(y, try g.tensor("y"), "eval")
        assertClose(bn.runningMean, try g.tensor("running_mean"), "running mean unchanged")
        XCTAssertEqual(bn.batchesTracked[flat: 0], 0)
    }

    func testReLUAndDropout() throws {
        let r = try GoldenFile.load("relu")
        assertClose(ReLU.forward(try r.tensor("x")), try r.tensor("y"), "relu")
        let d = try GoldenFile.load("dropout")
        let key = RandomKey(seed: UInt64(try d.scalar("seed"))).derived(UInt64(try d.scalar("purpose")))
        // The Python port of the generator agrees bit for bit on the first draw.
        XCTAssertEqual(Double(key.bits(at: 0) >> 32), try d.scalar("first_bits_hi"))
        assertClose(Dropout.forward(try d.tensor("x"), probability: Float(try d.scalar("p")), key: key),
                    try d.tensor("y"), "dropout mask and scale")
    }

    func testPooling() throws {
        let g = try GoldenFile.load("global_average_pool")
        assertClose(GlobalAveragePool.forward(try g.tensor("x")), try g.tensor("y"), "avg pool over T, V")
        let m = try GoldenFile.load("group_mean")
        assertClose(GroupMean.forward(try m.tensor("x"), groupSize: Int(try m.scalar("group"))),
                    try m.tensor("y"), "mean over bodies")
    }

    func testSoftmaxFamilyAndCrossEntropy() throws {
        let g = try GoldenFile.load("softmax")
        let x = try g.tensor("x")
        assertClose(Softmax.forward(x), try g.tensor("softmax"), "softmax")
        assertClose(LogSoftmax.forward(x), try g.tensor("log_softmax"), "log-softmax")
        let labels = [Int(try g.scalar("label0")), Int(try g.scalar("label1")), Int(try g.scalar("label2"))]
        let hard = CrossEntropy.loss(logits: x, labels: labels)
        XCTAssertEqual(Double(hard.loss), try g.scalar("ce_labels"), accuracy: 1e-5)
        assertClose(hard.gradient, try g.tensor("ce_labels_grad"), "CE gradient (labels)")
        let soft = CrossEntropy.loss(logits: x, targets: try g.tensor("targets"))
        XCTAssertEqual(Double(soft.loss), try g.scalar("ce_soft"), accuracy: 1e-5)
        assertClose(soft.gradient, try g.tensor("ce_soft_grad"), "CE gradient (soft targets)")
    }

    func testL2NormalizeClampsZeroRows() throws {
        let g = try GoldenFile.load("l2_normalize")
        assertClose(L2Normalize.forward(try g.tensor("x")), try g.tensor("y"), "normalize")
    }

    func testPermute() throws {
        let g = try GoldenFile.load("permute")
        let y = Permute.forward(try g.tensor("x"), axes: [0, 4, 3, 1, 2])
        assertClose(y, try g.tensor("y"), absolute: 0, relative: 0, "permute is exact")
        assertClose(Permute.backward(y, axes: [0, 4, 3, 1, 2]), try g.tensor("x"), absolute: 0, relative: 0,
                    "inverse permutation")
    }

    func testSGDMatchesPyTorchUpdateRule() throws {
        let g = try GoldenFile.load("sgd")
        let parameter = Parameter(try g.tensor("p0"))
        let sgd = SGD(parameters: [parameter], learningRate: Float(try g.scalar("lr")),
                      momentum: Float(try g.scalar("momentum")), weightDecay: Float(try g.scalar("weight_decay")))
        XCTAssertNil(sgd.momentumBuffers[0])
        for step in 0..<3 {
            parameter.gradient.assign(try g.tensor("g\(step)"))
            sgd.step()
        }
        assertClose(parameter.value, try g.tensor("p3"), "parameters after 3 steps")
        assertClose(try XCTUnwrap(sgd.momentumBuffers[0]), try g.tensor("buf3"), "momentum buffer")
    }
}
