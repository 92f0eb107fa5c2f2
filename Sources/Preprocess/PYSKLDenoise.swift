import RawData
import SkeletonCore

/// The body and frame selection of PYSKL's NTU script, kennymckormick/pyskl `tools/data/ntu_preproc.py`
/// (docs/preprocessing.md, "Clean mode"; line numbers below are of that file). Our own code, written from a
/// reading of it; `scripts/golden_pyskl_denoise.py` re-implements it independently in NumPy and was checked
/// against the real functions. Arithmetic follows NumPy 1.x on float32 arrays where it decides anything:
/// variances are summed row by row in float32, as NumPy reduces along axis 0 (the sort keys, so ties and
/// near-ties order as PYSKL's do).
public enum PYSKLDenoise {
    /// Bodies seen in fewer than this many frames + 1 are noise (`length_threshold`, line 98; kept: `> 11`, line 105).
    public static let lengthThreshold = 11
    /// A frame is valid when its x spread is at most this times its y spread (`wh_ratio`, lines 57 and 64).
    public static let whRatio = 0.8
    /// A body is noise when at least this fraction of its frames is not valid (`spnoise_ratio`, lines 58 and 74).
    public static let spreadNoiseRatio = 0.69754
    /// Frames and joints summing to less than this in absolute value are empty (`eps`, line 11).
    public static let eps = 1e-3

    /// Decision counter keys (summed into the conversion report as `clean.<key>`).
    public enum Decision {
        /// Distinct body IDs read (the keys of parse_skeleton_file's dict, line 33).
        public static let bodyIDs = "body_ids"
        /// Frames listing no body, skipped without advancing the frame index (lines 29–30).
        public static let skippedEmptyFrames = "skipped_empty_frames"
        /// Bodies of at most 11 frames removed (line 105).
        public static let removedShort = "removed_short_body"
        /// Bodies removed by the spread rule (line 74).
        public static let removedSpread = "removed_spread_body"
        /// Bodies kept whose motion was lowered to that of their valid frames (line 78).
        public static let spreadMotionLowered = "spread_motion_lowered"
        /// Bodies placed into a slot after an earlier body, their frames not overlapping it (lines 121–123).
        public static let packedAfterAnother = "packed_body_into_used_slot"
        /// Bodies overlapping both slots, dropped (neither branch of lines 121–126).
        public static let droppedOverlapping = "dropped_overlapping_body"
        /// Leading and trailing empty frames removed by non_zero (lines 87–94).
        public static let trimmedFrames = "trimmed_empty_frames"
        /// Samples whose slots were swapped because slot 1 is empty in frame 0 (lines 129–130).
        public static let swappedSlots = "swapped_body_slots"
    }

    /// One body ID's frames (parse_skeleton_file, lines 31–45): the global body indices of `seq` in order of
    /// appearance, the frame index of its first appearance, and its motion.
    struct Body {
        var id: UInt64
        var start: Int
        var rows: [Int] = []
        var motion: Float = 0
        var frames: Int { rows.count }
    }

    /// The bodies of `seq` by ID, in order of first appearance (a Python dict keeps insertion order), with the
    /// number of frames that list no body. Such frames do not advance the frame index (lines 24–30, 46), so a
    /// body's `start` counts non-empty frames only, and a body that leaves and comes back has its frames
    /// stored one after another from `start` (line 45), as PYSKL stores them.
    /// - Parameter zeroBodiesAreAbsent: skip bodies whose 75 values are all zero (PKU-MMD writes an absent
    ///   actor as zeros; NTU files list only present bodies, so NTU conversions pass false).
    static func parse(_ seq: RawSequence, zeroBodiesAreAbsent: Bool) -> (bodies: [Body], emptyFrames: Int) {
        var bodies: [Body] = []
        var index: [UInt64: Int] = [:]
        var frameIndex = 0, emptyFrames = 0
        for f in 0..<seq.frameCount {
            var listed = false
            for b in seq.bodies(inFrame: f) {
                if zeroBodiesAreAbsent && isAllZero(seq, body: b) { continue }
                listed = true
                let id = seq.bodyIDs[b]
                if index[id] == nil {
                    index[id] = bodies.count
                    bodies.append(Body(id: id, start: frameIndex))
                }
                bodies[index[id]!].rows.append(b)
            }
            if listed { frameIndex += 1 } else { emptyFrames += 1 }
        }
        for i in bodies.indices { bodies[i].motion = motion(seq, rows: bodies[i].rows) }
        return (bodies, emptyFrames)
    }

    static func isAllZero(_ seq: RawSequence, body b: Int) -> Bool {
        for k in 0..<75 where seq.positions[b * 75 + k] != 0 { return false }
        return true
    }

    /// Sum over x, y, z of the variance of all joints of all `rows` (line 49: `np.var` of the stacked
    /// (frames·25, 3) array along axis 0, then `np.sum`), in float32 as NumPy computes it: column sums
    /// accumulated row by row, mean = sum / n, squared deviations accumulated row by row and divided by n,
    /// then (var_x + var_y) + var_z.
    static func motion(_ seq: RawSequence, rows: [Int]) -> Float {
        let n = Float(rows.count * 25)
        var variance: [Float] = [0, 0, 0]
        seq.positions.withUnsafeBufferPointer { p in
            for c in 0..<3 {
                var sum: Float = 0
                for b in rows { for v in 0..<25 { sum += p[(b * 25 + v) * 3 + c] } }
                let mean = sum / n
                var squares: Float = 0
                for b in rows {
                    for v in 0..<25 {
                        let d = p[(b * 25 + v) * 3 + c] - mean
                        squares += d * d
                    }
                }
                variance[c] = squares / n
            }
        }
        return (variance[0] + variance[1]) + variance[2]
    }

    /// Indices of `items` in stable ascending order of −motion, like Python's `list.sort(key=lambda x: -x['motion'])`
    /// (lines 83 and 101): higher motion first, equal motions in their current order.
    static func stableByMotion(_ items: [Body]) -> [Body] {
        items.indices.sorted { a, b in
            let ka = -items[a].motion, kb = -items[b].motion
            return ka != kb ? ka < kb : a < b
        }.map { items[$0] }
    }

    /// Frames (positions within the body) whose x spread is at most 0.8 × the y spread (get_valid_frames,
    /// lines 60–66). The spreads are float32 (max − min of float32 values); NumPy 1.x multiplies a float32
    /// scalar by the Python float 0.8 in double, so the comparison is in double.
    static func validFrames(_ seq: RawSequence, _ body: Body) -> [Int] {
        var valid: [Int] = []
        for (i, b) in body.rows.enumerated() {
            var minX = Float.infinity, maxX = -Float.infinity, minY = Float.infinity, maxY = -Float.infinity
            for v in 0..<25 {
                let x = seq.position(body: b, joint: v, coordinate: 0), y = seq.position(body: b, joint: v, coordinate: 1)
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
            if Double(maxX - minX) <= whRatio * Double(maxY - minY) { valid.append(i) }
        }
        return valid
    }

    /// The denoised keypoints of `seq`: PYSKL's keypoint array (M, T, 25, 3) as a clip (3, T, 25, 2) with body
    /// slot 2 all zero when M = 1, and the decisions taken.
    ///
    /// Throws where PYSKL has no annotation: no body at all (gen_anno returns None, lines 155–156), and two
    /// inputs on which the script stops with an exception — every body removed as short or noisy (the
    /// assertion of line 81) and packed keypoints that are zero in every frame (non_zero, line 90, runs past
    /// the end).
    public static func denoise(_ seq: RawSequence, zeroBodiesAreAbsent: Bool = false) throws -> DenoisedBodies {
        var decisions: [String: Int] = [:]
        let (parsed, emptyFrames) = parse(seq, zeroBodiesAreAbsent: zeroBodiesAreAbsent)
        decisions[Decision.bodyIDs] = parsed.count
        decisions[Decision.skippedEmptyFrames] = emptyFrames
        guard !parsed.isEmpty else {
            throw PreprocessError(reason: "no body in any frame (PYSKL's script writes no annotation for it)", code: "no_body")
        }
        // Lines 100–103: sort by motion; one body is returned as it is (no length, spread or frame trimming).
        var bodies = stableByMotion(parsed)
        if bodies.count == 1 { return single(seq, bodies[0], decisions) }
        // Lines 105–107: keep bodies of more than 11 frames.
        let long = bodies.filter { $0.frames > lengthThreshold }
        decisions[Decision.removedShort] = bodies.count - long.count
        bodies = long
        if bodies.count == 1 { return single(seq, bodies[0], decisions) }
        // spread_denoising, lines 68–84.
        var kept: [Body] = []
        var lowered = 0
        for var body in bodies {
            let valid = validFrames(seq, body)
            if valid.count == body.frames { kept.append(body); continue }
            let ratio = Double(valid.count) / Double(body.frames)
            if 1 - ratio >= spreadNoiseRatio { continue }
            let validMotion = motion(seq, rows: valid.map { body.rows[$0] })
            if validMotion < body.motion { body.motion = validMotion; lowered += 1 }
            kept.append(body)
        }
        decisions[Decision.removedSpread] = bodies.count - kept.count
        decisions[Decision.spreadMotionLowered] = lowered
        guard !kept.isEmpty else {
            throw PreprocessError(reason: "every one of the \(parsed.count) bodies is at most \(lengthThreshold) frames long "
                                  + "or spread-noisy (PYSKL's script stops on this file: the assertion of spread_denoising)",
                                  code: "no_body_after_cleaning")
        }
        bodies = stableByMotion(kept)
        if bodies.count == 1 { return single(seq, bodies[0], decisions) }
        return try pack(seq, bodies, decisions)
    }

    /// Lines 103, 107 and 110: the one body as keypoint (1, T, 25, 3).
    static func single(_ seq: RawSequence, _ body: Body, _ decisions: [String: Int]) -> DenoisedBodies {
        var clip = SkeletonClip(frames: body.frames)
        for (t, b) in body.rows.enumerated() { copy(seq, body: b, into: &clip, frame: t, slot: 0) }
        return DenoisedBodies(clip: clip, bodies: 1, decisions: decisions)
    }

    static func copy(_ seq: RawSequence, body b: Int, into clip: inout SkeletonClip, frame t: Int, slot m: Int) {
        for v in 0..<SkeletonClip.joints {
            for c in 0..<SkeletonClip.channels { clip[c, t, v, m] = seq.position(body: b, joint: v, coordinate: c) }
        }
    }

    /// Lines 111–131: two slots over frames 0..<max(start + frames); the first body fills slot 0; each next body
    /// goes to slot 0 when its frame range does not overlap the range slot 0 spans so far, else to slot 1 on the
    /// same test, else nowhere. Slot 1's span starts as 0..<0 and grows as min/max with 0, so it always begins
    /// at frame 0 (line 126). Then non_zero trims empty ends and frame 0 decides the final slot swap.
    static func pack(_ seq: RawSequence, _ bodies: [Body], _ decisions: [String: Int]) throws -> DenoisedBodies {
        var decisions = decisions
        let total = bodies.map { $0.start + $0.frames }.max()!
        var clip = SkeletonClip(frames: total)
        func place(_ body: Body, slot: Int) {
            for (i, b) in body.rows.enumerated() { copy(seq, body: b, into: &clip, frame: body.start + i, slot: slot) }
        }
        var s1 = bodies[0].start, e1 = bodies[0].start + bodies[0].frames, s2 = 0, e2 = 0
        place(bodies[0], slot: 0)
        var packed = 0, dropped = 0
        for body in bodies.dropFirst() {
            let s = body.start, e = body.start + body.frames
            if max(s1, s) >= min(e1, e) {
                place(body, slot: 0)
                s1 = min(s, s1); e1 = max(e, e1)
                packed += 1
            } else if max(s2, s) >= min(e2, e) {
                place(body, slot: 1)
                if e2 > 0 { packed += 1 }
                s2 = min(s, s2); e2 = max(e, e2)
            } else {
                dropped += 1
            }
        }
        decisions[Decision.packedAfterAnother] = packed
        decisions[Decision.droppedOverlapping] = dropped
        // non_zero, lines 87–94: first and last frames whose absolute values (both slots) sum to ≥ eps.
        func frameMass(_ t: Int) -> Double {
            var sum = 0.0
            for c in 0..<SkeletonClip.channels {
                for k in 0..<clip.frameStride { sum += Double(abs(clip.values[c * clip.channelStride + t * clip.frameStride + k])) }
            }
            return sum
        }
        var first = 0, end = total
        while first < total && frameMass(first) < eps { first += 1 }
        guard first < total else {
            throw PreprocessError(reason: "the denoised bodies are zero in every frame (PYSKL's script stops on this file: "
                                  + "non_zero runs past the last frame)", code: "all_zero_keypoints")
        }
        while frameMass(end - 1) < eps { end -= 1 }
        decisions[Decision.trimmedFrames] = total - (end - first)
        var out = SkeletonClip(frames: end - first)
        for c in 0..<SkeletonClip.channels {
            for t in 0..<out.frames {
                for k in 0..<clip.frameStride {
                    out.values[c * out.channelStride + t * out.frameStride + k] =
                        clip.values[c * clip.channelStride + (first + t) * clip.frameStride + k]
                }
            }
        }
        // Lines 129–130: joint 2 (index 1) of frame 0, |x| + |y| + |z| summed in float32 left to right.
        func spineMass(_ m: Int) -> Double {
            Double((abs(out[0, 0, 1, m]) + abs(out[1, 0, 1, m])) + abs(out[2, 0, 1, m]))
        }
        var swapped = 0
        if spineMass(0) < eps && spineMass(1) > eps {
            for c in 0..<SkeletonClip.channels {
                for t in 0..<out.frames {
                    for v in 0..<SkeletonClip.joints {
                        let a = out[c, t, v, 0]
                        out[c, t, v, 0] = out[c, t, v, 1]
                        out[c, t, v, 1] = a
                    }
                }
            }
            swapped = 1
        }
        decisions[Decision.swappedSlots] = swapped
        return DenoisedBodies(clip: out, bodies: 2, decisions: decisions)
    }
}

/// PYSKL's denoised keypoints of one sample (docs/preprocessing.md, "Clean mode").
public struct DenoisedBodies: Sendable {
    /// keypoint (M, T, 25, 3) as a clip (3, T, 25, 2): T = `clip.frames`; slot 2 all zero when M = 1.
    public var clip: SkeletonClip
    /// Body slots M of PYSKL's array: 1 or 2.
    public var bodies: Int
    /// Decisions taken (keys: `PYSKLDenoise.Decision`).
    public var decisions: [String: Int]

    /// The keypoints in the (frame, xyz, joint, body) order of the shards' `raw` dataset.
    public var frameMajorValues: [Float] {
        let t = clip.frames, stride = clip.frameStride
        var values = [Float](repeating: 0, count: t * SkeletonClip.channels * stride)
        for c in 0..<SkeletonClip.channels {
            for f in 0..<t {
                for k in 0..<stride {
                    values[(f * SkeletonClip.channels + c) * stride + k] = clip.values[c * clip.channelStride + f * stride + k]
                }
            }
        }
        return values
    }
}
