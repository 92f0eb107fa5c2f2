import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Named points where the fault-injection tests kill the process (`kill -9` of itself), to check recovery
/// from an interruption at the worst moments (between the renames of a swap, between a log line and its
/// checkpoint). Armed only by the environment variable `HICLR_FAULT_POINT=<name>` of a child process the tests
/// start; otherwise `reached` does nothing.
public enum FaultPoint {
    static let armed: String? = ProcessInfo.processInfo.environment["HICLR_FAULT_POINT"]

    @inline(__always)
    public static func reached(_ name: String) {
        guard let armed, armed == name else { return }
        kill(getpid(), SIGKILL)
    }
}
