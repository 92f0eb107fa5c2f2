import YAMLFiles
import SkeletonCore

/// Random joint mask (HiCLR's strong branch, T2): in every frame, int(25 · ratio) distinct joints are chosen and
/// all their coordinates, in both bodies, are set to `fill`. The chosen joints are part of the parameters, so the
/// runner can hand the (T × 25) mask to the trainer, which replaces the fill by a learnable token.
///
/// Unlike the reference trainer (one mask shared by the whole batch), every sample and branch draws its own.
public struct JointMask: AugmentationStage {
    public static let name = "joint_mask"
    public static let summary = "hide int(25 * ratio) random joints per frame (both bodies), returning the mask"
    public static let parameterHelp = [
        StageParameterHelp("p", "1", "probability the stage acts"),
        StageParameterHelp("ratio", "0.1", "fraction of the 25 joints hidden in each frame (int(25 * ratio) joints)"),
        StageParameterHelp("fill", "0", "value written into hidden joints (the trainer uses a learnable token)"),
    ]

    public static let producesJointMask = true

    public var probability: Double
    public var ratio: Double
    public var fill: Double

    public init(probability: Double = 1, ratio: Double = 0.1, fill: Double = 0) {
        self.probability = probability
        self.ratio = ratio
        self.fill = fill
    }

    /// Joints hidden per frame: int(25 · ratio).
    public var jointsPerFrame: Int { Int(Double(SkeletonLayout.joints) * ratio) }

    public struct Parameters: Codable, Equatable, Sendable {
        /// Joints hidden in each frame.
        public var jointsPerFrame: Int
        /// Hidden joint indices, frame-major: frame t owns `joints[t * jointsPerFrame ..< (t + 1) * jointsPerFrame]`.
        public var joints: [UInt8]

        public init(jointsPerFrame: Int, joints: [UInt8]) {
            self.jointsPerFrame = jointsPerFrame
            self.joints = joints
        }

        /// The (T × 25) mask, frame-major, true where a joint is hidden.
        public func mask(frames: Int) -> [Bool] {
            var mask = [Bool](repeating: false, count: frames * SkeletonLayout.joints)
            mark(into: &mask, frames: frames)
            return mask
        }

        /// Sets the hidden joints of a frame-major (T × 25) mask to true.
        public func mark(into mask: inout [Bool], frames: Int) {
            let k = jointsPerFrame
            guard k > 0, mask.count >= frames * SkeletonLayout.joints, joints.count >= frames * k else { return }
            for t in 0..<frames {
                for j in 0..<k where joints[t * k + j] < SkeletonLayout.joints {
                    mask[t * SkeletonLayout.joints + Int(joints[t * k + j])] = true
                }
            }
        }
    }

    /// Per frame in order, `RandomStream.choose(k, from: 25)`.
    public func draw(from stream: inout RandomStream, frames: Int) -> Parameters {
        let k = min(max(jointsPerFrame, 0), SkeletonLayout.joints)
        var joints = [UInt8](repeating: 0, count: frames * k)
        guard k > 0 else { return Parameters(jointsPerFrame: 0, joints: []) }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: SkeletonLayout.joints) { work in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { chosen in
                for t in 0..<frames {
                    stream.choose(k, from: SkeletonLayout.joints, into: chosen, work: work)
                    for j in 0..<k { joints[t * k + j] = UInt8(chosen[j]) }
                }
            }
        }
        return Parameters(jointsPerFrame: k, joints: joints)
    }

    /// The joint-mask hook: the hidden joints, for the trainer's mask token.
    public func markJointMask(_ p: Parameters, into mask: inout [Bool], frames: Int) {
        p.mark(into: &mask, frames: frames)
    }

    public func apply(_ p: Parameters, to clip: ClipBuffer) {
        let k = p.jointsPerFrame
        guard k > 0, p.joints.count >= clip.frames * k else { return }
        let value = Float(fill)
        let M = SkeletonLayout.bodies
        for t in 0..<clip.frames {
            for j in 0..<k {
                let v = Int(p.joints[t * k + j])
                guard v < SkeletonLayout.joints else { continue }
                for c in 0..<3 {
                    let at = clip.values + c * clip.channelStride + t * ClipBuffer.frameStride + v * M
                    for m in 0..<M { at[m] = value }
                }
            }
        }
    }

    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["stage", "p", "ratio", "fill"])
        self.init(probability: try f.probability(default: 1),
                  ratio: try f.double("ratio", default: 0.1, in: 0...1),
                  fill: try f.double("fill", default: 0, in: -1e6...1e6))
    }

    public func encode(to encoder: Encoder) throws {
        var w = try StageFieldWriter(encoder, stage: Self.name, probability: probability)
        try w.encode(ratio, "ratio")
        try w.encode(fill, "fill")
    }
}
