import CHDF5

/// A failed HDF5 operation: what was being done, on which file (and object inside it), and the innermost
/// message of libhdf5's error stack (or a message of ours for checks done in Swift, e.g. a type mismatch).
public struct HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// What the wrapper was doing, e.g. "open file", "read dataset".
    public var operation: String
    /// Path of the HDF5 file.
    public var path: String
    /// Object inside the file (dataset, group or attribute name), when there is one.
    public var object: String?
    /// The innermost libhdf5 message, or our own explanation.
    public var message: String

    public init(operation: String, path: String, object: String? = nil, message: String) {
        self.operation = operation
        self.path = path
        self.object = object
        self.message = message
    }

    public var description: String {
        var place = path
        if let object { place += " [\(object)]" }
        return "\(place): \(operation) failed: \(message)"
    }

    /// The error for a failed libhdf5 call: reads the current error stack (innermost entry first, via
    /// `H5Ewalk2` with `H5E_WALK_DOWNWARD`), then clears it (`H5Eclear2`). Call with the lock held.
    static func fromStack(operation: String, path: String, object: String? = nil) -> HDF5Error {
        final class Collected { var messages: [String] = [] }
        let collected = Collected()
        let stack = hiclr_H5E_DEFAULT()
        withExtendedLifetime(collected) {
            let context = Unmanaged.passUnretained(collected).toOpaque()
            _ = H5Ewalk2(stack, H5E_WALK_DOWNWARD, { _, entry, data in
                guard let entry, let data else { return 0 }
                let box = Unmanaged<Collected>.fromOpaque(data).takeUnretainedValue()
                let function = entry.pointee.func_name.map { String(cString: $0) } ?? "?"
                let text = entry.pointee.desc.map { String(cString: $0) } ?? ""
                box.messages.append("\(function): \(text)")
                return 0
            }, context)
        }
        _ = H5Eclear2(stack)
        let message = collected.messages.first ?? "libhdf5 reported a failure without a message"
        return HDF5Error(operation: operation, path: path, object: object, message: message)
    }
}

/// Checks a libhdf5 return value: negative means failure. Call with the lock held.
@inline(__always)
func check<T: BinaryInteger>(_ result: T, _ operation: @autoclosure () -> String, path: String,
                              object: String? = nil) throws -> T {
    if result < 0 {
        throw HDF5Error.fromStack(operation: operation(), path: path, object: object)
    }
    return result
}
