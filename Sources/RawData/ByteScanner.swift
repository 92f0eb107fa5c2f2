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

    /// Parses a decimal floating-point number (`-1.25`, `3e-05`, `.5`, `5.`) and rounds it correctly to the
    /// nearest Float (the value `Float(String)` gives; see `DecimalFloat`). NaN, infinity, out-of-range and
    /// malformed tokens are errors naming the line.
    public mutating func readFloat(_ what: @autoclosure () -> String) throws -> Float {
        let d = try scanDecimal(what())
        if let value = DecimalFloat.float(d.mantissa, d.exponent), !d.truncated {
            if !value.isFinite { throw error("\(what()) is out of float range") }
            return d.negative ? -value : value
        }
        // More than 19 significant digits, or a product Eisel–Lemire cannot round: exact slow path.
        let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[d.start..<position]), as: UTF8.self)
        guard let value = Float(token) else { throw error("\(what()) \"\(token)\" is not a number") }
        if !value.isFinite { throw error("\(what()) is out of float range") }
        return value
    }

    /// Skips one token after checking it is a decimal number (used for NTU columns we do not keep; the
    /// value is not converted, so its range is not checked).
    public mutating func skipNumber(_ what: @autoclosure () -> String) throws {
        try beginToken(what())
        // The grammar of `scanDecimal` without the value: `[+-]digits[.digits][(e|E)[+-]digits]`, at least one
        // mantissa digit, then the token's end. Anything else goes to `scanDecimal` for its exact error.
        let start = position
        let count = bytes.count
        var p = position
        if bytes[p] == 0x2D || bytes[p] == 0x2B { p += 1 }
        let integerStart = p
        while p < count && bytes[p] &- 0x30 <= 9 { p += 1 }
        var digits = p - integerStart
        if p < count && bytes[p] == 0x2E {
            p += 1
            let fractionStart = p
            while p < count && bytes[p] &- 0x30 <= 9 { p += 1 }
            digits += p - fractionStart
        }
        var wellFormed = digits > 0
        if wellFormed && p < count && (bytes[p] | 0x20) == 0x65 {
            p += 1
            if p < count && (bytes[p] == 0x2D || bytes[p] == 0x2B) { p += 1 }
            let exponentStart = p
            while p < count && bytes[p] &- 0x30 <= 9 { p += 1 }
            wellFormed = p > exponentStart
        }
        position = p
        if wellFormed && atTokenEnd() { return }
        position = start
        _ = try scanDecimal(what())
    }

    /// The parts of a decimal token: `±mantissa × 10^exponent`; `truncated` when non-zero digits beyond the
    /// 19th significant one were dropped (the mantissa is then not exact).
    @usableFromInline struct Decimal {
        /// Where the token starts.
        var start: Int
        var negative: Bool
        var mantissa: UInt64
        var exponent: Int
        var truncated: Bool
    }

    /// Scans one decimal token (`[+-]digits[.digits][(e|E)[+-]digits]`, at least one mantissa digit) and
    /// leaves the position after it; malformed tokens are errors naming the line and restore the position.
    @inline(__always)
    mutating func scanDecimal(_ what: @autoclosure () -> String) throws -> Decimal {
        try beginToken(what())
        let start = position
        let count = bytes.count
        var negative = false
        if bytes[position] == 0x2D { negative = true; position += 1 } else if bytes[position] == 0x2B { position += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        var truncated = false
        while position < count {
            let d = bytes[position] &- 0x30
            if d > 9 { break }
            sawDigit = true
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                if d != 0 { truncated = true }
            }
            position += 1
        }
        if position < count && bytes[position] == 0x2E {
            position += 1
            while position < count {
                let d = bytes[position] &- 0x30
                if d > 9 { break }
                sawDigit = true
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if d != 0 {
                    truncated = true
                }
                position += 1
            }
        }
        if sawDigit && position < count && (bytes[position] | 0x20) == 0x65 {
            position += 1
            var expNegative = false
            if position < count && (bytes[position] == 0x2D || bytes[position] == 0x2B) {
                expNegative = bytes[position] == 0x2D
                position += 1
            }
            var e = 0
            var expDigits = 0
            while position < count {
                let d = bytes[position] &- 0x30
                if d > 9 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
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
        return Decimal(start: start, negative: negative, mantissa: mantissa, exponent: exponent, truncated: truncated)
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
