import SkeletonCore

/// Linear resize along time with half-pixel centres, as OpenCV's `INTER_LINEAR` computes it for float32 images
/// (preprocessing.md step 5; OpenCV modules/imgproc/src/resize.cpp, `cv::resize` and the generic `hal::resize`):
/// - `scale = 1 / (T / L)` in double (`inv_scale_y = (double)dsize.height/ssize.height`, `scale_y = 1./inv_scale_y`);
/// - the source row in float32: `fy = (float)((t + 0.5)·scale − 0.5)`, `sy = floor(fy)`, `fy −= sy` (float32);
/// - weights `(1 − fy, fy)` in float32, rows `sy` and `sy + 1` each clamped to [0, L − 1] — along rows OpenCV
///   clamps the row indices but keeps the weights (unlike along columns), so a border row is `a·(1 − fy) + a·fy`;
/// - `dst = src[sy]·(1 − fy) + src[sy + 1]·fy` in float32; L = T is a plain copy.
/// Bit-identical to cv2.resize on every L in 1...300 and values up to 1e3 (scripts/golden_preprocess.py checks the
/// same formula against cv2 on every golden it writes).
public enum TimeResize {
    /// Resizes the first `length` frames of `clip` to `frames` frames.
    public static func resize(_ clip: SkeletonClip, length: Int, to frames: Int) -> SkeletonClip {
        precondition(length >= 1 && length <= clip.frames, "resize: length \(length) outside 1...\(clip.frames)")
        var out = SkeletonClip(frames: frames)
        let stride = clip.frameStride
        let srcChannel = clip.channelStride, dstChannel = out.channelStride
        if length == frames {                      // OpenCV copies when the size does not change
            for c in 0..<SkeletonClip.channels {
                for k in 0..<(frames * stride) { out.values[c * dstChannel + k] = clip.values[c * srcChannel + k] }
            }
            return out
        }
        let scale = 1.0 / (Double(frames) / Double(length))
        clip.values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for t in 0..<frames {
                    let position = Float((Double(t) + 0.5) * scale - 0.5)
                    let row = Int(position.rounded(.down))
                    let f = position - Float(row)
                    let i0 = min(max(row, 0), length - 1)
                    let i1 = min(max(row + 1, 0), length - 1)
                    let w0: Float = 1 - f, w1 = f
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
