import CounterRandom
import YAMLFiles
/// Temporal crop (BA, paper set T0): pad = T // paddingRatio frames are reflected at each end (the first `pad`
/// frames reversed before the clip, the last `pad` frames reversed after it, edge frames included), then T
/// consecutive frames are taken starting at a uniform integer in [0, 2·pad].
public struct TemporalCrop: AugmentationStage {
    public static let name = "temporal_crop"
    public static let summary = "reflect-pad T // padding_ratio frames at both ends, then crop T frames at a random start"
    public static let parameterHelp = [
        StageParameterHelp("p", "1", "probability the stage acts"),
        StageParameterHelp("padding_ratio", "6", "pad = T // padding_ratio frames at each end"),
    ]
    public static let movesFramesOrJoints = true

    public var probability: Double
    public var paddingRatio: Int

    public init(probability: Double = 1, paddingRatio: Int = 6) {
        self.probability = probability
        self.paddingRatio = paddingRatio
    }

    public struct Parameters: Codable, Equatable, Sendable {
        /// Frames reflected at each end.
        public var padding: Int
        /// First frame of the crop in the padded clip, in [0, 2·padding].
        public var start: Int

        public init(padding: Int, start: Int) {
            self.padding = padding
            self.start = start
        }
    }

    public func draw(from stream: inout RandomStream, frames: Int) -> Parameters {
        let pad = frames / max(paddingRatio, 1)
        return Parameters(padding: pad, start: stream.nextInt(in: 0...(2 * pad)))
    }

    /// Frame of the original clip shown at output frame `t`.
    @inline(__always)
    static func sourceFrame(_ t: Int, frames: Int, padding: Int, start: Int) -> Int {
        let i = start + t
        if i < padding { return padding - 1 - i }
        if i < padding + frames { return i - padding }
        return frames - 1 - (i - padding - frames)
    }

    public func apply(_ p: Parameters, to clip: ClipBuffer) {
        let (pad, start) = Self.clamped(p, frames: clip.frames)
        guard start != pad else { return } // the identity crop
        clip.copyToScratch()
        Self.crop(pad: pad, start: start, from: UnsafePointer(clip.scratch), to: clip)
    }

    /// `apply` to a view whose values are still in `source` (as many floats as `clip`; `clip.values` is
    /// overwritten): the crop reads `source` directly, instead of a copy of it in `clip.values` and then in
    /// `clip.scratch`. Same result as copying `source` into `clip.values` and calling `apply`.
    public func apply(_ p: Parameters, from source: UnsafePointer<Float>, to clip: ClipBuffer) {
        let (pad, start) = Self.clamped(p, frames: clip.frames)
        guard start != pad else { // the identity crop
            clip.values.update(from: source, count: clip.count)
            return
        }
        Self.crop(pad: pad, start: start, from: source, to: clip)
    }

    /// `apply(_:from:to:)` followed by the stages of `tail`, in one pass over the clip (each output frame is
    /// mapped and its joints flipped as it is copied); the same values.
    func apply(_ p: Parameters, from source: UnsafePointer<Float>, to clip: ClipBuffer, then tail: PointwiseTail) {
        let (pad, start) = Self.clamped(p, frames: clip.frames)
        let frames = clip.frames
        let frame = { (t: Int) in Self.sourceFrame(t, frames: frames, padding: pad, start: start) }
        guard !tail.maps.isEmpty, let runs = SpatialFlip.swapRuns else {
            apply(p, from: source, to: clip)
            if tail.flipped { SpatialFlip().apply(NoParameters(), to: clip) }
            return
        }
        runs.withUnsafeBufferPointer { runs in
            let flip = tail.flipped ? runs : nil
            if tail.maps.count == 1 {
                tail.maps[0].apply(from: source, to: clip, flip: flip, frame: frame)
            } else {
                LinearMap.apply(tail.maps[0], then: tail.maps[1], from: source, to: clip, flip: flip, frame: frame)
            }
        }
    }

    @inline(__always)
    static func clamped(_ p: Parameters, frames: Int) -> (pad: Int, start: Int) {
        let pad = min(max(p.padding, 0), frames)
        return (pad, min(max(p.start, 0), 2 * pad))
    }

    /// Writes the crop of `source` (the clip before cropping, `clip.count` floats) into `clip.values`.
    static func crop(pad: Int, start: Int, from source: UnsafePointer<Float>, to clip: ClipBuffer) {
        let frames = clip.frames
        let stride = ClipBuffer.frameStride
        // Output frames middleLo ..< middleHi show source frames t + start − pad: one contiguous copy per channel;
        // the reflected frames before and after go one by one.
        let middleLo = min(max(pad - start, 0), frames), middleHi = max(min(pad + frames - start, frames), middleLo)
        for c in 0..<3 {
            let base = c * clip.channelStride
            for t in 0..<middleLo {
                let s = Self.sourceFrame(t, frames: frames, padding: pad, start: start)
                (clip.values + base + t * stride).update(from: source + base + s * stride, count: stride)
            }
            (clip.values + base + middleLo * stride).update(from: source + base + (middleLo + start - pad) * stride,
                                                            count: (middleHi - middleLo) * stride)
            for t in middleHi..<frames {
                let s = Self.sourceFrame(t, frames: frames, padding: pad, start: start)
                (clip.values + base + t * stride).update(from: source + base + s * stride, count: stride)
            }
        }
    }

    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p", "padding_ratio"])
        self.init(probability: try f.probability(default: 1),
                  paddingRatio: try f.int("padding_ratio", default: 6, in: 1...10_000))
    }

    public func encode(to encoder: Encoder) throws {
        var w = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
        try w.encode(paddingRatio, "padding_ratio")
    }
}
