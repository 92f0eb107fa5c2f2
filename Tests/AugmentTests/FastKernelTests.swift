import Foundation
import CounterRandom
import FastKernels
import SkeletonCore
import XCTest
@testable import Augment

/// The fast stage kernels against straightforward scalar loops, bit for bit.
final class FastKernelTests: XCTestCase {
    private struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        mutating func unit() -> Double { Double(next()) / Double(1 << 53) }
        /// Values like coordinates, with exact zeros (an absent second body), negative zeros and tiny values.
        mutating func value() -> Float {
            switch next() % 10 {
            case 0: return 0
            case 1: return -0.0
            case 2: return Float(unit() - 0.5) * 1e-30
            default: return Float(unit() * 6 - 3)
            }
        }
    }

    private func bitsEqual(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath,
                           line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        var mismatches = 0
        for i in a.indices {
            let same = a[i].isNaN ? b[i].isNaN : a[i].bitPattern == b[i].bitPattern
            if !same {
                mismatches += 1
                if mismatches <= 3 {
                    XCTFail("\(message): value \(i): \(a[i]) (\(a[i].bitPattern)) vs \(b[i]) (\(b[i].bitPattern))",
                            file: file, line: line)
                }
            }
        }
    }

    /// The correlation through the Swift path and, on CPUs with AVX2, through the C kernel too: the two must
    /// agree bit for bit (checked here), and the result is compared with the definition by the caller.
    private func correlate(_ w: [Float], frames: Int, _ source: [Float],
                           file: StaticString = #filePath, line: UInt = #line) -> [Float] {
        func run(avx2: Bool) -> [Float] {
            var out = [Float](repeating: .nan, count: source.count)
            w.withUnsafeBufferPointer { w in
                source.withUnsafeBufferPointer { src in
                    out.withUnsafeMutableBufferPointer { dst in
                        guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                        TemporalCorrelation.correlate(weights: w, frames: frames, source: s, destination: d, avx2: avx2)
                    }
                }
            }
            return out
        }
        let portable = run(avx2: false)
        guard Kernels.cpuHasAVX2 else { return portable }
        let avx2 = run(avx2: true)
        bitsEqual(avx2, portable, "AVX2 kernel vs Swift path, kernel \(w.count), T \(frames)", file: file, line: line)
        return avx2
    }

    private func clip(frames: Int, _ g: inout Generator) -> [Float] {
        (0..<(frames * ClipBuffer.valuesPerFrame)).map { _ in g.value() }
    }

    func testCorrelationMatchesTheScalarLoopForGaussianKernels() {
        var g = Generator(state: 11)
        // σ from 0.05 to 40 covers kernels with zero, subnormal, tiny normal and only large weights.
        let sigmas = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.8, 1, 1.5, 2, 5, 40]
        for kernel in [1, 3, 15, 31, GaussianBlur.maxKernel] {
            for frames in [1, 2, 7, 14, 15, 16, 50, 301] where kernel < 100 || frames == 1 || frames == 50 {
                // Random values, and an impulse (one frame of values, the rest 0): there the outputs are single
                // products w·x, so a tiny (subnormal) product computed or ordered wrongly shows.
                var impulse = [Float](repeating: 0, count: frames * ClipBuffer.valuesPerFrame)
                for c in 0..<3 {
                    for j in 0..<50 { impulse[(c * frames + frames / 2) * 50 + j] = j % 3 == 0 ? 1e-20 : g.value() }
                }
                for source in [clip(frames: frames, &g), impulse] {
                for sigma in kernel < 100 ? sigmas : [0.1, 0.3, 0.5, 2, 40] {
                    for normalize in [true, false] {
                        let w = GaussianBlur(kernel: kernel, normalize: normalize).weights(sigma: sigma)
                        bitsEqual(correlate(w, frames: frames, source),
                                  TemporalCorrelation.reference(weights: w, frames: frames, source: source),
                                  "kernel \(kernel), T \(frames), sigma \(sigma), normalize \(normalize)")
                    }
                }
                }
            }
        }
    }

    func testCorrelationMatchesTheScalarLoopForArbitraryWeights() {
        var g = Generator(state: 5)
        for trial in 0..<300 {
            let kernel = 1 + Int(g.next() % 40)
            let frames = 1 + Int(g.next() % 60)
            // Zeros, subnormals, tiny and ordinary weights in any order (most kernels then take the plain loop),
            // plus Gaussian-shaped ones with zero and subnormal tails of random widths, even sizes included.
            var w: [Float] = (0..<kernel).map { _ in
                switch g.next() % 6 {
                case 0: return 0
                case 1: return Float(bitPattern: UInt32(1 + g.next() % 0x7f_ffff))
                case 2: return Float(g.unit()) * 0x1p-110
                default: return Float(g.unit() * 2 - 0.5)
                }
            }
            if trial % 2 == 0 {
                let zeros = Int(g.next() % UInt64(kernel / 2 + 1)), tiny = Int(g.next() % 3)
                for k in 0..<kernel {
                    let edge = min(k, kernel - 1 - k)
                    w[k] = edge < zeros ? 0 : edge < zeros + tiny ? Float(bitPattern: UInt32(1 + g.next() % 0x7f_ffff))
                        : Float(g.unit() + 0.01)
                }
            }
            let source = clip(frames: frames, &g)
            bitsEqual(correlate(w, frames: frames, source),
                      TemporalCorrelation.reference(weights: w, frames: frames, source: source),
                      "trial \(trial), kernel \(kernel), T \(frames), weights \(w)")
        }
    }

    func testCorrelationKeepsInfinitiesAndNaNsWhereTheLoopDoes() {
        var g = Generator(state: 9)
        for special in [Float.infinity, -.infinity, .nan] {
            var source = clip(frames: 20, &g)
            source[3 * 50 + 7] = special
            source[2 * 20 * 50 + 19 * 50 + 49] = special
            for sigma in [0.1, 0.3, 0.5, 2] {
                let w = GaussianBlur(kernel: 15).weights(sigma: sigma)
                bitsEqual(correlate(w, frames: 20, source),
                          TemporalCorrelation.reference(weights: w, frames: 20, source: source),
                          "\(special), sigma \(sigma)")
            }
        }
    }

    func testPlanSkipsZeroTapsAndRoutesTinyOnesExactly() {
        let source = [Float](repeating: 1, count: 3 * 50)
        func plan(_ w: [Float], _ source: [Float] = source) -> TemporalCorrelation.Plan {
            w.withUnsafeBufferPointer { w in
                source.withUnsafeBufferPointer { TemporalCorrelation.Plan(weights: w, frames: 1, source: $0.baseAddress!) }
            }
        }
        let tiny = Float(bitPattern: 5)
        XCTAssertEqual(plan([0, tiny, 1, 0.5, tiny, 0]), .init(z1: 1, a: 2, b: 4, z2: 5))
        XCTAssertEqual(plan([1, 1, 1]), .init(z1: 0, a: 0, b: 3, z2: 3))
        // A zero or tiny weight between large ones, or a non-finite input with zero taps: the plain loop.
        XCTAssertEqual(plan([1, 0, 1]), .init(z1: 0, a: 0, b: 3, z2: 3))
        XCTAssertEqual(plan([1, tiny, 1]), .init(z1: 0, a: 0, b: 3, z2: 3))
        var bad = source
        bad[77] = .infinity
        XCTAssertEqual(plan([0, 1, 0], bad), .init(z1: 0, a: 0, b: 3, z2: 3))
        XCTAssertEqual(plan([tiny, 1, tiny], bad), .init(z1: 0, a: 1, b: 2, z2: 3))
    }

    func testGaussianBlurStageEqualsTheScalarLoop() {
        var g = Generator(state: 3)
        for frames in [1, 6, 50] {
            var input = SkeletonClip(frames: frames)
            input.values = clip(frames: frames, &g)
            for sigma in [0.12, 0.33, 0.52, 1.7] {
                for normalize in [true, false] {
                    let blur = GaussianBlur(kernel: 15, normalize: normalize)
                    let out = blur.apply(.init(sigma: sigma), to: input)
                    bitsEqual(out.values, TemporalCorrelation.reference(weights: blur.weights(sigma: sigma), frames: frames,
                                                                         source: input.values),
                              "T \(frames), sigma \(sigma)")
                }
            }
        }
    }

    /// `input` with its points moved: output point (t, v) of every channel and body is input point `source(t, v)`.
    private func moved(_ input: SkeletonClip, _ source: (Int, Int) -> (t: Int, v: Int)) -> SkeletonClip {
        var out = input
        for c in 0..<3 {
            for t in 0..<input.frames {
                for v in 0..<25 {
                    let from = source(t, v)
                    for m in 0..<2 { out[c, t, v, m] = input[c, from.t, from.v, m] }
                }
            }
        }
        return out
    }

    func testSpatialFlipEqualsThePermutationLoop() throws {
        let runs = try XCTUnwrap(SpatialFlip.swapRuns, "the flip permutation is an involution")
        XCTAssertEqual(runs.map { [$0.v, $0.u, $0.count] }, [[4, 8, 4], [12, 16, 4], [21, 23, 2]])
        var g = Generator(state: 4)
        for frames in [0, 1, 3, 50] {
            var input = SkeletonClip(frames: frames)
            input.values = clip(frames: frames, &g)
            let out = SpatialFlip().apply(NoParameters(), to: input)
            let expected = moved(input) { t, v in (t, SkeletonLayout.flipPermutation[v]) }
            bitsEqual(out.values, expected.values, "T \(frames)")
        }
    }

    func testTimeFlipEqualsTheReversalLoop() {
        var g = Generator(state: 6)
        for frames in [0, 1, 2, 3, 50] {
            var input = SkeletonClip(frames: frames)
            input.values = clip(frames: frames, &g)
            let out = TimeFlip().apply(NoParameters(), to: input)
            let expected = moved(input) { t, v in (frames - 1 - t, v) }
            bitsEqual(out.values, expected.values, "T \(frames)")
        }
    }

    /// The rotation matrix R_z·R_y·R_x, built without arrays, against the product written with nested arrays and
    /// `reduce` (the form it replaced), bit for bit: angles of every size and sign, and zeros (where a −0 product
    /// must sum to +0).
    func testRotationMatrixEqualsTheNestedArrayProduct() {
        func reference(_ degrees: SIMD3<Double>) -> [[Double]] {
            let r = degrees * (Double.pi / 180)
            let (cx, sx) = (cos(r.x), sin(r.x)), (cy, sy) = (cos(r.y), sin(r.y)), (cz, sz) = (cos(r.z), sin(r.z))
            let rx = [[1, 0, 0], [0, cx, sx], [0, -sx, cx]]
            let ry = [[cy, 0, -sy], [0, 1, 0], [sy, 0, cy]]
            let rz = [[cz, sz, 0], [-sz, cz, 0], [0, 0, 1]]
            func mul(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
                (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
            }
            return mul(rz, mul(ry, rx))
        }
        var g = Generator(state: 21)
        var angles: [SIMD3<Double>] = [SIMD3(0, 0, 0), SIMD3(-0.0, 0, -0.0), SIMD3(90, -90, 180), SIMD3(30, 0, -1)]
        for _ in 0..<500 { angles.append(SIMD3(g.unit() * 360 - 180, g.unit() * 2 - 1, g.unit() * 60 - 30)) }
        for degrees in angles {
            let m = Rotation.matrix(degrees: degrees), expected = reference(degrees)
            for (i, row) in [m.0, m.1, m.2].enumerated() {
                for j in 0..<3 {
                    XCTAssertEqual(row[j].bitPattern, expected[i][j].bitPattern, "degrees \(degrees), entry [\(i)][\(j)]")
                }
            }
        }
    }

    /// The crop pass (one or two maps applied to source frames picked by a crop, joints flipped or not) through
    /// the Swift loops and, on CPUs with AVX2, the C kernels, against scalar loops written from the definitions:
    /// out[c, t, v, m] = (M (p of source frame frame(t), joint flip(v), body m))[c].
    func testCropPassMapsEqualTheScalarDefinition() throws {
        var g = Generator(state: 33)
        let runs = try XCTUnwrap(SpatialFlip.swapRuns)
        let perm = SkeletonLayout.flipPermutation
        func entries(_ map: LinearMap) -> [[Float]] {
            [map.rows.0, map.rows.1, map.rows.2].map { row in (0..<3).map { Float(row[$0]) } }
        }
        func mapped(_ m: [[Float]], _ p: [Float], unit: Bool) -> [Float] {
            (0..<3).map { i in
                unit ? [p[0] + m[0][1] * p[1] + m[0][2] * p[2], m[1][0] * p[0] + p[1] + m[1][2] * p[2],
                        m[2][0] * p[0] + m[2][1] * p[1] + p[2]][i]
                    : m[i][0] * p[0] + m[i][1] * p[1] + m[i][2] * p[2]
            }
        }
        for frames in [1, 2, 7, 50, 64] {
            for trial in 0..<12 {
                let r = { Double(g.unit() * 2 - 1) }
                let shear = LinearMap(rows: (SIMD3(1, r(), r()), SIMD3(r(), 1, r()), SIMD3(r(), r(), 1)))
                let general = LinearMap(rows: (SIMD3(r(), r(), r()), SIMD3(r(), r(), r()), SIMD3(r(), r(), r())))
                let maps = trial % 3 == 0 ? [shear] : trial % 3 == 1 ? [general] : [shear, general]
                let pad = frames / 6, start = Int(g.next() % UInt64(2 * pad + 1))
                let frame = { TemporalCrop.sourceFrame($0, frames: frames, padding: pad, start: start) }
                let flipped = trial % 2 == 1
                let source = clip(frames: frames, &g)
                var expected = SkeletonClip(frames: frames)
                let input = SkeletonClip(frames: frames, values: source)
                let matrices = maps.map(entries)
                for t in 0..<frames {
                    for v in 0..<25 {
                        for m in 0..<2 {
                            let u = flipped ? perm[v] : v
                            var p = (0..<3).map { input[$0, frame(t), u, m] }
                            for (k, map) in maps.enumerated() {
                                p = mapped(matrices[k], p, unit: maps.count == 1 && map.unitDiagonal)
                            }
                            for c in 0..<3 { expected[c, t, v, m] = p[c] }
                        }
                    }
                }
                for avx2 in Kernels.cpuHasAVX2 ? [false, true] : [false] {
                    var out = SkeletonClip(frames: frames)
                    source.withUnsafeBufferPointer { src in
                        runs.withUnsafeBufferPointer { runs in
                            out.withClipBuffer { buffer in
                                let flip = flipped ? runs : nil
                                if maps.count == 1 {
                                    maps[0].apply(from: src.baseAddress!, to: buffer, flip: flip, avx2: avx2, frame: frame)
                                } else {
                                    LinearMap.apply(maps[0], then: maps[1], from: src.baseAddress!, to: buffer, flip: flip,
                                                    avx2: avx2, frame: frame)
                                }
                            }
                        }
                    }
                    bitsEqual(out.values, expected.values,
                              "\(avx2 ? "AVX2" : "Swift"), T \(frames), \(maps.count) map(s), crop start \(start), flip \(flipped)")
                }
            }
        }
    }

    func testUnitDiagonalLinearMapEqualsTheGeneralLoop() {
        var g = Generator(state: 8)
        for frames in [1, 3, 50] {
            for _ in 0..<20 {
                let r = { Double(g.unit() * 2 - 1) }
                let map = LinearMap(rows: (SIMD3(1, r(), r()), SIMD3(r(), 1, r()), SIMD3(r(), r(), 1)))
                var fast = SkeletonClip(frames: frames)
                fast.values = clip(frames: frames, &g)
                var general = fast
                fast.withClipBuffer { map.apply(to: $0) }
                general.withClipBuffer { map.applyGeneral(to: $0) }
                bitsEqual(fast.values, general.values, "T \(frames)")
            }
        }
        // The shear stage is that map.
        var input = SkeletonClip(frames: 5)
        input.values = clip(frames: 5, &g)
        let p = Shear.Parameters(s1: SIMD3(0.1, -0.2, 0.3), s2: SIMD3(-0.4, 0.25, 0.05))
        var expected = input
        for t in 0..<5 {
            for v in 0..<25 {
                for m in 0..<2 {
                    let (x, y, z) = (input[0, t, v, m], input[1, t, v, m], input[2, t, v, m])
                    let s1 = SIMD3<Float>(p.s1), s2 = SIMD3<Float>(p.s2)
                    expected[0, t, v, m] = 1 * x + s1[0] * y + s2[0] * z
                    expected[1, t, v, m] = s1[1] * x + 1 * y + s2[1] * z
                    expected[2, t, v, m] = s1[2] * x + s2[2] * y + 1 * z
                }
            }
        }
        bitsEqual(Shear().apply(p, to: input).values, expected.values, "shear")
    }
}
