import CounterRandom
import YAMLFiles
/// Channel (axis) mask (NA): set one uniformly chosen coordinate (x, y or z) to 0 in every frame, joint and body.
public struct ChannelMask: AugmentationStage {
    public static let name = "channel_mask"
    public static let summary = "zero one random coordinate axis (x, y or z) everywhere"
    public static let parameterHelp = [StageParameterHelp("p", "0.5", "probability the stage acts")]

    public var probability: Double

    public init(probability: Double = 0.5) {
        self.probability = probability
    }

    public struct Parameters: Codable, Equatable, Sendable {
        /// The zeroed coordinate: 0 = x, 1 = y, 2 = z.
        public var axis: Int

        public init(axis: Int) {
            self.axis = axis
        }
    }

    public func draw(from stream: inout RandomStream, frames: Int) -> Parameters {
        Parameters(axis: stream.nextInt(in: 0...2))
    }

    public func apply(_ p: Parameters, to clip: ClipBuffer) {
        guard (0..<3).contains(p.axis) else { return }
        (clip.values + p.axis * clip.channelStride).update(repeating: 0, count: clip.channelStride)
    }

    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p"])
        self.init(probability: try f.probability(default: 0.5))
    }

    public func encode(to encoder: Encoder) throws {
        _ = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
    }
}
