@testable import CounterRandom
import FastKernels
import XCTest

/// The bulk paths (`Philox4x32.blocks8`, `RandomStream.fill`, `RandomStream.addNormals`) against the one-at-a-time
/// definitions they must reproduce bit for bit: `Philox4x32.block`, `nextUInt32()` and `normalPair()`.
/// `addNormals` is checked three ways: as dispatched, its portable Swift path, and the AVX2 C kernel called
/// directly (on CPUs that have AVX2; elsewhere that part is skipped and says so).
final class RandomStreamBulkTests: XCTestCase {
    /// Keys with every field exercised, including seeds whose two key words differ and high sample/epoch bits.
    private let keys: [RandomKey] = [
        RandomKey(seed: 1, epoch: 0, sample: 0, branch: 0, stage: 3),
        RandomKey(seed: 0xDEAD_BEEF_0042, epoch: 9, sample: 123_456, branch: 3, stage: 7),
        RandomKey(seed: 0xFFFF_FFFF_FFFF_FFFF, epoch: 0xFFFF_FFFF, sample: 0xFFFF_FFFF, branch: 0xFFFF, stage: 0xFFFF),
        RandomKey(seed: 7, epoch: 2, sample: 59_999, branch: 1, stage: 4),
    ]

    func testBlocks8EqualsEightSingleBlocks() {
        for key in keys {
            let k = (UInt32(truncatingIfNeeded: key.seed), UInt32(truncatingIfNeeded: key.seed >> 32))
            let c1 = UInt32(key.branch) << 16 | UInt32(key.stage)
            // Including runs that wrap the 32-bit block counter.
            for first: UInt32 in [0, 1, 8, 12_345, 0xFFFF_FFFC, 0xFFFF_FFFF] {
                let out = Philox4x32.blocks8(first: first, c1: c1, c2: key.sample, c3: key.epoch, key: k)
                for lane in 0..<8 {
                    let one = Philox4x32.block(counter: (first &+ UInt32(lane), c1, key.sample, key.epoch), key: k)
                    XCTAssertEqual([out.0[lane], out.1[lane], out.2[lane], out.3[lane]], [one.0, one.1, one.2, one.3],
                                   "key \(key), block \(first) + \(lane)")
                }
            }
        }
    }

    func testFillGivesTheSameWordsAsOneAtATime() {
        for key in keys {
            for skip in [0, 1, 2, 3, 6] {
                for count in [0, 1, 5, 31, 32, 33, 64, 100, 259] {
                    var a = RandomStream(key: key, position: UInt64(skip))
                    var b = a
                    var words = [UInt32](repeating: 0, count: count)
                    words.withUnsafeMutableBufferPointer { a.fill($0) }
                    XCTAssertEqual(words, (0..<count).map { _ in b.nextUInt32() }, "skip \(skip), count \(count)")
                    XCTAssertEqual(a, b)
                    XCTAssertEqual(a.nextUInt32(), b.nextUInt32())
                }
            }
        }
    }

    /// `addNormals` pair by pair, as its documentation defines it.
    private func reference(_ stream: inout RandomStream, _ values: inout [Float], mean: Float, std: Float) {
        var j = 0
        while j < values.count {
            let (z0, z1) = stream.normalPair()
            values[j] += mean + std * z0
            if j + 1 < values.count { values[j + 1] += mean + std * z1 }
            j += 2
        }
    }

    /// The implementations of `addNormals`: the dispatched one, and for even positions the portable Swift path
    /// and (when this CPU has AVX2) the C kernel called directly.
    private func implementations(position: UInt64) -> [(String, (inout RandomStream, UnsafeMutablePointer<Float>, Int, Float, Float) -> Void)] {
        var all: [(String, (inout RandomStream, UnsafeMutablePointer<Float>, Int, Float, Float) -> Void)] = [
            ("addNormals (\(Kernels.name))", { $0.addNormals(to: $1, count: $2, mean: $3, std: $4) }),
        ]
        guard position & 1 == 0 else { return all }
        all.append(("portable", { $0.addNormalsPortable(to: $1, count: $2, mean: $3, std: $4) }))
        if Kernels.cpuHasAVX2 {
            all.append(("avx2", { stream, values, count, mean, std in
                let key = stream.key
                let p = Kernels.addNormalsAVX2(values, count: count, mean: mean, std: std, position: stream.position,
                                               key: key.philoxKey, counter: key.counterWords,
                                               constants: RandomStream.polarConstants)
                stream = RandomStream(key: key, position: count > 0 ? p : stream.position)
            }))
        }
        return all
    }

    private func assertAddNormalsMatchesPairByPair(key: RandomKey, position: UInt64, count: Int, mean: Float,
                                                   std: Float, file: StaticString = #filePath, line: UInt = #line) {
        // Non-zero starting values, so that the addition itself is checked too.
        let start = (0..<count).map { Float($0 % 97) * 0.013 - 0.6 }
        var slow = RandomStream(key: key, position: position)
        var expected = start
        reference(&slow, &expected, mean: mean, std: std)
        for (name, run) in implementations(position: position) {
            var fast = RandomStream(key: key, position: position)
            var got = start
            got.withUnsafeMutableBufferPointer { run(&fast, $0.baseAddress!, count, mean, std) }
            let mismatch = got.indices.first { got[$0].bitPattern != expected[$0].bitPattern }
            XCTAssertNil(mismatch, "\(name): key \(key), position \(position), count \(count): first mismatch at \(mismatch ?? -1)",
                         file: file, line: line)
            // Same words consumed: the same position, and the same words next.
            var next = slow
            XCTAssertEqual(fast.position, next.position, "\(name): key \(key), position \(position), count \(count)",
                           file: file, line: line)
            XCTAssertEqual(fast.nextUInt32(), next.nextUInt32(), "\(name)", file: file, line: line)
        }
    }

    /// The AVX2 kernel runs where it can (so the checks above cover it), unless HICLR_KERNELS=portable says not to.
    func testTheAVX2KernelIsUsedWhereTheCPUHasIt() throws {
        let portable = ProcessInfo.processInfo.environment["HICLR_KERNELS"] == "portable"
        XCTAssertEqual(Kernels.avx2, Kernels.cpuHasAVX2 && !portable)
        if !Kernels.cpuHasAVX2 { throw XCTSkip("this CPU has no AVX2: only the portable path was checked") }
    }

    func testAddNormalsEqualsPairByPair() {
        let counts = [0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 200, 255, 256, 257, 511, 513, 1001, 2047, 7500]
        for key in keys {
            // Even positions take the vector path at either half of a block; odd ones go pair by pair.
            for position: UInt64 in [0, 1, 2, 3, 4, 6, 10, 13, 1000, 4097] {
                for count in counts {
                    assertAddNormalsMatchesPairByPair(key: key, position: position, count: count, mean: 0, std: 1)
                }
            }
        }
        for (mean, std): (Float, Float) in [(0, 0.01), (0.5, 2), (-3, 0), (1e-3, 1e3)] {
            assertAddNormalsMatchesPairByPair(key: keys[1], position: 2, count: 7500, mean: mean, std: std)
        }
    }

    /// Random keys, positions and counts (a seeded generator of the family itself picks them).
    func testAddNormalsEqualsPairByPairOnRandomCases() {
        var pick = RandomStream(seed: 2026, epoch: 0, sample: 0, branch: 9, stage: 9)
        for _ in 0..<300 {
            let key = RandomKey(seed: UInt64(pick.nextUInt32()) << 32 | UInt64(pick.nextUInt32()),
                                epoch: Int(pick.nextUInt32()), sample: Int(pick.nextUInt32()),
                                branch: pick.nextInt(in: 0...0xFFFF), stage: pick.nextInt(in: 0...0xFFFF))
            let position = UInt64(pick.nextInt(in: 0...5000))
            let count = pick.nextInt(in: 0...3000)
            assertAddNormalsMatchesPairByPair(key: key, position: position, count: count, mean: 0.25, std: 0.5)
        }
    }

    /// Runs that cross the 32-bit block counter's wrap (block 2³² − 1 is followed by block 0, as in `nextUInt32`).
    func testAddNormalsAcrossTheBlockCounterWrap() {
        let wrap = UInt64(1) << 34
        for back: UInt64 in [2, 4, 6, 40, 130] {
            for count in [1, 50, 301] {
                assertAddNormalsMatchesPairByPair(key: keys[1], position: wrap - back, count: count, mean: 0, std: 1)
            }
        }
    }

    /// Values spelled out (computed pair by pair with `normalPair`, which `RandomStreamTests` in AugmentTests
    /// checks against NumPy's float32 arithmetic): pins the stream position semantics and the first values.
    func testAddNormalsMovesPastTheLastPairUsed() {
        var stream = RandomStream(key: keys[0], position: 2)
        var reference = stream
        var values = [Float](repeating: 0, count: 5)
        values.withUnsafeMutableBufferPointer { stream.addNormals(to: $0.baseAddress!, count: 5, mean: 0, std: 1) }
        for _ in 0..<3 { _ = reference.normalPair() }
        XCTAssertEqual(stream.position, reference.position)
        XCTAssertEqual(stream.position % 2, 0)
        XCTAssertGreaterThanOrEqual(stream.position, 2 + 6)
    }
}
