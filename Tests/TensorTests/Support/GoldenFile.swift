import Foundation
import XCTest
@testable import TensorModule

/// One golden case written by scripts/golden_tensor.py (format: Golden/README.md).
struct GoldenFile: Decodable {
    struct Entry: Decodable {
        let shape: [Int]
        let data: [Float]
    }

    let description: String
    let scalars: [String: Double]
    let tensors: [String: Entry]

    static func load(_ name: String) throws -> GoldenFile {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"),
                                "missing golden file \(name).json")
        return try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: url))
    }

    func tensor(_ key: String) throws -> Tensor {
        let entry = try XCTUnwrap(tensors[key], "golden tensor \(key) missing")
        return Tensor(shape: entry.shape, values: entry.data)
    }

    func scalar(_ key: String) throws -> Double {
        try XCTUnwrap(scalars[key], "golden scalar \(key) missing")
    }
}

/// Asserts equal shapes and `|a − b| ≤ absolute + relative·|b|` element-wise.
func assertClose(_ actual: Tensor, _ expected: Tensor, absolute: Float = 1e-5, relative: Float = 1e-4,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "shape \(message)", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    var worst = 0, worstExcess: Float = 0
    for i in 0..<actual.count {
        let excess = abs(actual[flat: i] - expected[flat: i]) - (absolute + relative * abs(expected[flat: i]))
        if !(excess <= worstExcess) { worst = i; worstExcess = excess.isNaN ? .infinity : excess }
    }
    XCTAssertLessThanOrEqual(worstExcess, 0, "\(message): element \(worst) is \(actual[flat: worst]), "
        + "expected \(expected[flat: worst])", file: file, line: line)
}
