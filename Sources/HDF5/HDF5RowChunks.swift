import CHDF5
import Foundation

/// Fast paths for datasets stored one row of axis 0 per chunk (chunk shape `(1, rest of shape)`) with a
/// shuffle/deflate pipeline: compression and decompression run in Swift outside the libhdf5 lock (in
/// parallel when asked), and only raw chunk bytes pass through libhdf5. Other datasets fall back to the
/// ordinary hyperslab `write(_:rows:)` / `read(rows:into:)`, with the same results.
extension HDF5Dataset {
    /// What the fast path needs to know about a dataset; nil when it does not apply.
    struct RowChunkLayout {
        var codec: HDF5ChunkCodec
        var elementType: HDF5ElementType
        var rowShape: [Int]
        /// Rows of axis 0 when the file is open read-only (they cannot change then), else nil: ask each time.
        var fixedRows: Int?
        var rowElements: Int { rowShape.reduce(1, *) }
    }

    /// The row-chunk layout, computed once per open dataset. Call with the lock held.
    private func rowChunkLayout() throws -> RowChunkLayout? {
        if let cached = rowChunkCache { return cached.layout }
        var layout: RowChunkLayout?
        if let chunk = try chunkShape, let element = try? elementType, element != .string {
            let dims = try shape
            let size: Int
            switch element {
            case .uint8, .int8: size = 1
            case .int32, .float32: size = 4
            case .int64, .float64: size = 8
            case .string: size = 0
            }
            if !dims.isEmpty, chunk == [1] + dims.dropFirst(),
               let codec = HDF5ChunkCodec(filters: try filters, elementSize: size) {
                layout = RowChunkLayout(codec: codec, elementType: element, rowShape: Array(dims.dropFirst()),
                                        fixedRows: isReadOnly() ? dims[0] : nil)
            }
        }
        rowChunkCache = RowChunkCacheBox(layout: layout)
        return layout
    }

    /// Whether the dataset's file is open read-only (in this process: libhdf5 opens a file once); false when
    /// that cannot be told. Call with the lock held.
    ///
    /// The corresponding C functions are `H5Iget_file_id` and `H5Fget_intent`.
    private func isReadOnly() -> Bool {
        guard let id = try? handle.id(for: "query file intent") else { return false }
        let file = H5Iget_file_id(id)
        guard file >= 0 else {
            _ = H5Eclear2(hiclr_H5E_DEFAULT())
            return false
        }
        defer { _ = H5Fclose(file) }
        var intent: UInt32 = 0
        guard H5Fget_intent(file, &intent) >= 0 else {
            _ = H5Eclear2(hiclr_H5E_DEFAULT())
            return false
        }
        return intent & hiclr_H5F_ACC_RDWR() == 0
    }

    /// Writes rows `rows` of axis 0 from `values`, compressing row chunks on up to `parallelism` threads
    /// outside the libhdf5 lock, then storing them in row order. Falls back to `write(_:rows:)` for datasets
    /// without one-row chunks.
    ///
    /// The corresponding C function is `H5Dwrite_chunk`.
    public func writeRows<T: HDF5Numeric>(_ values: UnsafeBufferPointer<T>, rows: Range<Int>,
                                          parallelism: Int = 1) throws {
        let layout: RowChunkLayout? = try HDF5Library.locked {
            guard let layout = try rowChunkLayout(), layout.elementType == T.hdf5ElementType else { return nil }
            let total = try shape[0]
            guard rows.lowerBound >= 0, rows.upperBound <= total,
                  values.count == rows.count * layout.rowElements else { return nil }
            return layout
        }
        guard let layout else {
            return try write(values, rows: rows)  // checks and reports type, bounds and count
        }
        let rowBytes = layout.rowElements * MemoryLayout<T>.stride
        let raw = UnsafeRawBufferPointer(values)
        var encoded = [[UInt8]](repeating: [], count: rows.count)
        var failure: Error?
        let failureLock = NSLock()
        encoded.withUnsafeMutableBufferPointer { slots in
            let slotsBase = slots.baseAddress!
            let workers = max(1, min(parallelism, rows.count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for i in stride(from: worker, to: rows.count, by: workers) {
                    do {
                        let chunk = UnsafeRawBufferPointer(rebasing: raw[(i * rowBytes)..<((i + 1) * rowBytes)])
                        slotsBase[i] = try layout.codec.encode(chunk)
                    } catch {
                        failureLock.lock()
                        failure = failure ?? error
                        failureLock.unlock()
                    }
                }
            }
        }
        if let failure { throw failure }
        try writeEncodedRows(encoded, startingAt: rows.lowerBound)
    }

    /// The codec that this dataset's one-row chunks are stored with, or nil when the dataset is not stored
    /// one row per chunk through shuffle/deflate. Chunks made with it can go to `writeEncodedRows`.
    public var rowChunkCodec: HDF5ChunkCodec? {
        get throws { try HDF5Library.locked { try rowChunkLayout()?.codec } }
    }

    /// Stores already encoded row chunks (made with `rowChunkCodec`) as rows `row ..< row + chunks.count`:
    /// only the byte copy runs under the libhdf5 lock.
    ///
    /// The corresponding C function is `H5Dwrite_chunk`.
    public func writeEncodedRows(_ chunks: [[UInt8]], startingAt row: Int) throws {
        let operation = "write row chunks"
        try HDF5Library.locked {
            guard let layout = try rowChunkLayout() else {
                throw HDF5Error(operation: operation, path: filePath, object: objectName,
                                message: "the dataset is not stored one row per shuffle/deflate chunk")
            }
            let total = try shape[0]
            guard row >= 0, row + chunks.count <= total else {
                throw HDF5Error(operation: operation, path: filePath, object: objectName,
                                message: "rows \(row)..<\(row + chunks.count) outside 0..<\(total)")
            }
            let id = try handle.id(for: operation)
            var offset = [hsize_t](repeating: 0, count: layout.rowShape.count + 1)
            for (i, bytes) in chunks.enumerated() {
                offset[0] = hsize_t(row + i)
                _ = try check(H5Dwrite_chunk(id, hiclr_H5P_DEFAULT(), layout.codec.fullMask, offset, bytes.count,
                                             bytes),
                              operation, path: filePath, object: objectName)
            }
        }
    }

    /// Writes rows `rows` of axis 0 from an array (see `writeRows(_:rows:parallelism:)`).
    public func writeRows<T: HDF5Numeric>(_ values: [T], rows: Range<Int>, parallelism: Int = 1) throws {
        try values.withUnsafeBufferPointer { try writeRows($0, rows: rows, parallelism: parallelism) }
    }

    /// Reads row `row` of axis 0 (one chunk) into `buffer`, decompressing outside the libhdf5 lock, so many
    /// threads can read at once. Falls back to `read(rows:into:)` for datasets without one-row chunks.
    ///
    /// The stored chunk lands in a reused buffer (`ChunkBufferPool`), not a fresh one: a fresh 30 KB array
    /// per sample cost more (zeroing it, and the kernel's page faults) than checking and copying it.
    ///
    /// The corresponding C functions are `H5Dget_chunk_storage_size` and `H5Dread_chunk`.
    public func readRow<T: HDF5Numeric>(_ row: Int, into buffer: UnsafeMutableBufferPointer<T>) throws {
        let operation = "read row chunk"
        let fetched: (RowChunkLayout, UnsafeMutableRawBufferPointer, Int, UInt32)? = try HDF5Library.locked {
            guard let layout = try rowChunkLayout(), layout.elementType == T.hdf5ElementType,
                  buffer.count == layout.rowElements else { return nil }
            let id = try handle.id(for: operation)
            let total = try layout.fixedRows ?? shape[0]
            guard row >= 0, row < total else {
                throw HDF5Error(operation: operation, path: filePath, object: objectName,
                                message: "row \(row) outside 0..<\(total)")
            }
            return try withUnsafeTemporaryAllocation(of: hsize_t.self, capacity: layout.rowShape.count + 1) { offset in
                offset.initialize(repeating: 0)
                offset[0] = hsize_t(row)
                var size: hsize_t = 0
                guard H5Dget_chunk_storage_size(id, offset.baseAddress, &size) >= 0, size > 0 else {
                    _ = H5Eclear2(hiclr_H5E_DEFAULT())
                    return nil  // chunk never written: the hyperslab read gives the fill value
                }
                let bytes = ChunkBufferPool.shared.take(bytes: Int(size))
                var mask: UInt32 = 0
                guard H5Dread_chunk(id, hiclr_H5P_DEFAULT(), offset.baseAddress, &mask, bytes.baseAddress) >= 0 else {
                    ChunkBufferPool.shared.give(bytes)
                    throw HDF5Error.fromStack(operation: operation, path: filePath, object: objectName)
                }
                return (layout, bytes, Int(size), mask)
            }
        }
        guard let (layout, bytes, size, mask) = fetched else {
            return try read(rows: row..<(row + 1), into: buffer)
        }
        defer { ChunkBufferPool.shared.give(bytes) }
        do {
            try layout.codec.decode(UnsafeRawBufferPointer(rebasing: bytes[..<size]), filterMask: mask,
                                    into: UnsafeMutableRawBufferPointer(buffer))
        } catch let error as HDF5Error {
            throw HDF5Error(operation: operation, path: filePath, object: "\(objectName) row \(row)",
                            message: error.message)
        }
    }
}

/// Holds the computed row-chunk layout of a dataset (nil inside when the fast path does not apply).
final class RowChunkCacheBox {
    let layout: HDF5Dataset.RowChunkLayout?
    init(layout: HDF5Dataset.RowChunkLayout?) { self.layout = layout }
}
