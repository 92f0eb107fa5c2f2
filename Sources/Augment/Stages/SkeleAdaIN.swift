import YAMLFiles
import SkeletonCore

/// SkeleAdaIN (two-sample stage): per coordinate channel, normalise this view (A) by its own mean and std and
/// rescale with the partner's (B): a' = (a − μ_A) / σ_A · σ_B + μ_B — the style of B, the content of A.
/// Statistics are per body over (T, V) by default, as the reference does (JHang2020/HiCLR net/skeletonAdaIN.py:28-32
/// reshapes (N, C, T, V, M) to (N·M, C, T, V) before `calc_mean_std`, lines 11-14), or, only with an explicit
/// `per_body: false`, pooled over (T, V, M) (not in the reference); σ = √(var + eps) with the unbiased variance
/// (n − 1), as the reference.
///
/// The stage draws a partner number; the caller maps it to a partner sample (`PipelineRunner`'s `partner`
/// closure) and the runner stores the partner's statistics in the parameters, so `apply` needs nothing else.
public struct SkeleAdaIN: AugmentationStage {
    public static let name = "skele_adain"
    public static let summary = "re-style each channel with a partner sample's mean and std (two-sample stage)"
    public static let parameterHelp = [
        StageParameterHelp("p", "1", "probability the stage acts"),
        StageParameterHelp("eps", "1e-5", "added to the variance before the square root"),
        StageParameterHelp("per_body", "true", "statistics per body over (T, V) as the reference; false = pooled over (T, V, M)"),
    ]
    public static let needsPartner = true

    public var probability: Double
    public var eps: Double
    public var perBody: Bool

    public init(probability: Double = 1, eps: Double = 1e-5, perBody: Bool = true) {
        self.probability = probability
        self.eps = eps
        self.perBody = perBody
    }

    public struct Parameters: Codable, Equatable, Sendable {
        /// Passed to the caller's partner closure, which picks the partner sample from it.
        public var partner: Int
        /// Partner mean and std per channel (3 values), or per channel and body (6 values, c·2 + m) with `per_body`.
        /// Empty until the runner fills them; `apply` does nothing while they are empty.
        public var styleMean: [Double]
        public var styleStd: [Double]

        public init(partner: Int, styleMean: [Double] = [], styleStd: [Double] = []) {
            self.partner = partner
            self.styleMean = styleMean
            self.styleStd = styleStd
        }
    }

    public func draw(from stream: inout RandomStream, frames: Int) -> Parameters {
        Parameters(partner: Int(stream.nextUInt32()))
    }

    /// Mean and std of `values` (a (3, T, 25, 2) clip of `frames` frames) per channel, or per channel and body.
    public func statistics(of values: UnsafePointer<Float>, frames: Int) -> (mean: [Double], std: [Double]) {
        let groups = perBody ? 3 * SkeletonLayout.bodies : 3
        var mean = [Double](repeating: 0, count: groups)
        var std = [Double](repeating: 0, count: groups)
        let M = SkeletonLayout.bodies
        let perChannel = frames * ClipBuffer.frameStride
        for g in 0..<groups {
            let c = perBody ? g / M : g
            let body = perBody ? g % M : -1
            let base = values + c * perChannel
            var sum = 0.0, n = 0
            for i in 0..<perChannel where body < 0 || i % M == body {
                sum += Double(base[i])
                n += 1
            }
            let mu = n > 0 ? sum / Double(n) : 0
            var squares = 0.0
            for i in 0..<perChannel where body < 0 || i % M == body {
                let d = Double(base[i]) - mu
                squares += d * d
            }
            let variance = n > 1 ? squares / Double(n - 1) : 0
            mean[g] = mu
            std[g] = (variance + eps).squareRoot()
        }
        return (mean, std)
    }

    /// The partner hook: the drawn partner number.
    public func partnerNumber(in p: Parameters) -> Int? { p.partner }

    /// The partner hook: fills the style statistics of `parameters` from the partner clip.
    public func attach(partner clip: SkeletonClip, to parameters: inout Parameters) {
        let stats = clip.values.withUnsafeBufferPointer { buffer -> (mean: [Double], std: [Double]) in
            guard let base = buffer.baseAddress else { return ([], []) }
            return statistics(of: base, frames: clip.frames)
        }
        parameters.styleMean = stats.mean
        parameters.styleStd = stats.std
    }

    public func apply(_ p: Parameters, to clip: ClipBuffer) {
        let groups = perBody ? 3 * SkeletonLayout.bodies : 3
        guard p.styleMean.count == groups, p.styleStd.count == groups, clip.frames > 0 else { return }
        let own = statistics(of: UnsafePointer(clip.values), frames: clip.frames)
        let M = SkeletonLayout.bodies
        let perChannel = clip.channelStride
        for c in 0..<3 {
            let base = clip.values + c * perChannel
            for i in 0..<perChannel {
                let g = perBody ? c * M + i % M : c
                let scale = p.styleStd[g] / own.std[g]
                base[i] = Float((Double(base[i]) - own.mean[g]) * scale + p.styleMean[g])
            }
        }
    }

    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p", "eps", "per_body"])
        self.init(probability: try f.probability(default: 1),
                  eps: try f.double("eps", default: 1e-5, in: 1e-12...1),
                  perBody: try f.bool("per_body", default: true))
    }

    public func encode(to encoder: Encoder) throws {
        var w = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
        try w.encode(eps, "eps")
        try w.encode(perBody, "per_body")
    }
}
