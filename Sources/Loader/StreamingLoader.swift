import Augment
import Foundation
import Shards

/// Delivers the batches of one epoch, in order, built by `workers` threads ahead of the consumer.
///
/// Worker threads take batch indices in order and build whole batches; at most `prefetch` finished batches
/// wait for the consumer, so memory stays within (workers + prefetch) batches whatever the dataset size.
/// Batches come out in index order whichever worker finished first, and their contents depend only on
/// (seed, epoch, batch index, rank, world) — never on the worker count.
public final class StreamingLoader: @unchecked Sendable {
    public let dataset: ShardPart
    public let runner: PipelineRunner
    public let config: LoaderConfig
    /// The samples this loader deals out (global indices of `dataset`), e.g. a labelled subset; nil = all.
    public let subset: [Int]?

    public init(dataset: ShardPart, runner: PipelineRunner, config: LoaderConfig, subset: [Int]? = nil) throws {
        if let problem = config.problem { throw LoaderError.configuration(problem) }
        if let bad = subset?.first(where: { $0 < 0 || $0 >= dataset.count }) {
            throw LoaderError.configuration("subset index \(bad) outside 0..<\(dataset.count)")
        }
        self.dataset = dataset
        self.runner = runner
        self.config = config
        self.subset = subset
        _ = BatchMemory.configured
    }

    /// Number of samples dealt out per epoch (before the rank split).
    public var sampleCount: Int { subset?.count ?? dataset.count }

    /// The sample order of `epoch` on this rank.
    public func plan(epoch: Int) -> EpochPlan {
        EpochPlan(sampleCount: sampleCount, seed: config.seed, epoch: epoch, shuffle: config.shuffle,
                  rank: config.rank, world: config.world, batchSize: config.batchSize, policy: config.policy,
                  subset: subset)
    }

    /// Batches of `epoch` from `start` on (exact resume: batch k is the same as in an uninterrupted epoch).
    public func batches(epoch: Int, startingAt start: Int = 0) -> BatchStream {
        BatchStream(loader: self, plan: plan(epoch: epoch), start: start)
    }

    /// Builds batch `index` of `plan` on the calling thread (what the workers do).
    public func makeBatch(_ plan: EpochPlan, index: Int) throws -> Batch {
        try BatchBuilder(dataset: dataset, runner: runner, seed: config.seed, keepRecords: config.keepStageRecords)
            .build(epoch: plan.epoch, index: index, samples: plan.batch(index))
    }
}

public enum LoaderError: Error, CustomStringConvertible {
    case configuration(String)
    public var description: String {
        switch self {
        case .configuration(let why): return "loader configuration: \(why)"
        }
    }
}

/// An epoch's batches being built in the background. Call `next()` until it returns nil; a worker's error
/// (e.g. a damaged shard) is rethrown by `next()`. `stop()` — or dropping the stream — stops the workers and
/// waits for them to exit.
public final class BatchStream: @unchecked Sendable {
    public let plan: EpochPlan
    private let state: State

    /// What the workers and the consumer share. Workers hold only this (not the stream), so dropping the
    /// stream is seen by them.
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var nextToBuild: Int
        var nextToDeliver: Int
        var ready: [Int: Batch] = [:]
        var failure: Error?
        var stopped = false
        var running = 0

        init(start: Int) {
            nextToBuild = start
            nextToDeliver = start
        }
    }

    init(loader: StreamingLoader, plan: EpochPlan, start: Int) {
        self.plan = plan
        let state = State(start: max(0, start))
        self.state = state
        let workers = min(loader.config.workers, max(1, plan.batchCount - start))
        state.running = workers
        let limit = loader.config.prefetch
        for w in 0..<workers {
            let builder = BatchBuilder(dataset: loader.dataset, runner: loader.runner, seed: loader.config.seed,
                                       keepRecords: loader.config.keepStageRecords)
            let thread = Thread { Self.work(state, builder, plan, limit) }
            thread.name = "hiclr-loader-\(w)"
            thread.stackSize = 1 << 22
            thread.start()
        }
    }

    deinit {
        stop()
    }

    /// Stops the workers and waits until they have exited (a batch being built is finished and dropped).
    public func stop() {
        state.condition.lock()
        state.stopped = true
        state.condition.broadcast()
        while state.running > 0 { state.condition.wait() }
        state.ready.removeAll()
        state.condition.unlock()
    }

    private static func work(_ state: State, _ builder: BatchBuilder, _ plan: EpochPlan, _ limit: Int) {
        state.condition.lock()
        defer {
            state.running -= 1
            state.condition.broadcast()
            state.condition.unlock()
        }
        while !state.stopped && state.failure == nil && state.nextToBuild < plan.batchCount {
            if state.nextToBuild >= state.nextToDeliver + limit {
                state.condition.wait()
                continue
            }
            let k = state.nextToBuild
            state.nextToBuild += 1
            state.condition.unlock()
            let result = Result { try builder.build(epoch: plan.epoch, index: k, samples: plan.batch(k)) }
            state.condition.lock()
            switch result {
            case .success(let batch): if !state.stopped { state.ready[k] = batch }
            case .failure(let error): if state.failure == nil { state.failure = error }
            }
            state.condition.broadcast()
        }
    }

    /// The next batch in order, nil after the last one (or after `stop()`).
    public func next() throws -> Batch? {
        state.condition.lock()
        defer { state.condition.unlock() }
        while true {
            if let batch = state.ready.removeValue(forKey: state.nextToDeliver) {
                state.nextToDeliver += 1
                state.condition.broadcast()
                return batch
            }
            if let failure = state.failure { throw failure }
            if state.stopped || state.nextToDeliver >= plan.batchCount || state.running == 0 { return nil }
            state.condition.wait()
        }
    }
}
