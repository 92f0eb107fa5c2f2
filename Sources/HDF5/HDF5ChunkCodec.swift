import CDeflate
import CHDF5
import Foundation

/// The shuffle + deflate + Fletcher-32 filter pipeline of HDF5, applied in Swift (with libdeflate) instead of
/// inside libhdf5.
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
    /// HDF5's Fletcher-32 checksum filter (`H5Pset_fletcher32`, filter id 3) last in the pipeline: encoding
    /// appends the 4-byte checksum of the (filtered) chunk, decoding verifies and strips it.
    public var fletcher32: Bool

    public init(elementSize: Int, shuffle: Bool, deflateLevel: Int?, fletcher32: Bool = false) {
        self.elementSize = elementSize
        self.shuffle = shuffle
        self.deflateLevel = deflateLevel
        self.fletcher32 = fletcher32
    }

    /// The codec for a dataset's filter pipeline, or nil when the pipeline has a filter other than shuffle,
    /// deflate and Fletcher-32, or has them in another order (shuffle first, Fletcher-32 last).
    public init?(filters: [HDF5Filter], elementSize: Int) {
        var shuffle = false
        var level: Int?
        var fletcher32 = false
        for (index, filter) in filters.enumerated() {
            switch filter.id {
            case HDF5Filter.shuffleID where index == 0: shuffle = true
            case HDF5Filter.deflateID where level == nil && !fletcher32: level = Int(filter.parameters.first ?? 6)
            case HDF5Filter.fletcher32ID where index == filters.count - 1: fletcher32 = true
            default: return nil
            }
        }
        self.init(elementSize: elementSize, shuffle: shuffle, deflateLevel: level, fletcher32: fletcher32)
    }

    /// The filter mask bits for this pipeline when stored with every filter applied.
    public var fullMask: UInt32 { 0 }

    /// Bytes the Fletcher-32 filter appends to a chunk.
    public static let checksumSize = 4

    /// Encodes one chunk: shuffle, then deflate in the zlib format with libdeflate, then the Fletcher-32
    /// checksum appended (each stage only when the pipeline has it).
    ///
    /// The corresponding C functions are `libdeflate_zlib_compress_bound` and `libdeflate_zlib_compress`.
    public func encode(_ chunk: UnsafeRawBufferPointer) throws -> [UInt8] {
        let trailer = fletcher32 ? Self.checksumSize : 0
        var output: [UInt8]
        if let level = deflateLevel {
            var staged = [UInt8](repeating: 0, count: chunk.count)
            staged.withUnsafeMutableBytes { Self.shuffle(chunk, elementSize: shuffle ? elementSize : 1, into: $0) }
            output = try DeflatePool.shared.withCompressor(level: level) { compressor in
                let capacity = libdeflate_zlib_compress_bound(compressor, staged.count)
                var output = [UInt8](repeating: 0, count: capacity + trailer)
                let size = staged.withUnsafeBytes { source in
                    output.withUnsafeMutableBytes { destination in
                        libdeflate_zlib_compress(compressor, source.baseAddress, source.count,
                                                 destination.baseAddress, capacity)
                    }
                }
                guard size > 0 else {
                    throw HDF5Error(operation: "deflate chunk", path: "", message: "libdeflate could not compress the chunk")
                }
                output.removeSubrange((size + trailer)...)
                return output
            }
        } else {
            output = [UInt8](repeating: 0, count: chunk.count + trailer)
            output.withUnsafeMutableBytes { destination in
                Self.shuffle(chunk, elementSize: shuffle ? elementSize : 1,
                             into: UnsafeMutableRawBufferPointer(rebasing: destination[..<chunk.count]))
            }
        }
        if fletcher32 {
            // H5Zfletcher32.c: the checksum of the filtered bytes, appended little-endian (UINT32ENCODE).
            let size = output.count - trailer
            output.withUnsafeMutableBytes { bytes in
                let sum = Self.fletcher32(UnsafeRawBufferPointer(rebasing: bytes[..<size]))
                bytes.storeBytes(of: sum.littleEndian, toByteOffset: size, as: UInt32.self)
            }
        }
        return output
    }

    /// Decodes one stored chunk into `output` (which must be the chunk's full uncompressed size).
    /// `filterMask` bit i set means filter i of the pipeline was skipped when the chunk was written.
    /// A damaged chunk throws: one whose Fletcher-32 checksum does not match, or that does not inflate.
    ///
    /// The corresponding C function is `libdeflate_zlib_decompress`.
    public func decode(_ stored: UnsafeRawBufferPointer, filterMask: UInt32 = 0,
                       into output: UnsafeMutableRawBufferPointer) throws {
        let shuffleApplied = shuffle && filterMask & 1 == 0
        let deflateIndex = shuffle ? 1 : 0
        let deflateApplied = deflateLevel != nil && filterMask & (1 << deflateIndex) == 0
        let fletcherIndex = deflateIndex + (deflateLevel == nil ? 0 : 1)
        let fletcherApplied = fletcher32 && filterMask & (1 << fletcherIndex) == 0
        func fail(_ message: String) -> HDF5Error {
            HDF5Error(operation: "decode chunk", path: "", message: message)
        }
        var stored = stored
        if fletcherApplied {
            guard stored.count >= Self.checksumSize else {
                throw fail("chunk holds \(stored.count) bytes, too few for its Fletcher-32 checksum (corrupt chunk)")
            }
            let size = stored.count - Self.checksumSize
            let expected = UInt32(littleEndian: stored.loadUnaligned(fromByteOffset: size, as: UInt32.self))
            stored = UnsafeRawBufferPointer(rebasing: stored[..<size])
            let sum = Self.fletcher32(stored)
            guard Self.checksumMatches(expected, sum: sum) else {
                throw fail("Fletcher-32 checksum mismatch: the chunk is damaged (stored \(Self.hex(expected)), "
                           + "computed \(Self.hex(sum)))")
            }
        }
        if !deflateApplied {
            guard stored.count == output.count else {
                throw fail("chunk holds \(stored.count) bytes, expected \(output.count)")
            }
            if shuffleApplied {
                Self.unshuffle(stored, elementSize: elementSize, into: output)
            } else {
                output.copyMemory(from: stored)
            }
            return
        }
        // Every byte is written by the decompressor (checked: size == output.count) before it is read.
        let pooled = ChunkBufferPool.shared.take(bytes: output.count)
        defer { ChunkBufferPool.shared.give(pooled) }
        let staged = UnsafeMutableRawBufferPointer(rebasing: pooled[..<output.count])
        var size = 0
        let status = DeflatePool.shared.withDecompressor { decompressor in
            libdeflate_zlib_decompress(decompressor, stored.baseAddress, stored.count,
                                       staged.baseAddress, staged.count, &size)
        }
        guard status == LIBDEFLATE_SUCCESS else {
            throw fail("the compressed chunk does not inflate (libdeflate status \(status.rawValue): corrupt chunk?)")
        }
        guard size == output.count else {
            throw fail("chunk inflates to \(size) bytes, expected \(output.count)")
        }
        if shuffleApplied {
            Self.unshuffle(UnsafeRawBufferPointer(staged), elementSize: elementSize, into: output)
        } else {
            output.copyMemory(from: UnsafeRawBufferPointer(staged))
        }
    }

    /// Whether `stored`, the checksum a chunk was stored with, fits `sum`, the checksum of its bytes.
    /// H5Zfletcher32.c also accepts the checksum with the bytes of each 16-bit half swapped: what libhdf5
    /// before 1.6.3 stored on little-endian machines.
    static func checksumMatches(_ stored: UInt32, sum: UInt32) -> Bool {
        let swapped = (sum & 0x00FF_00FF) << 8 | (sum >> 8) & 0x00FF_00FF
        return stored == sum || stored == swapped
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// HDF5's Fletcher-32 checksum of `bytes` (H5checksum.c, `H5_checksum_fletcher32`): the bytes read as
    /// big-endian 16-bit words (an odd last byte as the high byte of a word), sum1 = Σ words and sum2 = Σ of
    /// the running sum1, each folded to 16 bits by adding the high half to the low half; the result is
    /// sum2 << 16 | sum1.
    ///
    /// The folds keep each sum's value modulo 65535 and never turn a positive sum into 0, and they end at
    /// most 0xFFFF; so each half is 0 when every byte is 0, else the sum modulo 65535 with 65535 for 0.
    /// That lets this version add eight words at once (SIMD lanes) and reduce modulo 65535 only between
    /// blocks of at most 360 groups of eight words (the most whose sums cannot overflow 32 bits, the same
    /// bound as the C loop).
    ///
    /// Inside a block, runs of up to 16 groups are summed in 16-bit lanes (twice as many words per
    /// instruction as 32-bit lanes): per lane, l = Σ of the words' second (low) bytes, exactly, and
    /// t = Σ of the words as loaded little-endian, modulo 2^16. The first (high) bytes sum to h = t − 256 l
    /// modulo 2^16, exact because that sum stays below 2^16 (16 · 255); the same holds for the running sums
    /// (at most 255 · 16 · 17 / 2 = 34,680). The words then sum to 256 h + l in 32-bit lanes.
    public static func fletcher32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let groups = bytes.count / 16  // of 8 words
        var sum1: UInt64 = 0, sum2: UInt64 = 0  // reduced modulo 65535
        var nonzero = false
        var group = 0
        while group < groups {
            let blockGroups = min(352, groups - group)  // 22 runs of 16
            // Lane l holds the words 8g + l: p = Σ w, q = Σ (blockGroups − g) · w (the running sum of p).
            var p = SIMD8<UInt32>(), q = SIMD8<UInt32>()
            var run = base + 16 * group
            var left = blockGroups
            while left > 0 {
                let runGroups = min(16, left)
                // t, l: sums of the loaded words and of their low bytes; qt, ql: their running sums.
                var t = SIMD8<UInt16>(), l = SIMD8<UInt16>(), qt = SIMD8<UInt16>(), ql = SIMD8<UInt16>()
                func add(_ g: Int) {
                    var raw = (run + 16 * g).loadUnaligned(as: SIMD8<UInt16>.self)
                    #if _endian(big)
                    raw = raw &<< 8 | raw &>> 8  // as loaded on a little-endian machine
                    #endif
                    t &+= raw
                    l &+= raw &>> 8
                    qt &+= t
                    ql &+= l
                }
                if runGroups == 16 {
                    for g in 0..<16 { add(g) }  // a fixed count: unrolled
                } else {
                    for g in 0..<runGroups { add(g) }
                }
                let h = t &- l &<< 8, qh = qt &- ql &<< 8
                let runP = SIMD8<UInt32>(truncatingIfNeeded: h) &<< 8 &+ SIMD8<UInt32>(truncatingIfNeeded: l)
                let runQ = SIMD8<UInt32>(truncatingIfNeeded: qh) &<< 8 &+ SIMD8<UInt32>(truncatingIfNeeded: ql)
                // Appending a run of k groups: each earlier word counts k more times in q.
                q &+= p &* UInt32(runGroups) &+ runQ
                p &+= runP
                run += 16 * runGroups
                left -= runGroups
            }
            // A word at block position j = 8g + l counts (n − j) times in sum2, n = 8 · blockGroups:
            // n − j = 8 (blockGroups − g) − l.
            var a: UInt64 = 0, lanes: UInt64 = 0, weighted: UInt64 = 0
            for l in 0..<8 {
                a += UInt64(p[l])
                lanes += UInt64(q[l])
                weighted += UInt64(l) * UInt64(p[l])
            }
            let n = UInt64(8 * blockGroups)
            sum2 = (sum2 + n * sum1 + 8 * lanes - weighted) % 65535
            sum1 = (sum1 + a) % 65535
            nonzero = nonzero || a != 0
            group += blockGroups
        }
        var tail = 16 * groups
        while tail < bytes.count {
            let high = UInt64(bytes[tail])
            let low = tail + 1 < bytes.count ? UInt64(bytes[tail + 1]) : 0
            let word = high << 8 | low
            sum1 = (sum1 + word) % 65535
            sum2 = (sum2 + sum1) % 65535
            nonzero = nonzero || word != 0
            tail += 2
        }
        guard nonzero else { return 0 }
        let half1 = sum1 == 0 ? 65535 : UInt32(sum1)
        let half2 = sum2 == 0 ? 65535 : UInt32(sum2)
        return half2 << 16 | half1
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
    static func unshuffle(_ bytes: UnsafeRawBufferPointer, elementSize: Int, into output: UnsafeMutableRawBufferPointer) {
        guard elementSize > 1 else {
            output.copyMemory(from: bytes)
            return
        }
        let n = bytes.count / elementSize
        let src = bytes.bindMemory(to: UInt8.self)
        if elementSize == 4, let target = output.baseAddress, n > 0 {
            // float32 / int32 (every shard stream): gather the four byte planes into little-endian words.
            let p0 = src.baseAddress!, p1 = p0 + n, p2 = p0 + 2 * n, p3 = p0 + 3 * n
            for i in 0..<n {
                let word = UInt32(p0[i]) | UInt32(p1[i]) << 8 | UInt32(p2[i]) << 16 | UInt32(p3[i]) << 24
                target.storeBytes(of: word.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
            for k in (4 * n)..<bytes.count { output[k] = src[k] }
            return
        }
        for j in 0..<elementSize {
            let base = j * n
            for i in 0..<n { output[i * elementSize + j] = src[base + i] }
        }
        for k in (n * elementSize)..<bytes.count { output[k] = src[k] }
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

/// Reusable byte buffers for stored and inflated chunks: a fresh buffer per chunk read costs more (zeroing it,
/// and the kernel's page faults on new memory) than the read's checksum and copy. A buffer is used by one
/// thread at a time; the pool keeps as many as were ever in use at once, up to `largestKept` bytes each.
final class ChunkBufferPool: @unchecked Sendable {
    static let shared = ChunkBufferPool()
    /// Larger buffers are freed after use instead of kept.
    static let largestKept = 4 << 20
    private let lock = NSLock()
    private var buffers: [UnsafeMutableRawBufferPointer] = []

    /// A buffer of at least `bytes` bytes (uninitialised), to hand back with `give`.
    func take(bytes: Int) -> UnsafeMutableRawBufferPointer {
        lock.lock()
        let pooled = buffers.popLast()
        lock.unlock()
        if let pooled {
            if pooled.count >= bytes { return pooled }
            pooled.deallocate()
        }
        return .allocate(byteCount: max(bytes, 1), alignment: 64)
    }

    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count <= Self.largestKept else {
            buffer.deallocate()
            return
        }
        lock.lock()
        buffers.append(buffer)
        lock.unlock()
    }
}
