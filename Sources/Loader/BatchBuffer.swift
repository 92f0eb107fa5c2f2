/// The float32 values of one stream of one batch view, B × (3, T, 25, 2) back to back, in one block of memory that
/// this object owns and frees.
///
/// A class, not an array, so that the block can leave Swift without a copy: the C ABI hands its address to a
/// consumer (PyTorch wraps it as a tensor) together with a retained reference, and the block lives until the
/// consumer releases that reference (`hiclr_buffer_release`) and Swift has dropped the batch. The address never
/// changes while the object lives.
///
/// Written only by the batch builder, before the batch is handed out; read-only afterwards (hence
/// `@unchecked Sendable`: batches cross from worker threads to the consumer once complete).
public final class BatchBuffer: @unchecked Sendable {
    /// Number of floats.
    public let count: Int
    private let base: UnsafeMutablePointer<Float>

    /// `count` floats, zero-filled when `zeroed`, else uninitialised (the caller writes every value before the
    /// batch is handed out).
    init(count: Int, zeroed: Bool) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        if zeroed { base.initialize(repeating: 0, count: count) }
    }

    deinit { base.deallocate() }

    /// The first value's address: valid, and unchanged, as long as this object lives.
    public var baseAddress: UnsafePointer<Float> { UnsafePointer(base) }

    /// A copy of the values as an array.
    public var values: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Writes (the builder's, while the batch is being built).
    func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: base, count: count))
    }
}
