import CounterRandom

// Small loops shared by the operations. Each works on raw pointers and is written so the
// compiler can vectorise it (several independent accumulators, no bounds checks).

/// Sum of `count` floats (accumulated in eight lanes, then in `Double`).
@inline(__always)
func sumOf(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
    var lanes = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        lanes += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = Double(lanes.sum())
    while i < count { total += Double(p[i]); i += 1 }
    return Float(total)
}

/// `Σ x` and `Σ x²` of `count` floats around a shift `c` (i.e. of `x − c`), in `Double`.
@inline(__always)
func shiftedMoments(_ p: UnsafePointer<Float>, _ count: Int, shift c: Float) -> (sum: Double, squares: Double) {
    var s = SIMD8<Float>(), q = SIMD8<Float>()
    let shift = SIMD8<Float>(repeating: c)
    var i = 0
    while i + 8 <= count {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) - shift
        s += v
        q += v * v
        i += 8
    }
    var sum = Double(s.sum()), squares = Double(q.sum())
    while i < count {
        let v = Double(p[i] - c)
        sum += v; squares += v * v
        i += 1
    }
    return (sum, squares)
}

/// `Σ a·b` of `count` float pairs, in `Double`.
@inline(__always)
func dotOf(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Double {
    var lanes = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        lanes += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = Double(lanes.sum())
    while i < count { total += Double(a[i] * b[i]); i += 1 }
    return total
}

/// `Σ a·(b − c)` of `count` float pairs, in `Double`.
@inline(__always)
func centeredDotOf(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, center c: Float, _ count: Int) -> Double {
    var lanes = SIMD8<Float>()
    let center = SIMD8<Float>(repeating: c)
    var i = 0
    while i + 8 <= count {
        lanes += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            * (UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self) - center)
        i += 8
    }
    var total = Double(lanes.sum())
    while i < count { total += Double(a[i] * (b[i] - c)); i += 1 }
    return total
}


// Element-wise kernels written with explicit SIMD vectors: the plain scalar loops compiled to
// branchy code (a mispredicted branch per element on random ReLU masks).

/// Sixteen Float32 lanes (one AVX-512 register, two AVX ones); not half precision.
typealias FloatLanes16 = SIMD16<Float>

@inline(__always)
private func load(_ p: UnsafePointer<Float>) -> FloatLanes16 {
    UnsafeRawPointer(p).loadUnaligned(as: FloatLanes16.self)
}

@inline(__always)
private func store(_ v: FloatLanes16, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: FloatLanes16.self)
}

/// `dst[i] = out[i] > 0 ? g[i] : 0` (the ReLU gradient given its output); `dst` may be `g`.
@inline(__always)
func maskByPositive(_ g: UnsafePointer<Float>, _ out: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                    _ count: Int) {
    var i = 0
    while i &+ 16 <= count {
        let keep = load(out + i) .> 0
        store(FloatLanes16(repeating: 0).replacing(with: load(g + i), where: keep), dst + i)
        i &+= 16
    }
    while i < count { dst[i] = out[i] > 0 ? g[i] : 0; i &+= 1 }
}

/// `dst[i] = max(src[i], 0)`; `dst` may be `src`.
@inline(__always)
func rectify(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    let zero = FloatLanes16(repeating: 0)
    while i &+ 16 <= count {
        let v = load(src + i)
        store(zero.replacing(with: v, where: v .> 0), dst + i)
        i &+= 16
    }
    while i < count { dst[i] = max(src[i], 0); i &+= 1 }
}

/// `dst[i] += alpha · src[i]`.
@inline(__always)
func addScaled(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, alpha: Float, _ count: Int) {
    var i = 0
    while i &+ 16 <= count {
        store(load(dst + i) + alpha * load(src + i), dst + i)
        i &+= 16
    }
    while i < count { dst[i] += alpha * src[i]; i &+= 1 }
}

/// `y[i] = a·d[i] + b·x[i] + c`.
@inline(__always)
func linearCombination(_ d: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                       a: Float, b: Float, c: Float, _ count: Int) {
    var i = 0
    while i &+ 16 <= count {
        store(a * load(d + i) + b * load(x + i) + FloatLanes16(repeating: c), y + i)
        i &+= 16
    }
    while i < count { y[i] = a * d[i] + b * x[i] + c; i &+= 1 }
}

/// Writes the dropout multipliers (`factor` for kept elements, 0 for dropped ones) of elements
/// `start ..< start + count` into `out`; see ``Dropout`` for the mask definition. Element e reads 16-bit lane
/// e mod 4 of `key.bits(at: e / 4)`, so one Philox block (128 bits) serves eight elements.
@inline(__always)
func dropoutMultipliers(_ key: RandomKey, start: Int, count: Int, threshold: UInt64, factor: Float,
                        into out: UnsafeMutablePointer<Float>) {
    // Branch-free: (lane − threshold) wraps around (top bit set) exactly when the lane is below it.
    @inline(__always) func multiplier(_ lane: UInt64) -> Float {
        Float(((lane &- threshold) >> 63) ^ 1) * factor
    }
    @inline(__always) func single(_ element: Int) -> Float {
        multiplier((key.bits(at: UInt64(element >> 2)) >> (16 &* UInt64(element & 3))) & 0xFFFF)
    }
    var i = 0
    // Head: elements before the first group of eight.
    while i < count && (start &+ i) & 7 != 0 {
        out[i] = single(start &+ i)
        i &+= 1
    }
    // Whole blocks: bits(at: 2k) = words 0, 1 and bits(at: 2k + 1) = words 2, 3 of block k.
    while i &+ 8 <= count {
        let b = key.block(UInt64((start &+ i) >> 3))
        let low = UInt64(b.0) << 32 | UInt64(b.1), high = UInt64(b.2) << 32 | UInt64(b.3)
        out[i] = multiplier(low & 0xFFFF)
        out[i &+ 1] = multiplier((low >> 16) & 0xFFFF)
        out[i &+ 2] = multiplier((low >> 32) & 0xFFFF)
        out[i &+ 3] = multiplier(low >> 48)
        out[i &+ 4] = multiplier(high & 0xFFFF)
        out[i &+ 5] = multiplier((high >> 16) & 0xFFFF)
        out[i &+ 6] = multiplier((high >> 32) & 0xFFFF)
        out[i &+ 7] = multiplier(high >> 48)
        i &+= 8
    }
    // Tail.
    while i < count {
        out[i] = single(start &+ i)
        i &+= 1
    }
}

/// Runs `body(offset, count, multipliers)` over `range` in blocks, with the dropout multipliers
/// of each block in a scratch buffer.
@inline(__always)
func withDropoutBlocks(_ range: Range<Int>, key: RandomKey, threshold: UInt64, factor: Float,
                       _ body: (Int, Int, UnsafePointer<Float>) -> Void) {
    let block = 4096
    withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { scratch in
        guard let buffer = scratch.baseAddress else { return }
        var start = range.lowerBound
        while start < range.upperBound {
            let count = min(block, range.upperBound - start)
            dropoutMultipliers(key, start: start, count: count, threshold: threshold, factor: factor, into: buffer)
            body(start, count, buffer)
            start += count
        }
    }
}

/// `y[i] = x[i] · scale + shift` for `count` floats.
@inline(__always)
func affine(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int, scale: Float, shift: Float) {
    var i = 0
    let offset = FloatLanes16(repeating: shift)
    while i &+ 16 <= count {
        store(load(x + i) * scale + offset, y + i)
        i &+= 16
    }
    while i < count { y[i] = x[i] * scale + shift; i &+= 1 }
}

/// `x[i] = max(x[i] · m[i] + s[i], 0)`, with `m` (multipliers) and `s` (shortcut) optional.
@inline(__always)
func residualRectify(_ x: UnsafeMutablePointer<Float>, multipliers m: UnsafePointer<Float>?,
                     shortcut s: UnsafePointer<Float>?, _ count: Int) {
    var i = 0
    let zero = FloatLanes16(repeating: 0)
    while i &+ 16 <= count {
        var v = load(x + i)
        if let m { v *= load(m + i) }
        if let s { v += load(s + i) }
        store(zero.replacing(with: v, where: v .> 0), x + i)
        i &+= 16
    }
    while i < count {
        var v = x[i]
        if let m { v *= m[i] }
        if let s { v += s[i] }
        x[i] = max(v, 0)
        i &+= 1
    }
}

/// `g[i] = out[i] > 0 ? g[i] : 0` and `d[i] = g[i] · m[i]` (the gradient through ReLU, then
/// through the dropout multipliers).
@inline(__always)
func maskAndMultiply(_ g: UnsafeMutablePointer<Float>, _ out: UnsafePointer<Float>, _ m: UnsafePointer<Float>,
                     _ d: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    let zero = FloatLanes16(repeating: 0)
    while i &+ 16 <= count {
        let masked = zero.replacing(with: load(g + i), where: load(out + i) .> 0)
        store(masked, g + i)
        store(masked * load(m + i), d + i)
        i &+= 16
    }
    while i < count {
        let masked = out[i] > 0 ? g[i] : 0
        g[i] = masked
        d[i] = masked * m[i]
        i &+= 1
    }
}

/// `y[i] = x[i] · m[i]`.
@inline(__always)
func multiplyElements(_ x: UnsafePointer<Float>, _ m: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                      _ count: Int) {
    var i = 0
    while i &+ 16 <= count {
        store(load(x + i) * load(m + i), y + i)
        i &+= 16
    }
    while i < count { y[i] = x[i] * m[i]; i &+= 1 }
}
