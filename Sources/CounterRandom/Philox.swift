/// The Philox4x32-10 counter-based generator (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
/// SC 2011; the Random123 library). A pure function of a 128-bit counter and a 64-bit key: no state, so any
/// thread can compute any block in any order and get the same bits.
public enum Philox4x32 {
    /// Round multipliers and key increments (Weyl constants) from the Random123 reference.
    @usableFromInline static let multiplier0: UInt32 = 0xD251_1F53
    @usableFromInline static let multiplier1: UInt32 = 0xCD9E_8D57
    @usableFromInline static let weyl0: UInt32 = 0x9E37_79B9
    @usableFromInline static let weyl1: UInt32 = 0xBB67_AE85

    /// Four output words for `counter` under `key` after 10 rounds.
    @inlinable @inline(__always)
    public static func block(counter: (UInt32, UInt32, UInt32, UInt32),
                             key: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= weyl0
                k.1 &+= weyl1
            }
            let p0 = multiplier0.multipliedFullWidth(by: c.0)
            let p1 = multiplier1.multipliedFullWidth(by: c.2)
            c = (p1.high ^ c.1 ^ k.0, p1.low, p0.high ^ c.3 ^ k.1, p0.low)
        }
        return c
    }

    /// Four blocks at once, one per SIMD lane: lane i is `block(counter: (c0[i], c1, c2, c3), key: key)`.
    /// Returns the four output words of every lane (word j of lane i is `words.j[i]`).
    @inlinable @inline(__always)
    public static func blocks(c0: SIMD4<UInt32>, c1: UInt32, c2: UInt32, c3: UInt32, key: (UInt32, UInt32))
        -> (SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>) {
        var x0 = c0, x1 = SIMD4(repeating: c1), x2 = SIMD4(repeating: c2), x3 = SIMD4(repeating: c3)
        let m0 = SIMD4<UInt64>(repeating: UInt64(multiplier0)), m1 = SIMD4<UInt64>(repeating: UInt64(multiplier1))
        // The rounds unrolled, each with its key words already in every lane (key + round · Weyl constant).
        @inline(__always) func round(_ k0: UInt32, _ k1: UInt32) {
            let p0 = SIMD4<UInt64>(truncatingIfNeeded: x0) &* m0
            let p1 = SIMD4<UInt64>(truncatingIfNeeded: x2) &* m1
            let hi0 = SIMD4<UInt32>(truncatingIfNeeded: p0 &>> 32), lo0 = SIMD4<UInt32>(truncatingIfNeeded: p0)
            let hi1 = SIMD4<UInt32>(truncatingIfNeeded: p1 &>> 32), lo1 = SIMD4<UInt32>(truncatingIfNeeded: p1)
            (x0, x1, x2, x3) = (hi1 ^ x1 ^ SIMD4(repeating: k0), lo1, hi0 ^ x3 ^ SIMD4(repeating: k1), lo0)
        }
        let k0 = key.0, k1 = key.1
        round(k0, k1)
        round(k0 &+ weyl0, k1 &+ weyl1)
        round(k0 &+ 2 &* weyl0, k1 &+ 2 &* weyl1)
        round(k0 &+ 3 &* weyl0, k1 &+ 3 &* weyl1)
        round(k0 &+ 4 &* weyl0, k1 &+ 4 &* weyl1)
        round(k0 &+ 5 &* weyl0, k1 &+ 5 &* weyl1)
        round(k0 &+ 6 &* weyl0, k1 &+ 6 &* weyl1)
        round(k0 &+ 7 &* weyl0, k1 &+ 7 &* weyl1)
        round(k0 &+ 8 &* weyl0, k1 &+ 8 &* weyl1)
        round(k0 &+ 9 &* weyl0, k1 &+ 9 &* weyl1)
        return (x0, x1, x2, x3)
    }

    /// Array form of `block(counter:key:)`, for tests and tools.
    public static func block(counter: [UInt32], key: [UInt32]) -> [UInt32] {
        precondition(counter.count == 4 && key.count == 2, "Philox4x32 needs 4 counter and 2 key words")
        let out = block(counter: (counter[0], counter[1], counter[2], counter[3]), key: (key[0], key[1]))
        return [out.0, out.1, out.2, out.3]
    }
}
