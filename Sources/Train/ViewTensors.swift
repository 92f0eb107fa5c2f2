import Augment
import Loader
import SkeletonCore
import Tensor

/// Turns a loader batch into encoder inputs: the joint values of a view as a `[B, 3, T, 25, 2]` tensor, or the
/// bone/motion stream derived from them (the paper's setting: streams derived after augmentation).
public enum ViewTensors {
    public static func tensor(_ view: ViewBatch, stream: SkeletonStream) throws -> Tensor {
        guard let joint = view.values(.joint) else {
            throw TrainError.pipeline("branch \(view.branch) does not emit the joint stream (add joint to streams.names)")
        }
        let count = joint.count / (view.frames * ClipBuffer.valuesPerFrame)
        let shape = [count, SkeletonLayout.channels, view.frames, SkeletonLayout.joints, SkeletonLayout.bodies]
        guard stream != .joint else { return Tensor(shape: shape, values: joint) }
        let n = view.frames * ClipBuffer.valuesPerFrame
        var out = [Float](repeating: 0, count: joint.count)
        joint.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count {
                    stream.derive(from: UnsafeBufferPointer(rebasing: src[(i * n)..<((i + 1) * n)]), frames: view.frames,
                                  into: UnsafeMutableBufferPointer(rebasing: dst[(i * n)..<((i + 1) * n)]))
                }
            }
        }
        return Tensor(shape: shape, values: out)
    }
}

/// Why training cannot go on.
public enum TrainError: Error, CustomStringConvertible {
    case pipeline(String)
    case checkpoint(String)
    case data(String)
    /// The run cannot start as asked (run folder, epochs, memory).
    case configuration(String)

    public var description: String {
        switch self {
        case .pipeline(let m): return "pipeline: \(m)"
        case .checkpoint(let m): return "checkpoint: \(m)"
        case .data(let m): return "data: \(m)"
        case .configuration(let m): return m
        }
    }
}
