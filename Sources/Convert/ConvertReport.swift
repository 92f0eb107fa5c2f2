import Foundation

/// What a conversion did: counts per part, what it skipped and rejected (each with a one-line reason),
/// clean-mode decisions, and speed.
public struct ConvertReport: Codable, Sendable {
    /// Raw files read (NTU samples, PKU-MMD videos).
    public var filesRead = 0
    /// Samples produced by preprocessing (before being split into parts).
    public var samples = 0
    /// Samples written per `benchmark/part`.
    public var written: [String: Int] = [:]
    /// Samples skipped because the missing-skeleton list names them.
    public var skippedMissing = 0
    /// PKU-MMD videos in neither list of a benchmark's split file, per benchmark: they went to its test part.
    public var videosNotInSplit: [String: Int] = [:]
    /// One line per rejected file or sample: `file[:line]: reason`.
    public var rejected: [String] = []
    /// Rejections counted by reason code.
    public var rejectedByReason: [String: Int] = [:]
    /// Clean-mode decisions summed over samples.
    public var decisions: [String: Int] = [:]
    public var seconds: Double = 0
    public var bytesRead = 0
    public var bytesWritten = 0

    public init() {}

    public var samplesPerSecond: Double { seconds > 0 ? Double(samples) / seconds : 0 }

    mutating func reject(_ line: String, code: String) {
        rejected.append(line)
        rejectedByReason[code, default: 0] += 1
    }

    /// Flat counters for the manifest's `report` field.
    public var counters: [String: Int] {
        var c: [String: Int] = ["files_read": filesRead, "samples": samples, "skipped_missing": skippedMissing,
                                "rejected": rejected.count]
        for (k, v) in written { c["written." + k] = v }
        for (k, v) in rejectedByReason { c["rejected." + k] = v }
        for (k, v) in decisions { c["clean." + k] = v }
        for (k, v) in videosNotInSplit { c["videos_not_in_split." + k] = v }
        return c
    }
}
