import XCTest
@testable import Tensor

final class RandomKeyTests: XCTestCase {
    func testDrawsArePureFunctionsOfKeyAndPosition() {
        let key = RandomKey(seed: 42).derived(3, 17)
        XCTAssertEqual(key.uniform(at: 1000), RandomKey(seed: 42).derived(3).derived(17).uniform(at: 1000))
        XCTAssertNotEqual(key.bits(at: 0), RandomKey(seed: 42).derived(17, 3).bits(at: 0))
        XCTAssertNotEqual(RandomKey(seed: 1).bits(at: 0), RandomKey(seed: 2).bits(at: 0))
    }

    func testUniformAndNormalMoments() {
        let key = RandomKey(seed: 7)
        let n = 20_000
        let uniforms = (0..<n).map { Double(key.uniform(at: $0)) }
        XCTAssertTrue(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(uniforms.reduce(0, +) / Double(n), 0.5, accuracy: 0.01)
        let normals = (0..<n).map { Double(key.normal(at: $0)) }
        let mean = normals.reduce(0, +) / Double(n)
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }

    func testDropoutDoesNotDependOnWorkerCount() {
        let x = randomTensor([300, 500], seed: 3)
        let saved = Parallel.workerCount
        defer { Parallel.workerCount = saved }
        Parallel.workerCount = 1
        let one = Dropout.forward(x, probability: 0.5, key: RandomKey(seed: 9))
        Parallel.workerCount = 4
        let four = Dropout.forward(x, probability: 0.5, key: RandomKey(seed: 9))
        XCTAssertEqual(one.values, four.values)
        let kept = one.values.filter { $0 != 0 }.count
        XCTAssertEqual(Double(kept) / Double(x.count), 0.5, accuracy: 0.01)
    }
}
