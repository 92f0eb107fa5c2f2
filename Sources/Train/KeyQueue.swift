import CounterRandom
import TensorModule

/// MoCo's queue of negative keys, stored as the reference stores its `queue` buffer: a (D, K) matrix whose
/// columns are L2-normalised keys, with a write pointer (`queue_ptr`). New keys overwrite the oldest.
public final class KeyQueue {
    /// (dimension, size) = (D, K).
    public let keys: Tensor
    public private(set) var pointer: Int

    public var dimension: Int { keys.shape[0] }
    public var size: Int { keys.shape[1] }

    /// A queue of `size` random unit keys of `dimension` (columns of standard normals, normalised).
    public init(dimension: Int, size: Int, key: RandomKey) {
        precondition(dimension > 0 && size > 0)
        let values = Tensor(shape: [dimension, size])
        values.withUnsafeMutableBufferPointer { v in
            for i in 0..<(dimension * size) { v[i] = key.normal(at: i) }
            for column in 0..<size {
                var norm: Float = 0
                for d in 0..<dimension { norm += v[d * size + column] * v[d * size + column] }
                let scale = 1 / max(norm.squareRoot(), 1e-12)
                for d in 0..<dimension { v[d * size + column] *= scale }
            }
        }
        keys = values
        pointer = 0
    }

    /// Restores a queue from its stored matrix and pointer.
    public init(keys: Tensor, pointer: Int) {
        precondition(keys.rank == 2 && pointer >= 0 && pointer < keys.shape[1])
        self.keys = keys
        self.pointer = pointer
    }

    /// Sets the write pointer (restoring a checkpoint).
    public func restore(pointer: Int) {
        precondition(pointer >= 0 && pointer < size, "queue pointer \(pointer) outside 0..<\(size)")
        self.pointer = pointer
    }

    /// Writes the rows of `batch` (B, D) as columns `pointer ..< pointer + B` (wrapping) and advances.
    public func enqueue(_ batch: Tensor) {
        precondition(batch.rank == 2 && batch.shape[1] == dimension, "enqueue: keys \(batch.shape) for a \(dimension)-d queue")
        let b = batch.shape[0], k = size, d = dimension
        batch.withUnsafeBufferPointer { src in
            keys.withUnsafeMutableBufferPointer { q in
                for i in 0..<b {
                    let column = (pointer + i) % k
                    for j in 0..<d { q[j * k + column] = src[i * d + j] }
                }
            }
        }
        pointer = (pointer + b) % k
    }
}
