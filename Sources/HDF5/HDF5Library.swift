import CHDF5
import Foundation

/// The process-wide gate in front of libhdf5.
///
/// The libhdf5 installed here is the serial build, which is not thread-safe: every call into it, from any
/// thread, goes through `HDF5Library.locked`, a recursive lock (wrappers call wrappers). The first call also
/// initialises the library and switches off HDF5's automatic printing of its error stack to stderr; errors
/// come back as `HDF5Error` instead.
public enum HDF5Library {
    private static let lock = NSRecursiveLock()

    /// Runs once: `H5dont_atexit` (objects released while the process exits, e.g. by threads still winding
    /// down, must find the library open rather than closed by libhdf5's own exit handler), `H5open`, then
    /// `H5Eset_auto2(H5E_DEFAULT, NULL, NULL)`.
    private static let initialised: Bool = {
        _ = H5dont_atexit()
        _ = H5open()
        _ = H5Eset_auto2(hiclr_H5E_DEFAULT(), hiclr_no_auto_print(), nil)
        return true
    }()

    /// Runs `body` holding the process-wide libhdf5 lock.
    @inline(__always)
    static func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        _ = initialised
        return try body()
    }

    /// The version of the linked libhdf5, e.g. "1.10.8".
    ///
    /// The corresponding C function is `H5get_libversion`.
    public static var version: String {
        locked {
            var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
            _ = H5get_libversion(&major, &minor, &release)
            return "\(major).\(minor).\(release)"
        }
    }
}
