import ArgumentParser
import ShippedFiles

/// Help text for options that take a pipeline or a config: a path, or the name of a shipped one.
func shippedHelp(_ kind: ShippedFiles.Kind, _ lead: String) -> ArgumentHelp {
    ArgumentHelp("\(lead): a file, or the name of a shipped \(kind.rawValue) (\(ShippedFiles.names(kind).joined(separator: ", "))).")
}
