import CounterRandom
import YAMLFiles
import Foundation

/// Rotation (NA): a main axis chosen uniformly from x, y, z gets an angle ~ U(0°, main_max_degrees), the other two
/// ~ U(0°, other_max_degrees); the view is rotated about x, then y, then z, each as p · Rᵀ with
/// R_x = [[1,0,0],[0,c,s],[0,−s,c]], R_y = [[c,0,−s],[0,1,0],[s,0,c]], R_z = [[c,s,0],[−s,c,0],[0,0,1]].
public struct Rotation: AugmentationStage {
    public static let name = "rotation"
    public static let summary = "rotate about x, y, z: one random main axis up to 30 degrees, the others up to 1 degree"
    public static let parameterHelp = [
        StageParameterHelp("p", "1", "probability the stage acts"),
        StageParameterHelp("main_max_degrees", "30", "main-axis angle ~ U(0, main_max_degrees)"),
        StageParameterHelp("other_max_degrees", "1", "other two angles ~ U(0, other_max_degrees)"),
    ]

    public var probability: Double
    public var mainMaxDegrees: Double
    public var otherMaxDegrees: Double

    public init(probability: Double = 1, mainMaxDegrees: Double = 30, otherMaxDegrees: Double = 1) {
        self.probability = probability
        self.mainMaxDegrees = mainMaxDegrees
        self.otherMaxDegrees = otherMaxDegrees
    }

    public struct Parameters: Codable, Equatable, Sendable {
        /// 0 = x, 1 = y, 2 = z.
        public var mainAxis: Int
        /// Angles about x, y and z, in degrees.
        public var degrees: SIMD3<Double>

        public init(mainAxis: Int, degrees: SIMD3<Double>) {
            self.mainAxis = mainAxis
            self.degrees = degrees
        }
    }

    /// Draw order: main axis, then the x, y and z angles.
    public func draw(from stream: inout RandomStream, frames: Int) -> Parameters {
        let main = stream.nextInt(in: 0...2)
        var degrees = SIMD3<Double>()
        for axis in 0..<3 {
            degrees[axis] = stream.nextDouble(from: 0, to: axis == main ? mainMaxDegrees : otherMaxDegrees)
        }
        return Parameters(mainAxis: main, degrees: degrees)
    }

    /// The combined matrix M = R_z · R_y · R_x, so that p' = M p.
    static func matrix(degrees: SIMD3<Double>) -> (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) {
        let r = degrees * (Double.pi / 180)
        let (cx, sx) = (cos(r.x), sin(r.x))
        let (cy, sy) = (cos(r.y), sin(r.y))
        let (cz, sz) = (cos(r.z), sin(r.z))
        typealias Rows = (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
        let rx: Rows = (SIMD3(1, 0, 0), SIMD3(0, cx, sx), SIMD3(0, -sx, cx))
        let ry: Rows = (SIMD3(cy, 0, -sy), SIMD3(0, 1, 0), SIMD3(sy, 0, cy))
        let rz: Rows = (SIMD3(cz, sz, 0), SIMD3(-sz, cz, 0), SIMD3(0, 0, 1))
        // (a·b)[i][j] = ((0 + a[i][0]·b[0][j]) + a[i][1]·b[1][j]) + a[i][2]·b[2][j]: each product and sum rounded
        // in that order (the leading 0 + turns a −0 product into +0, as summing from 0 does).
        func mul(_ a: Rows, _ b: Rows) -> Rows {
            func row(_ r: SIMD3<Double>) -> SIMD3<Double> {
                var out = SIMD3<Double>()
                for j in 0..<3 {
                    var sum = 0.0
                    sum = sum + r[0] * b.0[j]
                    sum = sum + r[1] * b.1[j]
                    sum = sum + r[2] * b.2[j]
                    out[j] = sum
                }
                return out
            }
            return (row(a.0), row(a.1), row(a.2))
        }
        return mul(rz, mul(ry, rx))
    }

    public func apply(_ p: Parameters, to clip: ClipBuffer) {
        Self.map(p).apply(to: clip)
    }

    /// M as a `LinearMap` (the runner fuses it with a leading temporal crop).
    static func map(_ p: Parameters) -> LinearMap {
        LinearMap(rows: matrix(degrees: p.degrees))
    }

    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p", "main_max_degrees", "other_max_degrees"])
        self.init(probability: try f.probability(default: 1),
                  mainMaxDegrees: try f.double("main_max_degrees", default: 30, in: 0...180),
                  otherMaxDegrees: try f.double("other_max_degrees", default: 1, in: 0...180))
    }

    public func encode(to encoder: Encoder) throws {
        var w = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
        try w.encode(mainMaxDegrees, "main_max_degrees")
        try w.encode(otherMaxDegrees, "other_max_degrees")
    }
}
