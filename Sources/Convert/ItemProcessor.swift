import Foundation
import Preprocess
import RawData
import Shards
import SkeletonCore

/// What one raw file turns into: samples ready for shards, and rejections with reasons.
struct ItemOutput: Sendable {
    struct Sample: Sendable {
        var parts: [Benchmark: Part]
        /// Clean-mode decisions for the report.
        var decisions: [String: Int]
        /// The sample compressed as the shards store it (done here, on the worker thread, once for every
        /// benchmark part the sample goes to).
        var encoded: EncodedShardSample
    }
    var samples: [Sample] = []
    /// `(one-line message naming the file, reason code)`
    var rejections: [(String, String)] = []
    var bytesRead = 0
}

/// Reads and preprocesses one work item. Pure: safe to call from many threads at once.
struct ItemProcessor: Sendable {
    let dataset: DatasetKind
    let preprocessor: Preprocessor
    let maxCoordinate: Float
    let keepRaw: Bool
    let deflateLevel: Int

    init(dataset: DatasetKind, mode: PreprocessMode, keepRaw: Bool = false,
         maxCoordinate: Float = CoordinateBound.defaultMetres, deflateLevel: Int = ShardFormat.defaultDeflateLevel) {
        self.dataset = dataset
        self.deflateLevel = deflateLevel
        self.keepRaw = keepRaw
        self.maxCoordinate = maxCoordinate
        self.preprocessor = Preprocessor(mode: mode, trim: dataset.isNTU ? .first : .centred)
    }

    func process(_ item: RawWorkItem) -> ItemOutput {
        var out = ItemOutput()
        switch item.source {
        case .ntu(let url, let name):
            out.bytesRead = fileSize(url)
            do {
                let seq = try NTUSkeletonReader.read(url, maxCoordinate: maxCoordinate)
                let (data, denoised) = try preprocessor.processWithBodies(seq)
                out.samples.append(try sample(name.description, name.label, item.parts, data, seq, denoised))
            } catch let e as InputError {
                out.rejections.append((e.description, "bad_file"))
            } catch let e as PreprocessError {
                out.rejections.append(("\(url.path): \(e.reason)", e.code))
            } catch {
                out.rejections.append(("\(url.path): \(error)", "error"))
            }
        case .sequence(let name, let label, let seq):
            guard let seq else {
                out.rejections.append(("\(name): sequence not loaded", "error"))
                return out
            }
            do {
                let (data, given) = try preprocessor.processGiven(seq)
                out.samples.append(try sample(name, label, item.parts, data, seq, given))
            } catch let e as PreprocessError {
                out.rejections.append(("\(name): \(e.reason)", e.code))
            } catch {
                out.rejections.append(("\(name): \(error)", "error"))
            }
        case .pku(let skeletonURL, let labelURL, let video):
            out.bytesRead = fileSize(skeletonURL) + fileSize(labelURL)
            let seq: RawSequence
            let instances: [PKUReader.Instance]
            do {
                seq = try PKUReader.readSkeleton(skeletonURL, maxCoordinate: maxCoordinate)
                instances = try PKUReader.readLabels(labelURL, classCount: dataset.classCount)
            } catch let e as InputError {
                out.rejections.append((e.description, "bad_file"))
                return out
            } catch {
                out.rejections.append(("\(skeletonURL.path): \(error)", "error"))
                return out
            }
            if instances.isEmpty {
                out.rejections.append(("\(labelURL.path): the label file lists no action, so video \(video) gives no sample",
                                       "empty_label_file"))
            }
            for instance in instances {
                let place = "\(labelURL.path):\(instance.line)"
                guard instance.end <= seq.frameCount else {
                    out.rejections.append(("\(place): frames \(instance.start)...\(instance.end) exceed the \(seq.frameCount) frames of \(skeletonURL.lastPathComponent)", "label_out_of_range"))
                    continue
                }
                do {
                    let clip = seq.slice(frames: (instance.start - 1)..<instance.end)
                    let (data, denoised) = try preprocessor.processWithBodies(clip)
                    let name = video + "_" + String(format: "%03d", instance.line)
                    out.samples.append(try sample(name, instance.label, item.parts, data, clip, denoised))
                } catch let e as PreprocessError {
                    out.rejections.append(("\(place): \(e.reason)", e.code))
                } catch {
                    out.rejections.append(("\(place): \(error)", "error"))
                }
            }
        }
        return out
    }

    /// `denoised`: clean mode's PYSKL keypoints, which its raw frames hold instead of the reference reader's
    /// bodies (docs/shard-format.md; the manifest's `raw_body_choice` says which).
    private func sample(_ name: String, _ label: Int, _ parts: [Benchmark: Part],
                        _ data: PreprocessedSample, _ seq: RawSequence,
                        _ denoised: DenoisedBodies?) throws -> ItemOutput.Sample {
        var raw: RawFrames?
        if keepRaw {
            if let denoised {
                raw = RawFrames(frames: denoised.clip.frames, values: denoised.frameMajorValues, bodies: denoised.bodies)
            } else {
                raw = Self.rawFrames(seq)
            }
        }
        let stored = ShardSample(name: name, label: label, length: data.length, bodies: data.bodies,
                                 joint: data.joint, bone: data.bone, motion: data.motion, raw: raw)
        return .init(parts: parts, decisions: data.decisions, encoded: try EncodedShardSample(stored, deflateLevel: deflateLevel))
    }

    /// Every frame of `seq` with its first two bodies in file order (zeros where absent), as the reference
    /// reader selects them (HiCLR tools/utils/ntu_read_skeleton.py, read_xyz: `m < max_body`), in the
    /// (frame, xyz, joint, body) order of the shards' `raw` dataset.
    static func rawFrames(_ seq: RawSequence) -> RawFrames {
        let frames = seq.frameCount
        let joints = SkeletonLayout.joints, bodies = SkeletonLayout.bodies
        var values = [Float](repeating: 0, count: frames * ShardFormat.rawFrameElements)
        values.withUnsafeMutableBufferPointer { out in
            seq.positions.withUnsafeBufferPointer { positions in
                for t in 0..<frames {
                    let row = t * ShardFormat.rawFrameElements
                    for (m, b) in seq.bodies(inFrame: t).prefix(bodies).enumerated() {
                        for v in 0..<joints {
                            let p = (b * joints + v) * 3
                            for c in 0..<3 { out[row + (c * joints + v) * bodies + m] = positions[p + c] }
                        }
                    }
                }
            }
        }
        return RawFrames(frames: frames, values: values)
    }

    private func fileSize(_ url: URL) -> Int {
        // Follow symlinks: the size of the file read, not of the link.
        ((try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path))?[.size] as? Int) ?? 0
    }
}
