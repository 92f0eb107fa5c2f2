/// Names one independent random stream of the project's one generator family (docs/determinism.md): the run seed,
/// the epoch, the sample, the branch and the stage within that branch. Augmentation stage s of pipeline branch b
/// draws from (seed, epoch, sample, b, s); the loader's shuffle from branch 0xFFFF; the engine from branch 0xFFFE
/// (`RandomKey(seed:)`, `derived(_:)`). Every draw comes from the stream of exactly one key, so results never
/// depend on thread count, batch order or what other samples drew.
///
/// Mapping onto Philox4x32-10: key words = (seed low 32 bits, seed high 32 bits);
/// counter = (block index, branch << 16 | stage, sample, epoch). Sample ids and epochs are taken modulo 2³²,
/// branch and stage indices modulo 2¹⁶.
public struct RandomKey: Hashable, Codable, Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var epoch: UInt32
    public var sample: UInt32
    public var branch: UInt16
    public var stage: UInt16

    public init(seed: UInt64, epoch: Int, sample: Int, branch: Int, stage: Int) {
        self.seed = seed
        self.epoch = UInt32(truncatingIfNeeded: epoch)
        self.sample = UInt32(truncatingIfNeeded: sample)
        self.branch = UInt16(truncatingIfNeeded: branch)
        self.stage = UInt16(truncatingIfNeeded: stage)
    }

    /// The two Philox key words.
    @inlinable @inline(__always)
    var philoxKey: (UInt32, UInt32) {
        (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }

    /// Counter words 1, 2 and 3 (word 0 is the block index).
    @inlinable @inline(__always)
    var counterWords: (UInt32, UInt32, UInt32) {
        (UInt32(branch) << 16 | UInt32(stage), sample, epoch)
    }

    /// The Philox counter of block `block` of this stream.
    @inlinable @inline(__always)
    func counter(block: UInt32) -> (UInt32, UInt32, UInt32, UInt32) {
        (block, counterWords.0, counterWords.1, counterWords.2)
    }

    public var description: String {
        "seed \(seed), epoch \(epoch), sample \(sample), branch \(branch), stage \(stage)"
    }
}
