import SkeletonCore

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
