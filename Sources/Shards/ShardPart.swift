import Foundation
import SkeletonCore

/// All samples of one benchmark part across its shards, addressed by one index 0..<count in shard order.
public final class ShardPart: @unchecked Sendable {
    public let benchmark: Benchmark
    public let part: Part
    /// One reader per shard file, in order.
    public let readers: [ShardReader]
    /// Samples in the part.
    public let count: Int
    public let labels: [Int]
    public let names: [String]
    public let lengths: [Int]
    /// First global index of each shard.
    private let starts: [Int]

    public init(benchmark: Benchmark, part: Part, readers: [ShardReader]) {
        self.benchmark = benchmark
        self.part = part
        self.readers = readers
        var starts: [Int] = []
        var total = 0
        for reader in readers {
            starts.append(total)
            total += reader.count
        }
        self.starts = starts
        self.count = total
        self.labels = readers.flatMap(\.labels)
        self.names = readers.flatMap(\.names)
        self.lengths = readers.flatMap(\.lengths)
    }

    /// The shard and row of global sample `i` (binary search over shard starts).
    public func location(of i: Int) -> (shard: Int, row: Int)? {
        guard i >= 0, i < count else { return nil }
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= i { low = mid } else { high = mid - 1 }
        }
        return (low, i - starts[low])
    }

    /// Reads global sample `i` of `stream` into `buffer` (7500 floats): one chunk read.
    public func read(_ stream: SkeletonStream, sample i: Int, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard let (shard, row) = location(of: i) else {
            throw InputError(file: "\(benchmark)/\(part)", field: stream.rawValue, "sample \(i) outside 0..<\(count)")
        }
        try readers[shard].read(stream, sample: row, into: buffer)
    }

    /// Global sample `i` of `stream` as a clip.
    public func read(_ stream: SkeletonStream, sample i: Int) throws -> SkeletonClip {
        var clip = SkeletonClip(frames: SkeletonLayout.frames)
        try clip.values.withUnsafeMutableBufferPointer { try read(stream, sample: i, into: $0) }
        return clip
    }
}
