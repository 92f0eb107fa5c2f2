/// A counter-based random generator: the value at position `i` of a key is a pure function of
/// `(key, i)`, so draws never depend on thread count, call order or any global state.
///
/// Keys form a tree: `RandomKey(seed:)` is a root, and `derived(_:)` makes a child key for a
/// named purpose (epoch, sample id, branch, layer, …). Each value is the SplitMix64 output
/// function applied to `key + (i + 1) · γ` (γ = 0x9E3779B97F4A7C15), i.e. position `i` of the
/// SplitMix64 stream that the key selects.
public struct RandomKey: Hashable, Sendable {
    /// The 64-bit state that selects the stream.
    public let rawValue: UInt64

    /// A root key for a user-visible seed.
    public init(seed: UInt64) {
        rawValue = RandomKey.mix(seed ^ 0x6A09_E667_F3BC_C908)
    }

    init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// A child key for one purpose; different `purpose` values give independent streams.
    public func derived(_ purpose: UInt64) -> RandomKey {
        RandomKey(rawValue: RandomKey.mix(rawValue &+ RandomKey.mix(purpose &+ 0xBB67_AE85_84CA_A73B)))
    }

    /// A child key made by deriving along several purposes in turn.
    public func derived(_ path: UInt64...) -> RandomKey {
        path.reduce(self) { $0.derived($1) }
    }

    /// 64 random bits at position `index`.
    @inline(__always)
    public func bits(at index: UInt64) -> UInt64 {
        RandomKey.mix(rawValue &+ (index &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// A uniform `Float` in `[0, 1)` at position `index` (24 random bits).
    @inline(__always)
    public func uniform(at index: Int) -> Float {
        Float(bits(at: UInt64(truncatingIfNeeded: index)) >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Double` in `[0, 1)` at position `index` (53 random bits).
    @inline(__always)
    public func uniformDouble(at index: Int) -> Double {
        Double(bits(at: UInt64(truncatingIfNeeded: index)) >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal `Float` at position `index` (Box–Muller on two uniforms of the stream).
    public func normal(at index: Int) -> Float {
        let u1 = uniformDouble(at: 2 * index)
        let u2 = uniformDouble(at: 2 * index + 1)
        let radius = (-2 * log(1 - u1)).squareRoot()
        return Float(radius * cos(2 * Double.pi * u2))
    }

    /// The SplitMix64 finaliser: a bijective 64-bit mixer.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
