import CounterRandom
import YAMLFiles
import SkeletonCore

/// Spatial flip (NA): swap left and right joints, `new[v] = old[SkeletonLayout.flipPermutation[v]]`.
public struct SpatialFlip: AugmentationStage {
    public static let name = "spatial_flip"
    public static let summary = "swap left and right joints (SkeletonLayout.flipPermutation)"
    public static let parameterHelp = [StageParameterHelp("p", "0.5", "probability the stage acts")]
    public static let movesFramesOrJoints = true

    public var probability: Double

    public init(probability: Double = 0.5) {
        self.probability = probability
    }

    public typealias Parameters = NoParameters

    public func draw(from stream: inout RandomStream, frames: Int) -> NoParameters { NoParameters() }

    /// Runs of joints `(v ..< v + count)` swapped with `(u ..< u + count)` in place (`v < u = flipPermutation[v]`,
    /// consecutive pairs merged); nil when the permutation is not an involution (then `apply` permutes through
    /// the scratch copy).
    static let swapRuns: [(v: Int, u: Int, count: Int)]? = {
        let perm = SkeletonLayout.flipPermutation
        guard perm.indices.allSatisfy({ perm.indices.contains(perm[$0]) && perm[perm[$0]] == $0 }) else { return nil }
        var runs: [(v: Int, u: Int, count: Int)] = []
        for v in perm.indices where v < perm[v] {
            if let last = runs.last, last.v + last.count == v, last.u + last.count == perm[v],
               last.v + last.count < last.u {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((v, perm[v], 1))
            }
        }
        return runs
    }()

    public func apply(_ p: NoParameters, to clip: ClipBuffer) {
        let M = SkeletonLayout.bodies
        let rows = 3 * clip.frames
        guard let runs = Self.swapRuns else {
            clip.copyToScratch()
            let perm = SkeletonLayout.flipPermutation
            for block in 0..<rows {
                let base = block * ClipBuffer.frameStride
                for v in 0..<SkeletonLayout.joints {
                    let src = clip.scratch + base + perm[v] * M
                    let dst = clip.values + base + v * M
                    for m in 0..<M { dst[m] = src[m] }
                }
            }
            return
        }
        // An involution: swap each run of joints with its partner run in place, no copy of the clip.
        runs.withUnsafeBufferPointer { Self.flipRows(clip.values, count: clip.count, runs: $0) }
    }

    /// Flips the joints of every (channel, frame) row of the `count` floats at `values` (whole rows of 50) in
    /// place (`runs`: `swapRuns`).
    @inline(__always)
    static func flipRows(_ values: UnsafeMutablePointer<Float>, count: Int,
                         runs: UnsafeBufferPointer<(v: Int, u: Int, count: Int)>) {
        let bodies = SkeletonLayout.bodies
        var row = values
        let end = values + count
        while row < end {
            for run in runs { ClipBuffer.swap(row + run.v * bodies, row + run.u * bodies, count: run.count * bodies) }
            row += ClipBuffer.frameStride
        }
    }

    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p"])
        self.init(probability: try f.probability(default: 0.5))
    }

    public func encode(to encoder: Encoder) throws {
        _ = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
    }
}
