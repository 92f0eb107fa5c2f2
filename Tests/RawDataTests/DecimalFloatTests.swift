import Foundation
import XCTest
@testable import RawData

/// The fast decimal parser against Swift's own correctly rounded `Float(String)` (strtof) on random and
/// edge-case decimals. HICLR_FLOAT_CASES scales the random counts (default 400,000 per family: about
/// 1.3 million comparisons in all); e.g. HICLR_FLOAT_CASES=5000000 for a long run.
final class DecimalFloatTests: XCTestCase {
    /// Local SplitMix64 so the cases are the same on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    let casesPerFamily = ProcessInfo.processInfo.environment["HICLR_FLOAT_CASES"].flatMap(Int.init) ?? 400_000

    /// Parses every token of `tokens` (one per line) with the scanner and compares bit patterns with
    /// `Float(String)`; an out-of-range token must be an error naming its line. Returns the mismatches.
    func compare(_ tokens: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let text = tokens.joined(separator: "\n") + "\n"
        var failures: [String] = []
        try Data(text.utf8).withUnsafeBytes { raw in
            var s = ByteScanner(bytes: raw.bindMemory(to: UInt8.self), file: "cases")
            for (k, token) in tokens.enumerated() {
                guard let expected = Float(token) else { XCTFail("Float(\"\(token)\") is nil"); return }
                if expected.isFinite {
                    let got = try s.readFloat("v")
                    if got.bitPattern != expected.bitPattern {
                        failures.append("\(token): got \(got) (0x\(String(got.bitPattern, radix: 16))), "
                                        + "expected \(expected) (0x\(String(expected.bitPattern, radix: 16)))")
                    }
                } else {
                    do {
                        _ = try s.readFloat("v")
                        failures.append("\(token): accepted, Float(String) gives \(expected)")
                    } catch {
                        XCTAssertTrue("\(error)".contains("cases:\(k + 1):") && "\(error)".contains("out of float range"),
                                      "\(error)")
                    }
                }
                try s.endLine(expecting: "v")
            }
        }
        XCTAssertEqual(failures.count, 0, "first mismatches: \(failures.prefix(10))", file: file, line: line)
    }

    func testEdgeCases() throws {
        var tokens = ["0", "-0", "+0", "0.0", "-0.0", "00000", "-000.000e5", "1e", "1e0", ".5", "5.", "-.5", "+5.",
                      "0.5", "1", "-1", "007", "0.000001", "1e-45", "1.4e-45", "1.401298464324817e-45",
                      "7.006492321624085e-46", "7.006492321624086e-46", "7.0064923216240854e-46",
                      "1e-46", "1.1754942e-38", "1.17549435e-38", "1.1754943508222875e-38", "1.1754942106924411e-38",
                      "3.4028234e38", "3.4028235e38", "3.40282356e38", "3.4028235677973366e38",
                      "3.402823669209385e38", "3.4028237e38", "1e38", "1e39", "1e-38", "1e-39", "1e-40",
                      "16777216", "16777217", "16777218", "16777219", "33554435", "9007199254740993",
                      "1.00000005960464477539062500", "1.000000059604644775390625001", "1.0000000596046447753906249",
                      "0.1", "0.2", "0.3", "1e10", "1e11", "1e-10", "1e-11", "123456789", "1234567890123456789",
                      "12345678901234567890", "123456789012345678901234567890", "0.000000000000000000000000000001",
                      "4.7019774032891500318749461488889827112746622270883500860350068251e-38",
                      "2.2250738585072014e-308", "1e-400", "1e400", "-1e-400", "0e999999", "1e-99999",
                      "3.785684", "-0.2397317", "0.04848839", "1036.326", "2.5E+3", "1E5", "1e+05", "1e-05"]
        // Every power of ten, and neighbours of powers of two, across the whole range.
        for e in -50...40 { tokens += ["1e\(e)", "9.999999e\(e)", "-5e\(e)", "123456789e\(e)", "4294967295e\(e)"] }
        for e in -149...127 {
            let p = Foundation.pow(2.0, Double(e))
            tokens += [String(format: "%.30e", p), String(format: "%.30e", p * (1 + 0x1p-24)),
                       String(format: "%.30e", p * (1 + 0x1p-25))]
        }
        try compare(tokens.filter { $0 != "1e" })
        // "1e" is malformed, not 1.
        XCTAssertThrowsError(try Data("1e\n".utf8).withUnsafeBytes { raw in
            var s = ByteScanner(bytes: raw.bindMemory(to: UInt8.self), file: "f")
            _ = try s.readFloat("v")
        })
    }

    /// Shortest and 17-digit renderings of random Floats (any exponent, subnormals included), with signs.
    func testRandomFloatRenderings() throws {
        var g = Generator(state: 1)
        var tokens: [String] = []
        tokens.reserveCapacity(casesPerFamily)
        while tokens.count < casesPerFamily {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
            guard f.isFinite else { continue }
            // Shortest (≤ 9 digits) and 17-digit renderings; random 9+ digit text is covered below.
            tokens.append(g.below(2) == 0 ? f.description : Double(f).description)
        }
        try compare(tokens)
    }

    /// Random decimal text: 1–28 digits, a point anywhere (or none, or leading/trailing), leading zeros,
    /// optional exponent −60…45 with optional sign, either case of `e`.
    func testRandomDecimalText() throws {
        var g = Generator(state: 2)
        var tokens: [String] = []
        tokens.reserveCapacity(casesPerFamily)
        var bytes: [UInt8] = []
        for _ in 0..<casesPerFamily {
            bytes.removeAll(keepingCapacity: true)
            switch g.below(3) { case 0: bytes.append(0x2D); case 1: bytes.append(0x2B); default: break }
            let digits = 1 + (g.below(2) == 0 ? g.below(9) : g.below(28))
            let point = g.below(digits + 2) - 1     // −1: no point
            for k in 0..<digits {
                if k == point { bytes.append(0x2E) }
                bytes.append(0x30 + UInt8(k == 0 && g.below(4) == 0 ? 0 : g.below(10)))
            }
            if point == digits { bytes.append(0x2E) }
            if g.below(2) == 0 {
                bytes.append(g.below(2) == 0 ? 0x65 : 0x45)
                switch g.below(3) { case 0: bytes.append(0x2D); case 1: bytes.append(0x2B); default: break }
                bytes += Array(String(g.below(2) == 0 ? g.below(12) : g.below(60)).utf8)
            }
            tokens.append(String(decoding: bytes, as: UTF8.self))
        }
        try compare(tokens)
    }

    /// Exact midpoints between neighbouring Floats (ties: round to even) and the decimals just above and
    /// below them, written out in full.
    func testHalfwayCases() throws {
        var g = Generator(state: 3)
        var tokens: [String] = []
        let count = max(1000, casesPerFamily / 20)
        while tokens.count < count * 3 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()) & 0x7FFF_FFFF)
            guard f.isFinite, f.nextUp.isFinite else { continue }
            let mid = (Double(f) + Double(f.nextUp)) / 2      // exact in Double
            tokens.append(String(format: "%.60g", mid))
            tokens.append(String(format: "%.60g", mid.nextUp))
            tokens.append(String(format: "%.60g", mid.nextDown))
        }
        try compare(tokens)
    }

    /// The Eisel–Lemire step alone (bypassing Clinger's fast path) on random 1–19 digit mantissas and every
    /// exponent that can give a finite non-zero Float; nil (fall back) must be rare.
    func testEiselLemireDirectly() {
        var g = Generator(state: 4)
        var fallbacks = 0
        var failures: [String] = []
        for _ in 0..<casesPerFamily {
            let digits = 1 + g.below(19)
            var w: UInt64 = 0
            for _ in 0..<digits { w = w * 10 + UInt64(g.below(10)) }
            let q = -70 + g.below(115)
            guard let got = DecimalFloat.eiselLemire(w, q) else { fallbacks += 1; continue }
            let expected = Float("\(w)e\(q)")!
            if got.bitPattern != expected.bitPattern { failures.append("\(w)e\(q): \(got) vs \(expected)") }
        }
        XCTAssertEqual(failures.count, 0, "\(failures.prefix(10))")
        XCTAssertLessThan(fallbacks, casesPerFamily / 1000, "fallbacks \(fallbacks)")
    }
}

/// The eight-digits-at-a-time scan (`scanShortDecimal`, `skipDigits`) gives the parts and positions of the
/// byte-by-byte scan on every token shape around its limits (7/8 integer digits, 8/15/16 fraction digits,
/// 19/20 digits in all, signs, exponents, a bad byte inside the word, the end of the text).
final class ShortDecimalScanTests: XCTestCase {
    /// The byte-by-byte reference for one token: (negative, digits as an integer string without leading
    /// zeros, fraction digit count) or nil when the scanner's grammar refuses it.
    func slow(_ token: String) -> (mantissa: UInt64, exponent: Int, negative: Bool)? {
        var body = Substring(token)
        var negative = false
        if body.first == "-" { negative = true; body = body.dropFirst() } else if body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        let digits = integer + fraction
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.count <= 19 else { return nil }
        return (UInt64(digits)!, -fraction.count, negative)
    }

    func testShortScanAgreesWithTheByteScanOnEveryShape() throws {
        var tokens: [String] = ["0", "-0", "+0", "5.", ".5", "-.5", "2", "276.1168", "-0.04633467", "0.997752",
                                "1234567", "12345678", "123456789", "0.12345678", "0.123456789012345",
                                "0.1234567890123456", "1234567.123456789012", "123456.1234567890123",
                                "1234567.1234567890123", "00000000000000000001", "1e5", "1.5E-3", "-", ".", "+.",
                                "1.2.3", "12a", "1-2", "\u{FF}1", "9\u{FA}9", "1234567:"]
        var rng = DecimalFloatTests.Generator(state: 20_261_130)
        func draw(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        for _ in 0..<20_000 {
            let integer = String((0..<draw(10)).map { _ in Character(String(draw(10))) })
            let fraction = String((0..<draw(18)).map { _ in Character(String(draw(10))) })
            let sign = ["", "-", "+"][draw(3)]
            tokens.append(sign + integer + (draw(2) == 1 ? "." + fraction : ""))
        }
        var taken = 0
        for token in tokens {
            // Room for word loads after the token, or none; each token end the scanner knows.
            for tail in [" 1.0 2.0 3.0 4.0 5.0 6.0 7.0 8.0 9.0\n", "\n", ",2.0 3.0 4.0 5.0 6.0 7.0 8.0 9.0 10.0\n",
                         "\r\n", "\t3.0 4.0 5.0 6.0 7.0 8.0 9.0 10.0 11.0\n"] {
                let text = Array((token + tail).utf8)
                try text.withUnsafeBufferPointer { bytes in
                    var fast = ByteScanner(bytes: bytes, file: "t")
                    let short = fast.scanShortDecimal()
                    let expected = slow(token)
                    if let short {
                        taken += 1
                        let e = try XCTUnwrap(expected, "fast path took \(token)")
                        XCTAssertEqual(short.mantissa, e.mantissa, token)
                        XCTAssertEqual(short.exponent, e.exponent, token)
                        XCTAssertEqual(short.negative, e.negative, token)
                        XCTAssertFalse(short.truncated)
                        XCTAssertEqual(fast.position, token.utf8.count, token)
                    } else {
                        XCTAssertEqual(fast.position, 0, token)
                    }
                    // The full scan (fast path or not) and the skip agree on acceptance and end position.
                    var full = ByteScanner(bytes: bytes, file: "t")
                    var skip = ByteScanner(bytes: bytes, file: "t")
                    let parsed = try? full.scanDecimal("v")
                    let skipped = (try? skip.skipNumber("v")) != nil
                    XCTAssertEqual(parsed != nil, skipped, token)
                    if parsed != nil { XCTAssertEqual(full.position, skip.position, token) }
                    if let e = expected, !token.contains("e"), !token.contains("E") {
                        let d = try XCTUnwrap(parsed, token)
                        XCTAssertEqual(d.mantissa, e.mantissa, token)
                        XCTAssertEqual(d.exponent, e.exponent, token)
                        XCTAssertEqual(full.position, token.utf8.count, token)
                    }
                }
            }
        }
        XCTAssertGreaterThan(taken, 40_000, "the fast path must take most tokens (those with room after them)")
    }

    func testLeadingDigitsAndDigitsValue() {
        func word(_ s: String) -> UInt64 {
            var w: UInt64 = 0
            for (i, b) in Array(s.utf8).prefix(8).enumerated() { w |= UInt64(b) << UInt64(8 * i) }
            return w
        }
        XCTAssertEqual(ByteScanner.leadingDigits(word("12345678")), 8)
        XCTAssertEqual(ByteScanner.leadingDigits(word("1234567 ")), 7)
        XCTAssertEqual(ByteScanner.leadingDigits(word(".1234567")), 0)
        XCTAssertEqual(ByteScanner.leadingDigits(word("09/:0000")), 2)   // '/' and ':' border the digits
        XCTAssertEqual(ByteScanner.digitsValue(word("12345678"), 8), 12_345_678)
        XCTAssertEqual(ByteScanner.digitsValue(word("98765 xy"), 5), 98_765)
        XCTAssertEqual(ByteScanner.digitsValue(word("00000009"), 8), 9)
        XCTAssertEqual(ByteScanner.digitsValue(word("99999999"), 8), 99_999_999)
        XCTAssertEqual(ByteScanner.digitsValue(word("7-------"), 1), 7)
    }
}
