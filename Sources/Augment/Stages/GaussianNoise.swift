import CounterRandom
import YAMLFiles
/// Gaussian noise (NA): add N(mean, std²) independently to every value. The noise field itself is not stored:
/// the parameters record the stream position it is read from, so `apply` regenerates it exactly.
public struct GaussianNoise: AugmentationStage {
    public static let name = "gaussian_noise"
    public static let summary = "add N(mean, std^2) to every value"
    public static let parameterHelp = [
        StageParameterHelp("p", "0.5", "probability the stage acts"),
        StageParameterHelp("mean", "0", "noise mean"),
        StageParameterHelp("std", "0.01", "noise standard deviation"),
    ]

    public var probability: Double
    public var mean: Double
    public var std: Double

    public init(probability: Double = 0.5, mean: Double = 0, std: Double = 0.01) {
        self.probability = probability
        self.mean = mean
        self.std = std
    }

    public struct Parameters: Codable, Equatable, Sendable {
        /// The stream the noise is read from (`RandomStream.addNormals`, values in (C, T, V, M) order).
        public var noise: RandomStream

        public init(noise: RandomStream) {
            self.noise = noise
        }
    }

    public func draw(from stream: inout RandomStream, frames: Int) -> Parameters {
        Parameters(noise: stream)
    }

    public func apply(_ p: Parameters, to clip: ClipBuffer) {
        var noise = p.noise
        noise.addNormals(to: clip.values, count: clip.count, mean: Float(mean), std: Float(std))
    }

    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p", "mean", "std"])
        self.init(probability: try f.probability(default: 0.5),
                  mean: try f.double("mean", default: 0, in: -1e6...1e6),
                  std: try f.double("std", default: 0.01, in: 0...1e6))
    }

    public func encode(to encoder: Encoder) throws {
        var w = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
        try w.encode(mean, "mean")
        try w.encode(std, "std")
    }
}
