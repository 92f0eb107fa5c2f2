import FastKernels

// The stream's bulk operations (`fill`, `addNormals`) and their eight-lane kernels (Philox blocks, the polar
// method, `LogF.log`), in one file on purpose: the release build compiles each file of a module as its own LLVM
// module, and the standard library's SIMD conversions, specialised where first used, would otherwise be
// out-of-line calls from the kernels in other files.

extension Philox4x32 {
    /// Eight consecutive blocks at once, one per SIMD lane: lane i is
    /// `block(counter: (first &+ i, c1, c2, c3), key: key)`.
    /// Returns the four output words of every lane (word j of lane i is `words.j[i]`).
    ///
    /// The multiplicands live in 64-bit lanes whose upper halves are ignored (only the low 32 bits of x0 and x2
    /// enter a product, and only low halves are returned), so each round is one 32 × 32 → 64-bit multiply per
    /// lane and word, a shift and two exclusive-ors: no masking or repacking between rounds.
    @inlinable @inline(__always)
    public static func blocks8(first: UInt32, c1: UInt32, c2: UInt32, c3: UInt32, key: (UInt32, UInt32))
        -> (SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>) {
        let low = SIMD8<UInt64>(repeating: 0xFFFF_FFFF)
        let m0 = SIMD8<UInt64>(repeating: UInt64(multiplier0)), m1 = SIMD8<UInt64>(repeating: UInt64(multiplier1))
        var x0 = SIMD8<UInt64>(repeating: UInt64(first)) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7)
        var x1 = SIMD8<UInt64>(repeating: UInt64(c1))
        var x2 = SIMD8<UInt64>(repeating: UInt64(c2))
        var x3 = SIMD8<UInt64>(repeating: UInt64(c3))
        @inline(__always) func round(_ k0: UInt32, _ k1: UInt32) {
            let p0 = (x0 & low) &* m0
            let p1 = (x2 & low) &* m1
            (x0, x1, x2, x3) = ((p1 &>> 32) ^ x1 ^ SIMD8(repeating: UInt64(k0)), p1,
                                (p0 &>> 32) ^ x3 ^ SIMD8(repeating: UInt64(k1)), p0)
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
        return (SIMD8<UInt32>(truncatingIfNeeded: x0), SIMD8<UInt32>(truncatingIfNeeded: x1),
                SIMD8<UInt32>(truncatingIfNeeded: x2), SIMD8<UInt32>(truncatingIfNeeded: x3))
    }
}

extension RandomStream {
    /// Fills `words` with the stream's next `words.count` words (the same words `nextUInt32()` would give),
    /// computing whole blocks eight at a time.
    public mutating func fill(_ words: UnsafeMutableBufferPointer<UInt32>) {
        var i = 0
        let n = words.count
        while i < n && position & 3 != 0 {
            words[i] = nextUInt32()
            i += 1
        }
        let key = self.key.philoxKey
        let c1 = UInt32(self.key.branch) << 16 | UInt32(self.key.stage)
        while n - i >= 32 {
            let block = UInt32(truncatingIfNeeded: position >> 2)
            let out = Philox4x32.blocks8(first: block, c1: c1,
                                         c2: self.key.sample, c3: self.key.epoch, key: key)
            for lane in 0..<8 {
                words[i + 4 * lane] = out.0[lane]
                words[i + 4 * lane + 1] = out.1[lane]
                words[i + 4 * lane + 2] = out.2[lane]
                words[i + 4 * lane + 3] = out.3[lane]
            }
            i += 32
            position &+= 32
        }
        while i < n {
            words[i] = nextUInt32()
            i += 1
        }
    }

    /// Adds `mean + std · N(0, 1)` to each of `count` values, in index order: the i-th accepted pair feeds z₀ to
    /// value 2i and z₁ to value 2i+1 (an odd last value gets z₀ only). Each value gets `v + (mean + std · z)`
    /// in Float arithmetic. Afterwards the stream stands just past the pair that gave the last value: where
    /// ⌈count/2⌉ calls of `normalPair()` would leave it.
    ///
    /// On x86-64 CPUs with AVX2 the work is done by the C kernel `hiclr_add_normals_avx2` (Sources/C/CKernels,
    /// called as `Kernels.addNormalsAVX2`), which performs the same operations eight lanes at a time; elsewhere,
    /// or with HICLR_KERNELS=portable, by `addNormalsPortable`. Both give the same bits (RandomStreamBulkTests).
    public mutating func addNormals(to values: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
        guard count > 0 else { return }
        // A pair read from an odd position straddles two blocks; no caller reads one there (the pipeline's stages
        // draw a two-word probability first), so that case simply goes pair by pair.
        guard position & 1 == 0 else {
            var j = 0
            while j < count {
                let (z0, z1) = normalPair()
                values[j] += mean + std * z0
                if j + 1 < count { values[j + 1] += mean + std * z1 }
                j += 2
            }
            return
        }
        if Kernels.avx2 {
            position = Kernels.addNormalsAVX2(values, count: count, mean: mean, std: std, position: position,
                                              key: key.philoxKey, counter: key.counterWords,
                                              constants: Self.polarConstants)
            if position & 3 != 0 { refill() }
            return
        }
        addNormalsPortable(to: values, count: count, mean: mean, std: std)
    }

    /// The constants the AVX2 kernel takes from here (one place: Philox4x32's and LogF's own).
    static let polarConstants = Kernels.PolarConstants(
        multipliers: (Philox4x32.multiplier0, Philox4x32.multiplier1), weyl: (Philox4x32.weyl0, Philox4x32.weyl1),
        logTable: LogF.scaledTable, coefficients: (LogF.a0, LogF.a1, LogF.a2))

    /// `addNormals` in Swift SIMD (any CPU), from an even position.
    mutating func addNormalsPortable(to values: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
        precondition(position & 1 == 0, "addNormalsPortable: odd position")
        guard count > 0 else { return }
        // Per round: (1) whole groups of 8 Philox blocks, 16 candidate pairs: pair 2b of a group is words 0, 1 and
        // pair 2b + 1 words 2, 3 of its block b, so u, v and s of eight pairs come out of one vector without
        // reordering words; (u, v) and the acceptance of every candidate are stored in stream order. (2) The
        // accepted (u, v) are compacted in order, in place (every candidate is written at slot m, and m advances
        // only past accepted ones), stopping at the pair that completes the values. (3) Eight accepted pairs at a
        // time: s, f = √(−2 ln s / s), z₀ = u·f, z₁ = v·f and the values. Every value gets the same Float and
        // Double operations as pair by pair (`normalPair`).
        let maxGroups = 16
        let maxPairs = 16 * maxGroups
        let logTable = UnsafeRawPointer(LogF.scaledTable)
        let philoxKey = key.philoxKey
        let c1 = UInt32(key.branch) << 16 | UInt32(key.stage), c2 = key.sample, c3 = key.epoch
        withUnsafeTemporaryAllocation(byteCount: 12 * maxPairs, alignment: 64) { buffer in
            let candidates = buffer.baseAddress!        // (u, v) of every candidate, 8 bytes each; then the kept
            let accepted = candidates + 8 * maxPairs    // 1 or 0 per candidate (UInt32)
            var i = 0
            while i < count {
                let pairsNeeded = (count - i + 1) >> 1
                // The round starts at pair `first` of block `blockStart` (the position is even).
                let first = Int(position & 2) >> 1
                let blockStart = position >> 2
                let base = UInt32(truncatingIfNeeded: blockStart)
                // About 1/(π/4) candidates per accepted pair, and a margin, so that the last round is usually
                // the only short one.
                let wanted = first + pairsNeeded + pairsNeeded >> 2 + pairsNeeded >> 5 + 8
                let groups = min(maxGroups, (wanted + 15) >> 4)
                for g in 0..<groups {
                    let (w0, w1, w2, w3) = Philox4x32.blocks8(first: base &+ UInt32(truncatingIfNeeded: 8 &* g),
                                                              c1: c1, c2: c2, c3: c3, key: philoxKey)
                    let even = Self.candidates(w0, w1)
                    let odd = Self.candidates(w2, w3)
                    let evenPairs = unsafeBitCast(Self.interleave(even.u, even.v), to: SIMD8<UInt64>.self)
                    let oddPairs = unsafeBitCast(Self.interleave(odd.u, odd.v), to: SIMD8<UInt64>.self)
                    candidates.storeBytes(of: Self.interleave(evenPairs, oddPairs), toByteOffset: 128 &* g,
                                          as: SIMD16<UInt64>.self)
                    accepted.storeBytes(of: Self.interleave(even.accepted, odd.accepted), toByteOffset: 64 &* g,
                                        as: SIMD16<UInt32>.self)
                }
                let total = 16 * groups
                var m = 0, q = first
                while q < total {
                    let pair = candidates.load(fromByteOffset: 8 &* q, as: UInt64.self)
                    candidates.storeBytes(of: pair, toByteOffset: 8 &* m, as: UInt64.self)
                    m &+= Int(accepted.load(fromByteOffset: 4 &* q, as: UInt32.self))
                    q &+= 1
                    if m == pairsNeeded { break }
                }
                // Whole pairs, and z₀ alone for an odd last value (only in the call's last round). Slots past m
                // hold candidates (total is a multiple of 8): computed and dropped.
                let n = min(2 * m, count - i)
                let out = UnsafeMutableRawPointer(values + i)
                var k = 0
                while 2 &* k < n {
                    let uv = candidates.load(fromByteOffset: 8 &* k, as: SIMD16<Float>.self)
                    let u = SIMD8(uv[0], uv[2], uv[4], uv[6], uv[8], uv[10], uv[12], uv[14])
                    let v = SIMD8(uv[1], uv[3], uv[5], uv[7], uv[9], uv[11], uv[13], uv[15])
                    let s = u * u + v * v
                    let f = Kernels.sqrt8(-2 * LogF.log(s, scaledTable: logTable) / s)
                    let noise = mean + std * Self.interleave(u * f, v * f)
                    let j = 2 &* k
                    if j &+ 16 <= n {
                        let x = UnsafeRawPointer(out).loadUnaligned(fromByteOffset: 4 &* j, as: SIMD16<Float>.self)
                        out.storeBytes(of: x + noise, toByteOffset: 4 &* j, as: SIMD16<Float>.self)
                    } else {
                        for l in 0..<(n &- j) { values[i &+ j &+ l] += noise[l] }
                    }
                    k &+= 8
                }
                i += n
                // Words past the last pair used go back: the position counts used words only.
                position = blockStart << 2 &+ 2 &* UInt64(q)
            }
        }
        if position & 3 != 0 { refill() }
    }

    /// Eight candidate pairs (a[i], b[i]): u = Float(a >> 8)·2⁻²³ − 1, v likewise, and 1 where 0 < u² + v² < 1,
    /// else 0 (the same Float operations as `normalPair`, lane by lane).
    @inline(__always)
    static func candidates(_ a: SIMD8<UInt32>, _ b: SIMD8<UInt32>)
        -> (u: SIMD8<Float>, v: SIMD8<Float>, accepted: SIMD8<UInt32>) {
        // w >> 8 < 2²⁴: its Int32 conversion is exact, like the scalar UInt32 one.
        let u = SIMD8<Float>(unsafeBitCast(a &>> 8, to: SIMD8<Int32>.self)) * 0x1p-23 - 1
        let v = SIMD8<Float>(unsafeBitCast(b &>> 8, to: SIMD8<Int32>.self)) * 0x1p-23 - 1
        let s = u * u + v * v
        // 0 ≤ s ≤ 2 as bit patterns: s < 1 ⟺ bits − 0x3F80_0000 wraps (top bit set); s > 0 ⟺ 0 − bits wraps.
        let bits = unsafeBitCast(s, to: SIMD8<UInt32>.self)
        let accepted = ((bits &- 0x3F80_0000) &>> 31) & ((SIMD8<UInt32>() &- bits) &>> 31)
        return (u, v, accepted)
    }

    /// (a[0], b[0], a[1], b[1], …).
    @inline(__always)
    static func interleave<T: SIMDScalar>(_ a: SIMD8<T>, _ b: SIMD8<T>) -> SIMD16<T> {
        SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }
}

extension LogF {
    /// For the eight-lane form, 64 × 16 entries of two Doubles: entry 16·j + i holds 1/c_i and
    /// log c_i + (−j)·ln2, the scalar form's `y0` for subinterval i and exponent k = −j, computed by the same
    /// operations (so the same bits); −46 ≤ k ≤ 0 on the polar method's inputs.
    @usableFromInline static let scaledTable: UnsafePointer<Double> = {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 64 * 16 * 16, alignment: 64)
        let p = raw.bindMemory(to: Double.self, capacity: 2 * 64 * 16)
        for j in 0..<64 {
            for i in 0..<16 {
                p[2 * (16 * j + i)] = invc[i]
                p[2 * (16 * j + i) + 1] = logc[i] + Double(Int32(-j)) * ln2
            }
        }
        return UnsafePointer(p)
    }()

    /// `log(_:)` of each lane, bit-identical to the scalar form on every lane in 2⁻⁶³ ≤ x < 2 (`LogFTests`
    /// compares them on every polar input): the same operations in the same order (IEEE products, sums and
    /// conversions are exact lane by lane, and nothing is fused), with log c + k·ln2 read from `scaledTable`.
    /// Lanes outside the domain give some value without trapping (the table index is always in range).
    @inlinable @inline(__always)
    public static func log(_ x: SIMD8<Float>) -> SIMD8<Float> {
        log(x, scaledTable: UnsafeRawPointer(scaledTable))
    }

    @inlinable @inline(__always)
    static func log(_ x: SIMD8<Float>, scaledTable table: UnsafeRawPointer) -> SIMD8<Float> {
        let ix = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let tmp = ix &- 0x3f33_0000
        let i = (tmp &>> 19) & 15
        let k = unsafeBitCast(tmp, to: SIMD8<Int32>.self) &>> 23
        let iz = ix &- (tmp & (0x1ff << 23))
        // Byte offset of entry 16·(−k mod 64) + i.
        let offset = unsafeBitCast(((SIMD8<Int32>() &- k) & 63) &<< 8, to: SIMD8<UInt32>.self) | (i &<< 4)
        let e0 = table.load(fromByteOffset: Int(offset[0]), as: SIMD2<Double>.self)
        let e1 = table.load(fromByteOffset: Int(offset[1]), as: SIMD2<Double>.self)
        let e2 = table.load(fromByteOffset: Int(offset[2]), as: SIMD2<Double>.self)
        let e3 = table.load(fromByteOffset: Int(offset[3]), as: SIMD2<Double>.self)
        let e4 = table.load(fromByteOffset: Int(offset[4]), as: SIMD2<Double>.self)
        let e5 = table.load(fromByteOffset: Int(offset[5]), as: SIMD2<Double>.self)
        let e6 = table.load(fromByteOffset: Int(offset[6]), as: SIMD2<Double>.self)
        let e7 = table.load(fromByteOffset: Int(offset[7]), as: SIMD2<Double>.self)
        let invc = SIMD8<Double>(e0[0], e1[0], e2[0], e3[0], e4[0], e5[0], e6[0], e7[0])
        let y0 = SIMD8<Double>(e0[1], e1[1], e2[1], e3[1], e4[1], e5[1], e6[1], e7[1])
        let z = SIMD8<Double>(unsafeBitCast(iz, to: SIMD8<Float>.self))
        let r = z * invc - 1
        let r2 = r * r
        var y = a1 * r + a2
        y = a0 * r2 + y
        y = y * r2 + (y0 + r)
        return SIMD8<Float>(y)
    }

    /// `log(_:)` of each of `xs` into `results` (at least `xs.count` slots) through the eight-lane form (the last
    /// partial group padded with 1).
    public static func log8(_ xs: UnsafeBufferPointer<Float>, into results: UnsafeMutableBufferPointer<Float>) {
        precondition(results.count >= xs.count, "LogF.log8: result buffer too small")
        let table = UnsafeRawPointer(scaledTable)
        guard let x = xs.baseAddress, let y = results.baseAddress else { return }
        var i = 0
        let n = xs.count
        while i < n {
            var v = SIMD8<Float>(repeating: 1)
            for lane in 0..<min(8, n - i) { v[lane] = x[i + lane] }
            let r = log(v, scaledTable: table)
            for lane in 0..<min(8, n - i) { y[i + lane] = r[lane] }
            i += 8
        }
    }
}
