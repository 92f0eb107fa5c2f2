import SkeletonCore

/// Linear resize along time with half-pixel centres, exactly as OpenCV's `INTER_LINEAR` computes it for
/// float32 images (preprocessing.md step 5): `src = (dst + 0.5)·(L/T) − 0.5`, clamped to [0, L−1], mixing
/// frames floor(src) and floor(src)+1 (clamped) with float32 weights taken from the double-precision source
/// position (matches cv2.resize to within one float32 ulp; see Tests/PreprocessTests/Golden).
public enum TimeResize {
    /// Resizes the first `length` frames of `clip` to `frames` frames.
    public static func resize(_ clip: SkeletonClip, length: Int, to frames: Int) -> SkeletonClip {
        precondition(length >= 1 && length <= clip.frames, "resize: length \(length) outside 1...\(clip.frames)")
        var out = SkeletonClip(frames: frames)
        let stride = clip.frameStride
        let scale = Double(length) / Double(frames)
        let srcChannel = clip.channelStride, dstChannel = out.channelStride
        clip.values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for t in 0..<frames {
                    let position = (Double(t) + 0.5) * scale - 0.5
                    var i0 = Int(position.rounded(.down))
                    var f = Float(position - Double(i0))     // the fraction in double, as OpenCV's result shows
                    if i0 < 0 { i0 = 0; f = 0 }
                    var i1 = i0 + 1
                    if i0 >= length - 1 { i0 = length - 1; i1 = i0; f = 0 }
                    let w0 = 1 - f, w1 = f
                    for c in 0..<SkeletonClip.channels {
                        let s0 = c * srcChannel + i0 * stride
                        let s1 = c * srcChannel + i1 * stride
                        let d = c * dstChannel + t * stride
                        for k in 0..<stride {
                            dst[d + k] = src[s0 + k] * w0 + src[s1 + k] * w1
                        }
                    }
                }
            }
        }
        return out
    }
}
