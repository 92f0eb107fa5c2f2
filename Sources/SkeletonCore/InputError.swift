/// A problem with an input file: names the file and, where known, the line (1-based) or field path.
/// `description` is one line, meant to be shown to a user as it is: control characters and invisible marks
/// echoed from a file or a path are escaped (`Printable.escaped`).
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let field { place += " [\(field)]" }
        return Printable.escaped(place) + ": " + Printable.escaped(message)
    }
}
