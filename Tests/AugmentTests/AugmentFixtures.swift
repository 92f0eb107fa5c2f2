import Foundation
import SkeletonCore
@testable import Augment

/// Shared helpers for the Augment tests.
enum AugmentFixtures {
    /// Repository root (for pipelines/ and schemas/).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var pipelinesDirectory: URL { repositoryRoot.appendingPathComponent("pipelines") }

    /// Every shipped pipeline file, sorted.
    static func shippedPipelines() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: pipelinesDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func golden(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden") else {
            throw NSError(domain: "AugmentTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "missing golden \(name)"])
        }
        return try Data(contentsOf: url)
    }

    /// A deterministic non-trivial clip: smooth per-joint trajectories, body 2 present.
    static func syntheticClip(frames: Int, phase: Float = 0) -> SkeletonClip {
        var clip = SkeletonClip(frames: frames)
        for c in 0..<3 {
            for t in 0..<frames {
                for v in 0..<25 {
                    for m in 0..<2 {
                        let x = Float(c) * 1.1 + Float(t) * 0.13 + Float(v) * 0.37 + Float(m) * 0.7 + phase
                        clip[c, t, v, m] = sin(x) * (1 + Float(v) / 50) + Float(c) * 0.1
                    }
                }
            }
        }
        return clip
    }

    /// FNV-1a 64 over the float bytes (stable across runs and platforms with the same endianness).
    static func fnv1a(_ values: [Float], into hash: inout UInt64) {
        for value in values {
            var bits = value.bitPattern
            for _ in 0..<4 {
                hash ^= UInt64(bits & 0xFF)
                hash = hash &* 0x100_0000_01B3
                bits >>= 8
            }
        }
    }

    /// FNV-1a over every view's joint values, mask and branch name.
    static func hash(_ views: [AugmentedView]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for view in views {
            for byte in view.branch.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
            for s in view.streams { fnv1a(s.clip.values, into: &h) }
            if let mask = view.mask { fnv1a(mask.map { $0 ? 1 : 0 }, into: &h) }
        }
        return h
    }

    /// Bone lengths ‖x[v] − x[parent(v)]‖ for every (t, v, m).
    static func boneLengths(_ clip: SkeletonClip) -> [Float] {
        let bones = clip.bones()
        var out: [Float] = []
        for t in 0..<clip.frames {
            for v in 0..<25 {
                for m in 0..<2 {
                    let x = bones[0, t, v, m], y = bones[1, t, v, m], z = bones[2, t, v, m]
                    out.append((x * x + y * y + z * z).squareRoot())
                }
            }
        }
        return out
    }

    static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// Decodes one pipeline stage from its JSON form.
    static func stage(json: String) throws -> AnyStage {
        try JSONDecoder().decode(AnyStage.self, from: Data(json.utf8))
    }
}
