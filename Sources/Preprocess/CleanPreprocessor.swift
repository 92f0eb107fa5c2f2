import RawData
import SkeletonCore

/// Our cleaned preprocessing (preprocessing.md, "Clean mode"): bodies tracked by bodyID across frames,
/// noisy bodies removed, the two bodies with the most motion energy kept (most energetic first), leading and
/// trailing empty frames cut, then the same centring, half-pixel resize and view alignment as the reference.
/// Bone and motion are derived from the final joint stream. Every decision is counted in `decisions`.
public struct CleanPreprocessor: Sendable {
    /// Frames kept from the raw sequence.
    public var maxFrames = 300
    public var outputFrames = SkeletonLayout.frames
    public var trim: LongClipTrim
    /// A track seen in fewer frames than this is noise (CTR-GCN's denoising uses 11), capped at half the clip.
    public var minTrackFrames = 11
    /// A frame is noisy when its x spread exceeds this times its y spread.
    public var spreadRatio: Float = 0.8
    /// A track is noise when more than this fraction of its frames are noisy.
    public var noisyFrameFraction: Float = 0.69754

    public init(trim: LongClipTrim = .first) {
        self.trim = trim
    }

    /// Decision counter keys.
    public enum Decision {
        public static let tracks = "tracks"
        public static let removedShort = "removed_short_body"
        public static let removedSpread = "removed_spread_body"
        public static let droppedLowEnergy = "dropped_low_energy_body"
        public static let trimmedFrames = "trimmed_empty_frames"
    }

    struct Track {
        var id: UInt64
        /// (frame index in the kept window, global body index)
        var occurrences: [(frame: Int, body: Int)] = []
        var energy: Double = 0
    }

    func isAllZero(_ seq: RawSequence, body b: Int) -> Bool {
        for k in 0..<75 where seq.positions[b * 75 + k] != 0 { return false }
        return true
    }

    func tracks(_ seq: RawSequence, window: Range<Int>) -> [Track] {
        var order: [UInt64] = []
        var byID: [UInt64: Track] = [:]
        for (t, f) in window.enumerated() {
            for b in seq.bodies(inFrame: f) where !isAllZero(seq, body: b) {
                let id = seq.bodyIDs[b]
                if byID[id] == nil { order.append(id); byID[id] = Track(id: id) }
                byID[id]!.occurrences.append((t, b))
            }
        }
        return order.map { byID[$0]! }
    }

    /// Fraction of the track's frames whose x spread exceeds `spreadRatio` × y spread.
    func noisyFraction(_ seq: RawSequence, _ track: Track) -> Float {
        var noisy = 0
        for (_, b) in track.occurrences {
            var minX = Float.infinity, maxX = -Float.infinity, minY = Float.infinity, maxY = -Float.infinity
            for v in 0..<25 {
                let x = seq.position(body: b, joint: v, coordinate: 0), y = seq.position(body: b, joint: v, coordinate: 1)
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
            if maxX - minX > spreadRatio * (maxY - minY) { noisy += 1 }
        }
        return Float(noisy) / Float(max(1, track.occurrences.count))
    }

    /// Motion energy: sum over joints and coordinates of the variance over the track's frames.
    func energy(_ seq: RawSequence, _ track: Track) -> Double {
        let n = Double(track.occurrences.count)
        var total = 0.0
        for k in 0..<75 {
            var sum = 0.0, sumSq = 0.0
            for (_, b) in track.occurrences {
                let x = Double(seq.positions[b * 75 + k])
                sum += x; sumSq += x * x
            }
            total += max(0, sumSq / n - (sum / n) * (sum / n))
        }
        return total
    }

    public func process(_ seq: RawSequence) throws -> PreprocessedSample {
        let window = keptFrames(seq.frameCount, limit: maxFrames, trim: trim)
        var decisions: [String: Int] = [:]
        var all = tracks(seq, window: window)
        decisions[Decision.tracks] = all.count
        let shortLimit = min(minTrackFrames, max(1, (window.count + 1) / 2))
        let beforeShort = all.count
        all.removeAll { $0.occurrences.count < shortLimit }
        decisions[Decision.removedShort] = beforeShort - all.count
        let beforeSpread = all.count
        all.removeAll { noisyFraction(seq, $0) > noisyFrameFraction }
        decisions[Decision.removedSpread] = beforeSpread - all.count
        for i in all.indices { all[i].energy = energy(seq, all[i]) }
        all.sort { $0.energy != $1.energy ? $0.energy > $1.energy : $0.occurrences[0].frame < $1.occurrences[0].frame }
        decisions[Decision.droppedLowEnergy] = max(0, all.count - SkeletonClip.bodies)
        let kept = all.prefix(SkeletonClip.bodies)
        guard !kept.isEmpty else {
            throw PreprocessError(reason: "no body left after removing noisy bodies (\(decisions[Decision.tracks]!) tracked)",
                                  code: "no_body_after_cleaning")
        }
        var clip = SkeletonClip(frames: window.count)
        var first = Int.max, last = -1
        for (m, track) in kept.enumerated() {
            for (t, b) in track.occurrences {
                first = min(first, t); last = max(last, t)
                for v in 0..<SkeletonClip.joints {
                    for c in 0..<SkeletonClip.channels { clip[c, t, v, m] = seq.position(body: b, joint: v, coordinate: c) }
                }
            }
        }
        let length = last - first + 1
        decisions[Decision.trimmedFrames] = window.count - length
        var trimmed = SkeletonClip(frames: length)
        for c in 0..<SkeletonClip.channels {
            for t in 0..<length {
                for k in 0..<clip.frameStride {
                    trimmed.values[c * trimmed.channelStride + t * clip.frameStride + k] =
                        clip.values[c * clip.channelStride + (first + t) * clip.frameStride + k]
                }
            }
        }
        ReferencePreprocessor.centre(&trimmed)
        var joint = TimeResize.resize(trimmed, length: length, to: outputFrames)
        ViewAlignment.alignY(&joint)
        return PreprocessedSample(joint: joint, bone: joint.bones(), motion: joint.motion(),
                                  length: length, bodies: joint.nonEmptyBodies, decisions: decisions)
    }
}
