import Dispatch
import Foundation
import Preprocess
import RawData
import Shards
import SkeletonCore

/// Progress of a running conversion, reported after every block of files.
public struct ConvertProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var samplesWritten: Int
}

/// Why a conversion stopped.
public enum ConvertError: Error, CustomStringConvertible {
    case outputNotEmpty(String)
    /// The output folder holds files hiclr did not write (named).
    case foreignFiles(String, [String])
    /// Shard files but no manifest: a conversion that did not finish.
    case incomplete(String)
    case strict(String)
    case nothingWritten(ConvertReport)

    public var description: String {
        switch self {
        case .outputNotEmpty(let path):
            return "\(Printable.escaped(path)): already holds a conversion (manifest.json and its shards); "
                + "pass --overwrite to replace it"
        case .foreignFiles(let path, let names):
            return "\(Printable.escaped(path)): holds \(names.count) file(s) that no conversion's manifest lists "
                + "(\(OutputFolder.list(names))); nothing was changed: choose an empty or new --out folder, "
                + "or move those files away"
        case .incomplete(let path):
            return "\(Printable.escaped(path)): incomplete conversion, no manifest: rerun with --overwrite"
        case .strict(let line): return "stopped by --strict: \(line)"
        case .nothingWritten(let report):
            return "no sample was written (\(report.rejected.count) rejected, \(report.skippedMissing) skipped as missing)"
        }
    }
}

/// Raw dataset folder → preprocessed samples → HDF5 shards + manifest.json.
///
/// Files are read and preprocessed by `workers` threads in blocks; each block's results are appended to the
/// shard writers in file-name order, so the shards are byte-identical whatever the worker count. Shards are
/// written under temporary names and renamed when complete; the manifest is written last. Everything is
/// checked (inputs, the output folder) before anything is written; the conversion goes into a hidden sibling
/// folder that is swapped in only when complete (`OutputFolder`), so a failed or killed run never costs the
/// previous conversion. If the conversion fails, the files it wrote are removed.
public final class Converter {
    public let options: ConvertOptions
    /// Files processed per block (bounds memory: one block of samples is in flight).
    public var blockSize = 256
    /// Test hook: called with "swap", "mid-swap" and "retire" while the result is swapped into `out`.
    public var commitHook: ((String) -> Void)?
    /// The samples' source when it is not the raw dataset folder `options.raw` (nil: scan that folder).
    public let input: ConvertInput?

    public init(options: ConvertOptions, input: ConvertInput? = nil) {
        self.options = options
        self.input = input
    }

    /// Runs the conversion, calling `progress` after each block.
    public func run(progress: (ConvertProgress) -> Void = { _ in }) throws -> ConvertReport {
        let start = DispatchTime.now()
        let folder = OutputFolder(options.out)
        // Check everything before anything is written or deleted.
        let scan: RawDatasetScan
        if let input {
            scan = try input.scan()
        } else {
            let missing = try options.missing.map(MissingList.read) ?? []
            scan = try RawDatasetScan.scan(dataset: options.dataset, raw: options.raw, missing: missing,
                                           splits: options.splits)
        }
        let notes = try folder.recover()
        let plan = try folder.plan(overwrite: options.overwrite)
        try folder.makeStaging()
        var report = ConvertReport()
        report.notes = notes
        report.skippedMissing = scan.skippedMissing.count
        report.skippedOtherDataset = scan.notInDataset.count
        for (b, videos) in scan.unlisted { report.videosNotInSplit[b.rawValue] = videos.count }
        for problem in scan.rejected {
            if options.strict { throw ConvertError.strict(problem.description) }
            report.reject(problem.description, code: "bad_file")
        }

        let benchmarks = options.effectiveBenchmarks
        var writers: [String: ShardWriter] = [:]
        var writerOrder: [String] = []
        func writer(_ b: Benchmark, _ p: Part) throws -> ShardWriter {
            let key = "\(b.rawValue)/\(p.rawValue)"
            if let w = writers[key] { return w }
            let info = ShardSetInfo(dataset: options.dataset, benchmark: b, part: p,
                                    mode: options.mode.rawValue, options: options.recorded,
                                    toolVersion: ConvertVersion.tool)
            let w = try ShardWriter(directory: folder.staging, info: info, shardSize: options.shardSize,
                                    deflateLevel: options.deflateLevel, keepRaw: options.keepRaw)
            writers[key] = w
            writerOrder.append(key)
            return w
        }

        var records: [ShardRecord] = []
        do {
            let processor = ItemProcessor(dataset: options.dataset, mode: options.mode, keepRaw: options.keepRaw,
                                          maxCoordinate: options.maxCoordinate, deflateLevel: options.deflateLevel)
            let items = scan.items
            var done = 0
            var written = 0
            progress(ConvertProgress(filesDone: 0, filesTotal: items.count, samplesWritten: 0))
            // The workers read and preprocess block k + 1 while this thread writes block k (in file order).
            let blocks = stride(from: 0, to: items.count, by: blockSize).map { $0..<min(items.count, $0 + blockSize) }
            let workers = options.workers
            // `input.load` runs here, on the converting thread, block after block in order.
            func start(_ k: Int) throws -> InFlightBlock? {
                guard k < blocks.count else { return nil }
                var block = Array(items[blocks[k]])
                if let input { block = try input.load(block) }
                return InFlightBlock(block, workers: workers) { processor.process($0) }
            }
            var next = try start(0)
            defer { next?.wait() }             // never return while a block is still being processed
            for k in blocks.indices {
                guard let current = next else { break }
                let outputs = current.wait()
                next = try start(k + 1)
                for output in outputs {
                    report.filesRead += 1
                    report.bytesRead += output.bytesRead
                    for (line, code) in output.rejections {
                        if options.strict { throw ConvertError.strict(line) }
                        report.reject(line, code: code)
                    }
                    for sample in output.samples {
                        report.samples += 1
                        for (k, v) in sample.decisions { report.decisions[k, default: 0] += v }
                        for b in benchmarks {
                            guard let part = sample.parts[b] else { continue }
                            try writer(b, part).append(sample.encoded)
                            report.written["\(b.rawValue)/\(part.rawValue)", default: 0] += 1
                        }
                        written += 1
                    }
                }
                done += outputs.count
                progress(ConvertProgress(filesDone: done, filesTotal: items.count, samplesWritten: written))
            }
            FaultPoint.reached("convert.written")      // samples written, shards still partial
            guard !writers.isEmpty else {
                throw ConvertError.nothingWritten(report)
            }
            records = try Self.finish(writerOrder.sorted().map { writers[$0]! })
        } catch {
            writers.removeAll()          // writers never finished leave no final-named file behind
            folder.discardStaging()
            throw error
        }
        report.bytesWritten = records.reduce(0) { $0 + $1.bytes }
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        var manifest = Manifest(dataset: options.dataset, mode: options.mode.rawValue,
                                toolVersion: ConvertVersion.tool, createdBy: input?.createdBy ?? "hiclr convert",
                                options: options.recorded, shards: records)
        manifest.report = report.counters
        manifest.notConverted = report.rejected
        do {
            try manifest.write(to: folder.staging)
            try folder.commit(plan, hook: commitHook)
        } catch {
            folder.discardStaging()
            throw error
        }
        return report
    }

    /// Finishes every writer, several at once (closing is serialised by the libhdf5 lock; hashing the files,
    /// the longer part, is not); the records in `writers` order.
    static func finish(_ writers: [ShardWriter]) throws -> [ShardRecord] {
        var results = [Result<[ShardRecord], Error>?](repeating: nil, count: writers.count)
        results.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: writers.count) { i in
                (base + i).pointee = Result { try writers[i].finish() }
            }
        }
        return try results.flatMap { try $0!.get() }
    }

    /// `transform` over `items` on `workers` threads; results in input order.
    static func parallelMap<T, R>(_ items: [T], workers: Int, _ transform: (T) -> R) -> [R] {
        if workers <= 1 || items.count <= 1 { return items.map(transform) }
        var results = [R?](repeating: nil, count: items.count)
        let lock = NSLock()
        var next = 0
        results.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { _ in
                while true {
                    lock.lock()
                    let i = next
                    next += 1
                    lock.unlock()
                    if i >= items.count { return }
                    (base + i).pointee = transform(items[i])
                }
            }
        }
        return results.map { $0! }
    }
}

/// One block of work items being processed on a background thread (by `parallelMap` on `workers` threads).
final class InFlightBlock: @unchecked Sendable {
    private let group = DispatchGroup()
    private var outputs: [ItemOutput] = []
    private var collected = false

    init(_ items: [RawWorkItem], workers: Int, _ transform: @escaping @Sendable (RawWorkItem) -> ItemOutput) {
        group.enter()
        DispatchQueue.global().async { [self] in
            outputs = Converter.parallelMap(items, workers: workers, transform)
            group.leave()
        }
    }

    /// Waits for the block; its outputs the first time, then nothing.
    @discardableResult
    func wait() -> [ItemOutput] {
        group.wait()
        guard !collected else { return [] }
        collected = true
        return outputs
    }
}

public enum ConvertVersion {
    public static let tool = "hiclr-swift 0.1.0"
}
