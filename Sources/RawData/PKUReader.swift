import Foundation
import SkeletonCore

/// Reads PKU-MMD phase 1/2 files (data-formats.md): skeleton files with one frame of 150 floats per line
/// (body 1 then body 2, 25 joints × xyz each), and label files with `label,start,end,confidence` lines.
public enum PKUReader {
    /// One labelled action instance of a video.
    public struct Instance: Equatable, Sendable {
        /// 0-based class label (`label − 1`).
        public var label: Int
        /// 1-based inclusive frame range as written in the file.
        public var start: Int
        public var end: Int
        public var confidence: Int
        /// 1-based line number in the label file.
        public var line: Int
    }

    /// Reads a skeleton file: every frame gets two bodies with IDs 0 and 1 (an absent body is all zeros).
    public static func readSkeleton(_ url: URL) throws -> RawSequence {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError(file: url.path, "cannot read file: \(error.localizedDescription)")
        }
        return try data.withUnsafeBytes { raw in
            try parseSkeleton(raw.bindMemory(to: UInt8.self), file: url.path)
        }
    }

    public static func parseSkeleton(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws -> RawSequence {
        var s = ByteScanner(bytes: bytes, file: file)
        if s.atEnd() { throw InputError(file: file, "file is empty") }
        var seq = RawSequence()
        seq.reserve(frames: bytes.count / 900, bodies: bytes.count / 450)
        var xyz = [Float](repeating: 0, count: 150)
        try xyz.withUnsafeMutableBufferPointer { values in
            while !s.atEnd() {
                for k in 0..<150 {
                    values[k] = try s.readFloat("value \(k + 1) of 150")
                }
                try s.endLine(expecting: "150 values")
                seq.appendBody(id: 0, xyz: UnsafeBufferPointer(rebasing: values[0..<75]))
                seq.appendBody(id: 1, xyz: UnsafeBufferPointer(rebasing: values[75..<150]))
                seq.endFrame()
            }
        }
        return seq
    }

    /// Reads a label file. Malformed lines are errors naming the line; `classCount` bounds the label.
    public static func readLabels(_ url: URL, classCount: Int) throws -> [Instance] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError(file: url.path, "cannot read label file: \(error.localizedDescription)")
        }
        return try data.withUnsafeBytes { raw in
            var s = ByteScanner(bytes: raw.bindMemory(to: UInt8.self), file: url.path)
            var out: [Instance] = []
            while !s.atEnd() {
                let line = s.line
                let label = try s.readInt("label")
                try s.expect(0x2C, "',' after the label")
                let start = try s.readInt("start frame")
                try s.expect(0x2C, "',' after the start frame")
                let end = try s.readInt("end frame")
                try s.expect(0x2C, "',' after the end frame")
                let confidence = try s.readInt("confidence")
                try s.endLine(expecting: "label,start,end,confidence")
                guard (1...classCount).contains(label) else {
                    throw InputError(file: url.path, line: line, "label \(label) is not in 1...\(classCount)")
                }
                guard start >= 1, end >= start else {
                    throw InputError(file: url.path, line: line, "frame range \(start)...\(end) is empty or not 1-based")
                }
                out.append(Instance(label: label - 1, start: start, end: end, confidence: confidence, line: line))
            }
            return out
        }
    }
}

/// PKU-MMD split files (phase 1 `cross-subject.txt`, `cross-view.txt`; phase 2 `cross_subject_v2.txt`,
/// `cross_view_v2.txt`): line 1 a title, line 2 the training video ids separated by commas, line 3 a title, line 4
/// the test ids. Whitespace and empty items are ignored.
///
/// Only the training list decides: a video that is not in it belongs to the test part, listed there or not, as the
/// reference does (JHang2020/HiCLR tools/pku_part1_gendata.py:81-86 and tools/pku_part2_gendata.py:88-93:
/// `istraining = name in training_set`, and the `val` part takes `not istraining`).
public struct PKUSplit: Equatable, Sendable {
    public var train: Set<String>
    public var val: Set<String>

    public init(train: Set<String>, val: Set<String>) {
        self.train = train
        self.val = val
    }

    public static func read(_ url: URL) throws -> PKUSplit {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw InputError(file: url.path, "cannot read split file: \(error.localizedDescription)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard lines.count >= 4 else {
            throw InputError(file: url.path, line: lines.count, "expected 4 lines (title, training ids, title, test ids)")
        }
        func ids(_ line: String) -> Set<String> {
            Set(line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        let split = PKUSplit(train: ids(lines[1]), val: ids(lines[3]))
        if split.train.isEmpty { throw InputError(file: url.path, line: 2, "no training video ids") }
        if split.val.isEmpty { throw InputError(file: url.path, line: 4, "no test video ids") }
        if let both = split.train.intersection(split.val).sorted().first {
            throw InputError(file: url.path, line: 4, "video \(both) is listed both for training and for testing")
        }
        return split
    }

    /// `.train` for a video in the training list, `.val` for every other video (the reference's rule).
    public func part(of video: String) -> Part {
        train.contains(video) ? .train : .val
    }

    /// True when the video is in neither list (it still goes to the test part).
    public func isUnlisted(_ video: String) -> Bool {
        !train.contains(video) && !val.contains(video)
    }

    /// The split file names the reference reads for each benchmark, in the order they are tried
    /// (tools/pku_part1_gendata.py:40-43, tools/pku_part2_gendata.py:41-44); the phase-1 names are accepted
    /// for phase 2 as well.
    public static func fileNames(for benchmark: Benchmark, phase2: Bool) -> [String] {
        let phase1 = benchmark == .xview ? "cross-view.txt" : "cross-subject.txt"
        guard phase2 else { return [phase1] }
        return [benchmark == .xview ? "cross_view_v2.txt" : "cross_subject_v2.txt", phase1]
    }
}
