import CHDF5

/// A dataset: an n-dimensional array of one element type, read and written whole or by rows of axis 0.
public final class HDF5Dataset: HDF5Object {
    public let handle: HDF5Handle
    /// The row-chunk fast path's layout once computed; read and written with the library lock held.
    var rowChunkCache: RowChunkCacheBox?

    init(handle: HDF5Handle) {
        self.handle = handle
    }

    /// Closes the dataset.
    ///
    /// The corresponding C function is `H5Dclose`.
    public func close() throws {
        try handle.close()
    }

    /// Current dimensions.
    ///
    /// The corresponding C functions are `H5Dget_space` and `H5Sget_simple_extent_dims`.
    public var shape: [Int] {
        get throws {
            try HDF5Library.locked {
                let id = try handle.id(for: "query shape")
                return try withTemporary({ H5Dget_space(id) }, close: H5Sclose, "query shape",
                                         path: filePath, object: objectName) { space in
                    try dimensions(of: space, "query shape")
                }
            }
        }
    }

    /// The stored element type.
    ///
    /// The corresponding C functions are `H5Dget_type`, `H5Tget_class`, `H5Tget_size`.
    public var elementType: HDF5ElementType {
        get throws {
            try HDF5Library.locked {
                let id = try handle.id(for: "query type")
                return try withTemporary({ H5Dget_type(id) }, close: H5Tclose, "query type",
                                         path: filePath, object: objectName) { type in
                    guard let element = HDF5ElementType.of(storedType: type) else {
                        throw HDF5Error(operation: "query type", path: filePath, object: objectName,
                                        message: "element type not supported by this wrapper")
                    }
                    return element
                }
            }
        }
    }

    /// The chunk shape, or nil for a contiguous dataset.
    ///
    /// The corresponding C functions are `H5Dget_create_plist`, `H5Pget_layout` and `H5Pget_chunk`.
    public var chunkShape: [Int]? {
        get throws {
            try withCreationList("query chunk shape") { dcpl in
                guard H5Pget_layout(dcpl) == H5D_CHUNKED else { return nil }
                var dims = [hsize_t](repeating: 0, count: 32)
                let rank = try check(H5Pget_chunk(dcpl, 32, &dims), "query chunk shape", path: filePath,
                                     object: objectName)
                return dims.prefix(Int(rank)).map { Int($0) }
            }
        }
    }

    /// The filter pipeline in application order (e.g. shuffle, then deflate).
    ///
    /// The corresponding C functions are `H5Pget_nfilters` and `H5Pget_filter2`.
    public var filters: [HDF5Filter] {
        get throws {
            try withCreationList("query filters") { dcpl in
                let count = try check(H5Pget_nfilters(dcpl), "query filters", path: filePath, object: objectName)
                return try (0..<UInt32(count)).map { index in
                    var flags: UInt32 = 0
                    var valueCount = 8
                    var values = [UInt32](repeating: 0, count: 8)
                    var name = [CChar](repeating: 0, count: 256)
                    var config: UInt32 = 0
                    let id = try check(H5Pget_filter2(dcpl, index, &flags, &valueCount, &values, 256, &name,
                                                      &config),
                                       "query filters", path: filePath, object: objectName)
                    let nameBytes = name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                    return HDF5Filter(id: Int(id), name: String(decoding: nameBytes, as: UTF8.self),
                                      parameters: Array(values.prefix(min(valueCount, 8))))
                }
            }
        }
    }

    /// Grows (or shrinks) axis 0 to `rows`; only for datasets created with `extendable: true`.
    ///
    /// The corresponding C function is `H5Dset_extent`.
    public func extend(rows: Int) throws {
        var dims = try shape
        guard !dims.isEmpty, rows >= 0 else {
            throw HDF5Error(operation: "extend dataset", path: filePath, object: objectName,
                            message: "cannot set \(rows) rows on shape \(dims)")
        }
        dims[0] = rows
        try HDF5Library.locked {
            let id = try handle.id(for: "extend dataset")
            let sizes = dims.map { hsize_t($0) }
            _ = try check(H5Dset_extent(id, sizes), "extend dataset", path: filePath, object: objectName)
        }
    }

    private func withCreationList<R>(_ operation: String, _ body: (hid_t) throws -> R) throws -> R {
        try HDF5Library.locked {
            let id = try handle.id(for: operation)
            return try withTemporary({ H5Dget_create_plist(id) }, close: H5Pclose, operation,
                                     path: filePath, object: objectName, body)
        }
    }

    /// Dimensions of a simple dataspace (empty for a scalar). Call with the lock held.
    func dimensions(of space: hid_t, _ operation: String) throws -> [Int] {
        let rank = Int(try check(H5Sget_simple_extent_ndims(space), operation, path: filePath, object: objectName))
        var dims = [hsize_t](repeating: 0, count: rank)
        _ = try check(H5Sget_simple_extent_dims(space, &dims, nil), operation, path: filePath, object: objectName)
        return dims.map { Int($0) }
    }
}

extension HDF5Container {
    /// Creates a dataset of `shape` holding `type` elements, stored as `options` say. Object modification
    /// times are off, so identical content gives identical bytes. String datasets are variable-length UTF-8.
    ///
    /// The corresponding C function is `H5Dcreate2`.
    @discardableResult
    public func createDataset(_ name: String, type: HDF5ElementType, shape: [Int],
                              options: HDF5DatasetOptions = HDF5DatasetOptions(),
                              chunkCache: HDF5ChunkCache? = nil) throws -> HDF5Dataset {
        let full = childName(objectName, name)
        let operation = "create dataset"
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw HDF5Error(operation: operation, path: filePath, object: full, message: "negative size in \(shape)")
        }
        let raw: hid_t = try HDF5Library.locked {
            let parent = try handle.id(for: operation)
            let dcpl = try options.makeCreationList(shape: shape, path: filePath, object: full)
            defer { _ = H5Pclose(dcpl) }
            let dims = shape.map { hsize_t($0) }
            var maxDims = dims
            if options.extendable, !maxDims.isEmpty { maxDims[0] = hiclr_H5S_UNLIMITED() }
            let space = try check(H5Screate_simple(Int32(dims.count), dims, maxDims), operation,
                                  path: filePath, object: full)
            defer { _ = H5Sclose(space) }
            let fileType = type.fileType()
            defer { if type.ownsType { _ = H5Tclose(fileType) } }
            let dapl = try makeAccessList(chunkCache, operation, object: full)
            defer { _ = H5Pclose(dapl) }
            return try check(H5Dcreate2(parent, name, fileType, space, hiclr_H5P_DEFAULT(), dcpl, dapl),
                             operation, path: filePath, object: full)
        }
        return HDF5Dataset(handle: HDF5Handle(raw: raw, kind: .dataset, filePath: filePath, objectName: full))
    }

    /// Opens an existing dataset, optionally with its own chunk cache.
    ///
    /// The corresponding C function is `H5Dopen2`.
    public func openDataset(_ name: String, chunkCache: HDF5ChunkCache? = nil) throws -> HDF5Dataset {
        let full = childName(objectName, name)
        let raw: hid_t = try HDF5Library.locked {
            let parent = try handle.id(for: "open dataset")
            let dapl = try makeAccessList(chunkCache, "open dataset", object: full)
            defer { _ = H5Pclose(dapl) }
            return try check(H5Dopen2(parent, name, dapl), "open dataset", path: filePath, object: full)
        }
        return HDF5Dataset(handle: HDF5Handle(raw: raw, kind: .dataset, filePath: filePath, objectName: full))
    }

    /// A dataset access property list with `cache` set (`H5Pset_chunk_cache`). Call with the lock held.
    private func makeAccessList(_ cache: HDF5ChunkCache?, _ operation: String, object: String) throws -> hid_t {
        let dapl = try check(H5Pcreate(hiclr_H5P_DATASET_ACCESS()), operation, path: filePath, object: object)
        if let cache {
            guard H5Pset_chunk_cache(dapl, cache.slots, cache.bytes, cache.preemption) >= 0 else {
                _ = H5Pclose(dapl)
                throw HDF5Error.fromStack(operation: operation, path: filePath, object: object)
            }
        }
        return dapl
    }
}
