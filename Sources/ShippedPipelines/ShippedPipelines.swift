import Foundation

/// The repository's pipelines/*.yaml as a resource bundle. `pipelines` in this folder is a symbolic link to the
/// repository's pipelines/ folder, so those files stay the only copy; SwiftPM's `.process` rule follows the link
/// and copies each file into the bundle (flat: pipelines/ has no sub-folders). Looked up by `ShippedFiles`.
public enum ShippedPipelines {
    public static var bundle: Bundle { .module }
}
