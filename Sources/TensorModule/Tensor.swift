/// A dense, contiguous, row-major `Float` tensor.
///
/// `Tensor` is a small struct (shape + a reference to its storage) with *reference semantics for
/// the elements*, like a PyTorch tensor: copying the struct shares the elements, `reshaped(_:)`
/// is free and shares them too, and `copy()` makes an independent tensor. Operations in this
/// module never write into their inputs unless their name says so (`add(_:)`, `fill(_:)`, …).
public struct Tensor: @unchecked Sendable {
    /// Sizes of the axes, outermost first. A scalar has shape `[]` and one element.
    public let shape: [Int]
    let storage: TensorStorage

    /// A tensor of the given shape filled with `value` (zeros by default).
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative size in shape \(shape)")
        self.shape = shape
        self.storage = TensorStorage(count: shape.reduce(1, *), repeating: value)
    }

    /// A tensor holding `values` (row-major) with the given shape.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.storage = TensorStorage(values)
    }

    /// A tensor whose elements are `body(i)` for the flat index `i`.
    public init(shape: [Int], generator body: (Int) -> Float) {
        self.init(shape: shape)
        let p = storage.pointer
        for i in 0..<count { p[i] = body(i) }
    }

    /// A tensor whose elements are unspecified, for results an operation overwrites entirely.
    init(uninitializedShape shape: [Int]) {
        self.shape = shape
        self.storage = TensorStorage(uninitializedCount: shape.reduce(1, *))
    }

    init(shape: [Int], storage: TensorStorage) {
        precondition(shape.reduce(1, *) == storage.count, "shape \(shape) does not match storage")
        self.shape = shape
        self.storage = storage
    }

    /// Number of elements.
    public var count: Int { storage.count }

    /// Number of axes.
    public var rank: Int { shape.count }

    /// The elements as a new array (row-major).
    public var values: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// The same elements seen with another shape of the same element count (no copy).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    /// An independent copy.
    public func copy() -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        result.storage.pointer.update(from: storage.pointer, count: count)
        return result
    }

    /// Reads or writes one element by flat (row-major) index.
    public subscript(flat index: Int) -> Float {
        get {
            precondition(index >= 0 && index < count, "flat index \(index) out of range 0..<\(count)")
            return storage.pointer[index]
        }
        nonmutating set {
            precondition(index >= 0 && index < count, "flat index \(index) out of range 0..<\(count)")
            storage.pointer[index] = newValue
        }
    }

    /// Reads or writes one element by its index on every axis.
    public subscript(_ index: Int...) -> Float {
        get { storage.pointer[flatIndex(index)] }
        nonmutating set { storage.pointer[flatIndex(index)] = newValue }
    }

    /// The flat position of a multi-axis index.
    public func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) for shape \(shape)")
        var flat = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(index) out of range for shape \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// Calls `body` with the elements for reading.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeBufferPointer(start: storage.pointer, count: count))
        }
    }

    /// Calls `body` with the elements for writing (the tensor is a reference: no copy is made).
    public func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
        }
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        storage.pointer.update(repeating: value, count: count)
    }

    /// Copies the elements of `other` (same element count) into this tensor.
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.count) elements into \(count)")
        storage.pointer.update(from: other.storage.pointer, count: count)
    }

    /// True when both tensors have the same shape.
    public func hasShape(_ other: [Int]) -> Bool { shape == other }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = values.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), values: [\(shown)\(count > 8 ? ", …" : "")])"
    }
}

/// Owns the elements of one or more ``Tensor`` values (views that share them).
final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// Storage whose elements are all `value`.
    init(count: Int, repeating value: Float) {
        self.count = count
        pointer = TensorStoragePool.allocate(count)
        pointer.update(repeating: value, count: max(count, 1))
    }

    /// Storage whose elements are unspecified (for results that are overwritten entirely).
    init(uninitializedCount count: Int) {
        self.count = count
        pointer = TensorStoragePool.allocate(count)
    }

    convenience init(_ values: [Float]) {
        self.init(uninitializedCount: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.update(from: base, count: count) }
        }
    }

    deinit {
        TensorStoragePool.release(pointer, count: count)
    }
}
