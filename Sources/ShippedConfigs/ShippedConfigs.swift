import Foundation

/// The repository's configs/*.yaml as a resource bundle. `configs` in this folder is a symbolic link to the
/// repository's configs/ folder, so those files stay the only copy; SwiftPM's `.process` rule follows the link
/// and copies each file into the bundle (flat: configs/ has no sub-folders). Looked up by `ShippedFiles`.
public enum ShippedConfigs {
    public static var bundle: Bundle { .module }
}
