import CounterRandom
import FastKernels
import YAMLFiles
/// Shear (BA, paper set T0): one 3×3 matrix R with unit diagonal and off-diagonal entries ~ U(−r, r), applied to
/// every point of the view as p · Rᵀ. R = [[1, s1₀, s2₀], [s1₁, 1, s2₁], [s1₂, s2₂, 1]].
public struct Shear: AugmentationStage {
    public static let name = "shear"
    public static let summary = "shear every point by one random matrix with off-diagonal entries ~ U(-r, r)"
    public static let parameterHelp = [
        StageParameterHelp("p", "1", "probability the stage acts"),
        StageParameterHelp("r", "0.5", "shear amplitude; r = 0 is the identity"),
    ]

    public var probability: Double
    public var amplitude: Double

    public init(probability: Double = 1, amplitude: Double = 0.5) {
        self.probability = probability
        self.amplitude = amplitude
    }

    /// The drawn shear factors.
    public struct Parameters: Codable, Equatable, Sendable {
        /// s1 = (R[0][1], R[1][0], R[2][0]).
        public var s1: SIMD3<Double>
        /// s2 = (R[0][2], R[1][2], R[2][1]).
        public var s2: SIMD3<Double>

        public init(s1: SIMD3<Double>, s2: SIMD3<Double>) {
            self.s1 = s1
            self.s2 = s2
        }
    }

    /// Draw order: s1₀, s1₁, s1₂, s2₀, s2₁, s2₂.
    public func draw(from stream: inout RandomStream, frames: Int) -> Parameters {
        var s1 = SIMD3<Double>(), s2 = SIMD3<Double>()
        for i in 0..<3 { s1[i] = stream.nextDouble(from: -amplitude, to: amplitude) }
        for i in 0..<3 { s2[i] = stream.nextDouble(from: -amplitude, to: amplitude) }
        return Parameters(s1: s1, s2: s2)
    }

    public func apply(_ p: Parameters, to clip: ClipBuffer) {
        Self.map(p).apply(to: clip)
    }

    /// R as a `LinearMap` (the runner fuses it with a leading temporal crop).
    static func map(_ p: Parameters) -> LinearMap {
        LinearMap(rows: (SIMD3(1, p.s1[0], p.s2[0]), SIMD3(p.s1[1], 1, p.s2[1]), SIMD3(p.s1[2], p.s2[2], 1)))
    }

    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p", "r"])
        self.init(probability: try f.probability(default: 1), amplitude: try f.double("r", default: 0.5, in: 0...10))
    }

    public func encode(to encoder: Encoder) throws {
        var w = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
        try w.encode(amplitude, "r")
    }
}

/// A 3×3 matrix applied to every point: p' = M p (that is, p · Mᵀ for a row vector p), in Float.
struct LinearMap {
    var rows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)

    func apply(to clip: ClipBuffer) {
        let n = clip.channelStride
        let x = clip.values, y = clip.values + n, z = clip.values + 2 * n
        let a = SIMD3<Float>(rows.0), b = SIMD3<Float>(rows.1), c = SIMD3<Float>(rows.2)
        if unitDiagonal {
            // A unit diagonal (shear): 1 · p is p for every non-NaN p (zeros' signs and subnormals included), so
            // those three multiplications are left out; the sums are added in the same order.
            for i in 0..<n {
                let px = x[i], py = y[i], pz = z[i]
                x[i] = px + a.y * py + a.z * pz
                y[i] = b.x * px + py + b.z * pz
                z[i] = c.x * px + c.y * py + pz
            }
            return
        }
        for i in 0..<n {
            let px = x[i], py = y[i], pz = z[i]
            x[i] = a.x * px + a.y * py + a.z * pz
            y[i] = b.x * px + b.y * py + b.z * pz
            z[i] = c.x * px + c.y * py + c.z * pz
        }
    }

    /// `apply` to the frames of `source` (a (3, T, 25, 2) clip of `clip.frames` frames, not overlapping
    /// `clip.values`) picked by `frame`: output frame t is source frame `frame(t)`, mapped. The same values as
    /// copying those frames into `clip.values` and calling `apply`, in one pass.
    /// With `flip` (`SpatialFlip.swapRuns`), each output row's joints are then flipped while in cache.
    /// With `avx2` each run is mapped by the C kernel `hiclr_map_points_avx2` (the same operations eight lanes a
    /// register, and the output lines requested ahead of the stores: this pass writes the batch's memory first);
    /// only on CPUs with AVX2.
    @inline(__always)
    func apply(from source: UnsafePointer<Float>, to clip: ClipBuffer,
               flip: UnsafeBufferPointer<(v: Int, u: Int, count: Int)>? = nil, avx2: Bool = Kernels.avx2,
               frame: (Int) -> Int) {
        let n = clip.channelStride
        let a = SIMD3<Float>(rows.0), b = SIMD3<Float>(rows.1), c = SIMD3<Float>(rows.2)
        let unit = unitDiagonal
        withFloats { m in
            Self.forEachRun(frames: clip.frames, frame: frame) { to, from, count in
                let sx = source + from, sy = source + n + from, sz = source + 2 * n + from
                let x = clip.values + to, y = clip.values + n + to, z = clip.values + 2 * n + to
                if avx2 {
                    Kernels.mapPointsAVX2(from: sx, sy, sz, to: x, y, z, count: count, matrix: m, unitDiagonal: unit)
                } else if unit {
                    for i in 0..<count {
                        let px = sx[i], py = sy[i], pz = sz[i]
                        x[i] = px + a.y * py + a.z * pz
                        y[i] = b.x * px + py + b.z * pz
                        z[i] = c.x * px + c.y * py + pz
                    }
                } else {
                    for i in 0..<count {
                        let px = sx[i], py = sy[i], pz = sz[i]
                        x[i] = a.x * px + a.y * py + a.z * pz
                        y[i] = b.x * px + b.y * py + b.z * pz
                        z[i] = c.x * px + c.y * py + c.z * pz
                    }
                }
                if let flip { Self.flip(x, y, z, count: count, runs: flip) }
            }
        }
    }

    /// Flips the joints of the rows just written in each channel.
    @inline(__always)
    static func flip(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ z: UnsafeMutablePointer<Float>,
                     count: Int, runs: UnsafeBufferPointer<(v: Int, u: Int, count: Int)>) {
        SpatialFlip.flipRows(x, count: count, runs: runs)
        SpatialFlip.flipRows(y, count: count, runs: runs)
        SpatialFlip.flipRows(z, count: count, runs: runs)
    }

    /// True when the diagonal is (1, 1, 1) in Float (a shear's): the loops leave those products out.
    var unitDiagonal: Bool {
        Float(rows.0.x) == 1 && Float(rows.1.y) == 1 && Float(rows.2.z) == 1
    }

    /// The nine entries in Float, row by row, as the C kernels take them.
    @inline(__always)
    func withFloats<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        let (a, b, c) = (SIMD3<Float>(rows.0), SIMD3<Float>(rows.1), SIMD3<Float>(rows.2))
        var m = SIMD16<Float>(a.x, a.y, a.z, b.x, b.y, b.z, c.x, c.y, c.z, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeBytes(of: &m) { body($0.baseAddress!.assumingMemoryBound(to: Float.self)) }
    }

    /// Calls `body(to, from, count)` for the runs of output frames whose source frames (`frame(t)`) follow each
    /// other: `count` values starting at value offset `to` of the output channel and `from` of the source
    /// channel, so that the maps run one long loop per run (the middle of a crop is one run; each reflected
    /// frame is its own).
    @inline(__always)
    static func forEachRun(frames: Int, frame: (Int) -> Int, _ body: (Int, Int, Int) -> Void) {
        let stride = ClipBuffer.frameStride
        var t = 0
        while t < frames {
            let first = frame(t)
            var end = t + 1
            while end < frames && frame(end) == first + (end - t) { end += 1 }
            body(t * stride, first * stride, (end - t) * stride)
            t = end
        }
    }

    /// `first` then `second` (each rounded to Float, as two `apply` calls give) from the frames of `source` picked
    /// by `frame`, in one pass; `flip` and `avx2` (the kernel `hiclr_map_points_twice_avx2`) as in
    /// `apply(from:to:flip:avx2:frame:)`.
    static func apply(_ first: LinearMap, then second: LinearMap, from source: UnsafePointer<Float>, to clip: ClipBuffer,
                      flip: UnsafeBufferPointer<(v: Int, u: Int, count: Int)>? = nil, avx2: Bool = Kernels.avx2,
                      frame: (Int) -> Int) {
        let n = clip.channelStride
        let a = SIMD3<Float>(first.rows.0), b = SIMD3<Float>(first.rows.1), c = SIMD3<Float>(first.rows.2)
        let d = SIMD3<Float>(second.rows.0), e = SIMD3<Float>(second.rows.1), f = SIMD3<Float>(second.rows.2)
        first.withFloats { m1 in second.withFloats { m2 in
            forEachRun(frames: clip.frames, frame: frame) { to, from, count in
                let sx = source + from, sy = source + n + from, sz = source + 2 * n + from
                let x = clip.values + to, y = clip.values + n + to, z = clip.values + 2 * n + to
                if avx2 {
                    Kernels.mapPointsTwiceAVX2(from: sx, sy, sz, to: x, y, z, count: count, first: m1, second: m2)
                } else {
                    for i in 0..<count {
                        let px = sx[i], py = sy[i], pz = sz[i]
                        let qx = a.x * px + a.y * py + a.z * pz
                        let qy = b.x * px + b.y * py + b.z * pz
                        let qz = c.x * px + c.y * py + c.z * pz
                        x[i] = d.x * qx + d.y * qy + d.z * qz
                        y[i] = e.x * qx + e.y * qy + e.z * qz
                        z[i] = f.x * qx + f.y * qy + f.z * qz
                    }
                }
                if let flip { Self.flip(x, y, z, count: count, runs: flip) }
            }
        } }
    }

    /// `apply` without the unit-diagonal shortcut, for tests.
    func applyGeneral(to clip: ClipBuffer) {
        let n = clip.channelStride
        let x = clip.values, y = clip.values + n, z = clip.values + 2 * n
        let a = SIMD3<Float>(rows.0), b = SIMD3<Float>(rows.1), c = SIMD3<Float>(rows.2)
        for i in 0..<n {
            let px = x[i], py = y[i], pz = z[i]
            x[i] = a.x * px + a.y * py + a.z * pz
            y[i] = b.x * px + b.y * py + b.z * pz
            z[i] = c.x * px + c.y * py + c.z * pz
        }
    }
}
