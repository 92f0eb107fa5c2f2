import Foundation

/// Keeps freed tensor buffers for reuse by tensors of the same size.
///
/// A training step allocates the same large tensors every step; without reuse each allocation
/// is fresh memory from the kernel, zeroed page by page (measured: over a tenth of a step in page
/// faults). Buffers of at least `minimumElements` floats are kept up to `limitBytes` in total.
public enum TensorStoragePool {
    /// Most bytes kept for reuse (default 2 GiB). Set before heavy work; 0 disables pooling.
    nonisolated(unsafe) public static var limitBytes = 2 << 30
    /// Buffers smaller than this (in elements) go straight back to the allocator.
    public static let minimumElements = 1 << 16

    nonisolated(unsafe) private static var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    nonisolated(unsafe) private static var keptBytes = 0
    private static let lock = NSLock()

    /// Bytes currently kept for reuse.
    public static var retainedBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return keptBytes
    }

    /// Frees every kept buffer.
    public static func drain() {
        lock.lock()
        let buffers = free.values.flatMap { $0 }
        free.removeAll()
        keptBytes = 0
        lock.unlock()
        for buffer in buffers { buffer.deallocate() }
    }

    /// A buffer of `count` elements (contents unspecified).
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let capacity = max(count, 1)
        if capacity >= minimumElements {
            lock.lock()
            let reused = free[capacity]?.popLast()
            if reused != nil { keptBytes -= capacity * MemoryLayout<Float>.stride }
            lock.unlock()
            if let reused { return reused }
        }
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
        return pointer
    }

    /// Returns a buffer from `allocate(count)`.
    static func release(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let capacity = max(count, 1)
        let bytes = capacity * MemoryLayout<Float>.stride
        if capacity >= minimumElements {
            lock.lock()
            if keptBytes + bytes <= limitBytes {
                free[capacity, default: []].append(pointer)
                keptBytes += bytes
                lock.unlock()
                return
            }
            lock.unlock()
        }
        pointer.deallocate()
    }
}
