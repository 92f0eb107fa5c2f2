import CHDF5

/// What a child of a group is.
public enum HDF5ObjectKind: Sendable, Equatable {
    case group, dataset, other
}

/// A file's root group or a group: holds named groups and datasets.
public protocol HDF5Container: HDF5Object {}

extension HDF5Container {
    /// Creates a child group. Its modification times are not recorded (`H5Pset_obj_track_times(gcpl, false)`).
    ///
    /// The corresponding C function is `H5Gcreate2`.
    @discardableResult
    public func createGroup(_ name: String) throws -> HDF5Group {
        let full = childName(objectName, name)
        let raw: hid_t = try HDF5Library.locked {
            let parent = try handle.id(for: "create group")
            return try withTemporary({ H5Pcreate(hiclr_H5P_GROUP_CREATE()) }, close: H5Pclose,
                                     "create group", path: filePath, object: full) { gcpl in
                _ = try check(H5Pset_obj_track_times(gcpl, false), "create group", path: filePath, object: full)
                return try check(H5Gcreate2(parent, name, hiclr_H5P_DEFAULT(), gcpl, hiclr_H5P_DEFAULT()),
                                 "create group", path: filePath, object: full)
            }
        }
        return HDF5Group(handle: HDF5Handle(raw: raw, kind: .group, filePath: filePath, objectName: full))
    }

    /// Opens an existing child group.
    ///
    /// The corresponding C function is `H5Gopen2`.
    public func openGroup(_ name: String) throws -> HDF5Group {
        let full = childName(objectName, name)
        let raw: hid_t = try HDF5Library.locked {
            let parent = try handle.id(for: "open group")
            return try check(H5Gopen2(parent, name, hiclr_H5P_DEFAULT()), "open group", path: filePath, object: full)
        }
        return HDF5Group(handle: HDF5Handle(raw: raw, kind: .group, filePath: filePath, objectName: full))
    }

    /// Whether a link called `name` exists in this group.
    ///
    /// The corresponding C function is `H5Lexists`.
    public func contains(_ name: String) throws -> Bool {
        try HDF5Library.locked {
            let id = try handle.id(for: "look up link")
            return try check(H5Lexists(id, name, hiclr_H5P_DEFAULT()), "look up link", path: filePath,
                             object: childName(objectName, name)) > 0
        }
    }

    /// Names of the children of this group, sorted by name.
    ///
    /// The corresponding C function is `H5Literate` (by name, increasing).
    public func children() throws -> [String] {
        let names = NameList()
        try HDF5Library.locked {
            let id = try handle.id(for: "list group")
            try withExtendedLifetime(names) {
                let context = Unmanaged.passUnretained(names).toOpaque()
                _ = try check(H5Literate(id, H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, data in
                    guard let name, let data else { return 0 }
                    Unmanaged<NameList>.fromOpaque(data).takeUnretainedValue().list.append(String(cString: name))
                    return 0
                }, context), "list group", path: filePath, object: objectName)
            }
        }
        return names.list
    }

    /// What the child `name` is.
    ///
    /// The corresponding C functions are `H5Oopen` and `H5Iget_type`.
    public func kind(of name: String) throws -> HDF5ObjectKind {
        let full = childName(objectName, name)
        return try HDF5Library.locked {
            let parent = try handle.id(for: "open object")
            let object = try check(H5Oopen(parent, name, hiclr_H5P_DEFAULT()), "open object",
                                   path: filePath, object: full)
            defer { _ = H5Oclose(object) }
            switch H5Iget_type(object) {
            case H5I_GROUP: return .group
            case H5I_DATASET: return .dataset
            default: return .other
            }
        }
    }
}
