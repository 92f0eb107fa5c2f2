import CounterRandom
import Foundation
import XCTest

/// `LogF.log` replaces the C library's `logf` in the polar method; the normals (and so every noisy view) must not
/// change. The polar method only ever takes the log of s = u² + v² with u, v multiples of 2⁻²³ and 0 < s < 1, so
/// s is a Float in [2⁻⁴⁶, 1): 385,875,968 values, compared here one by one.
final class LogFTests: XCTestCase {
    /// Every Float in [2⁻⁴⁶, 1) (and with it every input the polar method can make): identical bits to `logf`, in
    /// the scalar and the eight-lane form.
    /// On the machine where this was written that is glibc 2.36's FMA variant; both of its variants agree on this
    /// range (docs/determinism.md).
    func testLogFEqualsTheCLibraryOnEveryPolarInput() {
        let first = Float(0x1p-46).bitPattern, end = Float(1).bitPattern
        XCTAssertEqual(end - first, 385_875_968)
        let chunk = 1 << 20
        let inputs = UnsafeMutableBufferPointer<Float>.allocate(capacity: chunk)
        let outputs = UnsafeMutableBufferPointer<Float>.allocate(capacity: chunk)
        defer { inputs.deallocate(); outputs.deallocate() }
        let vectorOutputs = UnsafeMutableBufferPointer<Float>.allocate(capacity: chunk)
        defer { vectorOutputs.deallocate() }
        var mismatches = 0, vectorMismatches = 0
        var firstMismatch: (x: Float, ours: Float, logf: Float)?
        var firstVectorMismatch: (x: Float, vector: Float, scalar: Float)?
        var bits = first
        while bits < end {
            let n = Int(min(end - bits, UInt32(chunk)))
            let x = inputs.baseAddress!, y = outputs.baseAddress!
            for i in 0..<n { x[i] = Float(bitPattern: bits &+ UInt32(truncatingIfNeeded: i)) }
            LogF.log(UnsafeBufferPointer(rebasing: inputs[0..<n]), into: outputs)
            LogF.log8(UnsafeBufferPointer(rebasing: inputs[0..<n]), into: vectorOutputs)
            let v = vectorOutputs.baseAddress!
            for i in 0..<n where y[i].bitPattern != logf(x[i]).bitPattern {
                mismatches += 1
                if firstMismatch == nil { firstMismatch = (x[i], y[i], logf(x[i])) }
            }
            for i in 0..<n where v[i].bitPattern != y[i].bitPattern {
                vectorMismatches += 1
                if firstVectorMismatch == nil { firstVectorMismatch = (x[i], v[i], y[i]) }
            }
            bits += UInt32(n)
        }
        XCTAssertEqual(mismatches, 0, "first: \(String(describing: firstMismatch))")
        // The eight-lane form (`addNormals`) equals the scalar one on every input too.
        XCTAssertEqual(vectorMismatches, 0, "first: \(String(describing: firstVectorMismatch))")
        // The scalar form is the same function.
        for x: Float in [0x1p-46, 0.1, 0.5, 0.7, 0.75, Float(1).nextDown] {
            XCTAssertEqual(LogF.log(x).bitPattern, logf(x).bitPattern, "x = \(x)")
        }
    }

    /// Values spelled out: Python's `numpy.float32(math.log(x))` for each x.
    func testKnownValues() {
        XCTAssertEqual(LogF.log(0.5), -0.6931472)
        XCTAssertEqual(LogF.log(0x1p-46), -31.88477)
        XCTAssertEqual(LogF.log(0.25), -1.3862944)
        XCTAssertEqual(LogF.log(Float(1).nextDown), -5.9604645e-08)
        XCTAssertEqual(LogF.log(0.1), -2.3025851)
    }
}
