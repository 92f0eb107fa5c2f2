import CHDF5

/// The element types this wrapper stores. Numbers are written little-endian in the file; strings are
/// variable-length UTF-8 (h5py reads them as `str`); fixed-length strings are accepted when reading.
public enum HDF5ElementType: String, Sendable, CaseIterable, CustomStringConvertible {
    case uint8, int8, int32, int64, float32, float64, string

    public var description: String { rawValue }

    /// The type stored in the file. Call with the lock held; the caller closes string types.
    func fileType() -> hid_t {
        switch self {
        case .uint8: return hiclr_H5T_STD_U8LE()
        case .int8: return hiclr_H5T_STD_I8LE()
        case .int32: return hiclr_H5T_STD_I32LE()
        case .int64: return hiclr_H5T_STD_I64LE()
        case .float32: return hiclr_H5T_IEEE_F32LE()
        case .float64: return hiclr_H5T_IEEE_F64LE()
        case .string: return makeVariableStringType()
        }
    }

    /// The type of values in memory. Call with the lock held; the caller closes string types.
    func memoryType() -> hid_t {
        switch self {
        case .uint8: return hiclr_H5T_NATIVE_UINT8()
        case .int8: return hiclr_H5T_NATIVE_INT8()
        case .int32: return hiclr_H5T_NATIVE_INT32()
        case .int64: return hiclr_H5T_NATIVE_INT64()
        case .float32: return hiclr_H5T_NATIVE_FLOAT()
        case .float64: return hiclr_H5T_NATIVE_DOUBLE()
        case .string: return makeVariableStringType()
        }
    }

    /// Whether `memoryType()`/`fileType()` made a new type that must be closed with `H5Tclose`.
    var ownsType: Bool { self == .string }

    /// The element type of a stored datatype, or nil when this wrapper does not handle it.
    /// Uses `H5Tget_class`, `H5Tget_size` and `H5Tget_sign`. Call with the lock held.
    static func of(storedType type: hid_t) -> HDF5ElementType? {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            switch (size, signed) {
            case (1, false): return .uint8
            case (1, true): return .int8
            case (4, true): return .int32
            case (8, true): return .int64
            default: return nil
            }
        case H5T_FLOAT:
            switch size {
            case 4: return .float32
            case 8: return .float64
            default: return nil
            }
        case H5T_STRING:
            return .string
        default:
            return nil
        }
    }
}

/// A variable-length UTF-8 string type (`H5Tcopy(H5T_C_S1)`, `H5Tset_size(H5T_VARIABLE)`,
/// `H5Tset_cset(H5T_CSET_UTF8)`). Call with the lock held; close with `H5Tclose`.
func makeVariableStringType() -> hid_t {
    let type = H5Tcopy(hiclr_H5T_C_S1())
    _ = H5Tset_size(type, hiclr_H5T_VARIABLE())
    _ = H5Tset_cset(type, H5T_CSET_UTF8)
    return type
}

/// A Swift number type that maps one to one onto an `HDF5ElementType`.
public protocol HDF5Numeric {
    static var hdf5ElementType: HDF5ElementType { get }
}

extension UInt8: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .uint8 } }
extension Int8: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .int8 } }
extension Int32: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .int32 } }
extension Int64: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .int64 } }
extension Float: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .float32 } }
extension Double: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .float64 } }
