import Augment
import Foundation
import Loader
import Shards
import SkeletonCore

// The C ABI of the loader (libHiCLRLoaderC): what python/hiclr/include/hiclr_loader.h declares and documents.
// Every function catches every Swift error and reports it as a message in the caller's buffer; arguments are
// checked before they reach code that would trap, so a bad call never takes the calling process down.

/// What a handle owns: the loader and the epoch being streamed.
final class LoaderHandle {
    let loader: StreamingLoader
    let description: UnsafeMutablePointer<CChar>
    var stream: BatchStream?
    var epoch = 0

    init(loader: StreamingLoader, description text: String) {
        self.loader = loader
        self.description = strdup(text)!
    }

    deinit {
        stream?.stop()
        free(description)
    }

    /// The handle's JSON self-description (see the header).
    static func describe(_ loader: StreamingLoader) -> String {
        let pipeline = loader.runner.pipeline
        let plan = loader.plan(epoch: 0)
        func quoted(_ s: String) -> String {
            let data = try? JSONSerialization.data(withJSONObject: [s], options: [])
            let array = data.flatMap { String(data: $0, encoding: .utf8) } ?? "[\"?\"]"
            return String(array.dropFirst().dropLast())
        }
        let views = pipeline.branches.map { "{\"name\":\(quoted($0.name)),\"mask\":\($0.hasJointMask)}" }
        let streams = pipeline.streams.names.map { quoted($0.rawValue) }
        return "{\"abi_version\":\(hiclrLoaderABIVersion),"
            + "\"benchmark\":\(quoted(loader.dataset.benchmark.rawValue)),\"part\":\(quoted(loader.dataset.part.rawValue)),"
            + "\"pipeline\":\(quoted(pipeline.name)),"
            + "\"samples\":\(loader.dataset.count),\"samples_per_epoch\":\(plan.samples.count),"
            + "\"batches_per_epoch\":\(plan.batchCount),\"batch_size\":\(loader.config.batchSize),"
            + "\"rank\":\(loader.config.rank),\"world\":\(loader.config.world),"
            + "\"policy\":\(quoted(loader.config.policy.rawValue)),"
            + "\"shape\":[\(SkeletonLayout.channels),\(SkeletonLayout.frames),\(SkeletonLayout.joints),\(SkeletonLayout.bodies)],"
            + "\"mask_shape\":[\(SkeletonLayout.frames),\(SkeletonLayout.joints)],"
            + "\"views\":[\(views.joined(separator: ","))],\"streams\":[\(streams.joined(separator: ","))]}"
    }
}

let hiclrLoaderABIVersion: Int32 = 2

/// Copies `message` (truncated, always NUL-terminated) into the caller's buffer.
private func report(_ message: String, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int) {
    guard let buffer, capacity > 0 else { return }
    var bytes: [UInt8] = []
    for scalar in message.unicodeScalars {
        let encoded = Array(String(scalar).utf8)
        if bytes.count + encoded.count > capacity - 1 { break }
        bytes += encoded
    }
    bytes.withUnsafeBufferPointer { source in
        buffer.withMemoryRebound(to: UInt8.self, capacity: capacity) { target in
            if let base = source.baseAddress { target.update(from: base, count: source.count) }
            target[source.count] = 0
        }
    }
}

private func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

private func handle(_ pointer: OpaquePointer?) -> LoaderHandle? {
    pointer.map { Unmanaged<LoaderHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

@_cdecl("hiclr_loader_abi_version")
public func hiclr_loader_abi_version() -> Int32 {
    hiclrLoaderABIVersion
}

@_cdecl("hiclr_loader_open")
public func hiclr_loader_open(_ shards: UnsafePointer<CChar>?, _ benchmark: UnsafePointer<CChar>?,
                              _ part: UnsafePointer<CChar>?, _ pipeline: UnsafePointer<CChar>?, _ seed: UInt64,
                              _ batchSize: Int64, _ workers: Int64, _ prefetch: Int64, _ pad: Int32,
                              _ shuffle: Int32, _ rank: Int64, _ world: Int64, _ verify: Int32,
                              _ errorBuffer: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int) -> OpaquePointer? {
    guard let shards = string(shards), !shards.isEmpty else {
        report("shards: no shard directory given", errorBuffer, errorCapacity)
        return nil
    }
    guard let pipelinePath = string(pipeline), !pipelinePath.isEmpty else {
        report("pipeline: no pipeline file given", errorBuffer, errorCapacity)
        return nil
    }
    let config = LoaderConfig(batchSize: Int(batchSize), workers: Int(workers), prefetch: Int(prefetch), seed: seed,
                              shuffle: shuffle != 0, rank: Int(rank), world: Int(world),
                              policy: pad != 0 ? .pad : .dropLast)
    if let problem = config.problem {
        report("loader configuration: \(problem)", errorBuffer, errorCapacity)
        return nil
    }
    do {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: shards, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(file: shards, "no such shard directory")
        }
        let chosenBenchmark = try string(benchmark).map {
            try DatasetNames.parse($0, as: Benchmark.self, noun: "benchmark", file: shards, field: "benchmark")
        }
        let chosenPart = try string(part).map { try DatasetNames.parse($0, as: Part.self, noun: "part", file: shards, field: "part") }
        let source = try ShardSource.open(directory: URL(fileURLWithPath: shards), benchmark: chosenBenchmark,
                                          part: chosenPart ?? .train, verify: verify != 0)
        let runner = PipelineRunner(try PipelineLoader.load(path: pipelinePath))
        let loader = try StreamingLoader(dataset: source, runner: runner, config: config)
        let object = LoaderHandle(loader: loader, description: LoaderHandle.describe(loader))
        return OpaquePointer(Unmanaged.passRetained(object).toOpaque())
    } catch {
        report("\(error)", errorBuffer, errorCapacity)
        return nil
    }
}

@_cdecl("hiclr_loader_describe")
public func hiclr_loader_describe(_ pointer: OpaquePointer?) -> UnsafePointer<CChar>? {
    handle(pointer).map { UnsafePointer($0.description) }
}

@_cdecl("hiclr_loader_start")
public func hiclr_loader_start(_ pointer: OpaquePointer?, _ epoch: Int64, _ startBatch: Int64,
                               _ errorBuffer: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int) -> Int32 {
    guard let h = handle(pointer) else {
        report("no loader (NULL handle)", errorBuffer, errorCapacity)
        return -1
    }
    guard epoch >= 0, startBatch >= 0 else {
        report("epoch (\(epoch)) and start batch (\(startBatch)) must be at least 0", errorBuffer, errorCapacity)
        return -1
    }
    h.stream?.stop()
    h.stream = h.loader.batches(epoch: Int(epoch), startingAt: Int(startBatch))
    h.epoch = Int(epoch)
    return 0
}

/// The next batch of the started epoch with its ids, labels and masks written into the caller's buffers (the
/// part both `hiclr_loader_next` and `hiclr_loader_next_shared` share); nil after the epoch's last batch. Throws a
/// message for the caller's error buffer.
private func nextBatch(_ pointer: OpaquePointer?, _ sampleIDs: UnsafeMutablePointer<Int64>?,
                       _ labels: UnsafeMutablePointer<Int64>?, _ dataGiven: Bool,
                       _ masks: UnsafePointer<UnsafeMutablePointer<UInt8>?>?, _ capacity: Int64,
                       _ batchIndex: UnsafeMutablePointer<Int64>?) throws(LoaderCallError) -> Batch? {
    guard let h = handle(pointer) else { throw LoaderCallError("no loader (NULL handle)") }
    guard let stream = h.stream else { throw LoaderCallError("no epoch started: call hiclr_loader_start first") }
    let batch: Batch
    do {
        guard let next = try stream.next() else { return nil }
        batch = next
    } catch {
        h.stream = nil
        stream.stop()
        throw LoaderCallError("\(error)")
    }
    let b = batch.count
    guard b <= capacity else {
        throw LoaderCallError("batch of \(b) samples does not fit the buffers (capacity \(capacity))")
    }
    guard let sampleIDs, let labels, dataGiven else { throw LoaderCallError("NULL sample id, label or data buffer") }
    for (i, id) in batch.sampleIDs.enumerated() { sampleIDs[i] = Int64(id) }
    for (i, label) in batch.labels.enumerated() { labels[i] = Int64(label) }
    if let masks {
        for (v, view) in batch.views.enumerated() {
            guard let mask = view.mask, let target = masks[v] else { continue }
            mask.withUnsafeBufferPointer { source in
                UnsafeRawPointer(source.baseAddress!).withMemoryRebound(to: UInt8.self, capacity: source.count) {
                    target.update(from: $0, count: source.count)
                }
            }
        }
    }
    batchIndex?.pointee = Int64(batch.index)
    return batch
}

/// A message for the caller's error buffer.
struct LoaderCallError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

@_cdecl("hiclr_loader_next")
public func hiclr_loader_next(_ pointer: OpaquePointer?, _ sampleIDs: UnsafeMutablePointer<Int64>?,
                              _ labels: UnsafeMutablePointer<Int64>?,
                              _ data: UnsafePointer<UnsafeMutablePointer<Float>?>?,
                              _ masks: UnsafePointer<UnsafeMutablePointer<UInt8>?>?, _ capacity: Int64,
                              _ batchIndex: UnsafeMutablePointer<Int64>?,
                              _ errorBuffer: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int) -> Int64 {
    do throws(LoaderCallError) {
        guard let batch = try nextBatch(pointer, sampleIDs, labels, data != nil, masks, capacity, batchIndex),
              let data else { return 0 }
        var slot = 0
        for view in batch.views {
            for values in view.data {
                guard let target = data[slot] else {
                    throw LoaderCallError("NULL data buffer for view \(view.branch) stream \(slot % max(1, view.data.count))")
                }
                values.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: $0.count) }
                slot += 1
            }
        }
        return Int64(batch.count)
    } catch {
        report(error.message, errorBuffer, errorCapacity)
        return -1
    }
}

@_cdecl("hiclr_loader_next_shared")
public func hiclr_loader_next_shared(_ pointer: OpaquePointer?, _ sampleIDs: UnsafeMutablePointer<Int64>?,
                                     _ labels: UnsafeMutablePointer<Int64>?,
                                     _ data: UnsafeMutablePointer<UnsafePointer<Float>?>?,
                                     _ owners: UnsafeMutablePointer<OpaquePointer?>?,
                                     _ masks: UnsafePointer<UnsafeMutablePointer<UInt8>?>?, _ capacity: Int64,
                                     _ batchIndex: UnsafeMutablePointer<Int64>?,
                                     _ errorBuffer: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int) -> Int64 {
    do throws(LoaderCallError) {
        guard owners != nil else { throw LoaderCallError("NULL owners array") }
        guard let batch = try nextBatch(pointer, sampleIDs, labels, data != nil, masks, capacity, batchIndex),
              let data, let owners else { return 0 }
        var slot = 0
        for view in batch.views {
            for values in view.data {
                data[slot] = values.baseAddress
                owners[slot] = OpaquePointer(Unmanaged.passRetained(values).toOpaque())
                slot += 1
            }
        }
        return Int64(batch.count)
    } catch {
        report(error.message, errorBuffer, errorCapacity)
        return -1
    }
}

@_cdecl("hiclr_buffer_release")
public func hiclr_buffer_release(_ owner: OpaquePointer?) {
    guard let owner else { return }
    Unmanaged<BatchBuffer>.fromOpaque(UnsafeRawPointer(owner)).release()
}

@_cdecl("hiclr_loader_close")
public func hiclr_loader_close(_ pointer: OpaquePointer?) {
    guard let pointer else { return }
    Unmanaged<LoaderHandle>.fromOpaque(UnsafeRawPointer(pointer)).release()
}
