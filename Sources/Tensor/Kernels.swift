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

/// `y[i] = x[i] · scale + shift` for `count` floats.
@inline(__always)
func affine(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int, scale: Float, shift: Float) {
    for i in 0..<count { y[i] = x[i] * scale + shift }
}
