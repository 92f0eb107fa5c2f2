import CDeflate
import CHDF5
import Foundation

/// The shuffle + deflate filter pipeline of HDF5, applied in Swift (with libdeflate) instead of inside libhdf5.
///
/// This lets chunks be compressed and decompressed on many threads at once, outside the libhdf5 lock;
/// only the raw chunk bytes then pass through libhdf5 (`H5Dwrite_chunk` / `H5Dread_chunk`). The bytes are
/// exactly what libhdf5's own filters produce and expect, so any HDF5 reader (h5py, h5dump) reads them.
/// Touches no libhdf5 state: safe to use from any thread.
public struct HDF5ChunkCodec: Sendable, Equatable {
    /// Bytes per element (shuffle transposes the bytes of elements of this size).
    public var elementSize: Int
    /// Byte shuffle before deflate.
    public var shuffle: Bool
    /// zlib level, or nil for no deflate.
    public var deflateLevel: Int?

    public init(elementSize: Int, shuffle: Bool, deflateLevel: Int?) {
        self.elementSize = elementSize
        self.shuffle = shuffle
        self.deflateLevel = deflateLevel
    }

    /// The codec for a dataset's filter pipeline, or nil when the pipeline has a filter other than shuffle
    /// and deflate, or has them in another order.
    public init?(filters: [HDF5Filter], elementSize: Int) {
        var shuffle = false
        var level: Int?
        for (index, filter) in filters.enumerated() {
            switch filter.id {
            case HDF5Filter.shuffleID where index == 0: shuffle = true
            case HDF5Filter.deflateID where level == nil: level = Int(filter.parameters.first ?? 6)
            default: return nil
            }
        }
        self.init(elementSize: elementSize, shuffle: shuffle, deflateLevel: level)
    }

    /// The filter mask bits for this pipeline when stored with every filter applied.
    public var fullMask: UInt32 { 0 }

    /// Encodes one chunk (shuffle, then deflate in the zlib format with libdeflate).
    ///
    /// The corresponding C functions are `libdeflate_zlib_compress_bound` and `libdeflate_zlib_compress`.
    public func encode(_ chunk: UnsafeRawBufferPointer) throws -> [UInt8] {
        var staged = [UInt8](repeating: 0, count: chunk.count)
        staged.withUnsafeMutableBytes { Self.shuffle(chunk, elementSize: shuffle ? elementSize : 1, into: $0) }
        guard let level = deflateLevel else { return staged }
        return try DeflatePool.shared.withCompressor(level: level) { compressor in
            let capacity = libdeflate_zlib_compress_bound(compressor, staged.count)
            var output = [UInt8](repeating: 0, count: capacity)
            let size = staged.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { destination in
                    libdeflate_zlib_compress(compressor, source.baseAddress, source.count,
                                             destination.baseAddress, destination.count)
                }
            }
            guard size > 0 else {
                throw HDF5Error(operation: "deflate chunk", path: "", message: "libdeflate could not compress the chunk")
            }
            output.removeSubrange(size...)
            return output
        }
    }

    /// Decodes one stored chunk into `output` (which must be the chunk's full uncompressed size).
    /// `filterMask` bit i set means filter i of the pipeline was skipped when the chunk was written.
    ///
    /// The corresponding C function is `libdeflate_zlib_decompress`.
    public func decode(_ stored: UnsafeRawBufferPointer, filterMask: UInt32 = 0,
                       into output: UnsafeMutableRawBufferPointer) throws {
        let shuffleApplied = shuffle && filterMask & 1 == 0
        let deflateIndex = shuffle ? 1 : 0
        let deflateApplied = deflateLevel != nil && filterMask & (1 << deflateIndex) == 0
        func fail(_ message: String) -> HDF5Error {
            HDF5Error(operation: "decode chunk", path: "", message: message)
        }
        var staged: [UInt8]
        if deflateApplied {
            // Every byte is written by the decompressor (checked: size == output.count) before it is read.
            staged = [UInt8](unsafeUninitializedCapacity: output.count) { _, initialized in
                initialized = output.count
            }
            var size = 0
            let status = DeflatePool.shared.withDecompressor { decompressor in
                staged.withUnsafeMutableBytes { destination in
                    libdeflate_zlib_decompress(decompressor, stored.baseAddress, stored.count,
                                               destination.baseAddress, destination.count, &size)
                }
            }
            guard status == LIBDEFLATE_SUCCESS else {
                throw fail("the compressed chunk does not inflate (libdeflate status \(status.rawValue): corrupt chunk?)")
            }
            guard size == output.count else {
                throw fail("chunk inflates to \(size) bytes, expected \(output.count)")
            }
        } else {
            guard stored.count == output.count else {
                throw fail("chunk holds \(stored.count) bytes, expected \(output.count)")
            }
            staged = [UInt8](stored)
        }
        if shuffleApplied {
            Self.unshuffle(staged, elementSize: elementSize, into: output)
        } else {
            staged.withUnsafeBytes { output.copyMemory(from: $0) }
        }
    }

    /// HDF5's shuffle of `bytes` into `out` (same size): byte j of element i goes to position j·n + i;
    /// trailing bytes are copied unchanged.
    static func shuffle(_ bytes: UnsafeRawBufferPointer, elementSize: Int, into out: UnsafeMutableRawBufferPointer) {
        guard elementSize > 1 else {
            out.copyMemory(from: bytes)
            return
        }
        let n = bytes.count / elementSize
        if elementSize == 4, n > 0, let source = bytes.baseAddress, let target = out.baseAddress {
            // float32 / int32 (every shard stream): one word load, four byte-plane stores.
            let p0 = target.assumingMemoryBound(to: UInt8.self), p1 = p0 + n, p2 = p0 + 2 * n, p3 = p0 + 3 * n
            for i in 0..<n {
                let word = UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                p0[i] = UInt8(truncatingIfNeeded: word)
                p1[i] = UInt8(truncatingIfNeeded: word >> 8)
                p2[i] = UInt8(truncatingIfNeeded: word >> 16)
                p3[i] = UInt8(truncatingIfNeeded: word >> 24)
            }
            for k in (4 * n)..<bytes.count { out[k] = bytes[k] }
            return
        }
        for j in 0..<elementSize {
            let base = j * n
            for i in 0..<n { out[base + i] = bytes[i * elementSize + j] }
        }
        for k in (n * elementSize)..<bytes.count { out[k] = bytes[k] }
    }

    /// The inverse of `shuffle`.
    static func unshuffle(_ bytes: [UInt8], elementSize: Int, into output: UnsafeMutableRawBufferPointer) {
        guard elementSize > 1 else {
            bytes.withUnsafeBytes { output.copyMemory(from: $0) }
            return
        }
        let n = bytes.count / elementSize
        if elementSize == 4, let target = output.baseAddress, n > 0 {
            // float32 / int32 (every shard stream): gather the four byte planes into little-endian words.
            bytes.withUnsafeBufferPointer { src in
                let p0 = src.baseAddress!, p1 = p0 + n, p2 = p0 + 2 * n, p3 = p0 + 3 * n
                for i in 0..<n {
                    let word = UInt32(p0[i]) | UInt32(p1[i]) << 8 | UInt32(p2[i]) << 16 | UInt32(p3[i]) << 24
                    target.storeBytes(of: word.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
                for k in (4 * n)..<bytes.count { output[k] = src[k] }
            }
            return
        }
        bytes.withUnsafeBufferPointer { src in
            for j in 0..<elementSize {
                let base = j * n
                for i in 0..<n { output[i * elementSize + j] = src[base + i] }
            }
            for k in (n * elementSize)..<bytes.count { output[k] = src[k] }
        }
    }
}

/// Reusable libdeflate compressors (one per level) and decompressors: allocating one costs far more than
/// compressing a 60 KB chunk. Each is used by one thread at a time; the pool grows to the number of threads
/// that ever used it at once.
final class DeflatePool: @unchecked Sendable {
    static let shared = DeflatePool()
    private let lock = NSLock()
    private var compressors: [Int: [OpaquePointer]] = [:]
    private var decompressors: [OpaquePointer] = []

    /// The corresponding C function is `libdeflate_alloc_compressor`.
    func withCompressor<R>(level: Int, _ body: (OpaquePointer) throws -> R) throws -> R {
        lock.lock()
        var compressor = compressors[level]?.popLast()
        lock.unlock()
        if compressor == nil { compressor = libdeflate_alloc_compressor(Int32(level)) }
        guard let compressor else {
            throw HDF5Error(operation: "deflate chunk", path: "", message: "libdeflate has no compression level \(level)")
        }
        defer {
            lock.lock()
            compressors[level, default: []].append(compressor)
            lock.unlock()
        }
        return try body(compressor)
    }

    /// The corresponding C function is `libdeflate_alloc_decompressor`.
    func withDecompressor<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        lock.lock()
        let pooled = decompressors.popLast()
        lock.unlock()
        let decompressor = pooled ?? libdeflate_alloc_decompressor()!
        defer {
            lock.lock()
            decompressors.append(decompressor)
            lock.unlock()
        }
        return try body(decompressor)
    }
}
