import SkeletonCore

/// A forward-only scanner over the bytes of a text file that parses whitespace-separated numbers without
/// building Strings, and remembers the line it is on for error messages.
///
/// Lines end at `\n` (a preceding `\r` is treated as whitespace). Tokens never span lines.
public struct ByteScanner {
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    @usableFromInline var position: Int = 0
    /// 1-based line number of the current position.
    public private(set) var line: Int = 1
    /// File name used in errors.
    public let file: String

    public init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// True once only whitespace remains.
    public mutating func atEnd() -> Bool {
        skipBlankLines()
        return position >= bytes.count
    }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }

    /// Skips spaces and tabs (not newlines).
    @inline(__always) mutating func skipSpaces() {
        while position < bytes.count && Self.isSpace(bytes[position]) { position += 1 }
    }

    /// Skips whitespace including newlines.
    @inline(__always) mutating func skipBlankLines() {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x0A { line += 1; position += 1 } else if Self.isSpace(b) { position += 1 } else { break }
        }
    }

    /// Moves to the start of the next non-blank line, failing if the current line has more tokens.
    public mutating func endLine(expecting what: @autoclosure () -> String) throws {
        skipSpaces()
        if position < bytes.count && bytes[position] != 0x0A {
            throw error("unexpected extra value \"\(peekToken())\" after \(what())")
        }
        skipBlankLines()
    }

    /// The token at the current position, for error messages.
    func peekToken() -> String {
        var end = position
        while end < bytes.count && !Self.isSpace(bytes[end]) && bytes[end] != 0x0A && bytes[end] != 0x2C { end += 1 }
        let slice = UnsafeBufferPointer(rebasing: bytes[position..<min(end, position + 40)])
        return String(decoding: slice, as: UTF8.self)
    }

    public func error(_ message: String) -> InputError {
        InputError(file: file, line: line, message)
    }

    /// Reads a token on the current line; `what` names it in errors.
    @inline(__always) mutating func beginToken(_ what: @autoclosure () -> String) throws {
        skipSpaces()
        if position >= bytes.count { throw error("file ends early: expected \(what())") }
        if bytes[position] == 0x0A { throw error("line ends early: expected \(what())") }
    }

    /// Parses an unsigned or signed decimal integer as Int64 (full 64-bit range for body IDs via `readUInt64`).
    public mutating func readInt(_ what: @autoclosure () -> String) throws -> Int {
        try beginToken(what())
        let start = position
        var negative = false
        if bytes[position] == 0x2D { negative = true; position += 1 } else if bytes[position] == 0x2B { position += 1 }
        var value = 0
        var digits = 0
        while position < bytes.count {
            let d = bytes[position] &- 0x30
            if d > 9 { break }
            if digits >= 18 { position = start; throw error("\(what()) \"\(peekToken())\" is too large") }
            value = value * 10 + Int(d)
            digits += 1
            position += 1
        }
        if digits == 0 || !atTokenEnd() { position = start; throw error("\(what()) \"\(peekToken())\" is not an integer") }
        return negative ? -value : value
    }

    /// Parses an unsigned 64-bit integer exactly (NTU body IDs).
    public mutating func readUInt64(_ what: @autoclosure () -> String) throws -> UInt64 {
        try beginToken(what())
        let start = position
        var value: UInt64 = 0
        var digits = 0
        while position < bytes.count {
            let d = bytes[position] &- 0x30
            if d > 9 { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { position = start; throw error("\(what()) \"\(peekToken())\" does not fit in 64 bits") }
            value = s
            digits += 1
            position += 1
        }
        if digits == 0 || !atTokenEnd() { position = start; throw error("\(what()) \"\(peekToken())\" is not an unsigned integer") }
        return value
    }

    @inline(__always) func atTokenEnd() -> Bool {
        position >= bytes.count || Self.isSpace(bytes[position]) || bytes[position] == 0x0A || bytes[position] == 0x2C
    }

    /// Parses a decimal floating-point number (`-1.25`, `3e-05`, `.5`). NaN, infinity and malformed tokens are
    /// errors naming the line. Digits beyond the 19th significant one are ignored (far below float32 precision).
    public mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        try beginToken(what())
        let start = position
        var negative = false
        if bytes[position] == 0x2D { negative = true; position += 1 } else if bytes[position] == 0x2B { position += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        while position < bytes.count {
            let d = bytes[position] &- 0x30
            if d > 9 { break }
            sawDigit = true
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
            }
            position += 1
        }
        if position < bytes.count && bytes[position] == 0x2E {
            position += 1
            while position < bytes.count {
                let d = bytes[position] &- 0x30
                if d > 9 { break }
                sawDigit = true
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                }
                position += 1
            }
        }
        if sawDigit && position < bytes.count && (bytes[position] | 0x20) == 0x65 {
            position += 1
            var expNegative = false
            if position < bytes.count && (bytes[position] == 0x2D || bytes[position] == 0x2B) {
                expNegative = bytes[position] == 0x2D
                position += 1
            }
            var e = 0
            var expDigits = 0
            while position < bytes.count {
                let d = bytes[position] &- 0x30
                if d > 9 { break }
                if e < 10_000 { e = e * 10 + Int(d) }
                expDigits += 1
                position += 1
            }
            if expDigits == 0 { sawDigit = false }
            exponent += expNegative ? -e : e
        }
        if !sawDigit || !atTokenEnd() {
            position = start
            let token = peekToken()
            let lower = token.lowercased()
            if lower.contains("nan") || lower.contains("inf") {
                throw error("\(what()) is \(token): not a finite number")
            }
            throw error("\(what()) \"\(token)\" is not a number")
        }
        let value = Self.scale(mantissa, exponent)
        if !value.isFinite { throw error("\(what()) is out of float range") }
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...22).map { e in
        var p = 1.0
        for _ in 0..<e { p *= 10 }
        return p
    }

    /// mantissa × 10^exponent rounded to Float (exact powers of ten up to 1e22 in Double, then one rounding).
    @inline(__always) static func scale(_ mantissa: UInt64, _ exponent: Int) -> Float {
        let m = Double(mantissa)
        if exponent == 0 { return Float(m) }
        if exponent > 0 {
            if exponent <= 22 { return Float(m * powersOfTen[exponent]) }
            return Float(m * pow10(exponent))
        }
        if exponent >= -22 { return Float(m / powersOfTen[-exponent]) }
        return Float(m / pow10(-exponent))
    }

    private static func pow10(_ e: Int) -> Double {
        var result = 1.0
        var base = 10.0
        var n = e
        while n > 0 {
            if n & 1 == 1 { result *= base }
            base *= base
            n >>= 1
        }
        return result
    }

    /// Skips one token after checking it is numeric-looking (used for NTU columns we do not keep).
    public mutating func skipNumber(_ what: @autoclosure () -> String) throws {
        _ = try readFloat(what())
    }

    /// Expects a literal separator byte (e.g. a comma) after optional spaces.
    public mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws {
        skipSpaces()
        guard position < bytes.count, bytes[position] == byte else {
            throw error("expected \(what())")
        }
        position += 1
    }

    /// True when the current line has no more tokens.
    public mutating func lineIsDone() -> Bool {
        skipSpaces()
        return position >= bytes.count || bytes[position] == 0x0A
    }
}
