import Foundation
import SkeletonCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes one NumPy `.npy` file (format version 1.0, C order, little-endian) element by element: the header
/// NumPy's `np.save` writes for the dtype and shape (numpy/lib/format.py: the header dict, spaces leaving
/// room for the first axis to grow to 21 digits, padding to a multiple of 64 bytes, a newline), then the raw
/// values. The file is written under `.<name>.partial` and renamed by `finish()` once every value is written;
/// a writer released before that removes its partial file.
public final class NpyWriter {
    public enum DType: String, Sendable {
        case float32 = "<f4"
        case int64 = "<i8"

        var size: Int { self == .float32 ? 4 : 8 }
    }

    public let url: URL
    public let dtype: DType
    public let shape: [Int]
    private let partial: URL
    private var file: UnsafeMutablePointer<FILE>?
    private var written = 0
    private let total: Int

    public init(url: URL, dtype: DType, shape: [Int]) throws {
        precondition(shape.allSatisfy { $0 >= 0 })
        self.url = url
        self.dtype = dtype
        self.shape = shape
        self.total = shape.reduce(1, *)
        partial = url.deletingLastPathComponent().appendingPathComponent(AtomicFile.partialName(for: url.lastPathComponent))
        guard let f = fopen(partial.path, "wb") else {
            throw InputError(file: partial.path, "cannot create: \(String(cString: strerror(errno)))")
        }
        file = f
        setvbuf(f, nil, _IOFBF, 1 << 20)
        try put(Self.header(dtype: dtype, shape: shape))
    }

    deinit {
        if let file {
            fclose(file)
            unlink(partial.path)
        }
    }

    /// The `.npy` header bytes for `dtype` and `shape`, as NumPy writes them.
    public static func header(dtype: DType, shape: [Int]) -> [UInt8] {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(dims), }"
        if let first = shape.first { dict += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        let length = dict.utf8.count + 1
        let pad = 64 - ((8 + 2 + length) % 64)
        dict += String(repeating: " ", count: pad % 64) + "\n"
        let count = dict.utf8.count
        precondition(count <= 65535, "npy header too long")
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(count & 0xFF), UInt8(count >> 8)] + Array(dict.utf8)
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        guard let file else { throw InputError(file: url.path, "write after finish") }
        guard bytes.count == 0 || fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count else {
            throw InputError(file: partial.path, "write failed: \(String(cString: strerror(errno)))")
        }
    }

    private func put(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try put($0) }
    }

    /// Appends float32 values (dtype must be float32).
    public func write(_ values: UnsafeBufferPointer<Float>) throws {
        precondition(dtype == .float32)
        try checkRoom(values.count)
        try put(UnsafeRawBufferPointer(values))
        written += values.count
    }

    public func write(_ values: [Float]) throws {
        try values.withUnsafeBufferPointer { try write($0) }
    }

    /// Appends int64 values (dtype must be int64).
    public func write(_ values: [Int64]) throws {
        precondition(dtype == .int64)
        try checkRoom(values.count)
        try values.withUnsafeBytes { try put($0) }
        written += values.count
    }

    private func checkRoom(_ n: Int) throws {
        guard written + n <= total else {
            throw InputError(file: url.path, "\(written + n) values for shape \(shape) (\(total) values)")
        }
    }

    /// Checks every value was written, closes and renames the file to its final name.
    public func finish() throws {
        guard let f = file else { return }
        guard written == total else {
            throw InputError(file: url.path, "\(written) values written, shape \(shape) needs \(total)")
        }
        file = nil
        let failed = fflush(f) != 0 || fsync(fileno(f)) != 0
        let closed = fclose(f) == 0
        if failed || !closed {
            unlink(partial.path)
            throw InputError(file: partial.path, "cannot finish writing: \(String(cString: strerror(errno)))")
        }
        guard rename(partial.path, url.path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(partial.path)
            throw InputError(file: url.path, "cannot rename \(partial.lastPathComponent): \(message)")
        }
    }
}
