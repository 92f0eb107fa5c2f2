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

    public func apply(_ p: NoParameters, to clip: ClipBuffer) {
        clip.copyToScratch()
        let perm = SkeletonLayout.flipPermutation
        let M = SkeletonLayout.bodies
        perm.withUnsafeBufferPointer { perm in
            for block in 0..<(3 * clip.frames) {
                let base = block * ClipBuffer.frameStride
                for v in 0..<SkeletonLayout.joints {
                    let src = clip.scratch + base + perm[v] * M
                    let dst = clip.values + base + v * M
                    for m in 0..<M { dst[m] = src[m] }
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
