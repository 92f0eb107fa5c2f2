import CHDF5

/// Direct chunk I/O: moving a chunk's stored (already filtered) bytes in and out of a dataset without running
/// libhdf5's filter pipeline. With `HDF5ChunkCodec` doing the shuffle + deflate work on the caller's threads,
/// only the byte copy happens under the process-wide libhdf5 lock, so compression scales with cores.
extension HDF5Dataset {
    /// Writes the stored bytes of the chunk that starts at `offset` (element coordinates, one per axis).
    /// `filterMask` 0 means every filter of the dataset was applied to `bytes`.
    ///
    /// The corresponding C function is `H5Dwrite_chunk`.
    public func writeRawChunk(at offset: [Int], bytes: UnsafeRawBufferPointer, filterMask: UInt32 = 0) throws {
        try HDF5Library.locked {
            let id = try handle.id(for: "write chunk")
            let start = offset.map { hsize_t($0) }
            _ = try check(H5Dwrite_chunk(id, hiclr_H5P_DEFAULT(), filterMask, start, bytes.count, bytes.baseAddress),
                          "write chunk at \(offset)", path: handle.filePath, object: handle.objectName)
        }
    }

    /// Reads the stored bytes of the chunk that starts at `offset`, returning them and the filter mask.
    ///
    /// The corresponding C functions are `H5Dget_chunk_storage_size` and `H5Dread_chunk`.
    public func readRawChunk(at offset: [Int], into storage: inout [UInt8]) throws -> UInt32 {
        try HDF5Library.locked {
            let id = try handle.id(for: "read chunk")
            let start = offset.map { hsize_t($0) }
            var size: hsize_t = 0
            _ = try check(H5Dget_chunk_storage_size(id, start, &size), "size of chunk at \(offset)",
                          path: handle.filePath, object: handle.objectName)
            if storage.count != Int(size) { storage = [UInt8](repeating: 0, count: Int(size)) }
            var mask: UInt32 = 0
            _ = try storage.withUnsafeMutableBytes { buffer in
                try check(H5Dread_chunk(id, hiclr_H5P_DEFAULT(), start, &mask, buffer.baseAddress),
                          "read chunk at \(offset)", path: handle.filePath, object: handle.objectName)
            }
            return mask
        }
    }
}

/// The byte encoding of HDF5's shuffle filter followed by its deflate filter, done in Swift + zlib so that it
/// can run on many threads at once. Chunks encoded here decode with the filters of any HDF5 reader (h5py,
/// h5dump) and chunks that HDF5 stored with those filters decode here.
public struct HDF5ChunkCodec: Sendable {
    /// Size of one element in bytes (the shuffle width).
    public var elementSize: Int
    /// zlib level 1–9.
    public var level: Int32

    public init(elementSize: Int, level: Int) {
        self.elementSize = elementSize
        self.level = Int32(level)
    }

    /// Shuffles then deflates `input`.
    ///
    /// The corresponding C functions are `compressBound` and `compress2`.
    public func encode(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var shuffled = [UInt8](repeating: 0, count: input.count)
        shuffle(input, into: &shuffled)
        var bound = compressBound(uLong(input.count))
        var out = [UInt8](repeating: 0, count: Int(bound))
        let status = out.withUnsafeMutableBufferPointer { dst in
            shuffled.withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &bound, src.baseAddress, uLong(src.count), level)
            }
        }
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        out.removeSubrange(Int(bound)...)
        return out
    }

    /// Inflates then unshuffles `stored` into `output`, which must have the chunk's decoded size.
    ///
    /// The corresponding C function is `uncompress`.
    public func decode(_ stored: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                       scratch: inout [UInt8]) throws {
        if scratch.count != output.count { scratch = [UInt8](repeating: 0, count: output.count) }
        var length = uLong(output.count)
        let status = scratch.withUnsafeMutableBufferPointer { dst in
            uncompress(dst.baseAddress, &length, stored.bindMemory(to: Bytef.self).baseAddress, uLong(stored.count))
        }
        guard status == Z_OK, Int(length) == output.count else {
            throw HDF5Error(operation: "decode chunk", path: "", message:
                "corrupt compressed chunk (zlib status \(status), \(length) of \(output.count) bytes)")
        }
        scratch.withUnsafeBytes { unshuffle($0, into: output) }
    }

    /// HDF5's shuffle: byte k of every element goes to plane k.
    func shuffle(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let n = input.count / elementSize
        out.withUnsafeMutableBufferPointer { dst in
            for k in 0..<elementSize {
                let plane = k * n
                for i in 0..<n { dst[plane + i] = input[i * elementSize + k] }
            }
            for i in (n * elementSize)..<input.count { dst[i] = input[i] }   // leftover bytes stay in place
        }
    }

    func unshuffle(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        let n = input.count / elementSize
        for k in 0..<elementSize {
            let plane = k * n
            for i in 0..<n { out[i * elementSize + k] = input[plane + i] }
        }
        for i in (n * elementSize)..<input.count { out[i] = input[i] }
    }
}
