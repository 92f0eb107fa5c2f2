import CHDF5

/// Reading and writing values: the whole dataset, or the rows `i ..< i+n` of axis 0 (a hyperslab) in one call.
/// Element types must match exactly (no silent conversion): reading an int64 dataset as `Float` is an error.
extension HDF5Dataset {
    /// Writes every element; `values.count` must equal the product of the shape.
    ///
    /// The corresponding C function is `H5Dwrite`.
    public func write<T: HDF5Numeric>(_ values: [T]) throws {
        try values.withUnsafeBufferPointer { buffer in
            try transfer(rows: nil, count: buffer.count, type: T.hdf5ElementType, "write dataset") { type, mem, file, xfer, id in
                H5Dwrite(id, type, mem, file, xfer, buffer.baseAddress)
            }
        }
    }

    /// Writes rows `rows` of axis 0 from `values` (row-major, `rows.count × rowSize` elements).
    ///
    /// The corresponding C functions are `H5Sselect_hyperslab` and `H5Dwrite`.
    public func write<T: HDF5Numeric>(_ values: UnsafeBufferPointer<T>, rows: Range<Int>) throws {
        try transfer(rows: rows, count: values.count, type: T.hdf5ElementType, "write rows") { type, mem, file, xfer, id in
            H5Dwrite(id, type, mem, file, xfer, values.baseAddress)
        }
    }

    /// Writes rows `rows` of axis 0 from `values`.
    public func write<T: HDF5Numeric>(_ values: [T], rows: Range<Int>) throws {
        try values.withUnsafeBufferPointer { try write($0, rows: rows) }
    }

    /// Reads every element.
    ///
    /// The corresponding C function is `H5Dread`.
    public func read<T: HDF5Numeric>(_ type: T.Type = T.self) throws -> [T] {
        let count = try shape.reduce(1, *)
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try transfer(rows: nil, count: count, type: T.hdf5ElementType, "read dataset") { type, mem, file, xfer, id in
                H5Dread(id, type, mem, file, xfer, buffer.baseAddress)
            }
            initialized = count
        }
    }

    /// Reads rows `rows` of axis 0 into `buffer`, which must hold exactly `rows.count × rowSize` elements.
    ///
    /// The corresponding C functions are `H5Sselect_hyperslab` and `H5Dread`.
    public func read<T: HDF5Numeric>(rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws {
        try transfer(rows: rows, count: buffer.count, type: T.hdf5ElementType, "read rows") { type, mem, file, xfer, id in
            H5Dread(id, type, mem, file, xfer, buffer.baseAddress)
        }
    }

    /// Reads rows `rows` of axis 0.
    public func read<T: HDF5Numeric>(rows: Range<Int>, as type: T.Type = T.self) throws -> [T] {
        let dims = try shape
        let count = rows.count * dims.dropFirst().reduce(1, *)
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(rows: rows, into: buffer)
            initialized = count
        }
    }

    /// Writes a one-dimensional string dataset whole.
    ///
    /// The corresponding C function is `H5Dwrite`.
    public func write(strings: [String]) throws {
        try transfer(rows: nil, count: strings.count, type: .string, "write strings") { type, mem, file, xfer, id in
            var result: herr_t = 0
            withCStringArray(strings) { result = H5Dwrite(id, type, mem, file, xfer, $0) }
            return result
        }
    }

    /// Writes rows `rows` of a one-dimensional string dataset.
    public func write(strings: [String], rows: Range<Int>) throws {
        try transfer(rows: rows, count: strings.count, type: .string, "write strings") { type, mem, file, xfer, id in
            var result: herr_t = 0
            withCStringArray(strings) { result = H5Dwrite(id, type, mem, file, xfer, $0) }
            return result
        }
    }

    /// Reads a string dataset (variable- or fixed-length) whole, or the rows `rows` of axis 0.
    ///
    /// The corresponding C functions are `H5Dread` and `H5Dvlen_reclaim`.
    public func readStrings(rows: Range<Int>? = nil) throws -> [String] {
        try HDF5Library.locked {
            let operation = "read strings"
            let id = try handle.id(for: operation)
            return try withTemporary({ H5Dget_type(id) }, close: H5Tclose, operation, path: filePath,
                                     object: objectName) { stored in
                try checkType(stored, expected: .string, operation)
                return try withSelection(id, rows: rows, operation) { mem, file, count in
                    try readStringValues(storedType: stored, memorySpace: mem, count: count, operation: operation,
                                         path: filePath, object: objectName) { type, buffer in
                        H5Dread(id, type, mem, file, hiclr_H5P_DEFAULT(), buffer)
                    }
                }
            }
        }
    }

    /// Checks the element type and count, selects `rows` (all when nil) and runs `body(memType, memSpace,
    /// fileSpace, transferList, datasetID)`, which makes the libhdf5 call.
    private func transfer(rows: Range<Int>?, count: Int, type: HDF5ElementType, _ operation: String,
                          _ body: (hid_t, hid_t, hid_t, hid_t, hid_t) -> herr_t) throws {
        try HDF5Library.locked {
            let id = try handle.id(for: operation)
            try withTemporary({ H5Dget_type(id) }, close: H5Tclose, operation, path: filePath,
                              object: objectName) { stored in
                try checkType(stored, expected: type, operation)
            }
            try withSelection(id, rows: rows, operation) { mem, file, selected in
                guard selected == count else {
                    throw HDF5Error(operation: operation, path: filePath, object: objectName,
                                    message: "buffer holds \(count) elements, the selection \(selected)")
                }
                guard selected > 0 else { return }
                let memoryType = type.memoryType()
                defer { if type.ownsType { _ = H5Tclose(memoryType) } }
                _ = try check(body(memoryType, mem, file, hiclr_H5P_DEFAULT(), id), operation,
                              path: filePath, object: objectName)
            }
        }
    }

    /// Builds the memory and file dataspaces for `rows` of axis 0 (all rows when nil) and passes them with
    /// the number of selected elements. Call with the lock held.
    private func withSelection<R>(_ id: hid_t, rows: Range<Int>?, _ operation: String,
                                  _ body: (hid_t, hid_t, Int) throws -> R) throws -> R {
        try withTemporary({ H5Dget_space(id) }, close: H5Sclose, operation, path: filePath,
                          object: objectName) { file in
            let dims = try dimensions(of: file, operation)
            guard let rows else {
                let count = dims.reduce(1, *)
                return try withTemporary({ H5Scopy(file) }, close: H5Sclose, operation, path: filePath,
                                         object: objectName) { mem in
                    try body(mem, hiclr_H5S_ALL(), count)
                }
            }
            guard let total = dims.first, rows.lowerBound >= 0, rows.upperBound <= total else {
                throw HDF5Error(operation: operation, path: filePath, object: objectName,
                                message: "rows \(rows.lowerBound)..<\(rows.upperBound) outside shape \(dims)")
            }
            var count = dims.map { hsize_t($0) }
            count[0] = hsize_t(rows.count)
            var start = [hsize_t](repeating: 0, count: dims.count)
            start[0] = hsize_t(rows.lowerBound)
            let elements = Int(count.reduce(1, *))
            if elements > 0 {
                _ = try check(H5Sselect_hyperslab(file, H5S_SELECT_SET, start, nil, count, nil), operation,
                              path: filePath, object: objectName)
            }
            return try withTemporary({ H5Screate_simple(Int32(count.count), count, nil) }, close: H5Sclose,
                                     operation, path: filePath, object: objectName) { mem in
                try body(mem, file, elements)
            }
        }
    }

    /// Throws unless the stored type is `expected`. Call with the lock held.
    private func checkType(_ stored: hid_t, expected: HDF5ElementType, _ operation: String) throws {
        let actual = HDF5ElementType.of(storedType: stored)
        guard actual == expected else {
            throw HDF5Error(operation: operation, path: filePath, object: objectName,
                            message: "dataset holds \(actual.map { "\($0)" } ?? "an unsupported type"), "
                                + "asked for \(expected)")
        }
    }
}
