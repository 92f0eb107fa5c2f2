#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random access into a key's stream, and the engine's branch of the key tree (docs/determinism.md).
///
/// The engine (weight initialisation, dropout, drop/add edges, queue initialisation, evaluation) draws from the
/// same Philox streams as the augmentation and the loader, on its own branch: `RandomKey(seed:)` is its root, and
/// `derived(_:)` walks down a tree deeper than the five key fields allow. Values are read by position, not in
/// order, so any thread can compute any element.
extension RandomKey {
    /// The branch the engine's keys live on (pipelines use small branch numbers, the loader's shuffle 0xFFFF).
    public static let engineBranch = 0xFFFE

    /// The engine's root key of a run seed: (seed, epoch 0, sample 0, `engineBranch`, stage 0).
    public init(seed: UInt64) {
        self.init(seed: seed, epoch: 0, sample: 0, branch: Self.engineBranch, stage: 0)
    }

    /// Tag in the counter of a derivation block, so that it is never a block of a stream.
    static let derivationTag: UInt32 = 0x6465_7269   // "deri"

    /// A child key for one purpose: the same seed and branch, with (epoch, sample, stage) replaced by the words of
    /// the Philox block with counter (purpose low, purpose high, stage, tag) under key (epoch, sample). Different
    /// purposes, or different parents, give independent streams.
    public func derived(_ purpose: UInt64) -> RandomKey {
        let out = Philox4x32.block(counter: (UInt32(truncatingIfNeeded: purpose), UInt32(truncatingIfNeeded: purpose >> 32),
                                             UInt32(stage), Self.derivationTag),
                                   key: (epoch, sample))
        var child = self
        child.epoch = out.0
        child.sample = out.1
        child.stage = UInt16(truncatingIfNeeded: out.2)
        return child
    }

    /// A child key made by deriving along several purposes in turn.
    public func derived(_ path: UInt64...) -> RandomKey {
        path.reduce(self) { $0.derived($1) }
    }

    /// Philox block `block` of this key's stream: stream words 4·block … 4·block + 3.
    @inlinable @inline(__always)
    public func block(_ block: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        Philox4x32.block(counter: counter(block: UInt32(truncatingIfNeeded: block)), key: philoxKey)
    }

    /// Stream word `index` (the `index`-th `RandomStream.nextUInt32()`).
    @inlinable @inline(__always)
    public func word(at index: UInt64) -> UInt32 {
        let b = block(index >> 2)
        switch index & 3 {
        case 0: return b.0
        case 1: return b.1
        case 2: return b.2
        default: return b.3
        }
    }

    /// 64 random bits at position `index`: stream words 2·index (high half) and 2·index + 1 (low half), the pair
    /// `RandomStream.nextDouble()` reads.
    @inlinable @inline(__always)
    public func bits(at index: UInt64) -> UInt64 {
        let b = block(index >> 1)
        return index & 1 == 0 ? UInt64(b.0) << 32 | UInt64(b.1) : UInt64(b.2) << 32 | UInt64(b.3)
    }

    /// A uniform `Float` in [0, 1) from word `index`: (w >> 8)·2⁻²⁴, the `index`-th `RandomStream.nextFloat()`.
    @inlinable @inline(__always)
    public func uniform(at index: Int) -> Float {
        Float(word(at: UInt64(truncatingIfNeeded: index)) >> 8) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Double` in [0, 1) from `bits(at: index)`: (bits >> 11)·2⁻⁵³, the `index`-th
    /// `RandomStream.nextDouble()`.
    @inlinable @inline(__always)
    public func uniformDouble(at index: Int) -> Double {
        Double(bits(at: UInt64(truncatingIfNeeded: index)) >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal `Float` at position `index`: Box–Muller on `uniformDouble` at 2·index and 2·index + 1,
    /// `√(−2 ln(1 − u₁)) · cos(2π u₂)`.
    public func normal(at index: Int) -> Float {
        let u1 = uniformDouble(at: 2 * index)
        let u2 = uniformDouble(at: 2 * index + 1)
        let radius = (-2 * log(1 - u1)).squareRoot()
        return Float(radius * cos(2 * Double.pi * u2))
    }
}
