import Foundation

/// A sequence of random words read from the Philox blocks of one `RandomKey`, in counter order.
///
/// A value type with no shared state: copying a stream copies its position, so a stage can record where its
/// draws started (see `GaussianNoise`) and replaying the copy gives the same numbers. Word `n` of a stream is
/// word `n % 4` of Philox block `n / 4`.
///
/// Conversions (all fixed, so an independent implementation can reproduce them):
/// - `nextFloat()`: `Float(w >> 8) · 2⁻²⁴`, one word, in [0, 1).
/// - `nextDouble()`: `((UInt64(a) << 32 | b) >> 11) · 2⁻⁵³`, two words a then b, in [0, 1).
/// - `nextInt(in:)`: Lemire's multiply-shift with rejection on 32-bit words.
/// - normals: Marsaglia's polar method on pairs of words (a, b): u = Float(a >> 8) · 2⁻²³ − 1,
///   v = Float(b >> 8) · 2⁻²³ − 1, s = u² + v²; pairs with s ≥ 1 or s = 0 are rejected and the next two words
///   tried; f = √(−2 ln s / s), z₀ = u·f, z₁ = v·f (Float arithmetic; ln is `LogF.log`, bit-identical to
///   glibc's `logf` on every s this can produce).
public struct RandomStream: Sendable, Equatable, Codable {
    /// The stream's key.
    public let key: RandomKey
    /// Number of words consumed so far.
    public internal(set) var position: UInt64
    private var b0: UInt32 = 0, b1: UInt32 = 0, b2: UInt32 = 0, b3: UInt32 = 0

    /// A stream at word `position` of `key`.
    public init(key: RandomKey, position: UInt64 = 0) {
        self.key = key
        self.position = position
        if position & 3 != 0 { refill() }
    }

    /// The stream of `RandomKey(seed:epoch:sample:branch:stage:)`.
    public init(seed: UInt64, epoch: Int, sample: Int, branch: Int, stage: Int) {
        self.init(key: RandomKey(seed: seed, epoch: epoch, sample: sample, branch: branch, stage: stage))
    }

    private enum CodingKeys: String, CodingKey { case key, position }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(key: try c.decode(RandomKey.self, forKey: .key),
                  position: try c.decode(UInt64.self, forKey: .position))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(position, forKey: .position)
    }

    public static func == (a: RandomStream, b: RandomStream) -> Bool {
        a.key == b.key && a.position == b.position
    }

    @inline(__always)
    mutating func refill() {
        let out = Philox4x32.block(counter: key.counter(block: UInt32(truncatingIfNeeded: position >> 2)),
                                   key: key.philoxKey)
        (b0, b1, b2, b3) = out
    }

    /// The next 32 random bits.
    @inline(__always)
    public mutating func nextUInt32() -> UInt32 {
        let word = position & 3
        if word == 0 { refill() }
        position &+= 1
        switch word {
        case 0: return b0
        case 1: return b1
        case 2: return b2
        default: return b3
        }
    }

    /// Uniform in [0, 1) with 24 random bits (one word).
    @inline(__always)
    public mutating func nextFloat() -> Float {
        Float(nextUInt32() >> 8) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits (two words).
    @inline(__always)
    public mutating func nextDouble() -> Double {
        let a = UInt64(nextUInt32())
        let b = UInt64(nextUInt32())
        return Double((a << 32 | b) >> 11) * 0x1p-53
    }

    /// Uniform in [lower, upper) (two words); `lower` when the range is empty.
    @inline(__always)
    public mutating func nextDouble(from lower: Double, to upper: Double) -> Double {
        lower + (upper - lower) * nextDouble()
    }

    /// Uniform integer in `range` (at most 2³² values), unbiased (Lemire's method).
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        precondition(span <= 1 << 32, "nextInt: range wider than 2^32")
        if span == 1 << 32 { return range.lowerBound + Int(nextUInt32()) }
        let s = UInt32(span)
        var m = UInt64(nextUInt32()) * UInt64(s)
        var low = UInt32(truncatingIfNeeded: m)
        if low < s {
            let threshold = (0 &- s) % s
            while low < threshold {
                m = UInt64(nextUInt32()) * UInt64(s)
                low = UInt32(truncatingIfNeeded: m)
            }
        }
        return range.lowerBound + Int(m >> 32)
    }

    /// One standard normal value (z₀ of a polar-method pair; z₁ is discarded).
    public mutating func nextNormal() -> Float {
        normalPair().0
    }

    /// Two independent standard normals (Marsaglia's polar method).
    @inline(__always)
    public mutating func normalPair() -> (Float, Float) {
        while true {
            let u = Float(nextUInt32() >> 8) * 0x1p-23 - 1
            let v = Float(nextUInt32() >> 8) * 0x1p-23 - 1
            let s = u * u + v * v
            if s < 1, s > 0 {
                let f = (-2 * LogF.log(s) / s).squareRoot()
                return (u * f, v * f)
            }
        }
    }

    /// `k` distinct integers from 0..<n, in draw order (partial Fisher–Yates: for i in 0..<k, swap slot i with a
    /// uniform slot in i...n−1). Writes into `result` (k slots) using `work` (n slots) as scratch.
    public mutating func choose(_ k: Int, from n: Int,
                                into result: UnsafeMutableBufferPointer<Int>,
                                work: UnsafeMutableBufferPointer<Int>) {
        precondition(k >= 0 && k <= n && result.count >= k && work.count >= n, "choose: bad sizes")
        for i in 0..<n { work[i] = i }
        for i in 0..<k {
            let j = nextInt(in: i...(n - 1))
            work.swapAt(i, j)
            result[i] = work[i]
        }
    }

    /// `k` distinct integers from 0..<n, in draw order (see `choose(_:from:into:work:)`).
    public mutating func choose(_ k: Int, from n: Int) -> [Int] {
        var work = [Int](repeating: 0, count: n)
        var result = [Int](repeating: 0, count: k)
        work.withUnsafeMutableBufferPointer { w in
            result.withUnsafeMutableBufferPointer { r in choose(k, from: n, into: r, work: w) }
        }
        return result
    }
}
