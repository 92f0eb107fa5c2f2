/// Why training cannot go on.
public enum TrainError: Error, CustomStringConvertible {
    case pipeline(String)
    case checkpoint(String)
    case data(String)
    /// The run cannot start as asked (run folder, epochs, memory).
    case configuration(String)

    public var description: String {
        switch self {
        case .pipeline(let m): return "pipeline: \(m)"
        case .checkpoint(let m): return "checkpoint: \(m)"
        case .data(let m): return "data: \(m)"
        case .configuration(let m): return m
        }
    }
}
