import ArgumentParser
import Bench

/// Runs a benchmark, reporting its input errors (`BenchError`) as argument errors, as the commands always have.
func benchValidation<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as BenchError {
        throw ValidationError(error.description)
    }
}
