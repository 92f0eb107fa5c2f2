import CHDF5

/// The value of an attribute. Scalars are stored with a scalar dataspace, arrays one-dimensional; strings are
/// variable-length UTF-8 (h5py reads them as `str`).
public enum HDF5AttributeValue: Sendable, Equatable {
    case string(String)
    case strings([String])
    case int64(Int64)
    case int64s([Int64])
    case double(Double)
    case doubles([Double])
    case floats([Float])
}

extension HDF5Object {
    /// Sets attribute `name`, replacing an existing one.
    ///
    /// The corresponding C functions are `H5Adelete` (when it exists), `H5Acreate2` and `H5Awrite`.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws {
        let operation = "write attribute"
        let object = attributeLabel(name)
        try HDF5Library.locked {
            let id = try handle.id(for: operation)
            if try check(H5Aexists(id, name), operation, path: filePath, object: object) > 0 {
                _ = try check(H5Adelete(id, name), operation, path: filePath, object: object)
            }
            let (element, dims): (HDF5ElementType, [Int]?) = {
                switch value {
                case .string: return (.string, nil)
                case .strings(let v): return (.string, [v.count])
                case .int64: return (.int64, nil)
                case .int64s(let v): return (.int64, [v.count])
                case .double: return (.float64, nil)
                case .doubles(let v): return (.float64, [v.count])
                case .floats(let v): return (.float32, [v.count])
                }
            }()
            let space: hid_t
            if let dims {
                let sizes = dims.map { hsize_t($0) }
                space = try check(H5Screate_simple(1, sizes, nil), operation, path: filePath, object: object)
            } else {
                space = try check(H5Screate(H5S_SCALAR), operation, path: filePath, object: object)
            }
            defer { _ = H5Sclose(space) }
            let fileType = element.fileType()
            let memoryType = element.memoryType()
            defer {
                if element.ownsType { _ = H5Tclose(fileType); _ = H5Tclose(memoryType) }
            }
            let attribute = try check(H5Acreate2(id, name, fileType, space, hiclr_H5P_DEFAULT(),
                                                 hiclr_H5P_DEFAULT()),
                                      operation, path: filePath, object: object)
            defer { _ = H5Aclose(attribute) }
            var result: herr_t = 0
            switch value {
            case .string(let s): withCStringArray([s]) { result = H5Awrite(attribute, memoryType, $0) }
            case .strings(let v): withCStringArray(v) { result = H5Awrite(attribute, memoryType, $0) }
            case .int64(let x): result = withUnsafePointer(to: x) { H5Awrite(attribute, memoryType, $0) }
            case .int64s(let v): if !v.isEmpty { result = v.withUnsafeBufferPointer { H5Awrite(attribute, memoryType, $0.baseAddress) } }
            case .double(let x): result = withUnsafePointer(to: x) { H5Awrite(attribute, memoryType, $0) }
            case .doubles(let v): if !v.isEmpty { result = v.withUnsafeBufferPointer { H5Awrite(attribute, memoryType, $0.baseAddress) } }
            case .floats(let v): if !v.isEmpty { result = v.withUnsafeBufferPointer { H5Awrite(attribute, memoryType, $0.baseAddress) } }
            }
            _ = try check(result, operation, path: filePath, object: object)
        }
    }

    /// Whether attribute `name` exists.
    ///
    /// The corresponding C function is `H5Aexists`.
    public func hasAttribute(_ name: String) throws -> Bool {
        try HDF5Library.locked {
            let id = try handle.id(for: "look up attribute")
            return try check(H5Aexists(id, name), "look up attribute", path: filePath,
                             object: attributeLabel(name)) > 0
        }
    }

    /// Names of all attributes, sorted by name.
    ///
    /// The corresponding C function is `H5Aiterate2`.
    public func attributeNames() throws -> [String] {
        let names = NameList()
        try HDF5Library.locked {
            let id = try handle.id(for: "list attributes")
            try withExtendedLifetime(names) {
                let context = Unmanaged.passUnretained(names).toOpaque()
                _ = try check(H5Aiterate2(id, H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, data in
                    guard let name, let data else { return 0 }
                    Unmanaged<NameList>.fromOpaque(data).takeUnretainedValue().list.append(String(cString: name))
                    return 0
                }, context), "list attributes", path: filePath, object: objectName)
            }
        }
        return names.list
    }

    /// Reads attribute `name`. Integers of any width read as `.int64`/`.int64s`; float32 arrays as `.floats`,
    /// other floats as `.double`/`.doubles`; strings (variable- or fixed-length) as `.string`/`.strings`.
    ///
    /// The corresponding C functions are `H5Aopen`, `H5Aget_type`, `H5Aget_space` and `H5Aread`.
    public func attribute(_ name: String) throws -> HDF5AttributeValue {
        let operation = "read attribute"
        let object = attributeLabel(name)
        return try HDF5Library.locked {
            let id = try handle.id(for: operation)
            let attribute = try check(H5Aopen(id, name, hiclr_H5P_DEFAULT()), operation, path: filePath,
                                      object: object)
            defer { _ = H5Aclose(attribute) }
            let stored = try check(H5Aget_type(attribute), operation, path: filePath, object: object)
            defer { _ = H5Tclose(stored) }
            let space = try check(H5Aget_space(attribute), operation, path: filePath, object: object)
            defer { _ = H5Sclose(space) }
            let rank = try check(H5Sget_simple_extent_ndims(space), operation, path: filePath, object: object)
            let count = Int(try check(H5Sget_simple_extent_npoints(space), operation, path: filePath,
                                      object: object))
            let isArray = rank > 0
            func fail(_ message: String) -> HDF5Error {
                HDF5Error(operation: operation, path: filePath, object: object, message: message)
            }
            guard rank <= 1 else { throw fail("attributes of rank \(rank) are not supported") }
            func readNumbers<T: HDF5Numeric & ExpressibleByIntegerLiteral>(_: T.Type) throws -> [T] {
                var values = [T](repeating: 0, count: count)
                if count > 0 {
                    _ = try check(values.withUnsafeMutableBufferPointer {
                        H5Aread(attribute, T.hdf5ElementType.memoryType(), $0.baseAddress)
                    }, operation, path: filePath, object: object)
                }
                return values
            }
            switch H5Tget_class(stored) {
            case H5T_INTEGER:
                let values = try readNumbers(Int64.self)
                if isArray { return .int64s(values) }
                guard let first = values.first else { throw fail("empty scalar attribute") }
                return .int64(first)
            case H5T_FLOAT:
                if isArray && H5Tget_size(stored) == 4 { return .floats(try readNumbers(Float.self)) }
                let values = try readNumbers(Double.self)
                if isArray { return .doubles(values) }
                guard let first = values.first else { throw fail("empty scalar attribute") }
                return .double(first)
            case H5T_STRING:
                let values = try readStringValues(storedType: stored, memorySpace: space, count: count,
                                                  operation: operation, path: filePath, object: object) {
                    H5Aread(attribute, $0, $1)
                }
                if isArray { return .strings(values) }
                guard let first = values.first else { throw fail("empty scalar attribute") }
                return .string(first)
            default:
                throw fail("attribute type not supported by this wrapper")
            }
        }
    }

    /// Attribute `name` as a string; an error when it holds something else.
    public func stringAttribute(_ name: String) throws -> String {
        guard case .string(let v) = try attribute(name) else { throw mismatch(name, "a string") }
        return v
    }

    /// Attribute `name` as a string array.
    public func stringArrayAttribute(_ name: String) throws -> [String] {
        guard case .strings(let v) = try attribute(name) else { throw mismatch(name, "a string array") }
        return v
    }

    /// Attribute `name` as one integer.
    public func int64Attribute(_ name: String) throws -> Int64 {
        guard case .int64(let v) = try attribute(name) else { throw mismatch(name, "an integer") }
        return v
    }

    /// Attribute `name` as an integer array.
    public func int64ArrayAttribute(_ name: String) throws -> [Int64] {
        guard case .int64s(let v) = try attribute(name) else { throw mismatch(name, "an integer array") }
        return v
    }

    /// Attribute `name` as one float64.
    public func doubleAttribute(_ name: String) throws -> Double {
        guard case .double(let v) = try attribute(name) else { throw mismatch(name, "a number") }
        return v
    }

    /// Attribute `name` as a float64 array.
    public func doubleArrayAttribute(_ name: String) throws -> [Double] {
        guard case .doubles(let v) = try attribute(name) else { throw mismatch(name, "a float64 array") }
        return v
    }

    /// Attribute `name` as a float32 array.
    public func floatArrayAttribute(_ name: String) throws -> [Float] {
        guard case .floats(let v) = try attribute(name) else { throw mismatch(name, "a float32 array") }
        return v
    }

    private func attributeLabel(_ name: String) -> String {
        "\(objectName) attribute '\(name)'"
    }

    private func mismatch(_ name: String, _ expected: String) -> HDF5Error {
        HDF5Error(operation: "read attribute", path: filePath, object: attributeLabel(name),
                  message: "expected \(expected)")
    }
}
