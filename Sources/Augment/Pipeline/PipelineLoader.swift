import Foundation
import ShippedFiles
import SkeletonCore
import YAMLFiles

/// Reads pipeline files. Every problem becomes one `InputError` naming the file, the line and the field path, e.g.
/// `pipelines/x.yaml:14 [branches[2].stages[1].stage]: unknown stage "rotaton" — did you mean "rotation"?`.
public enum PipelineLoader {
    /// Loads the pipeline file at `path` (shown in errors as given).
    public static func load(path: String) throws -> Pipeline {
        try YAMLFile.load(Pipeline.self, path: path, kind: "pipeline")
    }

    /// The file a pipeline reference means: an existing file, or a shipped pipeline by name (`hiclr`, `hiclr.yaml`,
    /// `pipelines/hiclr.yaml`) from any folder; see `ShippedFiles.resolve`.
    public static func locate(_ reference: String) throws -> URL {
        try ShippedFiles.resolve(.pipeline, reference)
    }

    /// Loads the pipeline a reference means (`locate`).
    public static func load(reference: String) throws -> Pipeline {
        try load(path: locate(reference).path)
    }

    /// Loads the pipeline file at `url`.
    public static func load(_ url: URL) throws -> Pipeline {
        try load(path: url.path)
    }

    /// Parses pipeline YAML; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> Pipeline {
        try YAMLFile.decode(Pipeline.self, text: text, file: file, kind: "pipeline")
    }
}
