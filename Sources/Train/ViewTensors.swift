import Augment
import Loader
import SkeletonCore
import TensorModule

/// The one place that decides an encoder's input: the joint values of `count` samples, each (3, T, 25, 2), become a
/// `[count, 3, T, 25, 2]` tensor of the requested stream — the joints themselves, or the bone/motion stream derived
/// from them by `SkeletonStream.derive` (the paper's setting: streams derived after augmentation). Training
/// (`ViewTensors`) and evaluation (`FeatureExtractor`) both go through it.
public enum EncoderInput {
    public static func tensor(joint: [Float], frames: Int, stream: SkeletonStream) -> Tensor {
        let n = frames * ClipBuffer.valuesPerFrame
        let count = n == 0 ? 0 : joint.count / n
        precondition(count * n == joint.count, "joint values are not a whole number of (3, \(frames), 25, 2) samples")
        let shape = [count, SkeletonLayout.channels, frames, SkeletonLayout.joints, SkeletonLayout.bodies]
        guard stream != .joint else { return Tensor(shape: shape, values: joint) }
        var out = [Float](repeating: 0, count: joint.count)
        joint.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count {
                    stream.derive(from: UnsafeBufferPointer(rebasing: src[(i * n)..<((i + 1) * n)]), frames: frames,
                                  into: UnsafeMutableBufferPointer(rebasing: dst[(i * n)..<((i + 1) * n)]))
                }
            }
        }
        return Tensor(shape: shape, values: out)
    }
}

/// Turns a loader batch view into encoder inputs (through ``EncoderInput``).
public enum ViewTensors {
    public static func tensor(_ view: ViewBatch, stream: SkeletonStream) throws -> Tensor {
        guard let joint = view.values(.joint) else {
            throw TrainError.pipeline("branch \(view.branch) does not emit the joint stream (add joint to streams.names)")
        }
        return EncoderInput.tensor(joint: joint, frames: view.frames, stream: stream)
    }
}
