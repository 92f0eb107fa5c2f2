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

    /// Array form of `block(counter:key:)`, for tests and tools.
    public static func block(counter: [UInt32], key: [UInt32]) -> [UInt32] {
        precondition(counter.count == 4 && key.count == 2, "Philox4x32 needs 4 counter and 2 key words")
        let out = block(counter: (counter[0], counter[1], counter[2], counter[3]), key: (key[0], key[1]))
        return [out.0, out.1, out.2, out.3]
    }
}
