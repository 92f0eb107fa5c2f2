import CounterRandom
import Foundation
import Models
import TensorModule
import Train
import XCTest

/// The encoder's input gradient (which feeds HiCLR's mask token) along its own direction, against central
/// differences. In evaluation mode the encoder is piecewise linear in its input, so the match is tight; in
/// training mode the batch statistics make the loss strongly curved along that direction and central
/// differences only approach the gradient as the step shrinks (checked by hand: 0.001 → 0.081 of 0.143).
final class InputGradientTests: XCTestCase {
    func testEncoderInputGradientInEvaluationMode() throws {
        var c = STGCNConfiguration.hiclr
        c.hiddenChannels = 4; c.hiddenDim = 8; c.head = .mlp(features: 4); c.dropout = 0
        let model = STGCN(configuration: c, key: RandomKey(seed: 2))
        let b = 2
        let x = Tensor(shape: [b, 3, 50, 25, 2], values: (0..<b).flatMap { syntheticClip(label: $0, variant: $0).values })
        let w = Tensor(shape: [b, 4]) { Float($0 % 3) - 1 }
        func loss() -> Double { Elementwise.dot(model.forward(x, training: false, recordTape: false).output, w) }
        let pass = model.forward(x, training: false)
        let dx = try XCTUnwrap(model.backward(pass.tape!, outputGradient: w, needInputGradient: true))
        XCTAssertEqual(dx.shape, x.shape)
        let norm = Elementwise.dot(dx, dx).squareRoot()
        XCTAssertGreaterThan(norm, 0)
        let unit = Elementwise.scaled(dx, by: Float(1 / norm))
        let step: Float = 1e-2
        let saved = x.copy()
        x.assign(Elementwise.add(saved, Elementwise.scaled(unit, by: step)))
        let plus = loss()
        x.assign(Elementwise.add(saved, Elementwise.scaled(unit, by: -step)))
        let minus = loss()
        x.assign(saved)
        XCTAssertEqual((plus - minus) / Double(2 * step), norm, accuracy: 0.01 * norm)
    }
}

final class PermuteInverseTests: XCTestCase {
    func testBackwardUndoesForward() {
        let x = Tensor(shape: [2, 3, 4, 5, 6]) { Float($0) }
        for axes in [[0, 4, 3, 1, 2], [4, 3, 0, 1, 2]] {
            let y = Permute.forward(x, axes: axes)
            XCTAssertEqual(Permute.backward(y, axes: axes).values, x.values, "\(axes)")
        }
    }
}
