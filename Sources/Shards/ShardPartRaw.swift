import SkeletonCore

extension ShardPart {
    /// True when every shard of the part keeps raw frames (`convert --keep-raw`).
    public var hasRaw: Bool { !readers.isEmpty && readers.allSatisfy { $0.rawFrames != nil } }

    /// Raw frames of global sample `i`; nil when its shard keeps none.
    public func readRaw(sample i: Int) throws -> RawFrames? {
        guard let (shard, row) = location(of: i) else {
            throw InputError(file: "\(benchmark)/\(part)", field: ShardFormat.Dataset.raw, "sample \(i) outside 0..<\(count)")
        }
        return try readers[shard].readRaw(sample: row)
    }
}
