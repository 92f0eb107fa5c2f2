import CounterRandom
import YAMLFiles
import Foundation

/// Gaussian blur along time (NA): per coordinate, joint and body, correlate the frame series with the kernel
/// w[i] = exp(−(i − r)² / 2σ²), i = 0 … kernel−1, r = kernel // 2, σ ~ U(sigma_min, sigma_max), treating frames
/// outside the clip as 0 (zero padding r).
///
/// `normalize: true` (default) divides w by its sum, so a constant series is kept wherever the whole kernel
/// window lies inside the clip (frames r … T−1−r); nearer the ends the zero padding pulls values towards 0.
/// `normalize: false` is the reference code's unnormalised kernel (sum ≈ 5 at σ = 2: it also scales the signal).
public struct GaussianBlur: AugmentationStage {
    public static let name = "gaussian_blur"
    public static let summary = "blur each series along time with a Gaussian kernel, sigma ~ U(sigma_min, sigma_max), zero padding"
    public static let parameterHelp = [
        StageParameterHelp("p", "0.5", "probability the stage acts"),
        StageParameterHelp("kernel", "15", "kernel size (odd); zero padding kernel // 2 at each end"),
        StageParameterHelp("sigma_min", "0.1", "lower bound of sigma, in frames"),
        StageParameterHelp("sigma_max", "2", "upper bound of sigma, in frames"),
        StageParameterHelp("normalize", "true", "divide the kernel by its sum; false = reference (unnormalised) kernel"),
    ]

    /// Largest accepted kernel.
    public static let maxKernel = 257

    /// `hiclr bench augment` times the reference's unnormalised kernel too.
    public static let benchmarkVariants: [(label: String, stage: GaussianBlur)] = [
        ("", GaussianBlur(probability: 1)),
        ("normalize: false", GaussianBlur(probability: 1, normalize: false)),
    ]

    public var probability: Double
    public var kernel: Int
    public var sigmaMin: Double
    public var sigmaMax: Double
    public var normalize: Bool

    public init(probability: Double = 0.5, kernel: Int = 15, sigmaMin: Double = 0.1, sigmaMax: Double = 2,
                normalize: Bool = true) {
        self.probability = probability
        self.kernel = kernel
        self.sigmaMin = sigmaMin
        self.sigmaMax = sigmaMax
        self.normalize = normalize
    }

    public struct Parameters: Codable, Equatable, Sendable {
        /// Kernel width in frames.
        public var sigma: Double

        public init(sigma: Double) {
            self.sigma = sigma
        }
    }

    public func draw(from stream: inout RandomStream, frames: Int) -> Parameters {
        Parameters(sigma: stream.nextDouble(from: sigmaMin, to: sigmaMax))
    }

    /// The kernel weights for `sigma`.
    public func weights(sigma: Double) -> [Float] {
        [Float](unsafeUninitializedCapacity: kernel) { w, initialized in
            fillWeights(sigma: sigma, into: w)
            initialized = kernel
        }
    }

    /// Writes the `kernel` weights for `sigma` into `w`: each exp evaluated once, summed in index order in Double,
    /// scaled by 1 / sum when `normalize`, then rounded to Float.
    func fillWeights(sigma: Double, into w: UnsafeMutableBufferPointer<Float>) {
        let radius = kernel / 2
        withUnsafeTemporaryAllocation(of: Double.self, capacity: kernel) { g in
            var sum = 0.0
            for i in 0..<kernel {
                let k = Double(i - radius)
                g[i] = exp(-(k * k) / (2 * sigma * sigma))
                sum += g[i]
            }
            let scale = normalize ? 1 / sum : 1
            for i in 0..<kernel { w[i] = Float(g[i] * scale) }
        }
    }

    public func apply(_ p: Parameters, to clip: ClipBuffer) {
        let frames = clip.frames
        guard frames > 0, kernel >= 1, kernel <= Self.maxKernel, p.sigma > 0 else { return }
        clip.copyToScratch()
        withUnsafeTemporaryAllocation(of: Float.self, capacity: kernel) { w in
            fillWeights(sigma: p.sigma, into: w)
            TemporalCorrelation.correlate(weights: UnsafeBufferPointer(w), frames: frames,
                                          source: UnsafePointer(clip.scratch), destination: clip.values)
        }
    }

    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p", "kernel", "sigma_min", "sigma_max", "normalize"])
        let kernel = try f.int("kernel", default: 15, in: 1...Self.maxKernel)
        guard kernel % 2 == 1 else { throw f.error("kernel", "\(kernel) must be odd") }
        let sigmaMin = try f.double("sigma_min", default: 0.1, in: 1e-6...1e6)
        let sigmaMax = try f.double("sigma_max", default: 2, in: 1e-6...1e6)
        guard sigmaMin <= sigmaMax else {
            throw f.error("sigma_max", "\(sigmaMax) is below sigma_min \(sigmaMin)")
        }
        self.init(probability: try f.probability(default: 0.5), kernel: kernel, sigmaMin: sigmaMin,
                  sigmaMax: sigmaMax, normalize: try f.bool("normalize", default: true))
    }

    public func encode(to encoder: Encoder) throws {
        var w = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
        try w.encode(kernel, "kernel")
        try w.encode(sigmaMin, "sigma_min")
        try w.encode(sigmaMax, "sigma_max")
        try w.encode(normalize, "normalize")
    }
}
