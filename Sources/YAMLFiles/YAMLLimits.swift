import SkeletonCore
import Yams

/// Bounds on what a YAML file may make the parser and decoder do, so that a hostile file (an alias bomb:
/// ten aliases of ten aliases of … a list) fails at once instead of hanging the tool.
///
/// Two checks: `preflight` reads the text before Yams composes it — it counts aliases, finds aliases (and,
/// when the file has aliases, collections) used as mapping keys, which Yams would hash recursively while
/// composing, and bounds the nesting depth; `checkExpansion` walks the composed tree, aliases expanded, and
/// stops at `maxNodes` nodes or `maxDepth` levels. The project's files use no aliases at all.
public enum YAMLLimits {
    /// Aliases (`*name`) per file.
    public static let maxAliases = 256
    /// Nodes of the document with every alias expanded.
    public static let maxNodes = 100_000
    /// Nesting depth: flow brackets, or block indentation columns plus leading `- ` indicators.
    public static let maxDepth = 256

    /// Text checks before composing. Throws an `InputError` naming `file` and the line.
    public static func preflight(_ text: String, file: String) throws {
        var scanner = Scanner(text: text)
        scanner.run()
        if let (line, problem) = scanner.problem { throw InputError(file: file, line: line, problem) }
        if scanner.aliases > maxAliases {
            throw InputError(file: file, line: scanner.aliasLines[maxAliases],
                             "more than \(maxAliases) aliases (*name); this file is not a config a person wrote")
        }
        if let line = scanner.aliasKeyLines.first {
            throw InputError(file: file, line: line, "an alias (*name) used as a mapping key is not accepted")
        }
        if scanner.aliases > 0, let line = scanner.complexKeyLines.first {
            throw InputError(file: file, line: line,
                             "a list, mapping or explicit '?' key together with aliases is not accepted")
        }
    }

    /// Walks the composed tree (aliases expanded) and throws when it exceeds `maxNodes` or `maxDepth`.
    public static func checkExpansion(_ root: Node, file: String) throws {
        var count = 0
        func walk(_ node: Node, depth: Int) throws {
            count += 1
            if count > maxNodes {
                throw InputError(file: file, line: node.mark?.line,
                                 "more than \(maxNodes) values once aliases are expanded (an alias bomb?)")
            }
            if depth > maxDepth {
                throw InputError(file: file, line: node.mark?.line, "nested more than \(maxDepth) levels deep")
            }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    try walk(key, depth: depth + 1)
                    try walk(value, depth: depth + 1)
                }
            case .sequence(let sequence):
                for element in sequence { try walk(element, depth: depth + 1) }
            default:
                break
            }
        }
        try walk(root, depth: 0)
    }

    /// A lexical pass over YAML text: quoted scalars, comments and block scalars are skipped; aliases, anchors,
    /// keys and nesting are counted. Conservative: it only has to be right about files that use aliases.
    struct Scanner {
        let lines: [[UInt8]]
        var aliases = 0
        var aliasLines: [Int] = []
        var aliasKeyLines: [Int] = []
        var complexKeyLines: [Int] = []
        var problem: (Int, String)?

        init(text: String) {
            var lines: [[UInt8]] = []
            var current: [UInt8] = []
            var previousCR = false
            for byte in text.utf8 {
                if byte == 0x0A {
                    if !previousCR { lines.append(current) }
                    current = []
                    previousCR = false
                } else if byte == 0x0D {
                    lines.append(current)
                    current = []
                    previousCR = true
                } else {
                    current.append(byte)
                    previousCR = false
                }
            }
            lines.append(current)
            self.lines = lines
        }

        static func isAnchorChar(_ c: UInt8) -> Bool {
            !(c == 0x20 || c == 0x09 || c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
              || c == UInt8(ascii: "{") || c == UInt8(ascii: "}") || c == UInt8(ascii: ":"))
        }

        static func isBreakOrEnd(_ line: [UInt8], _ i: Int) -> Bool {
            i >= line.count || line[i] == 0x20 || line[i] == 0x09
        }

        mutating func run() {
            var quote: UInt8? = nil            // inside a quoted scalar that may span lines
            var flowDepth = 0
            var blockScalarIndent: Int? = nil  // inside a literal/folded block scalar started at this indent
            for (index, line) in lines.enumerated() {
                let lineNumber = index + 1
                var indent = 0
                while indent < line.count, line[indent] == 0x20 { indent += 1 }
                if let parent = blockScalarIndent {
                    if indent == line.count || indent > parent { continue }
                    blockScalarIndent = nil
                }
                var i = quote == nil ? indent : 0
                var atBoundary = true
                var indicators = 0
                var leading = quote == nil
                var lastSignificant: UInt8 = 0
                while i < line.count {
                    let c = line[i]
                    if let q = quote {
                        if q == UInt8(ascii: "'") {
                            if c == q {
                                if i + 1 < line.count, line[i + 1] == q { i += 2; continue }
                                quote = nil
                                lastSignificant = c
                            }
                        } else if c == UInt8(ascii: "\\") {
                            i += 2
                            continue
                        } else if c == q {
                            quote = nil
                            lastSignificant = c
                        }
                        i += 1
                        atBoundary = false
                        continue
                    }
                    if c == 0x20 || c == 0x09 {
                        atBoundary = true
                        i += 1
                        continue
                    }
                    if c == UInt8(ascii: "#") && atBoundary { break }
                    if leading && (c == UInt8(ascii: "-") || c == UInt8(ascii: "?") || c == UInt8(ascii: ":"))
                        && Self.isBreakOrEnd(line, i + 1) {
                        indicators += 1
                        if c == UInt8(ascii: "?") { complexKeyLines.append(lineNumber) }
                        i += 1
                        atBoundary = true
                        continue
                    }
                    leading = false
                    let boundary = atBoundary || [UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")]
                        .contains(lastSignificant)
                    if boundary && (c == UInt8(ascii: "'") || c == UInt8(ascii: "\"")) {
                        quote = c
                        i += 1
                        atBoundary = false
                        continue
                    }
                    if boundary && c == UInt8(ascii: "?") && Self.isBreakOrEnd(line, i + 1) {
                        complexKeyLines.append(lineNumber)
                    }
                    if boundary && c == UInt8(ascii: "*") && i + 1 < line.count && Self.isAnchorChar(line[i + 1]) {
                        aliases += 1
                        aliasLines.append(lineNumber)
                        var j = i + 1
                        while j < line.count, Self.isAnchorChar(line[j]) { j += 1 }
                        var k = j
                        while k < line.count, line[k] == 0x20 || line[k] == 0x09 { k += 1 }
                        if k < line.count, line[k] == UInt8(ascii: ":"),
                           k + 1 >= line.count || [0x20, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"),
                                                   UInt8(ascii: "}")].contains(line[k + 1]) {
                            aliasKeyLines.append(lineNumber)
                        }
                        lastSignificant = UInt8(ascii: "a")
                        i = j
                        atBoundary = false
                        continue
                    }
                    if boundary && (c == UInt8(ascii: "[") || c == UInt8(ascii: "{")) {
                        flowDepth += 1
                        if flowDepth > YAMLLimits.maxDepth {
                            problem = problem ?? (lineNumber, "nested more than \(YAMLLimits.maxDepth) levels deep")
                            return
                        }
                    } else if flowDepth > 0 && (c == UInt8(ascii: "]") || c == UInt8(ascii: "}")) {
                        flowDepth -= 1
                        var k = i + 1
                        while k < line.count, line[k] == 0x20 || line[k] == 0x09 { k += 1 }
                        if k < line.count, line[k] == UInt8(ascii: ":"), Self.isBreakOrEnd(line, k + 1) {
                            complexKeyLines.append(lineNumber)
                        }
                    }
                    lastSignificant = c
                    atBoundary = false
                    i += 1
                }
                if indent + indicators > YAMLLimits.maxDepth {
                    problem = problem ?? (lineNumber, "nested more than \(YAMLLimits.maxDepth) levels deep")
                    return
                }
                // A line ending in a block scalar indicator (| or >, with optional -+ and digits) starts one.
                if quote == nil, flowDepth == 0 {
                    var end = line.count
                    // Strip a trailing comment.
                    if let hash = Self.commentStart(line) { end = hash }
                    while end > 0, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
                    var k = end
                    while k > 0, [UInt8(ascii: "-"), UInt8(ascii: "+")].contains(line[k - 1])
                        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[k - 1]) { k -= 1 }
                    if k > 0, line[k - 1] == UInt8(ascii: "|") || line[k - 1] == UInt8(ascii: ">"),
                       k == 1 || line[k - 2] == 0x20 || line[k - 2] == 0x09 {
                        blockScalarIndent = indent
                    }
                }
            }
        }

        /// Start of a `#` comment outside quotes, if any (approximate: used only for block scalar detection).
        static func commentStart(_ line: [UInt8]) -> Int? {
            var quote: UInt8? = nil
            for (i, c) in line.enumerated() {
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                    if i == 0 || line[i - 1] == 0x20 || line[i - 1] == 0x09 { quote = c }
                } else if c == UInt8(ascii: "#"), i == 0 || line[i - 1] == 0x20 || line[i - 1] == 0x09 {
                    return i
                }
            }
            return nil
        }
    }
}
