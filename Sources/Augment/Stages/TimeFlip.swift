import CounterRandom
import YAMLFiles
/// Time flip: reverse the frame order.
public struct TimeFlip: AugmentationStage {
    public static let name = "time_flip"
    public static let summary = "reverse the frame order"
    public static let parameterHelp = [StageParameterHelp("p", "0.5", "probability the stage acts")]
    public static let movesFramesOrJoints = true

    public var probability: Double

    public init(probability: Double = 0.5) {
        self.probability = probability
    }

    public typealias Parameters = NoParameters

    public func draw(from stream: inout RandomStream, frames: Int) -> NoParameters { NoParameters() }

    public func apply(_ p: NoParameters, to clip: ClipBuffer) {
        let frames = clip.frames
        let stride = ClipBuffer.frameStride
        for c in 0..<3 {
            let base = clip.values + c * clip.channelStride
            var lo = 0, hi = frames - 1
            while lo < hi {
                let a = base + lo * stride, b = base + hi * stride
                ClipBuffer.swap(a, b, count: stride)
                lo += 1
                hi -= 1
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
