import Foundation

/// Builds NTU `.skeleton` text for tests: `frames[f]` lists the bodies of frame f as (bodyID, base value);
/// joint v of a body gets x = base + v, y = base + 0.5·v, z = 3 + 0.01·v.
func ntuText(_ frames: [[(UInt64, Float)]], jointCount: Int = 25) -> String {
    var lines = ["\(frames.count)"]
    for bodies in frames {
        lines.append("\(bodies.count)")
        for (id, base) in bodies {
            lines.append("\(id) 0 1 2 1 2 0 0.01 -0.02 2")
            lines.append("\(jointCount)")
            for v in 0..<jointCount {
                let x = base + Float(v), y = base + 0.5 * Float(v), z = 3 + 0.01 * Float(v)
                lines.append("\(x) \(y) \(z) 250.5 200.25 900.1 500.2 0.1 0.2 0.3 0.4 2")
            }
        }
    }
    return lines.joined(separator: "\r\n") + "\r\n"
}
