import Foundation

/// Rewrites the text of an NTU `.skeleton` file to a given frame count by repeating its frame blocks in order
/// (or keeping the first ones), so that `bench convert` can run on clips of a representative length (real NTU
/// clips are about 100 frames; the fixtures have 20). The frame lines are copied byte for byte; only the
/// header line (the frame count) is new, and it keeps the file's line ending.
public enum NTUFrameTiling {
    /// One file's frame blocks, as byte ranges of its text.
    public struct Frames: Sendable {
        public var header: Range<Int>
        /// The line ending of the header line ("\n" or "\r\n").
        public var lineEnding: [UInt8]
        public var frames: [Range<Int>]
        /// The largest body count of any frame.
        public var maxBodies: Int
    }

    /// Splits `text` into its frame blocks; nil when the text is not a well-formed NTU file (the bench then
    /// leaves it out: the converter's error paths are not what it measures).
    public static func frames(of text: [UInt8]) -> Frames? {
        var lines: [Range<Int>] = []
        var start = 0
        for (i, b) in text.enumerated() where b == 0x0A {
            lines.append(start..<(i + 1))
            start = i + 1
        }
        if start < text.count { lines.append(start..<text.count) }
        func integer(_ line: Range<Int>) -> Int? {
            Int(String(decoding: text[line], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let headerLine = lines.first, let count = integer(headerLine), count >= 0 else { return nil }
        var frames: [Range<Int>] = []
        var maxBodies = 0
        var k = 1
        for _ in 0..<count {
            guard k < lines.count, let bodies = integer(lines[k]), bodies >= 0 else { return nil }
            let end = k + 1 + bodies * 27
            guard end <= lines.count else { return nil }
            frames.append(lines[k].lowerBound..<lines[end - 1].upperBound)
            maxBodies = max(maxBodies, bodies)
            k = end
        }
        let ending: [UInt8] = text[headerLine].suffix(2) == [0x0D, 0x0A] ? [0x0D, 0x0A] : [0x0A]
        return Frames(header: headerLine, lineEnding: ending, frames: frames, maxBodies: maxBodies)
    }

    /// The text of a file with `count` frames: the frames of `text` (described by `frames`) repeated in order.
    public static func tiled(_ text: [UInt8], _ frames: Frames, to count: Int) -> [UInt8] {
        var out = Array("\(count)".utf8) + frames.lineEnding
        guard !frames.frames.isEmpty else { return out }
        out.reserveCapacity(out.count + frames.frames.reduce(0) { $0 + $1.count } * count / frames.frames.count + 64)
        for t in 0..<count {
            let block = frames.frames[t % frames.frames.count]
            out.append(contentsOf: text[block])
            // A last frame without a final newline gets one before the next block.
            if block.upperBound == text.count, text.last != 0x0A, t + 1 < count { out += frames.lineEnding }
        }
        return out
    }
}
