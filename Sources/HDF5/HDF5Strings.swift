import CHDF5
import Foundation

/// Runs `body` with a C array of NUL-terminated copies of `strings` (the in-memory form of variable-length
/// strings that `H5Dwrite`/`H5Awrite` take). `body` is not called for an empty array.
func withCStringArray(_ strings: [String], _ body: (UnsafeRawPointer) throws -> Void) rethrows {
    guard !strings.isEmpty else { return }
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    try pointers.withUnsafeBufferPointer { buffer in
        try body(UnsafeRawPointer(buffer.baseAddress!))
    }
}

/// Reads `count` strings of the stored type `storedType`, variable- or fixed-length.
///
/// `read(memoryType, buffer)` performs the actual `H5Dread`/`H5Aread`; `memorySpace` describes the buffer
/// (needed by `H5Dvlen_reclaim` to free variable-length strings). Call with the lock held.
func readStringValues(storedType: hid_t, memorySpace: hid_t, count: Int,
                      operation: String, path: String, object: String?,
                      read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
    guard count > 0 else { return [] }
    let isVariable = try check(H5Tis_variable_str(storedType), operation, path: path, object: object) > 0
    if isVariable {
        let memoryType = makeVariableStringType()
        defer { _ = H5Tclose(memoryType) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        return try pointers.withUnsafeMutableBufferPointer { buffer in
            let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
            _ = try check(read(memoryType, raw), operation, path: path, object: object)
            defer { _ = H5Dvlen_reclaim(memoryType, memorySpace, hiclr_H5P_DEFAULT(), raw) }
            return buffer.map { $0.map { String(cString: $0) } ?? "" }
        }
    }
    // Fixed length: read the padded bytes and cut each string at its first NUL (or trailing spaces).
    let width = H5Tget_size(storedType)
    guard width > 0 else { return [String](repeating: "", count: count) }
    let spacePadded = H5Tget_strpad(storedType) == H5T_STR_SPACEPAD
    let memoryType = H5Tcopy(hiclr_H5T_C_S1())
    defer { _ = H5Tclose(memoryType) }
    _ = H5Tset_size(memoryType, width)
    _ = H5Tset_strpad(memoryType, H5T_STR_NULLPAD)
    _ = H5Tset_cset(memoryType, H5Tget_cset(storedType))
    var bytes = [UInt8](repeating: 0, count: width * count)
    _ = try bytes.withUnsafeMutableBytes { raw in
        try check(read(memoryType, raw.baseAddress!), operation, path: path, object: object)
    }
    return (0..<count).map { i in
        var slice = bytes[(i * width)..<((i + 1) * width)]
        if let end = slice.firstIndex(of: 0) { slice = slice[..<end] }
        if spacePadded { while slice.last == 0x20 { slice = slice.dropLast() } }
        return String(decoding: slice, as: UTF8.self)
    }
}
