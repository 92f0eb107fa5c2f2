import YAMLFiles
import SkeletonCore

// Codable for the pipeline types: strict decoding (unknown keys, ranges, references) and an encoding that
// decodes back to the same pipeline.

extension Pipeline: Codable {
    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["name", "description", "streams", "branches"])
        name = try f.string("name")
        guard !name.isEmpty else { throw f.error("name", "must not be empty") }
        description = try f.optionalString("description") ?? ""
        streams = try f.container.decodeIfPresent(StreamSettings.self, forKey: AnyKey("streams")) ?? StreamSettings()
        guard f.has("branches") else {
            throw FieldError(codingPath: f.codingPath, "missing required key \"branches\"")
        }
        let raw = try f.container.decode([RawBranch].self, forKey: AnyKey("branches"))
        guard !raw.isEmpty else { throw f.error("branches", "needs at least one branch") }
        branches = try Self.resolve(raw, at: f.codingPath + [AnyKey("branches")])
    }

    /// Resolves `extends` (which must name a branch defined above) and checks names and stage order.
    static func resolve(_ raw: [RawBranch], at path: [CodingKey]) throws -> [PipelineBranch] {
        var resolved: [PipelineBranch] = []
        for (i, branch) in raw.enumerated() {
            let here = path + [AnyKey(intValue: i)!]
            if resolved.contains(where: { $0.name == branch.name }) {
                throw FieldError(codingPath: here + [AnyKey("name")], "duplicate branch name \"\(branch.name)\"")
            }
            var inherited: [AnyStage] = []
            if let parent = branch.extends {
                guard let base = resolved.first(where: { $0.name == parent }) else {
                    let above = resolved.map(\.name)
                    var message = "extends \"\(parent)\", but no branch of that name is defined above"
                    if let near = EditDistance.closest(to: parent, among: above) {
                        message += " — did you mean \"\(near)\"?"
                    } else if !above.isEmpty {
                        message += " (defined above: \(above.joined(separator: ", ")))"
                    }
                    throw FieldError(codingPath: here + [AnyKey("extends")], message)
                }
                inherited = base.stages
            }
            let stages = inherited + branch.stages
            // A joint mask records joint positions per frame: stages that move frames or joints after it would
            // make the recorded mask wrong.
            if let mask = stages.firstIndex(where: \.producesJointMask),
               let mover = stages[(mask + 1)...].firstIndex(where: \.movesFramesOrJoints) {
                let field: [CodingKey] = mover >= inherited.count
                    ? here + [AnyKey("stages"), AnyKey(intValue: mover - inherited.count)!, AnyKey("stage")]
                    : here + [AnyKey("extends")]
                throw FieldError(codingPath: field,
                    "\(stages[mover].name) comes after \(stages[mask].name); put \(stages[mask].name) after every stage that moves frames or joints")
            }
            resolved.append(PipelineBranch(name: branch.name, stages: stages, extends: branch.extends,
                                           inheritedCount: inherited.count))
        }
        return resolved
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(name, forKey: AnyKey("name"))
        try c.encode(description, forKey: AnyKey("description"))
        try c.encode(streams, forKey: AnyKey("streams"))
        try c.encode(branches, forKey: AnyKey("branches"))
    }
}

/// A branch as written in the file, before `extends` is resolved.
struct RawBranch: Decodable {
    var name: String
    var extends: String?
    var stages: [AnyStage]

    init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["name", "extends", "stages"])
        name = try f.string("name")
        guard name.range(of: "^[A-Za-z0-9_-]+$", options: .regularExpression) != nil else {
            throw f.error("name", "\"\(name)\" must be letters, digits, '_' or '-'")
        }
        extends = try f.optionalString("extends")
        guard extends != nil || f.has("stages") else {
            throw FieldError(codingPath: f.codingPath, "a branch needs \"stages\", \"extends\" or both")
        }
        stages = try f.container.decodeIfPresent([AnyStage].self, forKey: AnyKey("stages")) ?? []
    }
}

extension PipelineBranch: Codable {
    public init(from decoder: Decoder) throws {
        let raw = try RawBranch(from: decoder)
        guard raw.extends == nil else {
            throw FieldError(codingPath: decoder.codingPath + [AnyKey("extends")],
                                     "a lone branch cannot extend another; decode the whole pipeline")
        }
        self.init(name: raw.name, stages: raw.stages)
    }

    /// Writes `extends` and the branch's own stages when it extends another, so the file decodes back the same.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(name, forKey: AnyKey("name"))
        if let extends { try c.encode(extends, forKey: AnyKey("extends")) }
        try c.encode(Array(stages[inheritedCount...]), forKey: AnyKey("stages"))
    }
}

extension StreamSettings: Codable {
    public init(from decoder: Decoder) throws {
        let f = try StrictFields(decoder, allowed: ["names", "derive"])
        var names: [SkeletonStream] = []
        if f.has("names") {
            let raw = try f.container.decode([String].self, forKey: AnyKey("names"))
            let known = SkeletonStream.allCases.map(\.rawValue)
            for (i, name) in raw.enumerated() {
                let here = f.codingPath + [AnyKey("names"), AnyKey(intValue: i)!]
                guard let stream = SkeletonStream(rawValue: name) else {
                    var message = "unknown stream \"\(name)\""
                    if let near = EditDistance.closest(to: name, among: known) { message += " — did you mean \"\(near)\"?" }
                    else { message += " (known: \(known.joined(separator: ", ")))" }
                    throw FieldError(codingPath: here, message)
                }
                guard !names.contains(stream) else { throw FieldError(codingPath: here, "\"\(name)\" is listed twice") }
                names.append(stream)
            }
            guard !names.isEmpty else { throw f.error("names", "needs at least one stream") }
        } else {
            names = [.joint]
        }
        var derive = StreamDerivation.afterAugmentation
        if let raw = try f.optionalString("derive") {
            guard let value = StreamDerivation(rawValue: raw) else {
                let known = StreamDerivation.allCases.map(\.rawValue)
                var message = "unknown derive \"\(raw)\""
                if let near = EditDistance.closest(to: raw, among: known) { message += " — did you mean \"\(near)\"?" }
                else { message += " (known: \(known.joined(separator: ", ")))" }
                throw f.error("derive", message)
            }
            derive = value
        }
        self.init(names: names, derive: derive)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(names.map(\.rawValue), forKey: AnyKey("names"))
        try c.encode(derive.rawValue, forKey: AnyKey("derive"))
    }
}
