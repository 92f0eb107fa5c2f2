import CounterRandom
import XCTest
@testable import TensorModule

/// The engine's keys are a branch of the one Philox tree (docs/determinism.md): random access agrees with the
/// sequential stream, derivation stays on the engine branch, and dropout does not depend on the worker count.
final class RandomKeyTests: XCTestCase {
    func testDrawsArePureFunctionsOfKeyAndPosition() {
        let key = RandomKey(seed: 42).derived(3, 17)
        XCTAssertEqual(key.uniform(at: 1000), RandomKey(seed: 42).derived(3).derived(17).uniform(at: 1000))
        XCTAssertNotEqual(key.bits(at: 0), RandomKey(seed: 42).derived(17, 3).bits(at: 0))
        XCTAssertNotEqual(RandomKey(seed: 1).bits(at: 0), RandomKey(seed: 2).bits(at: 0))
        XCTAssertNotEqual(RandomKey(seed: 1).derived(0), RandomKey(seed: 1), "a child is not its parent")
    }

    func testEngineKeysAreABranchOfTheAugmentationTree() {
        let root = RandomKey(seed: 42)
        XCTAssertEqual(root, RandomKey(seed: 42, epoch: 0, sample: 0, branch: RandomKey.engineBranch, stage: 0))
        let child = root.derived(7, 1 << 40)
        XCTAssertEqual(child.seed, 42)
        XCTAssertEqual(Int(child.branch), RandomKey.engineBranch, "derivation never leaves the engine branch")
        // Random access reads the same words as the sequential stream of the same key.
        var stream = RandomStream(key: child)
        for i in 0..<9 { XCTAssertEqual(child.uniformDouble(at: i), stream.nextDouble(), "double \(i)") }
        stream = RandomStream(key: child)
        for i in 0..<9 { XCTAssertEqual(child.uniform(at: i), stream.nextFloat(), "float \(i)") }
        stream = RandomStream(key: child)
        for i in 0..<9 { XCTAssertEqual(child.word(at: UInt64(i)), stream.nextUInt32(), "word \(i)") }
        // Philox with counter (block, branch << 16 | stage, sample, epoch) and key (seed low, seed high).
        let b = Philox4x32.block(counter: [3, UInt32(child.branch) << 16 | UInt32(child.stage), child.sample, child.epoch],
                                 key: [42, 0])
        XCTAssertEqual(child.bits(at: 6), UInt64(b[0]) << 32 | UInt64(b[1]))
        XCTAssertEqual(child.bits(at: 7), UInt64(b[2]) << 32 | UInt64(b[3]))
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

    func testDropoutDoesNotDependOnWorkerCountOrOffset() {
        let x = randomTensor([300, 501], seed: 3)
        let saved = Parallel.workerCount
        defer { Parallel.workerCount = saved }
        Parallel.workerCount = 1
        let one = Dropout.forward(x, probability: 0.5, key: RandomKey(seed: 9))
        Parallel.workerCount = 4
        let four = Dropout.forward(x, probability: 0.5, key: RandomKey(seed: 9))
        XCTAssertEqual(one.values, four.values)
        let kept = one.values.filter { $0 != 0 }.count
        XCTAssertEqual(Double(kept) / Double(x.count), 0.5, accuracy: 0.01)
        // Element i is kept exactly when 16-bit lane i % 4 of bits(i / 4) reaches round(p · 65536).
        let key = RandomKey(seed: 9)
        for i in [0, 1, 5, 7, 8, 13, 4095, 4096, 4101, x.count - 1] {
            let lane = (key.bits(at: UInt64(i / 4)) >> (16 * UInt64(i % 4))) & 0xFFFF
            XCTAssertEqual(one[flat: i] != 0, lane >= 32_768, "element \(i)")
        }
    }
}
