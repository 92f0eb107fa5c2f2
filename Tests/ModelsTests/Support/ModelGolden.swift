import CounterRandom
import Foundation
import XCTest
@testable import Models
@testable import TensorModule

/// The tiny ST-GCN golden written by scripts/golden_stgcn.py (format: Tests/TensorTests/Golden/README.md,
/// plus `state_order`, the reference `state_dict` key order).
struct ModelGolden: Decodable {
    struct Entry: Decodable {
        let shape: [Int]
        let data: [Float]
    }

    let scalars: [String: Double]
    let tensors: [String: Entry]
    let stateOrder: [String]

    enum CodingKeys: String, CodingKey {
        case scalars, tensors
        case stateOrder = "state_order"
    }

    static func load() throws -> ModelGolden {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "stgcn_tiny", withExtension: "json", subdirectory: "Golden"))
        return try JSONDecoder().decode(ModelGolden.self, from: Data(contentsOf: url))
    }

    func tensor(_ key: String) throws -> Tensor {
        let entry = try XCTUnwrap(tensors[key], "golden tensor \(key) missing")
        return Tensor(shape: entry.shape, values: entry.data)
    }

    /// The state dict keyed by reference names.
    func state() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (key, entry) in tensors where key.hasPrefix("state:") {
            state[String(key.dropFirst("state:".count))] = Tensor(shape: entry.shape, values: entry.data)
        }
        return state
    }

    /// The configuration the golden model was built with (dropout off).
    var configuration: STGCNConfiguration {
        var c = STGCNConfiguration()
        c.hiddenChannels = Int(scalars["hidden_channels"] ?? 0)
        c.hiddenDim = Int(scalars["hidden_dim"] ?? 0)
        c.head = .mlp(features: Int(scalars["features"] ?? 0))
        c.dropout = 0
        return c
    }
}

/// Asserts equal shapes and `|a − b| ≤ absolute + relative·|b|` element-wise.
func assertClose(_ actual: Tensor, _ expected: Tensor, absolute: Float = 1e-4, relative: Float = 1e-3,
                 _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "shape \(message)", file: file, line: line)
    guard actual.count == expected.count else { return }
    for i in 0..<actual.count {
        let (a, e) = (actual[flat: i], expected[flat: i])
        if !(abs(a - e) <= absolute + relative * abs(e)) {
            XCTFail("\(message)[\(i)]: \(a), expected \(e)", file: file, line: line)
            return
        }
    }
}

/// A fixed pseudo-random tensor with values in ±scale.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    let key = RandomKey(seed: seed)
    return Tensor(shape: shape) { (2 * key.uniform(at: $0) - 1) * scale }
}
