import Foundation
import HDF5
import SkeletonCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes the samples of one benchmark part into shard files of at most `shardSize` samples each.
///
/// Samples keep the order of `append`. They are compressed when appended (or beforehand, as
/// `EncodedShardSample`s, on the caller's threads), buffered and written `blockSize` at a time, each
/// stream's block in one call that only copies stored chunk bytes. Every shard is written under a
/// temporary name (`.<name>.partial`); `finish()` closes the last one and renames them all to their final
/// names `<benchmark>_<part>_<00000>.h5`. A writer released without `finish()` (an error, a crash) leaves
/// no file with a final name: it removes its partial files. Not thread-safe: call from one thread.
public final class ShardWriter {
    public let directory: URL
    public let info: ShardSetInfo
    public let shardSize: Int
    public let blockSize: Int
    public let deflateLevel: Int
    /// Every sample carries raw frames, stored in `raw` / `raw_frames` (`convert --keep-raw`).
    public let keepRaw: Bool

    private var current: OpenShard?
    /// Shards closed and hashed, still under their partial names, with their final records.
    private var completed: [(partial: URL, record: ShardRecord)] = []
    private var pending: [EncodedShardSample] = []
    private var finished = false
    private var failed = false
    /// Whether the samples' raw frames carry body counts (`raw_bodies`); fixed by the first sample.
    private var rawBodies: Bool?

    /// - Parameters:
    ///   - directory: where the shards go (created when missing).
    ///   - shardSize: samples per shard file (the last one may hold fewer).
    ///   - blockSize: samples buffered before a write (memory: 90 KB per sample).
    ///   - deflateLevel: zlib level 1–9 of the sample datasets (shuffle + deflate), or 0 for uncompressed chunks
    ///     with a Fletcher-32 checksum.
    ///   - keepRaw: store each sample's raw frames (every appended sample must carry them).
    public init(directory: URL, info: ShardSetInfo, shardSize: Int = 4096, blockSize: Int = 256,
                deflateLevel: Int = ShardFormat.defaultDeflateLevel, keepRaw: Bool = false) throws {
        guard shardSize > 0, blockSize > 0, ShardFormat.deflateLevels.contains(deflateLevel) else {
            throw InputError(file: directory.path, "shard size \(shardSize), block size \(blockSize) "
                             + "and deflate level \(deflateLevel) must be positive (level 0…9)")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: directory.path, "cannot create the shard directory: \(FileProblem.describe(error, path: directory.path))")
        }
        self.directory = directory
        self.info = info
        self.shardSize = shardSize
        self.blockSize = min(blockSize, shardSize)
        self.deflateLevel = deflateLevel
        self.keepRaw = keepRaw
    }

    /// Adds one sample, compressing it on the calling thread; writes a block when `blockSize` samples are
    /// buffered and starts a new shard when the current one is full. Each clip must have 50 frames.
    public func append(_ sample: ShardSample) throws {
        try checkOpen()
        try append(try EncodedShardSample(sample, deflateLevel: deflateLevel))
    }

    /// Adds one sample compressed beforehand (with this writer's `deflateLevel`).
    public func append(_ sample: EncodedShardSample) throws {
        try checkOpen()
        guard sample.chunks.count == SkeletonStream.allCases.count, !sample.chunks.contains(where: \.isEmpty) else {
            throw InputError(file: sample.name, "\(sample.chunks.count) encoded chunks (some may be empty), "
                             + "a shard sample has \(SkeletonStream.allCases.count)")
        }
        guard (sample.raw != nil) == keepRaw else {
            throw InputError(file: sample.name, field: ShardFormat.Dataset.raw, keepRaw
                             ? "sample has no raw frames; this writer keeps them for every sample"
                             : "sample has raw frames; this writer was not asked to keep them")
        }
        guard sample.deflateLevel == deflateLevel else {
            throw InputError(file: sample.name, "encoded at deflate level \(sample.deflateLevel); this writer stores level \(deflateLevel)")
        }
        if let raw = sample.raw {
            if let m = raw.bodies, !(1...SkeletonLayout.bodies).contains(m) {
                throw InputError(file: sample.name, field: ShardFormat.Dataset.rawBodies, "\(m) body slots, expected 1 or 2")
            }
            let carries = raw.bodies != nil
            guard rawBodies == nil || rawBodies == carries else {
                throw InputError(file: sample.name, field: ShardFormat.Dataset.rawBodies, carries
                                 ? "sample's raw frames carry a body count; the earlier samples' did not"
                                 : "sample's raw frames carry no body count; the earlier samples' did")
            }
            rawBodies = carries
        }
        pending.append(sample)
        let room = shardSize - (current?.count ?? 0)
        if pending.count >= min(blockSize, room) {
            try guarded { try flushPending() }
        }
    }

    private func checkOpen() throws {
        guard !finished, !failed else {
            throw InputError(file: directory.path, "append after finish() or after an earlier error")
        }
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

    /// Runs `body`; on error marks the writer failed (its partial files go away on deinit).
    private func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            failed = true
            throw error
        }
    }

    /// Writes the buffered samples, opening and closing shards as they fill.
    private func flushPending() throws {
        var start = 0
        while start < pending.count {
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
            let take = min(pending.count - start, shardSize - shard.count)
            try shard.write(pending[start..<(start + take)])
            start += take
            if shard.count == shardSize { try closeCurrent() }
        }
        pending.removeAll(keepingCapacity: true)
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
    private var raw: HDF5Dataset?
    private var rawRows = 0
    private var rawFrames: [Int64] = []
    /// Body slots per sample when the raw frames carry them (clean mode), else empty.
    private var rawBodies: [Int64] = []
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
        let options = ShardFormat.sampleDatasetOptions(deflateLevel: writer.deflateLevel)
        for stream in SkeletonStream.allCases {
            let dataset = try file.createDataset(ShardFormat.Dataset.samples(stream), type: .float32, shape: shape,
                                                 options: options, chunkCache: .disabled)
            streams.append((stream, dataset))
        }
        if writer.keepRaw {
            let frame = [SkeletonLayout.channels, SkeletonLayout.joints, SkeletonLayout.bodies]
            raw = try file.createDataset(ShardFormat.Dataset.raw, type: .float32, shape: [0] + frame,
                                         options: HDF5DatasetOptions(chunkShape: [ShardFormat.rawChunkFrames] + frame,
                                                                     extendable: true))
        }
    }

    /// Appends `samples`: one extend and one write of stored chunks per stream.
    func write(_ samples: ArraySlice<EncodedShardSample>) throws {
        guard !samples.isEmpty else { return }
        let rows = count..<(count + samples.count)
        for (k, (_, dataset)) in streams.enumerated() {
            try dataset.extend(rows: rows.upperBound)
            try dataset.writeEncodedRows(samples.map { $0.chunks[k] }, startingAt: rows.lowerBound)
        }
        if let raw {
            var values: [Float] = []
            values.reserveCapacity(samples.reduce(0) { $0 + ($1.raw?.values.count ?? 0) })
            for sample in samples { values += sample.raw?.values ?? [] }
            let frames = values.count / ShardFormat.rawFrameElements
            try raw.extend(rows: rawRows + frames)
            if frames > 0 { try raw.write(values, rows: rawRows..<(rawRows + frames)) }
            rawRows += frames
            rawFrames += samples.map { Int64($0.raw?.frames ?? 0) }
            rawBodies += samples.compactMap { $0.raw?.bodies.map(Int64.init) }
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
        if raw != nil {
            try file.createDataset(ShardFormat.Dataset.rawFrames, type: .int64, shape: [n], options: metadata)
                .write(rawFrames)
            // The writer checked that every sample carries a body count or none does.
            if !rawBodies.isEmpty, rawBodies.count == n {
                try file.createDataset(ShardFormat.Dataset.rawBodies, type: .int64, shape: [n], options: metadata)
                    .write(rawBodies)
            }
        }
        try file.createDataset(ShardFormat.Dataset.name, type: .string, shape: [n],
                               options: HDF5DatasetOptions(chunkShape: [max(1, n)], deflateLevel: 4))
            .write(strings: names)
        typealias A = ShardFormat.Attribute
        let attributes: [(String, HDF5AttributeValue)] = [
            (A.format, .string(ShardFormat.name)),
            (A.formatVersion, .int64(Int64(ShardFormat.version))),
            (A.dataset, .string(info.dataset.rawValue)),
            (A.benchmark, .string(info.benchmark.rawValue)),
            (A.part, .string(info.part.rawValue)),
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
        try raw?.close()
        raw = nil
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
        try? raw?.close()
        raw = nil
        try? file?.close()
        file = nil
        try? FileManager.default.removeItem(at: partialURL)
    }
}
