/// The raw datasets the converter reads.
public enum DatasetKind: String, CaseIterable, Codable, Sendable {
    case ntu60, ntu120, pku1, pku2

    /// Benchmarks defined for the dataset, in the order they are written.
    public var benchmarks: [Benchmark] {
        switch self {
        case .ntu60: return [.xsub, .xview]
        case .ntu120: return [.xsub, .xset]
        case .pku1, .pku2: return [.xsub, .xview]
        }
    }

    /// Number of action classes.
    public var classCount: Int {
        switch self {
        case .ntu60: return 60
        case .ntu120: return 120
        case .pku1: return 51
        case .pku2: return 41
        }
    }

    public var isNTU: Bool { self == .ntu60 || self == .ntu120 }
}

/// An evaluation benchmark (train/test split rule).
public enum Benchmark: String, CaseIterable, Codable, Sendable {
    case xsub, xview, xset
}

/// Which side of a benchmark a sample belongs to.
public enum Part: String, CaseIterable, Codable, Sendable {
    case train, val
}

/// The NTU split rules (docs/raw-formats.md, "Benchmarks").
public enum NTUSplits {
    public static let ntu60TrainingPerformers: Set<Int> = [
        1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38,
    ]
    public static let ntu120TrainingPerformers: Set<Int> = ntu60TrainingPerformers.union([
        45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85, 86, 89, 91, 92,
        93, 94, 95, 97, 98, 100, 103,
    ])
    public static let xviewTrainingCameras: Set<Int> = [2, 3]

    /// The part of `name` under `benchmark` for `dataset`, or nil when the benchmark does not apply.
    public static func part(of name: NTUSampleName, benchmark: Benchmark, dataset: DatasetKind) -> Part? {
        switch (dataset, benchmark) {
        case (.ntu60, .xsub):
            return ntu60TrainingPerformers.contains(name.performer) ? .train : .val
        case (.ntu60, .xview):
            return xviewTrainingCameras.contains(name.camera) ? .train : .val
        case (.ntu120, .xsub):
            return ntu120TrainingPerformers.contains(name.performer) ? .train : .val
        case (.ntu120, .xset):
            return name.setup % 2 == 0 ? .train : .val
        default:
            return nil
        }
    }

    /// True when the sample belongs to `dataset` (NTU60 is setups 1–17 and actions 1–60).
    public static func belongs(_ name: NTUSampleName, to dataset: DatasetKind) -> Bool {
        switch dataset {
        case .ntu60: return name.setup <= 17 && name.action <= 60 && name.performer <= 40
        case .ntu120: return name.setup <= 32 && name.action <= 120 && name.performer <= 106
        default: return false
        }
    }
}
