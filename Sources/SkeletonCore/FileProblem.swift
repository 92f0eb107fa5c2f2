import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Text echoed from a file or a path, made safe to print: control characters (a raw file could otherwise
/// send terminal escape sequences or forge a report line) become `\n`, `\r`, `\t` or `\u{XX}`, and invisible
/// marks such as the byte-order mark are shown by name (`U+FEFF`).
public enum Printable {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value == 0xFEFF || scalar.value == 0x200B || scalar.value == 0x2028
                || scalar.value == 0x2029 || (0x202A...0x202E).contains(scalar.value)
                || (0x2066...0x2069).contains(scalar.value):
                out += String(format: "U+%04X", scalar.value)
            case _ where needsEscape(scalar):
                out += String(format: "\\u{%02X}", scalar.value)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0xFEFF || s.value == 0x200B
            || s.value == 0x2028 || s.value == 0x2029 || (0x202A...0x202E).contains(s.value)
            || (0x2066...0x2069).contains(s.value)
    }
}

/// One sentence naming the cause of a file-system error, instead of `NSCocoaErrorDomain error 256`.
public enum FileProblem {
    /// What kind of thing is at `path` when it is not a regular file, or why it cannot be examined; nil for a
    /// readable regular file (symlinks followed).
    public static func notRegularFile(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return posix(errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a folder, not a file"
        case S_IFIFO: return "is not a regular file (a FIFO)"
        case S_IFSOCK: return "is not a regular file (a socket)"
        case S_IFCHR, S_IFBLK: return "is not a regular file (a device)"
        default: return "is not a regular file"
        }
    }

    /// A sentence for `errno`.
    public static func posix(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or folder"
        case EACCES, EPERM: return "permission denied"
        case ELOOP: return "too many levels of symbolic links (a symlink loop)"
        case EISDIR: return "is a folder, not a file"
        case ENOTDIR: return "a part of the path is not a folder"
        case ENOSPC: return "no space left on the device"
        case EROFS: return "the file system is read-only"
        case EEXIST: return "already exists"
        case ENOTEMPTY: return "the folder is not empty"
        default: return String(cString: strerror(code))
        }
    }

    /// The cause of a Foundation file error at `path`, in words.
    public static func describe(_ error: Error, path: String) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return posix(Int32(underlying.code))
        }
        if ns.domain == NSPOSIXErrorDomain { return posix(Int32(ns.code)) }
        if ns.domain == NSCocoaErrorDomain {
            if let kind = notRegularFile(path), ns.code != CocoaError.fileWriteOutOfSpace.rawValue {
                return kind
            }
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileReadInapplicableStringEncoding, .fileReadCorruptFile:
                return "not UTF-8 text"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteVolumeReadOnly: return "the file system is read-only"
            case .fileWriteFileExists: return "already exists"
            default: break
            }
            // Probe the path itself for the usual causes before giving up.
            var info = stat()
            if stat(path, &info) != 0 { return posix(errno) }
            if access(path, R_OK) != 0 { return "permission denied" }
            return "cannot be read or written (\(ns.localizedDescription))"
        }
        return "\(error)"
    }

    /// One line for any error: a Foundation file error becomes "<path>: <cause>", anything else its description.
    public static func sentence(for error: Error) -> String {
        if error is InputError { return "\(error)" }
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return "\(error)" }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        guard let path else { return describe(error, path: "") }
        return Printable.escaped(path) + ": " + describe(error, path: path)
    }

    /// Reads a text file as UTF-8, with one sentence for every way that fails (missing, a folder, a FIFO, not
    /// UTF-8, …). A leading byte-order mark is dropped.
    public static func readText(_ path: String, kind: String) throws -> String {
        if let kindProblem = notRegularFile(path) {
            throw InputError(file: path, "cannot read \(kind): \(kindProblem)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError(file: path, "cannot read \(kind): \(describe(error, path: path))")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            let offset = firstInvalidUTF8(data)
            throw InputError(file: path, line: lineNumber(data, offset),
                             "the \(kind) is not UTF-8 text (byte \(offset))")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    static func firstInvalidUTF8(_ data: Data) -> Int {
        var low = 0, high = data.count
        while low < high {
            let mid = (low + high) / 2
            var prefix = data.prefix(mid + 1)
            // A prefix may cut a valid multi-byte character; allow up to 3 trailing bytes to complete it.
            var ok = false
            for extra in 0...3 where mid + 1 + extra <= data.count {
                prefix = data.prefix(mid + 1 + extra)
                if String(data: prefix, encoding: .utf8) != nil { ok = true; break }
            }
            if ok { low = mid + 1 } else { high = mid }
        }
        return low
    }

    static func lineNumber(_ data: Data, _ offset: Int) -> Int {
        data.prefix(offset).reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
