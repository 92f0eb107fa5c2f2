/// How a `StreamingLoader` orders, splits and delivers samples.
public struct LoaderConfig: Sendable, Equatable {
    public var batchSize: Int
    /// Worker threads building batches.
    public var workers: Int
    /// Finished batches that may wait for the consumer (on top of the ones being built).
    public var prefetch: Int
    public var seed: UInt64
    public var shuffle: Bool
    public var rank: Int
    public var world: Int
    public var policy: PartitionPolicy
    /// Whether each batch view keeps its per-sample stage records (`ViewBatch.records`: what every stage drew).
    /// Off by default: the trainers, `hiclr stream` and the C ABI do not read them, and building and freeing
    /// them cost the workers and the consumer time on every sample.
    public var keepStageRecords: Bool

    public init(batchSize: Int = 128, workers: Int = 1, prefetch: Int = 2, seed: UInt64 = 0, shuffle: Bool = true,
                rank: Int = 0, world: Int = 1, policy: PartitionPolicy = .dropLast, keepStageRecords: Bool = false) {
        self.batchSize = batchSize; self.workers = workers; self.prefetch = prefetch; self.seed = seed
        self.shuffle = shuffle; self.rank = rank; self.world = world; self.policy = policy
        self.keepStageRecords = keepStageRecords
    }

    /// A reason the configuration cannot work, or nil.
    public var problem: String? {
        if batchSize < 1 { return "batch size must be at least 1" }
        if workers < 1 { return "workers must be at least 1" }
        if prefetch < 1 { return "prefetch must be at least 1" }
        if world < 1 { return "world size must be at least 1" }
        if rank < 0 || rank >= world { return "rank \(rank) is not in 0..<\(world)" }
        return nil
    }
}
