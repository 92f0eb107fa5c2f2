import Foundation

/// A one-line progress bar on stderr with rate and ETA, redrawn at most ten times a second. When stderr is
/// not a terminal it prints a plain line every few seconds instead, so logs stay readable.
final class ProgressBar {
    let label: String
    let total: Int
    let unit: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let interactive = isatty(2) != 0
    private var finished = false

    init(label: String, total: Int, unit: String) {
        self.label = label
        self.total = max(total, 0)
        self.unit = unit
    }

    /// Reports `done` units so far; `extra` is appended (e.g. samples written).
    func update(_ done: Int, extra: String = "") {
        let now = Date()
        let interval = interactive ? 0.1 : 5.0
        guard done >= total || now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 28
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let text = String(format: "%@ [%@] %d/%d %@ %5.1f%%  %.0f %@/s  ETA %@%@", label, bar, done, total, unit,
                          fraction * 100, rate, unit, Self.clock(eta), extra.isEmpty ? "" : "  " + extra)
        FileHandle.standardError.write(((interactive ? "\r\u{1B}[K" : "") + text + (interactive ? "" : "\n")).data(using: .utf8)!)
    }

    /// Ends the bar's line.
    func finish() {
        guard !finished else { return }
        finished = true
        if interactive { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
