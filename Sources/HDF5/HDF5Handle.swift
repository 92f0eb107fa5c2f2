import CHDF5

/// An open libhdf5 identifier (file, group or dataset), closed exactly once: by `close()` or on deinit.
///
/// Opaque outside this module; `HDF5File`, `HDF5Group` and `HDF5Dataset` each own one.
public final class HDF5Handle {
    enum Kind { case file, group, dataset }

    let raw: hid_t
    let kind: Kind
    /// Path of the file this object lives in (for error messages).
    public let filePath: String
    /// Name of the object inside the file ("/" for a file), for error messages.
    public let objectName: String
    private(set) var isOpen = true

    init(raw: hid_t, kind: Kind, filePath: String, objectName: String) {
        self.raw = raw
        self.kind = kind
        self.filePath = filePath
        self.objectName = objectName
    }

    /// Closes the identifier. The corresponding C functions are `H5Fclose`, `H5Gclose` and `H5Dclose`.
    func close() throws {
        try HDF5Library.locked {
            guard isOpen else { return }
            isOpen = false
            let result: herr_t
            switch kind {
            case .file: result = H5Fclose(raw)
            case .group: result = H5Gclose(raw)
            case .dataset: result = H5Dclose(raw)
            }
            _ = try check(result, "close", path: filePath, object: objectName)
        }
    }

    /// The identifier, or an error when it was closed already. Call with the lock held.
    func id(for operation: @autoclosure () -> String) throws -> hid_t {
        guard isOpen else {
            throw HDF5Error(operation: operation(), path: filePath, object: objectName,
                            message: "the object was closed already")
        }
        return raw
    }

    deinit {
        try? close()
    }
}

/// Something in an HDF5 file that can carry attributes: a file (its root group), a group or a dataset.
public protocol HDF5Object {
    /// The open identifier behind this object.
    var handle: HDF5Handle { get }
}

extension HDF5Object {
    /// Path of the file this object lives in.
    public var filePath: String { handle.filePath }
    /// Name of this object inside its file.
    public var objectName: String { handle.objectName }
}

/// Runs `body` with a fresh libhdf5 identifier made by `make`, closing it with `close` afterwards
/// (dataspaces, datatypes, property lists). Call with the lock held.
func withTemporary<R>(_ make: () -> hid_t, close: (hid_t) -> herr_t,
                      _ operation: @autoclosure () -> String, path: String, object: String? = nil,
                      _ body: (hid_t) throws -> R) throws -> R {
    let id = try check(make(), operation(), path: path, object: object)
    defer { _ = close(id) }
    return try body(id)
}

/// Joins a parent object name and a child name into an absolute object name.
func childName(_ parent: String, _ name: String) -> String {
    if name.hasPrefix("/") { return name }
    return parent.hasSuffix("/") ? parent + name : parent + "/" + name
}

/// Collects names from `H5Literate`/`H5Aiterate2` callbacks.
final class NameList {
    var list: [String] = []
}
