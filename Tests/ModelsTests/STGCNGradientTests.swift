import CounterRandom
import TensorTestSupport
import XCTest
@testable import Models
@testable import TensorModule

/// The whole encoder's backward pass against central finite differences.
final class STGCNGradientTests: XCTestCase {
    func testEveryParameterGradientOfATinyEncoder() throws {
        var configuration = ModelGoldenConfigurations.tiny
        configuration.dropout = 0.5
        let model = STGCN(configuration: configuration, key: RandomKey(seed: 11))
        // Weights of scale 1/√fan-in, non-zero biases, and shifts of about +1.5 before every ReLU
        // keep most ReLU inputs away from the kink, so central differences see a smooth function.
        for (index, entry) in model.namedParameters().enumerated() where !entry.name.hasPrefix("edge_importance") {
            let shape = entry.parameter.shape
            let seed = 100 + UInt64(index)
            if entry.name.hasSuffix("weight") && shape.count > 1 {
                let fanIn = shape.dropFirst().reduce(1, *)
                entry.parameter.value.assign(randomTensor(shape, seed: seed, scale: 1.7 / Float(fanIn).squareRoot()))
            } else if entry.name.hasSuffix("bias") {
                let beforeReLU = ["tcn.0", "tcn.3", "residual.1", "fc.0"].contains { entry.name.contains($0) }
                let random = randomTensor(shape, seed: seed, scale: 0.2)
                entry.parameter.value.assign(beforeReLU ? Elementwise.add(random, Tensor(shape: shape, repeating: 1.5))
                                                        : random)
            }
        }
        let input = randomTensor([2, 3, 8, 25, 2], seed: 12)
        let key = RandomKey(seed: 13)
        let outputWeights = randomTensor([2, 4], seed: 14)
        let featureWeights = randomTensor([2, 8], seed: 15)
        func loss() -> Double {
            let result = model.forward(input, training: true, key: key, recordTape: false)
            return Elementwise.dot(result.output, outputWeights) + Elementwise.dot(result.features, featureWeights)
        }
        let result = model.forward(input, training: true, key: key)
        model.zeroGradients()
        model.backward(try XCTUnwrap(result.tape), outputGradient: outputWeights, featureGradient: featureWeights)

        // Each parameter tensor is moved along two unit directions (its gradient's and a random
        // one) by 3e-3 in L2 norm; the central difference must match the analytic projection.
        var checked = 0
        for (index, entry) in model.namedParameters().enumerated() {
            let gradient = entry.parameter.gradient
            let norm = Elementwise.dot(gradient, gradient).squareRoot()
            let random = randomTensor(entry.parameter.shape, seed: 1000 + UInt64(index))
            for direction in [gradient, random] {
                let length = Elementwise.dot(direction, direction).squareRoot()
                if length == 0 { continue }
                let unit = Elementwise.scaled(direction, by: Float(1 / length))
                let analytic = Elementwise.dot(gradient, unit)
                let numeric = FiniteDifference.directionalDerivative(of: loss, wrt: [entry.parameter.value],
                                                                     directions: [unit], step: 3e-3)
                XCTAssertEqual(analytic, numeric, accuracy: 5e-3 + 2e-2 * norm, entry.name)
            }
            checked += 1
        }
        XCTAssertEqual(checked, model.namedParameters().count)
        XCTAssertGreaterThan(checked, 60)
    }

    func testGradientsOfSeveralPassesAdd() throws {
        let model = STGCN(configuration: ModelGoldenConfigurations.tiny, key: RandomKey(seed: 5))
        let input = randomTensor([2, 3, 6, 25, 2], seed: 6)
        let dy = randomTensor([2, 4], seed: 7)
        let first = model.forward(input, training: true, key: RandomKey(seed: 8))
        let second = model.forward(input, training: true, key: RandomKey(seed: 8))
        model.backward(try XCTUnwrap(first.tape), outputGradient: dy)
        let once = model.parameters.map { $0.gradient.copy() }
        model.backward(try XCTUnwrap(second.tape), outputGradient: dy)
        for (parameter, single) in zip(model.parameters, once) {
            assertClose(parameter.gradient, Elementwise.scaled(single, by: 2), absolute: 1e-6, relative: 1e-4, "sum")
        }
    }
}
