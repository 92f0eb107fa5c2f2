import Foundation
import HDF5
import SkeletonCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes the samples of one benchmark part into shard files of at most `shardSize` samples each.
///
/// Samples keep the order of `append`. They are buffered and written `blockSize` at a time: samples given
/// as `ShardSample` are compressed then on `parallelism` threads; samples given as `EncodedShardSample`
/// (compressed beforehand, e.g. on converter workers with `encoder`) are only stored. Every shard is written
/// under a temporary name (`.<name>.partial`); `finish()` closes the last one and renames them all to their
/// final names `<benchmark>_<part>_<00000>.h5`. A writer released without `finish()` (an error, a crash)
/// leaves no file with a final name: it removes its partial files. Not thread-safe: call from one thread.
public final class ShardWriter {
    public let directory: URL
    public let info: ShardSetInfo
    public let shardSize: Int
    public let blockSize: Int
    /// Compresses the samples of this writer; use it (or an equal one) to encode samples beforehand.
    public let encoder: ShardEncoder
    public let parallelism: Int

    private var current: OpenShard?
    /// Shards closed and hashed, still under their partial names, with their final records.
    private var completed: [(partial: URL, record: ShardRecord)] = []
    private var pending: [PendingSample] = []
    private var finished = false
    private var failed = false

    private enum PendingSample {
        case raw(ShardSample)
        case encoded(EncodedShardSample)
    }

    /// - Parameters:
    ///   - directory: where the shards go (created when missing).
    ///   - shardSize: samples per shard file (the last one may hold fewer).
    ///   - blockSize: samples buffered before a write (memory: about 90 KB per raw sample).
    ///   - deflateLevel: zlib level 0–9 of the sample datasets.
    ///   - deflateStrategy: zlib's match search; `.rle` compresses about 2× faster for files about 7 %
    ///     larger, readable by every HDF5 reader all the same.
    ///   - parallelism: threads compressing the chunks of raw samples.
    public init(directory: URL, info: ShardSetInfo, shardSize: Int = 4096, blockSize: Int = 256,
                deflateLevel: Int = ShardFormat.defaultDeflateLevel, deflateStrategy: HDF5DeflateStrategy = .standard,
                parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        guard shardSize > 0, blockSize > 0, (0...9).contains(deflateLevel) else {
            throw InputError(file: directory.path, "shard size \(shardSize), block size \(blockSize) "
                             + "and deflate level \(deflateLevel) must be positive (level 0…9)")
        }
        for (field, value) in [("benchmark", info.benchmark), ("part", info.part)]
        where value.isEmpty || value.contains("/") || value.contains("_") {
            throw InputError(file: directory.path, field: field,
                             "'\(value)' cannot be part of a shard file name (empty, '/' or '_')")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: directory.path, "cannot create the shard directory: \(error.localizedDescription)")
        }
        self.directory = directory
        self.info = info
        self.shardSize = shardSize
        self.blockSize = min(blockSize, shardSize)
        self.encoder = ShardEncoder(deflateLevel: deflateLevel, strategy: deflateStrategy)
        self.parallelism = max(1, parallelism)
    }

    /// Adds one sample, compressed later with the block it belongs to. Each clip must have 50 frames.
    public func append(_ sample: ShardSample) throws {
        try checkOpen()
        for stream in SkeletonStream.allCases where sample.clip(stream).frames != SkeletonLayout.frames {
            throw InputError(file: sample.name, field: stream.rawValue,
                             "clip has \(sample.clip(stream).frames) frames, shards store \(SkeletonLayout.frames)")
        }
        try enqueue(.raw(sample))
    }

    /// Adds one sample compressed beforehand (by `encoder` or any `ShardEncoder`: only the level and
    /// strategy may differ, which every reader decodes alike).
    public func append(_ sample: EncodedShardSample) throws {
        try checkOpen()
        let codec = sample.codec
        guard sample.chunks.count == SkeletonStream.allCases.count, codec.shuffle,
              codec.elementSize == encoder.codec.elementSize, codec.deflateLevel != nil else {
            throw InputError(file: sample.name, "not encoded for shards (\(sample.chunks.count) chunks, \(codec))")
        }
        try enqueue(.encoded(sample))
    }

    /// Writes what is buffered, closes the last shard, renames every shard to its final name and returns
    /// their records in order. Calling it again returns nothing new.
    @discardableResult
    public func finish() throws -> [ShardRecord] {
        guard !finished else { return [] }
        guard !failed else { throw InputError(file: directory.path, "finish() after an earlier error") }
        try guarded {
            try flushPending()
            try closeCurrent()
            for (partial, record) in completed {
                let final = directory.appendingPathComponent(record.file)
                guard rename(partial.path, final.path) == 0 else {
                    throw InputError(file: final.path, "cannot rename \(partial.lastPathComponent): "
                                     + String(cString: strerror(errno)))
                }
            }
        }
        finished = true
        return completed.map(\.record)
    }

    deinit {
        guard !finished else { return }
        current?.abandon()
        current = nil
        for (partial, _) in completed { try? FileManager.default.removeItem(at: partial) }
    }

    private func checkOpen() throws {
        guard !finished, !failed else {
            throw InputError(file: directory.path, "append after finish() or after an earlier error")
        }
    }

    private func enqueue(_ sample: PendingSample) throws {
        pending.append(sample)
        let room = shardSize - (current?.count ?? 0)
        if pending.count >= min(blockSize, room) {
            try guarded { try flushPending() }
        }
    }

    /// Runs `body`; on error marks the writer failed (its partial files go away on deinit).
    private func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            failed = true
            throw error
        }
    }

    /// Compresses the raw samples among `pending` on `parallelism` threads, keeping their order.
    private func encodePending() throws -> [EncodedShardSample] {
        var results = [Result<EncodedShardSample, Error>?](repeating: nil, count: pending.count)
        let encoder = self.encoder
        let items = pending
        results.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            let workers = max(1, min(parallelism, items.count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for i in stride(from: worker, to: items.count, by: workers) {
                    switch items[i] {
                    case .encoded(let sample): (base + i).pointee = .success(sample)
                    case .raw(let sample): (base + i).pointee = Result { try encoder.encode(sample) }
                    }
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// Writes the buffered samples, opening and closing shards as they fill.
    private func flushPending() throws {
        guard !pending.isEmpty else { return }
        let encoded = try encodePending()
        pending.removeAll(keepingCapacity: true)
        var start = 0
        while start < encoded.count {
            if current == nil {
                do {
                    current = try OpenShard(writer: self, index: completed.count)
                } catch {
                    let name = ShardFormat.fileName(benchmark: info.benchmark, part: info.part, index: completed.count)
                    try? FileManager.default.removeItem(
                        at: directory.appendingPathComponent(ShardFormat.partialName(for: name)))
                    throw error
                }
            }
            guard let shard = current else { return }
            let take = min(encoded.count - start, shardSize - shard.count)
            try shard.write(encoded[start..<(start + take)])
            start += take
            if shard.count == shardSize { try closeCurrent() }
        }
    }

    /// Completes the open shard (metadata, attributes, close), hashes it and remembers its record.
    private func closeCurrent() throws {
        guard let shard = current else { return }
        current = nil
        let record = try shard.complete()
        completed.append((shard.partialURL, record))
    }
}

/// One shard file being written under its partial name.
private final class OpenShard {
    let fileName: String
    let partialURL: URL
    let info: ShardSetInfo
    private var file: HDF5File?
    private var streams: [(SkeletonStream, HDF5Dataset)] = []
    private var labels: [Int64] = []
    private var names: [String] = []
    private var lengths: [Int64] = []
    private var bodies: [Int64] = []
    var count: Int { labels.count }

    init(writer: ShardWriter, index: Int) throws {
        info = writer.info
        fileName = ShardFormat.fileName(benchmark: info.benchmark, part: info.part, index: index)
        partialURL = writer.directory.appendingPathComponent(ShardFormat.partialName(for: fileName))
        let file = try HDF5File(creating: partialURL.path, mode: .truncate)
        self.file = file
        let shape = [0] + ShardFormat.sampleShape
        let options = HDF5DatasetOptions(chunkShape: [1] + ShardFormat.sampleShape,
                                         deflateLevel: writer.encoder.codec.deflateLevel, shuffle: true, extendable: true)
        for stream in SkeletonStream.allCases {
            let dataset = try file.createDataset(ShardFormat.Dataset.samples(stream), type: .float32, shape: shape,
                                                 options: options, chunkCache: .disabled)
            streams.append((stream, dataset))
        }
    }

    /// Appends encoded `samples`: per stream one extend and one pass storing the chunks.
    func write(_ samples: ArraySlice<EncodedShardSample>) throws {
        guard let first = samples.first else { return }
        let start = count
        for (index, (_, dataset)) in streams.enumerated() {
            try dataset.extend(rows: start + samples.count)
            try dataset.writeEncodedRows(samples.map { $0.chunks[index] }, firstRow: start, codec: first.codec)
        }
        for sample in samples {
            labels.append(Int64(sample.label))
            names.append(sample.name)
            lengths.append(Int64(sample.length))
            bodies.append(Int64(sample.bodies))
        }
    }

    /// Writes metadata datasets and attributes, closes the file and returns its record (hashed on disk).
    func complete() throws -> ShardRecord {
        guard let file else { throw InputError(file: partialURL.path, "shard closed twice") }
        let n = count
        let metadata = HDF5DatasetOptions(chunkShape: [max(1, n)], deflateLevel: 4)
        for (name, values) in [(ShardFormat.Dataset.label, labels), (ShardFormat.Dataset.length, lengths),
                               (ShardFormat.Dataset.bodies, bodies)] {
            try file.createDataset(name, type: .int64, shape: [n], options: metadata).write(values)
        }
        try file.createDataset(ShardFormat.Dataset.name, type: .string, shape: [n],
                               options: HDF5DatasetOptions(chunkShape: [max(1, n)], deflateLevel: 4))
            .write(strings: names)
        typealias A = ShardFormat.Attribute
        let attributes: [(String, HDF5AttributeValue)] = [
            (A.format, .string(ShardFormat.name)),
            (A.formatVersion, .int64(Int64(ShardFormat.version))),
            (A.dataset, .string(info.dataset)),
            (A.benchmark, .string(info.benchmark)),
            (A.part, .string(info.part)),
            (A.mode, .string(info.mode)),
            (A.layout, .string(SkeletonLayout.axisLayout)),
            (A.jointNames, .strings(SkeletonLayout.jointNames)),
            (A.boneParents, .int64s(SkeletonLayout.boneParents.map(Int64.init))),
            (A.flipPermutation, .int64s(SkeletonLayout.flipPermutation.map(Int64.init))),
            (A.toolVersion, .string(info.toolVersion)),
            (A.options, .string(info.optionsJSON)),
            (A.numSamples, .int64(Int64(n))),
        ]
        for (name, value) in attributes { try file.setAttribute(name, value) }
        for (_, dataset) in streams { try dataset.close() }
        streams = []
        try file.close()
        self.file = nil
        let digest = try FileDigest.sha256(of: partialURL)
        return ShardRecord(file: fileName, benchmark: info.benchmark, part: info.part, count: n,
                           sha256: digest.hex, bytes: digest.bytes,
                           labelHistogram: ShardRecord.histogram(labels.map { Int($0) }))
    }

    /// Closes without completing and removes the partial file.
    func abandon() {
        for (_, dataset) in streams { try? dataset.close() }
        streams = []
        try? file?.close()
        file = nil
        try? FileManager.default.removeItem(at: partialURL)
    }
}
