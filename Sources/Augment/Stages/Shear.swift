import CounterRandom
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
        if a.x == 1 && b.y == 1 && c.z == 1 {
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
    @inline(__always)
    func apply(from source: UnsafePointer<Float>, to clip: ClipBuffer,
               flip: UnsafeBufferPointer<(v: Int, u: Int, count: Int)>? = nil, frame: (Int) -> Int) {
        let n = clip.channelStride
        let a = SIMD3<Float>(rows.0), b = SIMD3<Float>(rows.1), c = SIMD3<Float>(rows.2)
        let unit = a.x == 1 && b.y == 1 && c.z == 1
        Self.forEachRun(frames: clip.frames, frame: frame) { to, from, count in
            let sx = source + from, sy = source + n + from, sz = source + 2 * n + from
            let x = clip.values + to, y = clip.values + n + to, z = clip.values + 2 * n + to
            if unit {
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
            if let flip {
                SpatialFlip.flipRows(x, count: count, runs: flip)
                SpatialFlip.flipRows(y, count: count, runs: flip)
                SpatialFlip.flipRows(z, count: count, runs: flip)
            }
        }
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
    /// by `frame`, in one pass; `flip` as in `apply(from:to:flip:frame:)`.
    static func apply(_ first: LinearMap, then second: LinearMap, from source: UnsafePointer<Float>, to clip: ClipBuffer,
                      flip: UnsafeBufferPointer<(v: Int, u: Int, count: Int)>? = nil, frame: (Int) -> Int) {
        let n = clip.channelStride
        let a = SIMD3<Float>(first.rows.0), b = SIMD3<Float>(first.rows.1), c = SIMD3<Float>(first.rows.2)
        let d = SIMD3<Float>(second.rows.0), e = SIMD3<Float>(second.rows.1), f = SIMD3<Float>(second.rows.2)
        forEachRun(frames: clip.frames, frame: frame) { to, from, count in
            let sx = source + from, sy = source + n + from, sz = source + 2 * n + from
            let x = clip.values + to, y = clip.values + n + to, z = clip.values + 2 * n + to
            for i in 0..<count {
                let px = sx[i], py = sy[i], pz = sz[i]
                let qx = a.x * px + a.y * py + a.z * pz
                let qy = b.x * px + b.y * py + b.z * pz
                let qz = c.x * px + c.y * py + c.z * pz
                x[i] = d.x * qx + d.y * qy + d.z * qz
                y[i] = e.x * qx + e.y * qy + e.z * qz
                z[i] = f.x * qx + f.y * qy + f.z * qz
            }
            if let flip {
                SpatialFlip.flipRows(x, count: count, runs: flip)
                SpatialFlip.flipRows(y, count: count, runs: flip)
                SpatialFlip.flipRows(z, count: count, runs: flip)
            }
        }
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
