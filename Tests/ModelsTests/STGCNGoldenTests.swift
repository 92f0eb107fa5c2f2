import CounterRandom
import XCTest
@testable import Models
@testable import TensorModule

/// The whole encoder against scripts/golden_stgcn.py (NumPy), itself checked against a PyTorch
/// model with the reference's module names by scripts/bench_torch_stgcn.py --check-golden.
final class STGCNGoldenTests: XCTestCase {
    func testStateNamesShapesAndOrderAreTheReferences() throws {
        let golden = try ModelGolden.load()
        let model = STGCN(configuration: golden.configuration, key: RandomKey(seed: 1))
        let entries = model.stateEntries()
        XCTAssertEqual(entries.map(\.name), golden.stateOrder)
        let state = golden.state()
        for entry in entries {
            XCTAssertEqual(entry.tensor.shape, state[entry.name]?.shape, entry.name)
        }
        // parameters() order: everything but buffers, same relative order.
        let parameterNames = model.namedParameters().map(\.name)
        XCTAssertEqual(parameterNames, entries.filter { $0.kind == .parameter }.map(\.name))
        XCTAssertEqual(parameterNames.first, "edge_importance1")
        XCTAssertEqual(model.namedBuffers().map(\.name).prefix(3), ["A", "data_bn.running_mean", "data_bn.running_var"])
    }

    func testForwardInEvaluationAndTrainingMode() throws {
        let golden = try ModelGolden.load()
        let model = STGCN(configuration: golden.configuration, key: RandomKey(seed: 1))
        XCTAssertEqual(try model.load(state: golden.state()), [])
        let input = try golden.tensor("input")

        let evaluation = model.forward(input, training: false, recordTape: false)
        assertClose(evaluation.output, try golden.tensor("output_eval"), "eval output")
        assertClose(evaluation.features, try golden.tensor("feature_eval"), "eval feature")
        XCTAssertNil(evaluation.tape)

        let training = model.forward(input, training: true)
        assertClose(training.output, try golden.tensor("output_train"), "train output")
        assertClose(training.features, try golden.tensor("feature_train"), "train feature")
        let state = Dictionary(uniqueKeysWithValues: model.stateEntries().map { ($0.name, $0.tensor) })
        for key in ["data_bn.running_mean", "data_bn.running_var", "st_gcn_networks.9.tcn.3.running_var",
                    "st_gcn_networks.7.residual.1.running_mean"] {
            assertClose(try XCTUnwrap(state[key]), try golden.tensor("trained:" + key), absolute: 1e-5, relative: 1e-4, key)
        }
        XCTAssertEqual(state["data_bn.num_batches_tracked"]?[flat: 0], 1)
    }

    func testLoadReportsMissingAndUnexpectedKeys() throws {
        let golden = try ModelGolden.load()
        let model = STGCN(configuration: golden.configuration, key: RandomKey(seed: 1))
        var state = Dictionary(uniqueKeysWithValues: golden.state().map { ("encoder_q." + $0.key, $0.value) })
        state["encoder_q.extra"] = Tensor(shape: [1])
        XCTAssertEqual(try model.load(state: state, prefix: "encoder_q."), ["encoder_q.extra"])
        state["encoder_q.fc.2.bias"] = Tensor(shape: [3])
        XCTAssertThrowsError(try model.load(state: state, prefix: "encoder_q.")) { error in
            XCTAssertTrue("\(error)".contains("encoder_q.fc.2.bias"), "\(error)")
        }
        state.removeValue(forKey: "encoder_q.A")
        XCTAssertThrowsError(try model.load(state: state, prefix: "encoder_q.")) { error in
            XCTAssertEqual("\(error)", "missing key encoder_q.A")
        }
    }

    func testInputShapeIsValidated() {
        let model = STGCN(configuration: ModelGoldenConfigurations.tiny, key: RandomKey(seed: 1))
        XCTAssertThrowsError(try model.validate(inputShape: [2, 3, 8, 24, 2]))
        XCTAssertThrowsError(try model.validate(inputShape: [2, 3, 8, 25]))
        XCTAssertNoThrow(try model.validate(inputShape: [2, 3, 8, 25, 2]))
    }

    func testReferenceWidthsAndInitialisation() {
        let model = STGCN(configuration: .hiclr, key: RandomKey(seed: 3))
        XCTAssertEqual(model.blocks.map(\.outChannels), [16, 16, 16, 16, 32, 32, 32, 64, 64, 256])
        XCTAssertEqual(model.blocks.map(\.stride), [1, 1, 1, 1, 2, 1, 1, 2, 1, 1])
        XCTAssertEqual(model.blocks.map(\.dropout), [0] + Array(repeating: 0.5, count: 9))
        let named = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter) })
        XCTAssertEqual(named["st_gcn_networks.0.gcn.conv.weight"]?.shape, [48, 3, 1, 1])
        XCTAssertEqual(named["st_gcn_networks.9.tcn.2.weight"]?.shape, [256, 256, 9, 1])
        XCTAssertEqual(named["st_gcn_networks.4.residual.0.weight"]?.shape, [32, 16, 1, 1])
        XCTAssertNil(named["st_gcn_networks.1.residual.0.weight"])
        XCTAssertEqual(named["fc.0.weight"]?.shape, [256, 256])
        XCTAssertEqual(named["fc.2.weight"]?.shape, [128, 256])
        XCTAssertEqual(named["data_bn.weight"]?.shape, [75])   // HiCLR net/st_gcn.py line 25: in_channels * V
        // weights_init: conv weights N(0, 0.02), BN weights N(1, 0.02), biases 0, importance 1.
        let w = named["st_gcn_networks.9.tcn.2.weight"]!.value.values
        let mean = w.reduce(0, +) / Float(w.count)
        let std = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(w.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 1e-3)
        XCTAssertEqual(std, 0.02, accuracy: 1e-3)
        XCTAssertEqual(named["st_gcn_networks.9.tcn.3.weight"]!.value.values.reduce(0, +) / 256, 1, accuracy: 0.01)
        XCTAssertEqual(named["st_gcn_networks.9.tcn.2.bias"]!.value.values, Array(repeating: 0, count: 256))
        XCTAssertEqual(named["edge_importance10"]!.value.values, Array(repeating: 1, count: 3 * 25 * 25))
        // The pretraining weights_init matches nn.Linear too: N(0, 0.02), bias 0.
        let head = named["fc.0.weight"]!.value.values
        XCTAssertEqual((head.map { $0 * $0 }.reduce(0, +) / Float(head.count)).squareRoot(), 0.02, accuracy: 1e-3)
        XCTAssertEqual(named["fc.2.bias"]!.value.values, Array(repeating: 0, count: 128))
        // The option: PyTorch's default U(−1/√256, 1/√256) (std 1/√(3·256)), biases drawn too.
        var pytorch = STGCNConfiguration.hiclr
        pytorch.headInitialization = .pytorchDefault
        let other = Dictionary(uniqueKeysWithValues: STGCN(configuration: pytorch, key: RandomKey(seed: 3)).namedParameters()
            .map { ($0.name, $0.parameter) })
        let defaultHead = other["fc.0.weight"]!.value.values
        XCTAssertLessThanOrEqual(defaultHead.map(abs).max()!, 1 / 16)
        let headStd = (defaultHead.map { $0 * $0 }.reduce(0, +) / Float(defaultHead.count)).squareRoot()
        XCTAssertEqual(headStd, 1 / (3 * 256 as Float).squareRoot(), accuracy: 1e-3)
        XCTAssertGreaterThan(other["fc.2.bias"]!.value.values.map(abs).max()!, 0.03)
        // Reproducible from the key.
        let again = STGCN(configuration: .hiclr, key: RandomKey(seed: 3))
        XCTAssertEqual(again.blocks[3].temporalConvolution.weight.value.values,
                       model.blocks[3].temporalConvolution.weight.value.values)
    }

    func testParameterListNamingPutsImportanceLast() {
        var configuration = ModelGoldenConfigurations.tiny
        configuration.edgeImportanceNaming = .parameterList
        configuration.head = .linear(classes: 5)
        let model = STGCN(configuration: configuration, key: RandomKey(seed: 1))
        let names = model.stateEntries().map(\.name)
        XCTAssertEqual(names.first, "A")
        XCTAssertEqual(names.suffix(11), ["fc.bias"] + (0..<10).map { "edge_importance.\($0)" })
        XCTAssertTrue(names.contains("fc.weight"))
    }
}

enum ModelGoldenConfigurations {
    /// The golden's shape: hidden 2, hidden_dim 8, MLP head to 4 features.
    static var tiny: STGCNConfiguration {
        var c = STGCNConfiguration()
        c.hiddenChannels = 2
        c.hiddenDim = 8
        c.head = .mlp(features: 4)
        return c
    }
}
