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
        try skipNumbers(1) { _ in what() }
    }

    /// `skipNumber` `count` times on the current line (one call for the unused columns of a line);
    /// `what(k)` names the k-th (0-based) in errors.
    @inline(__always)
    public mutating func skipNumbers(_ count: Int, _ what: (Int) -> String) throws {
        for k in 0..<count { try skipOneNumber { what(k) } }
    }

    @inline(__always)
    mutating func skipOneNumber(_ what: () -> String) throws {
        try beginToken(what())
        // The grammar of `scanDecimal` without the value: `[+-]digits[.digits][(e|E)[+-]digits]`, at least one
        // mantissa digit, then the token's end. Anything else goes to `scanDecimal` for its exact error.
        let start = position
        let count = bytes.count
        var p = position
        if bytes[p] == 0x2D || bytes[p] == 0x2B { p += 1 }
        let integerStart = p
        p = skipDigits(from: p)
        var digits = p - integerStart
        if p < count && bytes[p] == 0x2E {
            p += 1
            let fractionStart = p
            p = skipDigits(from: p)
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
        if let decimal = scanShortDecimal() { return decimal }
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

    // MARK: eight digits at a time (SWAR)

    /// The 8 bytes at `p` as a little-endian word (byte `p` lowest); needs `p + 8 <= bytes.count`.
    @inline(__always) func word(at p: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + p).loadUnaligned(as: UInt64.self))
    }

    /// How many of the 8 bytes of `w`, from its lowest, are ASCII digits before the first other byte (0…8).
    /// A byte is a digit when its high nibble is 3 and adding 6 keeps it 3; a carry out of a byte ≥ 0xFA only
    /// reaches later bytes, which are past that non-digit and never counted.
    @inline(__always) static func leadingDigits(_ w: UInt64) -> Int {
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, threes: UInt64 = 0x3030_3030_3030_3030
        let nonDigit = ((w & high) ^ threes) | (((w &+ 0x0606_0606_0606_0606) & high) ^ threes)
        return nonDigit.trailingZeroBitCount >> 3
    }

    /// The value of the first `n` (0…8) bytes of `w`, which are digits, the lowest byte the most significant.
    @inline(__always) static func digitsValue(_ w: UInt64, _ n: Int) -> UInt64 {
        if n == 0 { return 0 }
        // Digits to the top bytes (the dropped bytes were after them), zeros in front: the same number.
        var v = (w &- 0x3030_3030_3030_3030) << UInt64(8 * (8 - n))
        // Pairs, then quadruples, then all eight (D. Lemire's eight-digit step, as in fast_float).
        v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return UInt64(UInt32(truncatingIfNeeded: ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32))
    }

    @usableFromInline static let powersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000,
                                                          10_000_000, 100_000_000]

    /// The position after the digits starting at `p`.
    @inline(__always) func skipDigits(from start: Int) -> Int {
        var p = start
        let count = bytes.count
        while p + 8 <= count {
            let n = Self.leadingDigits(word(at: p))
            p += n
            if n < 8 { return p }
        }
        while p < count && bytes[p] &- 0x30 <= 9 { p += 1 }
        return p
    }

    /// `scanDecimal` for the common token, at least 32 bytes before the end of the text: `[+-]`, at most 7
    /// integer digits, optionally `.` and at most 15 fraction digits, at most 19 digits in all, no exponent,
    /// then the token's end. Then nothing is dropped or rounded, the parts equal those of the byte-by-byte scan,
    /// and the position moves past the token. nil (position unchanged) for anything else.
    @inline(__always) mutating func scanShortDecimal() -> Decimal? {
        let start = position
        guard bytes.count - start >= 32 else { return nil }
        var p = start
        var negative = false
        if bytes[p] == 0x2D { negative = true; p += 1 } else if bytes[p] == 0x2B { p += 1 }
        let integer = word(at: p)
        let n = Self.leadingDigits(integer)
        guard n < 8 else { return nil }
        var mantissa = Self.digitsValue(integer, n)
        var digits = n
        var exponent = 0
        p += n
        if bytes[p] == 0x2E {
            p += 1
            let first = word(at: p)
            let f1 = Self.leadingDigits(first)
            mantissa = mantissa &* Self.powersOfTen[f1] &+ Self.digitsValue(first, f1)
            p += f1
            digits += f1
            exponent -= f1
            if f1 == 8 {
                let second = word(at: p)
                let f2 = Self.leadingDigits(second)
                guard f2 < 8, digits + f2 <= 19 else { return nil }
                mantissa = mantissa &* Self.powersOfTen[f2] &+ Self.digitsValue(second, f2)
                p += f2
                digits += f2
                exponent -= f2
            }
        }
        guard digits > 0, digits <= 19, (bytes[p] | 0x20) != 0x65 else { return nil }
        let end = bytes[p]
        guard end == 0x20 || end == 0x0A || end == 0x09 || end == 0x0D || end == 0x2C else { return nil }
        position = p
        return Decimal(start: start, negative: negative, mantissa: mantissa, exponent: exponent, truncated: false)
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
