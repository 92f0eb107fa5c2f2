import FastKernels

/// The Gaussian blur's kernel: per channel and for each of the 50 values of a frame, correlates the series along
/// time with `weights` (zero padding), in Float:
///
///     out[t] = Σ_{k = lo}^{hi−1} w[k] · in[t + k − r],   r = kernel // 2,   lo, hi: the taps inside the clip,
///
/// summed from 0 in increasing k, exactly like the scalar loop (`reference`), bit for bit. Two things make it
/// faster than that loop without changing a bit:
///
/// - Vectors: the 50 values of a frame are 50 independent sums, kept in 13 SSE-sized registers while the taps of
///   one output frame are added (each lane adds in the scalar loop's order).
/// - No subnormal multiplications. Small-σ kernels have weights below 2⁻¹⁰⁰ (down to subnormal): `w · x` is then
///   subnormal, and x86 takes a ~150-cycle microcode assist for every such multiplication (a random σ in the
///   shipped range [0.1, 2] hit it for ~¼ of the views, doubling the stage's mean time). Those taps are computed
///   as `Float(Double(w) · Double(x))` instead: the Double product of two Floats is exact, and its one rounding
///   to Float is the IEEE Float product, subnormal or not, without an assist (conversions and additions of
///   subnormals are not penalised). Taps with weight exactly 0 add ±0, which leaves every sum unchanged (a sum
///   that starts at +0 is never −0), so they are skipped when the input holds no infinity or NaN (checked).
///
/// When the weights are not shaped like a Gaussian (zeros or tiny weights between larger ones) or the input is
/// not finite, every tap goes through the plain vector loop: still exact, only slower on subnormals.
///
/// On CPUs with AVX2 the Float taps (`mainPass`) run in the C kernel `hiclr_correlate_frames_avx2`
/// (Sources/C/CKernels/blur_avx2.c): the same products and sums per value, eight lanes a register.
enum TemporalCorrelation {
    /// Weights at or above this are multiplied in Float: their products with any |x| ≥ 2⁻²⁶ are normal.
    static let smallWeight: Float = 0x1p-100

    /// Writes the correlation of the (3, frames, 50) floats at `source` into `destination` (same size, not
    /// overlapping). With `avx2` the Float taps go through the C kernel `hiclr_correlate_frames_avx2` (the same
    /// operations, eight lanes a register; only when the CPU has AVX2), else through `correlateFrame`.
    static func correlate(weights: UnsafeBufferPointer<Float>, frames: Int, source: UnsafePointer<Float>,
                          destination: UnsafeMutablePointer<Float>, avx2: Bool = Kernels.avx2) {
        let kernel = weights.count
        guard frames > 0, kernel > 0, let w = weights.baseAddress else { return }
        let plan = Plan(weights: weights, frames: frames, source: source)
        let channel = frames * ClipBuffer.frameStride
        withUnsafeTemporaryAllocation(of: Double.self, capacity: kernel) { wide in
            for k in 0..<kernel { wide[k] = Double(w[k]) }
            let exact = UnsafePointer(wide.baseAddress!)
            for c in 0..<3 {
                let src = source + c * channel, dst = destination + c * channel
                if plan.a > plan.z1 {
                    exactPass(exact, kernel: kernel, frames: frames, taps: plan.z1..<plan.a, src, dst, accumulate: false)
                    mainPass(w, kernel: kernel, frames: frames, taps: plan.a..<plan.b, src, dst, initial: true, avx2: avx2)
                } else {
                    mainPass(w, kernel: kernel, frames: frames, taps: plan.a..<plan.b, src, dst, initial: false, avx2: avx2)
                }
                if plan.b < plan.z2 {
                    exactPass(exact, kernel: kernel, frames: frames, taps: plan.b..<plan.z2, src, dst, accumulate: true)
                }
            }
        }
    }

    /// Which taps go where: [z1, a) and [b, z2) exactly through Double, [a, b) in Float, the rest (weight 0) not
    /// at all.
    struct Plan: Equatable {
        var z1: Int, a: Int, b: Int, z2: Int

        init(z1: Int, a: Int, b: Int, z2: Int) {
            (self.z1, self.a, self.b, self.z2) = (z1, a, b, z2)
        }

        init(weights w: UnsafeBufferPointer<Float>, frames: Int, source: UnsafePointer<Float>) {
            let kernel = w.count
            var z1 = 0, z2 = kernel
            while z1 < kernel && w[z1] == 0 { z1 += 1 }
            while z2 > z1 && w[z2 - 1] == 0 { z2 -= 1 }
            var a = z1, b = z2
            while a < b && !(w[a] >= smallWeight) { a += 1 }
            while b > a && !(w[b - 1] >= smallWeight) { b -= 1 }
            var shaped = true
            for k in a..<b where !(w[k] >= smallWeight) || !w[k].isFinite { shaped = false }
            for k in z1..<z2 where w[k] == 0 || !w[k].isFinite { shaped = false }
            if shaped && (z1 > 0 || z2 < kernel) {
                shaped = allFinite(source, count: 3 * frames * ClipBuffer.frameStride)
            }
            self = shaped ? Plan(z1: z1, a: a, b: b, z2: z2) : Plan(z1: 0, a: 0, b: kernel, z2: kernel)
        }
    }

    /// True when no value is ±infinity or NaN.
    static func allFinite(_ p: UnsafePointer<Float>, count n: Int) -> Bool {
        var bad = SIMDMask<SIMD4<Int32>>()
        let magnitude = SIMD4<Int32>(repeating: 0x7fff_ffff), largest = SIMD4<Int32>(repeating: 0x7f7f_ffff)
        var i = 0
        while i + 4 <= n {
            bad .|= (UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Int32>.self) & magnitude) .> largest
            i += 4
        }
        var finite = !any(bad)
        while i < n {
            finite = finite && p[i].isFinite
            i += 1
        }
        return finite
    }

    /// Taps of `taps` inside the clip for output frame `t`.
    @inline(__always)
    static func inside(_ taps: Range<Int>, t: Int, frames: Int, radius: Int) -> Range<Int> {
        let lo = max(taps.lowerBound, radius - t), hi = min(taps.upperBound, frames + radius - t)
        return lo..<max(lo, hi)
    }

    /// One channel, taps `taps` in Float; with `initial`, each sum starts from what `dst` holds (the exact pass's
    /// partial sums) instead of 0.
    @inline(never)
    static func mainPass(_ w: UnsafePointer<Float>, kernel: Int, frames: Int, taps: Range<Int>,
                         _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, initial: Bool, avx2: Bool) {
        if avx2 {
            Kernels.correlateFramesAVX2(weights: w, kernel: kernel, frames: frames, taps: taps, source: src,
                                        destination: dst, initial: initial)
            return
        }
        let radius = kernel / 2, stride = ClipBuffer.frameStride
        for t in 0..<frames {
            let k = inside(taps, t: t, frames: frames, radius: radius)
            let input = src + (t + k.lowerBound - radius) * stride
            if initial {
                correlateFrame(w + k.lowerBound, k.count, input, dst + t * stride, initial: true)
            } else {
                correlateFrame(w + k.lowerBound, k.count, input, dst + t * stride, initial: false)
            }
        }
    }

    /// out[j] (+)= Σ_{i < count} w[i] · input[i·50 + j] for the 50 values of one frame, summed in increasing i,
    /// kept in registers until the end.
    @inline(__always)
    static func correlateFrame(_ w: UnsafePointer<Float>, _ count: Int, _ input: UnsafePointer<Float>,
                               _ out: UnsafeMutablePointer<Float>, initial: Bool) {
        typealias V = SIMD16<Float>
        var a0 = V(), a1 = V(), a2 = V(), a3 = SIMD2<Float>()
        if initial {
            let o = UnsafeRawPointer(out)
            a0 = o.loadUnaligned(as: V.self)
            a1 = o.loadUnaligned(fromByteOffset: 64, as: V.self)
            a2 = o.loadUnaligned(fromByteOffset: 128, as: V.self)
            a3 = o.loadUnaligned(fromByteOffset: 192, as: SIMD2<Float>.self)
        }
        var i = 0
        while i < count {
            let weight = w[i]
            let row = UnsafeRawPointer(input + i * ClipBuffer.frameStride)
            a0 += weight * row.loadUnaligned(as: V.self)
            a1 += weight * row.loadUnaligned(fromByteOffset: 64, as: V.self)
            a2 += weight * row.loadUnaligned(fromByteOffset: 128, as: V.self)
            a3 += weight * row.loadUnaligned(fromByteOffset: 192, as: SIMD2<Float>.self)
            i += 1
        }
        let o = UnsafeMutableRawPointer(out)
        o.storeBytes(of: a0, as: V.self)
        o.storeBytes(of: a1, toByteOffset: 64, as: V.self)
        o.storeBytes(of: a2, toByteOffset: 128, as: V.self)
        o.storeBytes(of: a3, toByteOffset: 192, as: SIMD2<Float>.self)
    }

    /// One channel, taps `taps` with exact products `Float(w · Double(x))`: writes the partial sums (from 0), or
    /// with `accumulate` adds to what `dst` holds.
    @inline(never)
    static func exactPass(_ w: UnsafePointer<Double>, kernel: Int, frames: Int, taps: Range<Int>,
                          _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let radius = kernel / 2, stride = ClipBuffer.frameStride
        for t in 0..<frames {
            let k = inside(taps, t: t, frames: frames, radius: radius)
            if k.isEmpty && accumulate { continue }
            let input = src + (t - radius) * stride  // tap k reads input + k·stride
            let out = dst + t * stride
            var q = 0
            while q < 48 {
                var acc = accumulate ? UnsafeRawPointer(out + q).loadUnaligned(as: SIMD4<Float>.self) : SIMD4<Float>()
                for i in k {
                    acc += exactProduct(w[i], UnsafeRawPointer(input + i * stride + q).loadUnaligned(as: SIMD4<Float>.self))
                }
                UnsafeMutableRawPointer(out + q).storeBytes(of: acc, as: SIMD4<Float>.self)
                q += 4
            }
            var acc = accumulate ? UnsafeRawPointer(out + 48).loadUnaligned(as: SIMD2<Float>.self) : SIMD2<Float>()
            for i in k {
                acc += exactProduct(w[i], UnsafeRawPointer(input + i * stride + 48).loadUnaligned(as: SIMD2<Float>.self))
            }
            UnsafeMutableRawPointer(out + 48).storeBytes(of: acc, as: SIMD2<Float>.self)
        }
    }

    /// The Float products w · x, rounded once from their exact Double values.
    @inline(__always)
    static func exactProduct(_ w: Double, _ x: SIMD4<Float>) -> SIMD4<Float> {
        let lo = SIMD2<Double>(Double(x[0]), Double(x[1])) * w
        let hi = SIMD2<Double>(Double(x[2]), Double(x[3])) * w
        return SIMD4<Float>(Float(lo[0]), Float(lo[1]), Float(hi[0]), Float(hi[1]))
    }

    @inline(__always)
    static func exactProduct(_ w: Double, _ x: SIMD2<Float>) -> SIMD2<Float> {
        let p = SIMD2<Double>(Double(x[0]), Double(x[1])) * w
        return SIMD2<Float>(Float(p[0]), Float(p[1]))
    }

    /// The definition: a scalar loop, for tests.
    static func reference(weights w: [Float], frames: Int, source: [Float]) -> [Float] {
        let kernel = w.count, radius = kernel / 2, stride = ClipBuffer.frameStride
        var out = [Float](repeating: 0, count: source.count)
        for c in 0..<3 {
            for t in 0..<frames {
                for j in 0..<stride {
                    var sum: Float = 0
                    for k in 0..<kernel {
                        let u = t + k - radius
                        if u >= 0 && u < frames { sum += w[k] * source[(c * frames + u) * stride + j] }
                    }
                    out[(c * frames + t) * stride + j] = sum
                }
            }
        }
        return out
    }
}
