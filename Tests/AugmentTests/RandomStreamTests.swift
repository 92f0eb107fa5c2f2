import CounterRandom
import XCTest
@testable import Augment

final class RandomStreamTests: XCTestCase {
    private struct RandomGolden: Decodable {
        struct Vector: Decodable { let counter: [UInt32]; let key: [UInt32]; let expected: [UInt32] }
        struct Ints: Decodable { let lower: Int; let upper: Int; let values: [Int] }
        struct Choose: Decodable { let k: Int; let n: Int; let values: [Int] }
        let kat: [Vector]
        let key: RandomKey
        let words: [UInt32]
        let floats: [Float]
        let doubles: [Double]
        let ints: Ints
        let normals: [Float]
        let choose: Choose
    }

    private func golden() throws -> RandomGolden {
        try JSONDecoder().decode(RandomGolden.self, from: AugmentFixtures.golden("random"))
    }

    func testPhiloxKnownAnswers() throws {
        let g = try golden()
        XCTAssertGreaterThanOrEqual(g.kat.count, 3)
        for v in g.kat {
            XCTAssertEqual(Philox4x32.block(counter: v.counter, key: v.key), v.expected, "counter \(v.counter)")
        }
        // Random123's first published vector, spelled out here too.
        XCTAssertEqual(Philox4x32.block(counter: [0, 0, 0, 0], key: [0, 0]),
                       [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8])
    }

    func testStreamMatchesGolden() throws {
        let g = try golden()
        var s = RandomStream(key: g.key)
        XCTAssertEqual((0..<g.words.count).map { _ in s.nextUInt32() }, g.words)
        s = RandomStream(key: g.key)
        XCTAssertEqual((0..<g.floats.count).map { _ in s.nextFloat() }, g.floats)
        s = RandomStream(key: g.key)
        XCTAssertEqual((0..<g.doubles.count).map { _ in s.nextDouble() }, g.doubles)
        s = RandomStream(key: g.key)
        XCTAssertEqual((0..<g.ints.values.count).map { _ in s.nextInt(in: g.ints.lower...g.ints.upper) }, g.ints.values)
        s = RandomStream(key: g.key)
        var normals = [Float](repeating: 0, count: g.normals.count)
        s.addNormals(to: &normals, count: normals.count, mean: 0, std: 1)
        for (a, b) in zip(normals, g.normals) { XCTAssertEqual(a, b, accuracy: 2e-5) }
        s = RandomStream(key: g.key)
        XCTAssertEqual(s.choose(g.choose.k, from: g.choose.n), g.choose.values)
    }

    func testEveryKeyFieldSelectsAnIndependentStream() {
        let base = RandomKey(seed: 42, epoch: 1, sample: 2, branch: 3, stage: 4)
        var keys = [base]
        var k = base; k.seed = 43; keys.append(k)
        k = base; k.seed = 42 | 1 << 40; keys.append(k)
        k = base; k.epoch = 2; keys.append(k)
        k = base; k.sample = 3; keys.append(k)
        k = base; k.branch = 4; keys.append(k)
        k = base; k.stage = 5; keys.append(k)
        let firstWords = keys.map { key -> [UInt32] in
            var s = RandomStream(key: key)
            return (0..<8).map { _ in s.nextUInt32() }
        }
        XCTAssertEqual(Set(firstWords.map { $0.description }).count, keys.count, "two keys gave the same stream")
        // Streams of neighbouring samples are uncorrelated: sample correlation of 4000 uniforms is ~ N(0, 1/4000).
        var a = RandomStream(seed: 7, epoch: 0, sample: 0, branch: 0, stage: 0)
        var b = RandomStream(seed: 7, epoch: 0, sample: 1, branch: 0, stage: 0)
        let n = 4000
        let x = (0..<n).map { _ in Double(a.nextFloat()) - 0.5 }
        let y = (0..<n).map { _ in Double(b.nextFloat()) - 0.5 }
        let cov = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / Double(n)
        let correlation = cov / (1.0 / 12)
        XCTAssertLessThan(abs(correlation), 4 / Double(n).squareRoot())
        // And the first words of 2000 consecutive samples are all distinct (no accidental counter overlap).
        let first = (0..<2000).map { i -> UInt32 in
            var s = RandomStream(seed: 7, epoch: 0, sample: i, branch: 0, stage: 0)
            return s.nextUInt32()
        }
        XCTAssertEqual(Set(first).count, first.count)
    }

    func testUniformMomentsAndRanges() {
        var s = RandomStream(seed: 1, epoch: 0, sample: 0, branch: 0, stage: 0)
        let n = 20_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n {
            let u = s.nextDouble()
            XCTAssert(u >= 0 && u < 1)
            sum += u
            sumSquares += u * u
        }
        XCTAssertEqual(sum / Double(n), 0.5, accuracy: 0.01)
        XCTAssertEqual(sumSquares / Double(n) - 0.25, 1.0 / 12, accuracy: 0.005)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<3000 { counts[s.nextInt(in: 0...2)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 1000, accuracy: 120) }
        XCTAssertEqual(s.nextInt(in: 5...5), 5)
    }

    func testStreamPositionRoundTripsThroughCodable() throws {
        var s = RandomStream(seed: 99, epoch: 3, sample: 5, branch: 1, stage: 2)
        _ = s.nextUInt32(); _ = s.nextUInt32(); _ = s.nextUInt32() // mid-block
        let data = try JSONEncoder().encode(s)
        var restored = try JSONDecoder().decode(RandomStream.self, from: data)
        XCTAssertEqual(restored, s)
        XCTAssertEqual((0..<9).map { _ in restored.nextUInt32() }, (0..<9).map { _ in s.nextUInt32() })
    }

    func testChooseGivesDistinctValues() {
        var s = RandomStream(seed: 5, epoch: 0, sample: 0, branch: 0, stage: 0)
        for k in [0, 1, 2, 12, 25] {
            let chosen = s.choose(k, from: 25)
            XCTAssertEqual(chosen.count, k)
            XCTAssertEqual(Set(chosen).count, k)
            XCTAssert(chosen.allSatisfy { (0..<25).contains($0) })
        }
    }
}
