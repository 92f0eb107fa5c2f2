import CHDF5

/// An HDF5 file, open for reading or writing; its root group is the `HDF5Container` "/".
///
/// Closed by `close()` or when the last reference goes away. Objects opened from the file (groups,
/// datasets) keep the file open at the libhdf5 level until they close too.
public final class HDF5File: HDF5Container {
    /// How `init(creating:mode:)` treats an existing file.
    public enum CreateMode: Sendable {
        /// Replace an existing file (`H5F_ACC_TRUNC`).
        case truncate
        /// Fail when the file exists (`H5F_ACC_EXCL`).
        case exclusive
    }

    /// How `init(opening:mode:)` opens an existing file.
    public enum OpenMode: Sendable {
        /// `H5F_ACC_RDONLY`.
        case readOnly
        /// `H5F_ACC_RDWR`.
        case readWrite
    }

    public let handle: HDF5Handle
    /// The path the file was created or opened with.
    public var path: String { handle.filePath }

    /// Creates a new file. Object modification times are not recorded, so the same content written twice
    /// gives byte-identical files.
    ///
    /// The corresponding C function is `H5Fcreate` (with `H5Pset_obj_track_times(fcpl, 0)`).
    public init(creating path: String, mode: CreateMode = .truncate) throws {
        let raw: hid_t = try HDF5Library.locked {
            try withTemporary({ H5Pcreate(hiclr_H5P_FILE_CREATE()) }, close: H5Pclose,
                              "create file", path: path) { fcpl in
                _ = try check(H5Pset_obj_track_times(fcpl, false), "create file", path: path)
                let flags = mode == .truncate ? hiclr_H5F_ACC_TRUNC() : hiclr_H5F_ACC_EXCL()
                return try check(H5Fcreate(path, flags, fcpl, hiclr_H5P_DEFAULT()), "create file", path: path)
            }
        }
        handle = HDF5Handle(raw: raw, kind: .file, filePath: path, objectName: "/")
    }

    /// Opens an existing file.
    ///
    /// The corresponding C function is `H5Fopen`.
    public init(opening path: String, mode: OpenMode = .readOnly) throws {
        let raw: hid_t = try HDF5Library.locked {
            let flags = mode == .readOnly ? hiclr_H5F_ACC_RDONLY() : hiclr_H5F_ACC_RDWR()
            return try check(H5Fopen(path, flags, hiclr_H5P_DEFAULT()), "open file", path: path)
        }
        handle = HDF5Handle(raw: raw, kind: .file, filePath: path, objectName: "/")
    }

    /// Writes buffered data to disk.
    ///
    /// The corresponding C function is `H5Fflush`.
    public func flush() throws {
        try HDF5Library.locked {
            _ = try check(H5Fflush(try handle.id(for: "flush file"), H5F_SCOPE_LOCAL), "flush file", path: path)
        }
    }

    /// Number of objects (datasets, groups, attributes, the file itself) still open in this file.
    ///
    /// The corresponding C function is `H5Fget_obj_count`.
    public func openObjectCount() throws -> Int {
        try HDF5Library.locked {
            let id = try handle.id(for: "count open objects")
            return Int(try check(H5Fget_obj_count(id, hiclr_H5F_OBJ_ALL()), "count open objects", path: path))
        }
    }

    /// Closes the file. Datasets and groups still open keep it open at the libhdf5 level until they close;
    /// close them first when the file must be complete on disk now.
    ///
    /// The corresponding C function is `H5Fclose`.
    public func close() throws {
        try handle.close()
    }
}

/// A group inside an HDF5 file.
public final class HDF5Group: HDF5Container {
    public let handle: HDF5Handle

    init(handle: HDF5Handle) {
        self.handle = handle
    }

    /// Closes the group.
    ///
    /// The corresponding C function is `H5Gclose`.
    public func close() throws {
        try handle.close()
    }
}
