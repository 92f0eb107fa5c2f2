import Augment
import CounterRandom

/// What happens to the samples left over when the epoch does not divide evenly among ranks and batches.
public enum PartitionPolicy: String, Codable, Sendable, CaseIterable {
    /// Every rank gets ⌊N / world⌋ samples (the permutation's tail is dropped) and only full batches are
    /// delivered. What contrastive pretraining wants: every batch has the same size.
    case dropLast = "drop_last"
    /// Every rank gets ⌈N / world⌉ samples: the permutation is padded by repeating its beginning (as PyTorch's
    /// DistributedSampler does), and the last batch may be smaller. What evaluation wants: every sample is seen.
    case pad
}

/// The sample order of one epoch for one rank: a permutation of all N samples drawn from (seed, epoch),
/// dealt round-robin to `world` ranks (rank r takes positions r, r + world, …), cut into batches.
public struct EpochPlan: Sendable, Equatable {
    public let epoch: Int
    /// Global sample indices of this rank, in delivery order.
    public let samples: [Int]
    public let batchSize: Int
    public let policy: PartitionPolicy

    /// Random stream branch reserved for the loader (pipelines use small branch numbers).
    public static let shuffleBranch = 0xFFFF

    /// - Parameter subset: when given, the permutation is over these global indices (`n` of them).
    public init(sampleCount n: Int, seed: UInt64, epoch: Int, shuffle: Bool, rank: Int, world: Int,
                batchSize: Int, policy: PartitionPolicy, subset: [Int]? = nil) {
        precondition(world >= 1 && rank >= 0 && rank < world && batchSize >= 1 && n >= 0)
        precondition(subset == nil || subset!.count == n, "subset of \(subset!.count) for \(n) samples")
        var order = Array(0..<n)
        if shuffle && n > 1 {
            var stream = RandomStream(seed: seed, epoch: epoch, sample: 0, branch: Self.shuffleBranch, stage: 0)
            order = stream.choose(n, from: n)
        }
        let perRank: Int
        switch policy {
        case .dropLast: perRank = n / world
        case .pad: perRank = n == 0 ? 0 : (n + world - 1) / world
        }
        let total = perRank * world
        if total > order.count && !order.isEmpty {
            var padded = order
            while padded.count < total { padded.append(order[(padded.count - order.count) % order.count]) }
            order = padded
        }
        self.epoch = epoch
        let dealt = stride(from: rank, to: total, by: world).map { order[$0] }
        self.samples = subset.map { indices in dealt.map { indices[$0] } } ?? dealt
        self.batchSize = batchSize
        self.policy = policy
    }

    /// Number of batches this rank delivers.
    public var batchCount: Int {
        policy == .dropLast ? samples.count / batchSize : (samples.count + batchSize - 1) / batchSize
    }

    /// Global sample indices of batch `i`.
    public func batch(_ i: Int) -> ArraySlice<Int> {
        let start = i * batchSize
        return samples[start..<min(samples.count, start + batchSize)]
    }
}
