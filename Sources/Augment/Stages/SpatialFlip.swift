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

    /// The joints `v < flipPermutation[v]`, swapped with their partner in place; nil when the permutation is not
    /// an involution (then `apply` permutes through the scratch copy).
    static let swapPairs: [(Int, Int)]? = {
        let perm = SkeletonLayout.flipPermutation
        guard perm.indices.allSatisfy({ perm.indices.contains(perm[$0]) && perm[perm[$0]] == $0 }) else { return nil }
        return perm.indices.filter { $0 < perm[$0] }.map { ($0, perm[$0]) }
    }()

    public func apply(_ p: NoParameters, to clip: ClipBuffer) {
        let M = SkeletonLayout.bodies
        let rows = 3 * clip.frames
        guard let pairs = Self.swapPairs, M == 2 else {
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
        // An involution: swap each pair's two bodies (8 bytes) in place, no copy of the clip.
        pairs.withUnsafeBufferPointer { pairs in
            let raw = UnsafeMutableRawPointer(clip.values)
            for block in 0..<rows {
                let base = block * ClipBuffer.frameStride * 4
                for (v, u) in pairs {
                    let a = base + v * 8, b = base + u * 8
                    let x = raw.loadUnaligned(fromByteOffset: a, as: UInt64.self)
                    raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: b, as: UInt64.self), toByteOffset: a, as: UInt64.self)
                    raw.storeBytes(of: x, toByteOffset: b, as: UInt64.self)
                }
            }
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
